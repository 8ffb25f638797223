"""Read an import file (CSV or XLSX) into :class:`Table` objects of stripped strings.

Only structure is checked here (limits, encoding, header, ragged rows, quoting); whether a cell
is a valid year or a known actor is for validation. Problems are ``FILE:LINE:COLUMN``: LINE is
the physical line where the record starts (a record with an embedded newline spans two) or the
sheet row; COLUMN is the 1-based field, 0 for a whole row, or for an encoding error the
character position in the line. FILE is the file as given, or ``FILE[SHEET]`` for a sheet read
by :func:`read_tables`. Structural problems are raised together as one
:class:`~bioris.errors.ValidationError`; a limit or an encoding error stops the read at once.

A CSV file may separate its fields with commas, semicolons (the default of Excel where the
decimal mark is a comma: Denmark, Germany, France...) or tabs; :func:`csv_delimiter` says how
the separator is recognised.
"""

from __future__ import annotations

import codecs
import csv
import io
import stat
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from bioris import settings
from bioris.errors import BiorisError, EncodingError, LimitExceeded
from bioris.ingest.table import Row, Table, TableBuilder, file_error, setting_hint
from bioris.ingest.workbook import read_first_sheet, read_worksheets

__all__ = [
    "CSV_DELIMITERS",
    "Row",
    "Table",
    "csv_delimiter",
    "read_sheets",
    "read_table",
    "read_tables",
]

CSV_DELIMITERS = ",;\t"  # recognised field separators, the default (comma) first
_ZIP_MAGIC = b"PK\x03\x04"
_SNIFF_BYTES = 8192
_BYTES_PER_MB = 1_000_000
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f")
_ENCODING_HINT = "pass --encoding (e.g. --encoding cp1252 or latin-1) to read it"


def read_table(path: str | Path, *, encoding: str | None = None, sheet: str | None = None) -> Table:
    """Read a CSV file, or one sheet of an XLSX file, into a :class:`Table`, checking its structure.

    Parameters
    ----------
    path : str or Path
        The file; ``.csv`` or ``.xlsx`` (a file starting with the zip signature is read as
        XLSX whatever its name). A CSV file's separator (comma, semicolon or tab) is
        recognised (:func:`csv_delimiter`).
    encoding : str, optional
        Text encoding of a CSV file, decoded strictly. By default UTF-8 with or without a BOM.
        Ignored for XLSX.
    sheet : str, optional
        Worksheet to read from an XLSX file; the first by default. Ignored for CSV.

    Returns
    -------
    Table
        The header and the data rows; blank rows are skipped. Its ``path`` is the file as
        given, even for a sheet (:func:`read_tables` names the sheet too).

    Raises
    ------
    BiorisError
        The file is missing, a directory or of an unsupported type.
    LimitExceeded
        Over ``max_import_mb``, ``max_field_chars`` or ``max_import_rows``.
    EncodingError
        The bytes are not valid in the encoding.
    ValidationError
        Every structural problem: empty or binary file, bad header, ragged rows, bad quoting;
        a sheet that does not exist.

    Examples
    --------
    >>> table = read_table("deals.csv")  # doctest: +SKIP
    >>> [row.cells[table.column("year")] for row in table.rows]  # doctest: +SKIP
    ['2005', '2007']
    """
    file, name, size, head = _open_source(path)
    if head.startswith(_ZIP_MAGIC):
        return read_first_sheet(file, name, sheet)
    return _read_csv(file, name, size, head, encoding)


def read_tables(
    path: str | Path, *, encoding: str | None = None, sheet: str | None = None
) -> list[Table]:
    """Read a CSV file as one table, or every non-empty sheet of an XLSX file as one each.

    Parameters
    ----------
    path : str or Path
        The file, as for :func:`read_table`.
    encoding : str, optional
        Text encoding of a CSV file (see :func:`read_table`). Ignored for XLSX.
    sheet : str, optional
        Read only this sheet of an XLSX file. Ignored for CSV.

    Returns
    -------
    list of Table
        A CSV file's table (named as given), or one table per sheet named ``FILE[SHEET]``
        (``deals.xlsx[Deals]``), in workbook order; empty sheets are left out.

    Raises
    ------
    BiorisError, LimitExceeded, EncodingError, ValidationError
        As :func:`read_table`; a :class:`~bioris.errors.ValidationError` holds the problems of
        every sheet, names the sheets of the workbook when ``sheet`` is not among them, and is
        raised for a workbook whose every sheet is empty.

    See Also
    --------
    read_sheets : the same, saying which sheets were left out.

    Examples
    --------
    >>> [t.path for t in read_tables("deals.xlsx")]  # doctest: +SKIP
    ['deals.xlsx[Firms]', 'deals.xlsx[Deals]']
    """
    return read_sheets(path, encoding=encoding, sheet=sheet)[0]


def read_sheets(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    skip: Collection[str] = (),
) -> tuple[list[Table], list[str]]:
    """Like :func:`read_tables`, also leaving out the sheets named in ``skip`` and saying so.

    Parameters
    ----------
    path, encoding, sheet
        As for :func:`read_tables`.
    skip : collection of str
        Names of sheets (any case) that are not data, such as a template's ``README``; not
        read at all. A ``sheet`` asked for by name is read whatever its name.

    Returns
    -------
    tables : list of Table
        As :func:`read_tables` returns.
    notes : list of str
        One line per sheet left out, empty or named in ``skip``:
        ``deals.xlsx[Notes]: skipped: the sheet is empty``. Empty for a CSV file.
    """
    file, name, size, head = _open_source(path)
    if head.startswith(_ZIP_MAGIC):
        return read_worksheets(file, name, sheet, skip)
    return [_read_csv(file, name, size, head, encoding)], []


def _open_source(path: str | Path) -> tuple[Path, str, int, bytes]:
    """The file, its name as given, its size and first bytes, once it is known readable."""
    name = str(path)
    file = Path(path)
    size = _check_file(file, name)
    if size == 0:
        raise file_error(name, "file is empty")
    head = _read_head(file, name)
    if head.startswith(_ZIP_MAGIC):
        return file, name, size, head
    suffix = file.suffix.lower()
    if suffix == ".xlsx":
        raise file_error(name, "is not an XLSX workbook (it lacks the zip signature)")
    if suffix != ".csv":
        kind = suffix or "(no extension)"
        hint = " (a study file: load it with `bioris study load`)" if kind == ".toml" else ""
        raise BiorisError(
            f"{name}: unsupported file type {kind}; bioris reads .csv and .xlsx{hint}"
        )
    return file, name, size, head


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
        raise LimitExceeded(f"{name}: {mb:.1f} MB is over {setting_hint('max_import_mb')}")
    return info.st_size


def _read_head(file: Path, name: str) -> bytes:
    try:
        with file.open("rb") as stream:
            return stream.read(_SNIFF_BYTES)
    except OSError as exc:
        raise BiorisError(f"{name}: cannot read ({exc.strerror})") from None


# --- CSV ---------------------------------------------------------------------------------------


def _read_csv(file: Path, name: str, size: int, head: bytes, encoding: str | None) -> Table:
    codec = _codec(encoding)
    _sniff(name, head, codec, encoding)
    delimiter = csv_delimiter(head.decode(codec, errors="replace"), whole=len(head) == size)
    builder = TableBuilder(name, delimiter=delimiter)
    with _csv_field_limit(size), file.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=codec, errors="strict", newline="")
        try:
            _parse_csv(_Lines(text), builder, delimiter)
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
        raise file_error(name, "looks like binary data, not CSV")


def csv_delimiter(sample: str, *, whole: bool = False) -> str:
    """The field separator of a CSV text: comma, semicolon or tab.

    :class:`csv.Sniffer`, restricted to :data:`CSV_DELIMITERS`, reads the sample; comma when it
    cannot tell. The header then has the last word: when another separator splits the header
    (the first line holding text) into more named columns than the sniffed one, that separator
    wins. Column names never hold a separator, so a header of several columns shows the file's
    separator even when the data mislead the sniffer (a decimal comma in every row of a
    semicolon file, semicolons in quoted notes of a comma file).

    Parameters
    ----------
    sample : str
        The beginning of the file, decoded.
    whole : bool
        Whether the sample is the whole file; when not, its last (maybe partial) line is
        ignored.

    Returns
    -------
    str
        One of ``","``, ``";"`` and ``"\\t"``.

    Examples
    --------
    >>> csv_delimiter("name;kind;region\\nNovo Nordisk;pharma;DK\\n", whole=True)
    ';'
    >>> csv_delimiter('nbf,partner,notes\\nGenmab,Novo,"a; b"\\n', whole=True)
    ','
    """
    if not whole:
        sample = sample[: max(sample.rfind("\n"), sample.rfind("\r")) + 1] or sample
    try:
        found = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:  # "could not determine delimiter": one column, or no pattern
        found = ","
    lines = sample.splitlines()
    header = next((line for line in lines if line.strip(CSV_DELIMITERS + ' "')), "")

    def columns(delimiter: str) -> int:
        return sum(1 for field in next(csv.reader([header], delimiter=delimiter)) if field.strip())

    named = {d: columns(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=named.__getitem__)  # the first (comma) on a tie
    return best if named[best] > named.get(found, 0) else found


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


def _parse_csv(lines: _Lines, builder: TableBuilder, delimiter: str) -> None:
    # strict=True makes csv report a quote left open at end of file, or text after a closing
    # quote, instead of silently swallowing it; after an error it resumes on the next line.
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        start = lines.next_record()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            _report_quote_error(builder, start, "".join(lines.record), exc, delimiter)
            continue
        if lines.has_nul:
            for column, field in enumerate(fields, 1):
                if "\x00" in field:
                    builder.error(start, column, "NUL byte in field; this looks like binary data")
        builder.add(start, fields)


def _report_quote_error(
    builder: TableBuilder, start: int, text: str, exc: csv.Error, delimiter: str
) -> None:
    found = _find_bad_quote(text, delimiter)
    if found is None:
        builder.error(start, 0, f"malformed CSV ({exc})")
        return
    offset, column, message = found
    builder.error(start + _line_breaks(text[:offset]), column, message)


def _find_bad_quote(text: str, delimiter: str) -> tuple[int, int, str] | None:
    """Find the first bad quote in one record's raw text.

    Returns the character offset of the opening quote, the field number and the problem, or
    None if the record's quoting is sound.
    """
    ends = delimiter + "\r\n"
    position, column = 0, 1
    while position < len(text):
        if text[position] == '"':
            end = text.find('"', position + 1)
            while end != -1 and text.startswith('""', end):
                end = text.find('"', end + 2)
            if end == -1:
                return position, column, "unterminated quoted field"
            end += 1
            if end < len(text) and text[end] not in ends:
                return position, column, "text after the closing quote of a quoted field"
        else:
            end = len(text)
            for stop in (text.find(sep, position) for sep in ends):
                if stop != -1:
                    end = min(end, stop)
        if end >= len(text) or text[end] != delimiter:
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
