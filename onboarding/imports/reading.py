"""Bytes of an uploaded file → a table of rows with their line numbers.

CSV (UTF-8 with or without BOM, or Windows-1252; ``;`` or ``,``) and XLSX are read; anything
else (PDF, old XLS, images...) is refused by its content, with a French message.
"""

import csv
import io
import re
from dataclasses import dataclass, field

MAX_BYTES = 50 * 1024 * 1024
# A multi-byte UTF-8 sequence: found in a file that is not UTF-8 as a whole, it means that some
# lines were saved in UTF-8 and others in Windows-1252.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")

SAVE_AS = "Enregistrez le tableau au format CSV ou XLSX, puis importez-le à nouveau."


class ReadError(Exception):
    """The file as a whole cannot be read; the message is French and says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    headers: list[str]
    # (line number in the file, cell values); the header is line 1.
    rows: list[tuple[int, list]] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    file_format: str = "csv"


def read_table(data: bytes) -> Table:
    if len(data) > MAX_BYTES:
        raise ReadError(
            f"Le fichier pèse {len(data) / 1024 / 1024:.0f} Mo : la limite est de "
            f"{MAX_BYTES // 1024 // 1024} Mo. Découpez-le en plusieurs fichiers."
        )
    if not data.strip().strip(b"\xef\xbb\xbf").strip():
        raise ReadError("Le fichier est vide.")
    if data.startswith(b"%PDF"):
        raise ReadError(f"Ce fichier est un PDF, pas un tableau. {SAVE_AS}")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(
            "Ce fichier est un classeur Excel ancien (XLS) : enregistrez-le au format XLSX ou "
            "CSV, puis importez-le à nouveau."
        )
    if b"\x00" in data[:65536]:
        raise ReadError(f"Ce fichier n'est pas un tableau CSV ou XLSX. {SAVE_AS}")
    text, encoding = _decode(data)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    del text  # validated; the rows are read from the bytes again, as a stream
    return _read_csv(data, encoding, first_line)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise _mixed(data[3:], error.start) from error
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        first_invalid = error.start
    found = UTF8_SEQUENCE.search(data)
    if found:
        # Both kinds of lines exist: name the first line that differs from the lines before it.
        raise _mixed(data, max(first_invalid, found.start()))
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ReadError(
            f"Le fichier n'est ni en UTF-8 ni en Windows-1252 (ligne {line}). "
            "Enregistrez-le en CSV UTF-8, puis importez-le à nouveau."
        ) from error


def _mixed(data: bytes, position: int) -> ReadError:
    line = data.count(b"\n", 0, position) + 1
    return ReadError(
        "Le fichier mélange deux encodages (UTF-8 et Windows-1252) : la ligne "
        f"{line} n'est pas écrite dans le même encodage que les lignes précédentes. "
        "Enregistrez le fichier en CSV UTF-8, puis importez-le à nouveau."
    )


def _delimiter(first_line: str) -> str:
    outside_quotes = re.sub(r'"[^"]*"', "", first_line)
    return ";" if outside_quotes.count(";") >= outside_quotes.count(",") else ","


def _read_csv(data: bytes, encoding: str, first_line: str) -> Table:
    """Memory: the rows are decoded as a stream (an io.StringIO of the whole text would hold it
    four bytes per character), and a value repeated down a column (a place, a type, a date) is
    kept once."""
    delimiter = _delimiter(first_line)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        headers = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise ReadError("Le fichier est vide.") from None
    rows, seen = [], {}
    keep = seen.setdefault
    line = reader.line_num + 1
    try:
        for values in reader:
            if any(value.strip() for value in values):
                rows.append((line, [keep(value, value) for value in values]))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ReadError(f"Ligne {line} illisible : {error}.") from error
    return Table(headers, rows, encoding=encoding, delimiter=delimiter, file_format="csv")


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # zip or XML errors of a damaged or non-Excel archive
        raise ReadError(f"Ce classeur n'est pas lisible. {SAVE_AS}") from error
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        headers = None
        rows = []
        for line, values in enumerate(iterator, start=1):
            values = ["" if value is None else value for value in values]
            if headers is None:
                headers = [str(value).strip() for value in values]
                while headers and not headers[-1]:
                    headers.pop()
                continue
            if any(str(value).strip() for value in values):
                rows.append((line, values))
    finally:
        workbook.close()
    if not headers:
        raise ReadError("Le fichier est vide.")
    return Table(headers, rows, encoding="", delimiter="", file_format="xlsx")
