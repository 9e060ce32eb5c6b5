"""Logos (issue 16): PNG, JPEG or WebP decoded by Pillow; SVG through a real parser and an
allowlist. Every known spelling of a script in an SVG is refused."""

import io

import pytest
from PIL import Image

from onboarding.creation.logos import LogoRefused, check_logo
from tests.images import JPEG, PNG, WEBP

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
SVG += 'viewBox="0 0 10 10">{}</svg>'
REFUSED = "Ce SVG contient un script, un lien actif ou un élément non autorisé."


def svg(body: str) -> bytes:
    return SVG.format(body).encode()


ATTACKS = {
    "script": svg("<script>alert(1)</script>"),
    "namespaced-script": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg">'
    b"<s:script>alert(1)</s:script></svg>",
    "prefixed-root-script": b'<s:svg xmlns:s="http://www.w3.org/2000/svg">'
    b"<s:script>alert(1)</s:script></s:svg>",
    "xhtml-script": svg('<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>'),
    "script-cdata": svg("<script><![CDATA[alert(1)]]></script>"),
    "entity-encoded-javascript": svg('<a href="&#106;avascript:alert(1)"><rect/></a>'),
    "use-entity-encoded-javascript": svg('<use href="&#106;avascript:alert(1)"/>'),
    "xlink-href-javascript": svg('<use xlink:href="javascript:alert(1)"/>'),
    "xlink-href-spaced": svg('<use xlink:href=" java&#9;script:alert(1)"/>'),
    "use-data-url": svg('<use href="data:image/svg+xml;base64,PHN2Zy8+#x"/>'),
    "use-external": svg('<use href="https://evil.example/x.svg#a"/>'),
    "set-href": svg(
        '<a href="#x"><set attributeName="href" to="javascript:alert(1)"/><rect/></a>'
    ),
    "animate-href": svg(
        '<a href="#x"><animate attributeName="href" values="javascript:alert(1)"/></a>'
    ),
    "onload": svg('<rect onload="alert(1)"/>'),
    "onload-uppercase": svg('<rect ONLOAD="alert(1)"/>'),
    "onclick-on-root": b'<svg xmlns="http://www.w3.org/2000/svg" onclick="alert(1)"/>',
    "foreign-object": svg(
        "<foreignObject><body xmlns='http://www.w3.org/1999/xhtml'>x</body></foreignObject>"
    ),
    "iframe-in-foreign-object": svg(
        "<foreignObject><iframe xmlns='http://www.w3.org/1999/xhtml' src='javascript:1'/>"
        "</foreignObject>"
    ),
    "style-element": svg("<style>@import url(https://evil.example/x.css);</style>"),
    "style-url": svg('<rect style="fill: url(https://evil.example/track)"/>'),
    "style-javascript": svg('<rect style="background:url(javascript:alert(1))"/>'),
    "fill-external-url": svg('<rect fill="url(https://evil.example/#g)"/>'),
    "image": svg('<image href="https://evil.example/x.png"/>'),
    "billion-laughs": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&lol2;</text></svg>'
    ),
    "external-entity": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    ),
    "doctype-only": (
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    ),
    "xml-stylesheet": (
        b'<?xml version="1.0"?><?xml-stylesheet href="javascript:alert(1)"?>'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    ),
    "unknown-namespace-attribute": svg('<rect xmlns:ev="http://www.w3.org/2001/xml-events" '
                                       'ev:event="click"/>'),
    "html-root": b'<svg xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></svg>',
}  # fmt: skip


@pytest.mark.parametrize("content", ATTACKS.values(), ids=ATTACKS.keys())
def test_an_svg_with_a_script_in_any_spelling_is_refused(content):
    with pytest.raises(LogoRefused) as refused:
        check_logo(content)
    assert str(refused.value) in (
        REFUSED,
        "Ce SVG est mal formé : il est refusé.",
        "Le logo doit être une image PNG, JPEG, WebP ou SVG.",  # not even recognised as SVG
    )


def test_a_malformed_svg_is_refused():
    with pytest.raises(LogoRefused, match="mal formé"):
        check_logo(b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>')


def test_a_plain_svg_logo_is_accepted_and_stored_as_checked():
    content = svg(
        '<title>Logo</title><defs><linearGradient id="g"><stop offset="0" stop-color="#000091"/>'
        '</linearGradient></defs><rect width="10" height="10" fill="url(#g)"/>'
        '<use href="#g"/><use xlink:href="#g"/><text x="1" y="9">TJ</text>'
    )
    kind, stored = check_logo(content)
    assert kind == "svg"
    assert stored.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b'fill="url(#g)"' in stored
    # What is stored is what was checked: parsed again, it passes again.
    assert check_logo(stored)[0] == "svg"


@pytest.mark.parametrize(("content", "kind"), [(PNG, "png"), (JPEG, "jpg"), (WEBP, "webp")])
def test_png_jpeg_and_webp_are_decoded_and_kept_as_sent(content, kind):
    assert check_logo(content) == (kind, content)


def _image(fmt, size):
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, format=fmt)
    return buffer.getvalue()


def test_a_decompression_bomb_is_refused_before_decoding():
    bomb = _image("PNG", (20_000, 20_000))  # a few kilobytes, 400 million pixels
    assert len(bomb) < 1024 * 1024
    with pytest.raises(LogoRefused, match="trop grand une fois décompressé"):
        check_logo(bomb)


def test_a_logo_too_large_in_pixels_is_refused():
    large = _image("PNG", (5000, 100))
    with pytest.raises(LogoRefused, match="5000 × 100 pixels : 4096 × 4096 au plus"):
        check_logo(large)


@pytest.mark.parametrize(
    "content",
    [
        PNG[: len(PNG) // 2],  # truncated
        PNG[:40] + b"\x00" * 40 + PNG[80:],  # corrupted data
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # a PNG signature and nothing valid
        b"\xff\xd8\xff\xe0" + b"\x00" * 30,  # a JPEG signature and nothing valid
        b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 20,
    ],
    ids=["truncated-png", "corrupted-png", "png-signature-only", "jpeg-signature-only", "webp"],
)
def test_a_broken_image_is_refused(content):
    with pytest.raises(LogoRefused, match="illisible"):
        check_logo(content)


@pytest.mark.parametrize(
    "content", [b"GIF89a" + b"\x00" * 20, b"%PDF-1.4", b"<html><script>1</script></html>"]
)
def test_other_files_are_refused(content):
    with pytest.raises(LogoRefused, match="PNG, JPEG, WebP ou SVG"):
        check_logo(content)
