"""S3 Select's CSV input (API reference, CSVInput): the records split at the
RecordDelimiter (within quotes too only when AllowQuotedRecordDelimiter is TRUE), comment
lines and empty records dropped, each field text, as the DuckDB relation `s3object` with
columns `_1`..`_N`; a header line (FileHeaderInfo USE) names them, and every ScanRange
of the object knows it.

pyarrow's CSV reader reads the usual files (newline records, one-character delimiters,
no comment lines, every record as wide as the first); Python's `csv` reads the rest.
"""
import csv
import io

import pyarrow as pa
import pyarrow.csv as pa_csv

from lakebox.engine import s3select
from lakebox.engine.s3select import Resolved
from lakebox.services.s3.select_errors import error
from lakebox.services.s3.select_input import MAX_RECORD_BYTES, Loaded, after, record_slice, text_of

DEFAULTS = {"FieldDelimiter": ",", "RecordDelimiter": "\n", "QuoteCharacter": '"', "QuoteEscapeCharacter": '"',
            "Comments": "#"}


def load_csv(cursor, data: bytes, settings: dict, header_info: str, query, bounds) -> Loaded:
    options = {**DEFAULTS, **{k: v for k, v in settings.items() if v is not None}}
    allow_quoted = bool(settings.get("AllowQuotedRecordDelimiter"))
    begin, end = record_slice(data, *bounds, options["RecordDelimiter"].encode()) if bounds else (0, len(data))
    table = _arrow_table(data[begin:end], options, allow_quoted)
    if table is None:
        table = _python_table(data[begin:end], options, allow_quoted)
    header = None
    if header_info in ("USE", "IGNORE"):
        if begin == 0:
            first = table.slice(0, 1).to_pylist()
            header = [value for value in first[0].values() if value is not None] if first else []
            table = table.slice(1)
        else:       # a later ScanRange knows the header too (no quoted delimiters then: select.py)
            header = _header(data, options)
    width = max(table.num_columns, len(header or []))
    if table.num_columns < width:       # a header wider than every record
        table = pa.table({f"_{i + 1}": table.column(i) if i < table.num_columns else
                          pa.nulls(table.num_rows, pa.string()) for i in range(width)})
    cursor.register(s3select.RELATION, table)
    names = list(header) if header_info == "USE" else None
    resolved = {steps: _csv_reference(steps, names, width) for steps in query.references}
    star = [((names[i] if names and i < len(names) else f"_{i + 1}"), Resolved(f'"_{i + 1}"', text=True))
            for i in range(width)]
    return Loaded(resolved, star, False, end - begin, end - begin)


def _arrow_table(data: bytes, options: dict, allow_quoted: bool) -> pa.Table | None:
    """The records as text columns `_1`.. read by pyarrow, or None where it would not
    read them as S3 does (then Python's reader does)."""
    field, quote, escape = options["FieldDelimiter"], options["QuoteCharacter"], options["QuoteEscapeCharacter"]
    comment = options["Comments"].encode()
    if options["RecordDelimiter"] != "\n" or len(field) != 1 or len(quote) > 1 or len(escape) > 1:
        return None
    if comment and (data.startswith(comment) or b"\n" + comment in data):
        return None
    width = len(_header(data, options))
    if not width:
        return None
    names = [f"_{i + 1}" for i in range(width)]
    try:
        return pa_csv.read_csv(io.BytesIO(data), read_options=pa_csv.ReadOptions(column_names=names),
                               parse_options=pa_csv.ParseOptions(
                                   delimiter=field, quote_char=quote or False, double_quote=escape == quote,
                                   escape_char=False if escape == quote else escape or False,
                                   newlines_in_values=allow_quoted, ignore_empty_lines=True),
                               convert_options=pa_csv.ConvertOptions(
                                   column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                                   quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:         # records of other widths, bytes that are no UTF-8, a record too long
        return None


def _python_table(data: bytes, options: dict, allow_quoted: bool) -> pa.Table:
    records = _records(text_of(data), options, allow_quoted)
    width = max([len(row) for row in records], default=0)
    if not width:
        return pa.table({"_1": pa.array([], pa.string())})
    return pa.table({f"_{i + 1}": pa.array([row[i] if i < len(row) else None for row in records], pa.string())
                     for i in range(width)})


def _header(data: bytes, options: dict) -> list[str]:
    """The first record of the object (after any comment lines): its header line."""
    delimiter, position = options["RecordDelimiter"].encode(), 0
    while position < len(data):
        end = after(data, position, delimiter)
        found = _records(text_of(data[position:end]), options, False)
        if found:
            return found[0]
        position = end
    return []


def _records(text: str, options: dict, allow_quoted: bool) -> list[list[str]]:
    delimiter, quote = options["RecordDelimiter"], options["QuoteCharacter"]
    escape, comment = options["QuoteEscapeCharacter"], options["Comments"]
    lines = _split(text, delimiter, quote, escape) if allow_quoted and quote else text.split(delimiter)
    lines = [line for line in lines if line and not (comment and line.startswith(comment))]
    if any(len(line) > MAX_RECORD_BYTES for line in lines):
        raise error("OverMaxRecordSize")
    field = options["FieldDelimiter"]
    if len(field) != 1 or len(quote) > 1 or len(escape) > 1:
        return [line.split(field) for line in lines]
    dialect = {"delimiter": field, "quotechar": quote or None, "strict": False,
               "quoting": csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE,
               "doublequote": escape == quote, "escapechar": None if escape == quote else escape or None}
    # Under another RecordDelimiter, a line break is a character of its field, which
    # Python's reader would take for the end of a line: it is read in disguise.
    disguised = "\n" not in delimiter and "\r" not in delimiter and any("\n" in line or "\r" in line for line in lines)
    if disguised:
        lines = [line.translate(_DISGUISE) for line in lines]
    try:
        records = list(csv.reader(lines, **dialect))
    except csv.Error:
        raise error("CSVParsingError") from None
    return [[value.translate(_UNDISGUISE) for value in record] for record in records] if disguised else records


_DISGUISE = str.maketrans({"\n": "\ue000", "\r": "\ue001"})      # private-use characters
_UNDISGUISE = str.maketrans({"\ue000": "\n", "\ue001": "\r"})


def _split(text: str, delimiter: str, quote: str, escape: str) -> list[str]:
    """Records split at `delimiter` outside quotes (AllowQuotedRecordDelimiter)."""
    out, start, position, inside = [], 0, 0, False
    while True:
        if inside:
            found = text.find(quote, position)
            if found < 0:
                break
            position = found + 1
            if escape != quote and found and text[found - 1] == escape:
                continue
            inside = False
            continue
        next_quote, next_end = text.find(quote, position), text.find(delimiter, position)
        if next_end < 0:
            break
        if 0 <= next_quote < next_end:
            inside, position = True, next_quote + 1
            continue
        out.append(text[start:next_end])
        start = position = next_end + len(delimiter)
    out.append(text[start:])
    return out


def _csv_reference(steps: tuple, names: list | None, width: int) -> Resolved:
    if len(steps) != 1 or steps[0].key is None:
        raise error("InvalidKeyPath")
    step = steps[0]
    key = step.key
    if key.startswith("_") and key[1:].isdigit() and not (step.quoted and names and key in names):
        position = int(key[1:])
        if position < 1:
            raise error("InvalidColumnIndex")
        return Resolved(f'"_{position}"' if position <= width else "CAST(NULL AS VARCHAR)", text=True)
    if names is None:       # no header to name columns by (IGNORE, NONE): only positions
        raise error("InvalidColumnIndex")
    matches = [i for i, name in enumerate(names) if (name == key if step.quoted else name.lower() == key.lower())]
    if not matches:
        raise error("MissingHeaders")
    if len(matches) > 1:
        raise error("AmbiguousFieldName")
    return Resolved(f'"_{matches[0] + 1}"', text=True)


