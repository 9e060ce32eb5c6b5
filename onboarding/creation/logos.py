"""Jurisdiction logos: PNG, JPEG or WebP decoded by Pillow, or SVG through a real XML parser and an
allowlist. Never a pattern search over the bytes: ``<s:script>``, ``&#106;avascript:`` and their
kind pass any blocklist.

- Raster: opened with the three formats only, dimensions checked before any decoding (a
  decompression bomb is a small file that decodes to gigapixels), then verified and decoded in
  full. The file is stored as sent.
- SVG: parsed by defusedxml with DTDs, entities and external references forbidden (no billion
  laughs, no XXE); every element and attribute must be on the allowlists below whatever prefix
  names its namespace (elements of the SVG namespace or none; ``href`` only to a ``#fragment``;
  no value with ``javascript:``, ``data:`` or a ``url()`` other than ``url(#id)``); no processing
  instruction (``<?xml-stylesheet?>``), no scripts, no ``foreignObject``, no animation (SMIL can
  rewrite an ``href``), no ``<style>``, no event attribute. What is stored is the tree as parsed
  and checked, serialised again, so that the browser reads exactly what was checked.
"""

import io
import re
import warnings
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4096
LOGO_MAX_PIXELS = 4096 * 4096
RASTER_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

SVG_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "symbol", "use",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan",
        "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern",
    }
)  # fmt: skip
SVG_ATTRIBUTES = frozenset(
    {
        "id", "class", "version", "baseProfile", "viewBox", "preserveAspectRatio",
        "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
        "fx", "fy", "d", "points", "transform", "offset", "href",
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
        "stroke-opacity", "opacity", "stop-color", "stop-opacity", "color", "display",
        "visibility", "overflow", "clip-path", "clip-rule", "mask", "style",
        "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits",
        "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
        "maskContentUnits", "font-family", "font-size", "font-weight", "font-style",
        "text-anchor", "dominant-baseline", "letter-spacing", "word-spacing",
        "role", "aria-label", "aria-hidden", "focusable",
    }
)  # fmt: skip
NAMESPACED_ATTRIBUTES = frozenset({f"{{{XLINK_NS}}}href", f"{{{XML_NS}}}space"})
# In any value: a script or data URL, or a url() that is not a reference inside the document.
FORBIDDEN_VALUE = re.compile(
    r"javascript:|vbscript:|data:|url\(\s*(?![\"']?\s*#)|@import|expression\(", re.IGNORECASE
)
_CONTROL = re.compile(r"[\x00-\x20]+")


class _TreeBuilder(ET.TreeBuilder):
    """Records processing instructions, before the root element too (TreeBuilder drops those)."""

    def __init__(self):
        super().__init__(insert_comments=False, insert_pis=False)
        self.processing_instructions: list[str] = []

    def pi(self, target, data=None):
        self.processing_instructions.append(target)
        return super().pi(target, data)


class LogoRefused(ValueError):
    """A logo that is not accepted; the message is for the person who sent it (French)."""


def sniff_logo(content: bytes) -> str | None:
    """The logo's claimed family from its first bytes (never the name or the browser's claim)."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")) and b"<svg" in head:
        return "svg"
    return None


def check_logo(content: bytes) -> tuple[str, bytes]:
    """(extension, bytes to store) of an accepted logo, or LogoRefused."""
    if len(content) > LOGO_MAX_BYTES:
        raise LogoRefused("Le logo dépasse 1 Mo : réduisez-le.")
    kind = sniff_logo(content)
    if kind is None:
        raise LogoRefused("Le logo doit être une image PNG, JPEG, WebP ou SVG.")
    if kind == "svg":
        return "svg", check_svg(content)
    return check_raster(content), content


def check_raster(content: bytes) -> str:
    from PIL import Image, UnidentifiedImageError

    unreadable = LogoRefused("Cette image est illisible ou abîmée : envoyez un autre fichier.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=list(RASTER_FORMATS)) as image:
                width, height = image.size
                if (
                    width > LOGO_MAX_SIDE
                    or height > LOGO_MAX_SIDE
                    or width * height > LOGO_MAX_PIXELS
                ):
                    raise LogoRefused(
                        f"Le logo mesure {width} × {height} pixels : "
                        f"{LOGO_MAX_SIDE} × {LOGO_MAX_SIDE} au plus."
                    )
                extension = RASTER_FORMATS[image.format]
                image.verify()
            # verify() leaves the image unusable: open it again and decode every pixel.
            with Image.open(io.BytesIO(content), formats=list(RASTER_FORMATS)) as image:
                image.load()
    except LogoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoRefused("Ce logo est trop grand une fois décompressé : il est refusé.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, KeyError):
        raise unreadable from None
    return extension


def check_svg(content: bytes) -> bytes:
    refused = LogoRefused("Ce SVG contient un script, un lien actif ou un élément non autorisé.")
    builder = _TreeBuilder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        parser.feed(content)
        root = parser.close()
    except DefusedXmlException:
        raise refused from None  # a DOCTYPE, an entity (billion laughs), an external reference
    except ET.ParseError:
        raise LogoRefused("Ce SVG est mal formé : il est refusé.") from None
    if builder.processing_instructions or _local_name(root) != "svg":
        raise refused  # <?xml-stylesheet ...?> and the like; the XML declaration is not one
    for element in root.iter():
        namespace, name = _split(element.tag)
        if namespace not in ("", SVG_NS) or name not in SVG_ELEMENTS:
            raise refused
        for attribute, value in element.attrib.items():
            if not _attribute_allowed(attribute, value):
                raise refused
        if element.text and FORBIDDEN_VALUE.search(_CONTROL.sub("", element.text)):
            raise refused
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _local_name(element) -> str:
    return _split(element.tag)[1]


def _attribute_allowed(attribute: str, value: str) -> bool:
    namespace, name = _split(attribute)
    if namespace:
        if attribute not in NAMESPACED_ATTRIBUTES:
            return False
    elif name not in SVG_ATTRIBUTES:
        return False  # on*, event handlers in any case, unknown attributes
    # Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
    compact = _CONTROL.sub("", value)
    if name == "href":
        return compact.startswith("#")
    return not FORBIDDEN_VALUE.search(compact)
