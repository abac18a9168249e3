"""Reading an uploaded spreadsheet (CSV or Excel) into rows, or saying plainly why it cannot be read.

Used by the imports (clients/imports.py). Every failure is a SpreadsheetError whose message a person
can act on: too big, not CSV or Excel, not UTF-8, empty, too many rows.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old .xls format


class SpreadsheetError(Exception):
    pass


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (the row's line in the file, its cells), blank rows left out


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def read_table(name: str, data: bytes, *, max_bytes: int, max_rows: int) -> Table:
    if len(data) > max_bytes:
        raise SpreadsheetError(
            f"The file is {_megabytes(len(data))}; the most an import takes is {_megabytes(max_bytes)}. "
            "Split it into smaller files."
        )
    if not data.strip():
        raise SpreadsheetError("The file is empty.")
    lower = name.lower()
    if data.startswith(XLSX_MAGIC):
        table = _read_xlsx(data)
    elif data.startswith(OLE_MAGIC) or lower.endswith(".xls"):
        raise SpreadsheetError(
            "That is an old Excel (.xls) file: save it as .xlsx or as CSV UTF-8 and upload that."
        )
    elif lower.endswith((".csv", ".txt", ".tsv")) or not lower.rpartition(".")[1]:
        table = _read_csv(data)
    else:
        raise SpreadsheetError("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")
    if not table.headers or not any(table.headers):
        raise SpreadsheetError("The file is empty: its first row should name the columns.")
    if not table.rows:
        raise SpreadsheetError("The file has a header row but no rows under it.")
    if len(table.rows) > max_rows:
        raise SpreadsheetError(
            f"The file has {len(table.rows):,} rows; an import takes at most {max_rows:,}."
        )
    return table


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(
            "That is not a text file: upload a CSV file (.csv) or an Excel workbook (.xlsx)."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "The file is not UTF-8 text (accents and £ signs would come out wrong). In Excel choose "
            "File → Save As → “CSV UTF-8”, then upload that."
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV could not be read: {exc}.") from None
    return _table([(i, row) for i, row in enumerate(lines, start=1)])


def _read_xlsx(data: bytes) -> Table:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise SpreadsheetError(
            "That file is not a readable Excel workbook: save it again as .xlsx or CSV."
        ) from None
    try:
        sheet = book.worksheets[0]
        lines = [(i, list(row)) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()
    return _table(lines)


def _table(lines: list[tuple[int, list]]) -> Table:
    lines = [(i, row) for i, row in lines if any(c not in (None, "") and str(c).strip() for c in row)]
    if not lines:
        return Table([], [])
    (_, header), rest = lines[0], lines[1:]
    headers = ["" if h is None else str(h).strip() for h in header]
    return Table(headers, rest)


def normalise_header(header: str) -> str:
    return " ".join(header.lower().replace("*", "").split())


# --- cell readers: each returns a value or raises ValueError with the message a person reads ---------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def choice_reader(choices, what):
    by_key = {}
    for code, label in choices:
        by_key[str(code).lower()] = code
        by_key[str(label).lower()] = code
        by_key[str(label).split(" (")[0].lower()] = code

    def read(text):
        code = by_key.get(text.lower())
        if code is None:
            raise ValueError(
                f"Unknown {what} “{text}”: use one of {', '.join(str(lbl) for _, lbl in choices)}."
            )
        return code

    return read


def money_reader(what):
    def read(text):
        cleaned = re.sub(r"[£€$,\s]", "", text)
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(f"{what} “{text}” is not an amount (e.g. 12000 or 12,000.50).") from None
        if amount < 0 or not amount.is_finite() or amount >= Decimal("1e10"):
            raise ValueError(f"{what} “{text}” must be an amount from 0 up to 9,999,999,999.")
        return amount.quantize(Decimal("0.01"))

    return read


def date_reader(what):
    def read(text):
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
            try:
                return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no zone
            except ValueError:
                continue
        raise ValueError(f"{what} “{text}” is not a date (use 2026-01-31 or 31/01/2026).")

    return read


def yes_no(text):
    if text.lower() in ("yes", "y", "true", "1", "x"):
        return True
    if text.lower() in ("no", "n", "false", "0", ""):
        return False
    raise ValueError(f"“{text}” is not yes or no.")


def cell_text(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _text(value)
