"""Rich text of the public pages: a small set of tags, sanitised with nh3 every time it is saved.

The editors paste from word processors and other sites: scripts, styles, event handlers and
``javascript:`` links are dropped; what remains is paragraphs, emphasis, lists and links.
"""

import re
from html import escape

import nh3
from django.db import models

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _paragraphs(text: str) -> str:
    """Plain text typed in the editor: blank lines make paragraphs, single newlines breaks."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    return "".join(
        "<p>" + "<br>".join(escape(line, quote=False) for line in block.split("\n")) + "</p>"
        for block in blocks
        if block
    )


def sanitise(html: str) -> str:
    if not html or not html.strip():
        return ""
    if "<" not in html:
        html = _paragraphs(html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return cleaned.strip()


class RichTextField(models.TextField):
    """A TextField whose HTML is sanitised before every save, whatever the path (admin, seed)."""

    def pre_save(self, model_instance, add):
        value = sanitise(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.help_text = field.help_text or (
            "Paragraphes, gras, italique, listes et liens. Le reste (scripts, styles, liens "
            "« javascript: ») est retiré à l'enregistrement."
        )
        return field
