"""Reading a register kept in a spreadsheet and saved as CSV, with the habits of Swedish
spreadsheets: semicolon (or comma, or tab) separators, UTF-8 with or without a byte-order mark
or Windows-1252 (Excel's "CSV (semikolonavgränsad)"), empty lines and trailing empty columns,
column names in Swedish or English in any case and spacing, and amounts written ``1 250 000,50``.

Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from segraph.sources.rdf_files import SourceError

SEPARATORS = (";", ",", "\t")
SPACES = re.compile(r"[\s\u00a0\u2007\u202f']+")


@dataclass(frozen=True)
class CsvText:
    """The decoded text of a CSV file and how it was read."""

    text: str
    encoding: str      # "utf-8", "utf-8-sig", "utf-16", "cp1252"
    separator: str


def decode(path: Path) -> tuple[str, str]:
    """The text of ``path`` and the encoding it was read with.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as they are; a file that is not
    UTF-8 but reads as Windows-1252 with Swedish letters is read as that; anything else is an
    error that says how to save the file.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the file ({exc.strerror})") from exc
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            text = ""
        if text and not any(unicodedata.category(c) == "Cc" and c not in "\r\n\t"
                            for c in text):
            return text, "cp1252"
        line = raw[:exc.start].count(b"\n") + 1
        raise SourceError(
            f"{path}:{line}: the file is not UTF-8 (byte {raw[exc.start]:#04x}) / "
            "filen är inte UTF-8: save it as \"CSV UTF-8\" in Excel (Spara som → CSV UTF-8) "
            "or as UTF-8 in LibreOffice") from exc


def sniff_separator(header: str) -> str:
    """The separator of a CSV file, from its header line: the most frequent of ``;``, ``,``
    and tab outside quotes (a semicolon on a tie, as Swedish Excel writes)."""
    bare = re.sub(r'"[^"]*"', "", header)
    counts = {sep: bare.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def read_csv(path: Path) -> CsvText:
    text, encoding = decode(path)
    first = next((line for line in text.splitlines() if line.strip(" \t;,")), "")
    return CsvText(text, encoding, sniff_separator(first))


def column_key(name: str) -> str:
    """A column name as compared: ``Juridisk form`` and ``juridisk_form`` -> ``juridisk_form``;
    ``Målgrupper`` -> ``malgrupper``."""
    decomposed = unicodedata.normalize("NFD", name.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", bare).strip("_")


@dataclass(frozen=True)
class Row:
    """One data row: its number as a spreadsheet shows it, and its cells by column key."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    """A CSV file read against a set of known columns."""

    source: CsvText
    columns: dict[str, str]        # column key -> the header as written in the file
    unknown: list[str]             # headers that name no known column
    rows: list[Row]


def read_table(path: Path, aliases: dict[str, str], required: tuple[str, ...],
               names: dict[str, str] | None = None) -> Table:
    """Read ``path``, mapping each header through ``aliases`` (normalised name -> column key).

    Empty lines, lines of separators only and columns without a header (Excel's trailing empty
    columns) are skipped; a missing required column is an error that names it (by ``names``:
    key -> the name to show).
    """
    source = read_csv(path)
    records = csv.reader(io.StringIO(source.text, newline=""), delimiter=source.separator)
    header: list[str] | None = None
    header_number = 0
    rows: list[Row] = []
    index: dict[int, str] = {}
    columns: dict[str, str] = {}
    unknown: list[str] = []
    try:
        for number, record in enumerate(records, start=1):
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header, header_number = record, number
                for position, name in enumerate(record):
                    if not name.strip():
                        continue
                    key = aliases.get(column_key(name))
                    if key is None:
                        unknown.append(name.strip())
                    elif key in columns:
                        raise SourceError(f"{path}:{number}: the columns {columns[key]!r} and "
                                          f"{name.strip()!r} are the same column; keep one")
                    else:
                        columns[key], index[position] = name.strip(), key
                continue
            cells = {key: record[pos].strip() for pos, key in index.items() if pos < len(record)}
            rows.append(Row(number, cells))
    except csv.Error as exc:
        raise SourceError(f"{path}: not a CSV file the reader understands ({exc})") from exc
    if header is None:
        raise SourceError(f"{path}: the file is empty / filen är tom")
    missing = [(names or {}).get(key, key) for key in required if key not in columns]
    if missing:
        raise SourceError(
            f"{path}:{header_number}: missing column(s) / saknade kolumner: "
            f"{', '.join(missing)} (the header names {', '.join(columns.values()) or 'nothing'}"
            f"{'; not understood: ' + ', '.join(unknown) if unknown else ''})")
    return Table(source, columns, unknown, rows)


def parse_amount(text: str) -> Decimal:
    """An amount as Swedish spreadsheets write it: ``1 250 000,50``, ``1250000.50``,
    ``1.250.000,50``, ``1,250,000.50``, ``450 000 kr``. Raises ValueError."""
    t = SPACES.sub("", text.strip())
    t = re.sub(r"(?i)(kr|sek|:-|,-)$", "", t).removeprefix("SEK").removeprefix("sek")
    if "," in t and "." in t:
        decimal_mark = "," if t.rfind(",") > t.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        t = t.replace(thousands, "").replace(decimal_mark, ".")
    elif t.count(",") > 1:
        t = t.replace(",", "")
    elif t.count(".") > 1:
        t = t.replace(".", "")
    else:
        t = t.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", t):
        raise ValueError(text)
    try:
        return Decimal(t)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
