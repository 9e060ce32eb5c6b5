"""Reading the statistics pages as a person does: tiles, tables and the charts' data, as text."""

import html
import json
import re
from html.parser import HTMLParser


class _Tables(HTMLParser):
    """Rows of one table (by id), each a list of cell texts, header cells included."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []
        elif self.cell is not None and tag in ("br", "li"):
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(body: str, table_id: str) -> list[list[str]]:
    parser = _Tables(table_id)
    parser.feed(body)
    assert parser.rows, f"no table {table_id}"
    return parser.rows


def column(body: str, table_id: str, header: str) -> dict[str, str]:
    """{row header: cell} of the column named ``header``."""
    rows = table(body, table_id)
    index = rows[0].index(header)
    return {row[0]: row[index] for row in rows[1:]}


def text_of(body: str, element_id: str) -> str:
    start = body.index(f'id="{element_id}"')
    start = body.index(">", start) + 1
    end = body.index("</p>", start)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", body[start:end])).split())


def chart(body: str) -> dict:
    start = body.index('id="donnees-graphiques"')
    start = body.index(">", start) + 1
    return json.loads(body[start : body.index("</script>", start)])


def percent(value: float | None) -> str:
    """How a rate reads on the page (one decimal, French comma)."""
    return f"{value:.1f}".replace(".", ",") + " %"
