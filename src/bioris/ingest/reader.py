"""Read an import file (CSV or XLSX) into a :class:`Table` of stripped strings.

Only structure is checked here (limits, encoding, header, ragged rows, quoting); whether a cell
is a valid year or a known actor is for validation. Problems are ``FILE:LINE:COLUMN``: LINE is
the physical line where the record starts (a record with an embedded newline spans two) or the
sheet row; COLUMN is the 1-based field, 0 for a whole row, or for an encoding error the
character position in the line. Structural problems are raised together as one
:class:`~bioris.errors.ValidationError`; a limit or an encoding error stops the read at once.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from bioris import settings
from bioris.errors import BiorisError, EncodingError, LimitExceeded, RowError, ValidationError

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

# C0 control characters other than tab, line feed and carriage return (NUL is reported apart)
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")

__all__ = ["Row", "Table", "read_table"]

_ZIP_MAGIC = b"PK\x03\x04"
_SNIFF_BYTES = 8192
_BYTES_PER_MB = 1_000_000
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f")
_ENCODING_HINT = "pass --encoding (e.g. --encoding cp1252 or latin-1) to read it"


@dataclass(frozen=True, slots=True)
class Row:
    """One data record: where it starts in the file and its stripped cells."""

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A file's header (stripped, lower-cased) and its data rows, each as wide as the header."""

    path: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]

    def column(self, name: str) -> int:
        """Return the 0-based index of column ``name`` (any case); raise KeyError if absent."""
        try:
            return self.header.index(name.strip().lower())
        except ValueError:
            columns = ", ".join(self.header)
            raise KeyError(f"{self.path}: no column {name!r} (columns: {columns})") from None


def read_table(path: str | Path, *, encoding: str | None = None, sheet: str | None = None) -> Table:
    """Read a CSV or XLSX file into a :class:`Table`, checking its structure.

    Parameters
    ----------
    path : str or Path
        The file; ``.csv`` or ``.xlsx`` (a file starting with the zip signature is read as
        XLSX whatever its name).
    encoding : str, optional
        Text encoding of a CSV file, decoded strictly. By default UTF-8 with or without a BOM.
        Ignored for XLSX.
    sheet : str, optional
        Worksheet to read from an XLSX file; the first by default. Ignored for CSV.

    Returns
    -------
    Table
        The header and the data rows; blank rows are skipped.

    Raises
    ------
    BiorisError
        The file is missing, a directory or of an unsupported type; the sheet does not exist.
    LimitExceeded
        Over ``max_import_mb``, ``max_field_chars`` or ``max_import_rows``.
    EncodingError
        The bytes are not valid in the encoding.
    ValidationError
        Every structural problem: empty or binary file, bad header, ragged rows, bad quoting.

    Examples
    --------
    >>> table = read_table("deals.csv")  # doctest: +SKIP
    >>> [row.cells[table.column("year")] for row in table.rows]  # doctest: +SKIP
    ['2005', '2007']
    """
    name = str(path)
    file = Path(path)
    size = _check_file(file, name)
    if size == 0:
        raise _file_error(name, "file is empty")
    head = _read_head(file, name)
    if head.startswith(_ZIP_MAGIC):
        return _read_xlsx(file, name, sheet)
    suffix = file.suffix.lower()
    if suffix == ".xlsx":
        raise _file_error(name, "is not an XLSX workbook (it lacks the zip signature)")
    if suffix != ".csv":
        kind = suffix or "(no extension)"
        hint = " (a study file: load it with `bioris study load`)" if kind == ".toml" else ""
        raise BiorisError(
            f"{name}: unsupported file type {kind}; bioris reads .csv and .xlsx{hint}"
        )
    return _read_csv(file, name, size, head, encoding)


def _check_file(file: Path, name: str) -> int:
    """Return the file's size in bytes after checking that it exists and is under the limit."""
    try:
        info = file.stat()
    except FileNotFoundError:
        raise BiorisError(f"{name}: no such file") from None
    except OSError as exc:
        raise BiorisError(f"{name}: cannot read ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise BiorisError(f"{name}: is a directory, not a file")
    limit = settings.get("max_import_mb")
    if info.st_size > limit * _BYTES_PER_MB:
        mb = info.st_size / _BYTES_PER_MB
        raise LimitExceeded(f"{name}: {mb:.1f} MB is over {_setting_hint('max_import_mb')}")
    return info.st_size


def _read_head(file: Path, name: str) -> bytes:
    try:
        with file.open("rb") as stream:
            return stream.read(_SNIFF_BYTES)
    except OSError as exc:
        raise BiorisError(f"{name}: cannot read ({exc.strerror})") from None


def _setting_hint(setting: str) -> str:
    value = settings.get(setting)
    return f"{setting}={value} (set BIORIS_{setting.upper()} to raise it)"


def _file_error(name: str, message: str) -> ValidationError:
    return _validation_error([RowError(name, 1, 0, message)])


def _validation_error(errors: list[RowError]) -> ValidationError:
    return ValidationError(errors, shown=int(settings.get("max_reported_errors")))


class _TableBuilder:
    """Collect a header and rows from any reader, applying the checks common to all formats.

    With ``pad`` (XLSX, where trailing empty cells are absent) a short row is padded to the
    header's width; otherwise (CSV) a row of the wrong width is an error.
    """

    def __init__(self, name: str, *, pad: bool = False) -> None:
        self.name = name
        self.pad = pad
        self.header: tuple[str, ...] | None = None
        self.rows: list[Row] = []
        self.data_rows = 0
        self.errors: list[RowError] = []
        self.max_chars = int(settings.get("max_field_chars"))
        self.max_rows = int(settings.get("max_import_rows"))

    def error(self, line: int, column: int, message: str) -> None:
        """Record a problem, naming the column when it is a data cell under a known header."""
        field = ""
        if self.header is not None and 0 < column <= len(self.header):
            field = self.header[column - 1]
        self.errors.append(RowError(self.name, line, column, message, field))

    def add(self, line: int, fields: Sequence[str]) -> None:
        """Take one record starting at physical ``line``: the header first, then data rows."""
        # This runs once per row: keep the common path to a few C-level calls.
        if fields and max(map(len, fields)) > self.max_chars:
            self._field_too_long(line, fields)
        cells = tuple(map(str.strip, fields))
        if not any(cells):
            return  # a blank line, or a row of empty cells: nothing to import
        if self.header is None:
            self._set_header(line, cells)
            return
        self.data_rows += 1
        if self.data_rows > self.max_rows:
            raise LimitExceeded(
                f"{self.name}:{line}:0: more than {self.max_rows} data rows; "
                f"over {_setting_hint('max_import_rows')}"
            )
        width = len(self.header)
        if self.pad and len(cells) < width:
            cells += ("",) * (width - len(cells))
        if len(cells) != width:
            self.error(line, 0, f"row has {len(cells)} fields, header has {width}")
            return
        bad = [i for i, c in enumerate(cells, 1) if _CONTROL.search(c) and "\x00" not in c]
        for column in bad:
            code = ord(_CONTROL.search(cells[column - 1]).group())  # type: ignore[union-attr]
            self.error(line, column, f"control character U+{code:04X} in field")
        if not bad:
            self.rows.append(Row(line, cells))

    def finish(self) -> Table:
        """Return the table, or raise every problem collected."""
        if self.header is None and not self.errors:
            self.errors.append(RowError(self.name, 1, 0, "file is empty"))
        if self.errors:
            raise _validation_error(self.errors)
        assert self.header is not None
        return Table(self.name, self.header, tuple(self.rows))

    def _field_too_long(self, line: int, fields: Sequence[str]) -> None:
        column = next(i for i, f in enumerate(fields, 1) if len(f) > self.max_chars)
        raise LimitExceeded(
            f"{self.name}:{line}:{column}: field has {len(fields[column - 1])} characters; "
            f"over {_setting_hint('max_field_chars')}"
        )

    def _set_header(self, line: int, cells: tuple[str, ...]) -> None:
        header = tuple(c.lower() for c in cells)
        seen: dict[str, int] = {}
        for column, label in enumerate(header, 1):
            if not label:
                self.errors.append(RowError(self.name, line, column, "blank column name"))
            elif label in seen:
                message = f"duplicate column name {label!r} in columns {seen[label]} and {column}"
                self.errors.append(RowError(self.name, line, column, message))
            else:
                seen[label] = column
        self.header = header


# --- CSV ---------------------------------------------------------------------------------------


def _read_csv(file: Path, name: str, size: int, head: bytes, encoding: str | None) -> Table:
    codec = _codec(encoding)
    _sniff(name, head, codec, encoding)
    builder = _TableBuilder(name)
    with _csv_field_limit(size), file.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=codec, errors="strict", newline="")
        try:
            _parse_csv(_Lines(text), builder)
        except UnicodeDecodeError:
            raise _encoding_error(file, name, codec, encoding) from None
    return builder.finish()


def _codec(encoding: str | None) -> str:
    """Return the codec to decode with; UTF-8 always tolerates (and drops) a leading BOM."""
    if encoding is None:
        return "utf-8-sig"
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise BiorisError(f"unknown encoding {encoding!r}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise BiorisError(f"{encoding!r} is not a text encoding")
    return "utf-8-sig" if info.name == "utf-8" else info.name


def _sniff(name: str, head: bytes, codec: str, encoding: str | None) -> None:
    """Reject, from the first bytes, files that are not text in a byte-oriented encoding."""
    if codec.startswith(("utf-16", "utf-32")):
        return  # NUL bytes are normal there
    if encoding is None and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise EncodingError(
            f"{name}:1:1: the file starts with a UTF-16 byte-order mark and is not valid UTF-8; "
            "pass --encoding utf-16 to read it"
        )
    if _looks_binary(head):
        raise _file_error(name, "looks like binary data, not CSV")


def _looks_binary(head: bytes) -> bool:
    """True when the bytes hold a NUL and more than 5% control bytes (text has almost none)."""
    if b"\x00" not in head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls * 20 > len(head)


@contextmanager
def _csv_field_limit(size: int) -> Iterator[None]:
    """Lift ``csv.field_size_limit`` to the file size for the duration of a read.

    The csv module raises its own terse error past its limit (128 KiB by default); no field can
    be longer than the file, so this lets our ``max_field_chars`` check report it instead.
    """
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, min(size + 1, 2**31 - 1)))
    try:
        yield
    finally:
        csv.field_size_limit(old)


class _Lines:
    """Feed text lines to ``csv.reader`` while counting them and keeping the current record's.

    The count gives physical line numbers; the kept lines let a quoting error be located.
    """

    def __init__(self, text: io.TextIOWrapper) -> None:
        self.text = text
        self.count = 0
        self.record: list[str] = []
        self.has_nul = False

    def __iter__(self) -> Iterator[str]:
        for line in self.text:
            self.count += 1
            self.record.append(line)
            if "\x00" in line:
                self.has_nul = True
            yield line

    def next_record(self) -> int:
        """Forget the previous record's lines; return the line where the next one starts."""
        self.record.clear()
        self.has_nul = False
        return self.count + 1


def _parse_csv(lines: _Lines, builder: _TableBuilder) -> None:
    # strict=True makes csv report a quote left open at end of file, or text after a closing
    # quote, instead of silently swallowing it; after an error it resumes on the next line.
    reader = csv.reader(lines, strict=True)
    while True:
        start = lines.next_record()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            _report_quote_error(builder, start, "".join(lines.record), exc)
            continue
        if lines.has_nul:
            for column, field in enumerate(fields, 1):
                if "\x00" in field:
                    builder.error(start, column, "NUL byte in field; this looks like binary data")
        builder.add(start, fields)


def _report_quote_error(builder: _TableBuilder, start: int, text: str, exc: csv.Error) -> None:
    found = _find_bad_quote(text)
    if found is None:
        builder.error(start, 0, f"malformed CSV ({exc})")
        return
    offset, column, message = found
    builder.error(start + _line_breaks(text[:offset]), column, message)


def _find_bad_quote(text: str) -> tuple[int, int, str] | None:
    """Find the first bad quote in one record's raw text.

    Returns the character offset of the opening quote, the field number and the problem, or
    None if the record's quoting is sound.
    """
    position, column = 0, 1
    while position < len(text):
        if text[position] == '"':
            end = text.find('"', position + 1)
            while end != -1 and text.startswith('""', end):
                end = text.find('"', end + 2)
            if end == -1:
                return position, column, "unterminated quoted field"
            end += 1
            if end < len(text) and text[end] not in ",\r\n":
                return position, column, "text after the closing quote of a quoted field"
        else:
            end = len(text)
            for stop in (text.find(sep, position) for sep in ",\r\n"):
                if stop != -1:
                    end = min(end, stop)
        if end >= len(text) or text[end] != ",":
            return None
        position, column = end + 1, column + 1
    return None


def _line_breaks(text: str) -> int:
    """Count line breaks as ``newline=""`` reading does: CRLF, CR or LF."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _encoding_error(file: Path, name: str, codec: str, encoding: str | None) -> EncodingError:
    """Locate the first undecodable byte (a second pass, on the error path only)."""
    data = file.read_bytes()
    try:
        data.decode(codec)
    except UnicodeDecodeError as exc:
        start = exc.start
    else:  # pragma: no cover - the first pass failed, so the second fails too
        start = len(data)
    prefix = data[:start].decode(codec)
    line = 1 + _line_breaks(prefix)
    column = len(prefix) - max(prefix.rfind("\n"), prefix.rfind("\r"))
    where = f"{name}:{line}:{column}: byte 0x{data[start : start + 1].hex().upper()}"
    if encoding is None:
        return EncodingError(f"{where} is not valid UTF-8; {_ENCODING_HINT}")
    return EncodingError(f"{where} is not valid {encoding}; check the --encoding")


# --- XLSX --------------------------------------------------------------------------------------


def _read_xlsx(file: Path, name: str, sheet: str | None) -> Table:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise BiorisError(f"{name}: reading XLSX needs openpyxl (pip install openpyxl)") from None
    builder = _TableBuilder(name, pad=True)
    # A file object, not the path: openpyxl refuses names that do not end in .xlsx.
    with file.open("rb") as stream:
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types (zip, XML, KeyError) on a bad file
            raise _file_error(name, f"not a readable XLSX workbook ({exc})") from None
        try:
            _read_sheet(_pick_sheet(workbook, name, sheet), builder)
        except BiorisError:
            raise
        except Exception as exc:  # a damaged sheet fails only when it is parsed
            raise _file_error(name, f"not a readable XLSX workbook ({exc})") from None
        finally:
            workbook.close()
    return builder.finish()


def _read_sheet(worksheet: ReadOnlyWorksheet, builder: _TableBuilder) -> None:
    # Stored dimensions can be wrong, and read-only mode would then drop rows.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(min_row=1, values_only=True)
    for number, values in enumerate(rows, 1):
        builder.add(number, _trim(tuple(map(_cell_text, values))))


def _pick_sheet(workbook: Workbook, name: str, sheet: str | None) -> ReadOnlyWorksheet:
    sheets = {ws.title: ws for ws in workbook.worksheets}  # not chartsheets
    if not sheets:
        raise _file_error(name, "the workbook has no worksheet")
    if sheet is None:
        return next(iter(sheets.values()))
    if sheet not in sheets:
        raise BiorisError(f"{name}: no sheet named {sheet!r}; sheets are: {', '.join(sheets)}")
    return sheets[sheet]


def _cell_text(value: object) -> str:
    """Render an XLSX cell as the text a person sees: ``2005`` not ``2005.0``, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _trim(cells: tuple[str, ...]) -> tuple[str, ...]:
    """Drop trailing empty cells (XLSX rows often carry formatted but empty columns)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]
