"""What an SMS text costs: encoding (GSM-7 or UCS-2), length in units, number of segments, and the
characters that force UCS-2, with a normalisation that keeps French readable.

GSM 03.38 (3GPP TS 23.038) through the ``gsm0338`` codec: 160 septets in one SMS, 153 per part
when split; characters of the extension table (``{ } [ ] ~ | ^ \\ €``) cost two septets and are
never split across parts. Any character outside the alphabet switches the whole message to
UCS-2: 70 UTF-16 units in one SMS, 67 per part (a surrogate pair is never split either).
"""

import unicodedata
from dataclasses import dataclass, field
from functools import cache

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

GSM7 = "GSM-7"
UCS2 = "UCS-2"
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}

# Typography that costs a whole encoding switch, replaced by what the reader would type.
REPLACEMENTS = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201a": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u2007": " ",
    "\u2026": "...",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u00e6": "ae",
    "\u00c6": "AE",
}

# The typographic characters that look like a GSM-7 one (a reader sees no difference): replaced
# at entry (place names and addresses, SMS texts) and again when an SMS is rendered. Letters
# GSM-7 lacks (ê, ç, œ) are not lookalikes: they stay, and the editor says what they cost.
LOOKALIKES = {
    char: REPLACEMENTS[char]
    for char in (
        "\u2019\u2018\u201a\u2032\u201c\u201d\u201e\u00ab\u00bb"  # quotes and apostrophes
        "\u2013\u2014\u2212\u2010\u2011"  # dashes and minus
        "\u00a0\u202f\u2009\u2007"  # non-breaking and thin spaces
        "\u2026"  # ellipsis
    )
}
INVISIBLE = ("\u200b", "\u2060", "\ufeff", "\u00ad")  # zero-width characters, soft hyphen
LOOKALIKE_TABLE = str.maketrans({**LOOKALIKES, **dict.fromkeys(INVISIBLE, "")})


def normalise_lookalikes(text: str) -> str:
    """Typographic dashes, quotes, spaces and ellipsis → their GSM-7 lookalikes ("—" → "-",
    "’" → "'", non-breaking space → space, "…" → "..."); every other character is kept."""
    return text.translate(LOOKALIKE_TABLE) if text else text


@cache
def gsm_units(char: str) -> int | None:
    """Septets of one character in GSM-7, or None when it is outside the alphabet (cached: texts
    repeat the same few dozen characters, and the codec is called once per character)."""
    try:
        return len(char.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


@dataclass(frozen=True)
class SmsMeasure:
    encoding: str
    units: int
    segments: int
    ucs2_characters: list[str] = field(default_factory=list)

    @property
    def is_gsm7(self) -> bool:
        return self.encoding == GSM7


def _pack(costs: list[int], single: int, multi: int) -> int:
    """Parts needed for characters of the given costs, none split across two parts."""
    total = sum(costs)
    if total <= single:
        return 1 if total else 0
    parts, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            parts, used = parts + 1, 0
        used += cost
    return parts


def measure(text: str) -> SmsMeasure:
    costs = [gsm_units(char) for char in text]
    forcing = sorted({char for char, cost in zip(text, costs, strict=True) if cost is None})
    if not forcing:
        single, multi = LIMITS[GSM7]
        return SmsMeasure(GSM7, sum(costs), _pack(costs, single, multi))
    utf16 = [len(char.encode("utf-16-le")) // 2 for char in text]
    single, multi = LIMITS[UCS2]
    return SmsMeasure(UCS2, sum(utf16), _pack(utf16, single, multi), forcing)


def normalise(text: str) -> str:
    """Replace what forces UCS-2 by its nearest GSM-7 writing, keeping é è à ù (in GSM-7).

    ê → e, ç → c, typographic quotes and dashes → ' " -, non-breaking spaces → spaces. Characters
    with no sensible replacement (emoji, other scripts) are left for the agent to decide.
    """
    result = []
    for char in text:
        if gsm_units(char) is not None:
            result.append(char)
        elif char in REPLACEMENTS:
            result.append(REPLACEMENTS[char])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            result.append(base if base and all(gsm_units(c) is not None for c in base) else char)
    return "".join(result)
