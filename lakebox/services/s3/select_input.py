"""S3 Select's input: an object's bytes (the ScanRange of them) as the DuckDB relation
`s3object` that the translated query reads (engine/s3select.py).

- CSV: `select_csv`.
- JSON: each record (a line of LINES, each top-level value of a DOCUMENT, the values a
  `FROM S3Object[*].path` reaches) as one JSON column; a reference reads its path with
  the type its values have across the records.
- Parquet: the row groups that start in the ScanRange, columns as typed in the file
  (timestamps of any unit, MILLIS/MICROS/NANOS, all comparable with S3 Select's
  timestamps: "Supported Parquet types").

(Amazon S3 User Guide, "Filtering and retrieving data using Amazon S3 Select"; API
reference, CSVInput, JSONInput and ScanRange.)
"""
import bz2
import gzip
import json
import re
import zlib
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from lakebox.engine import s3select
from lakebox.engine.s3select import Resolved
from lakebox.services.s3.select_errors import error

MAX_RECORD_BYTES = 1 << 20      # maxCharsPerRecord: 1 MB
_SPACES = re.compile(r"\s*")


@dataclass
class Loaded:
    """What the relation holds: each reference of the query resolved, the columns that
    `SELECT *` gives, whether each record is one JSON value, the bytes processed, and
    the bytes of the object read for them (its records or row groups) under a ScanRange."""
    resolved: dict
    star_columns: list
    json_records: bool
    processed: int
    scanned: int | None = None


def scan_bounds(scan_range: dict | None, size: int) -> tuple[int, int]:
    """(first, last) byte offsets a ScanRange names: both inclusive; `End` alone is the
    last N bytes (API reference, ScanRange)."""
    if not scan_range:
        return 0, size - 1
    start, end = scan_range.get("Start"), scan_range.get("End")
    if start is None:
        return max(size - end, 0), size - 1
    return start, size - 1 if end is None else min(end, size - 1)


def record_slice(data: bytes, first: int, last: int, delimiter: bytes) -> tuple[int, int]:
    """[begin, end) of the records whose first byte lies in [first, last], each whole."""
    if first >= len(data) or first > last:
        return len(data), len(data)
    begin = 0 if first == 0 else after(data, first - len(delimiter), delimiter)
    end = after(data, max(last + 1 - len(delimiter), 0), delimiter)
    return begin, max(begin, end)


def after(data: bytes, position: int, delimiter: bytes) -> int:
    """The offset just past the first `delimiter` at or after `position` (or the end)."""
    found = data.find(delimiter, max(position, 0))
    return len(data) if found < 0 else found + len(delimiter)


def decompress(data: bytes, compression: str) -> bytes:
    try:
        if compression == "GZIP":
            return gzip.decompress(data)
        if compression == "BZIP2":
            return bz2.decompress(data)
    except (OSError, EOFError, ValueError, zlib.error):
        raise error("TruncatedInput") from None
    return data


def text_of(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error("InvalidTextEncoding") from None


# ---- JSON --------------------------------------------------------------------------

def load_json(cursor, data: bytes, kind: str, query, bounds) -> Loaded:
    begin, end = record_slice(data, *bounds, b"\n") if bounds else (0, len(data))
    text = text_of(data[begin:end])
    if kind == "LINES" and not query.from_path:       # DuckDB reads the lines as they are
        records = [line for line in text.split("\n") if line.strip()]
        if any(len(line) > MAX_RECORD_BYTES for line in records):
            raise error("OverMaxRecordSize")
    else:
        values = _json_lines(text) if kind == "LINES" else _json_documents(text)
        for step in query.from_path:
            values = _follow(values, step)
        records = [json.dumps(value, separators=(",", ":"), ensure_ascii=False) for value in values]
    cursor.register("__lb_records", pa.table({"__rec": pa.array(records, pa.string())}))
    if cursor.execute("SELECT count(*) FROM __lb_records WHERE NOT json_valid(__rec)").fetchone()[0]:
        raise error("JSONParsingError")
    # A record that is no object (a number, a string) is read as its one value, `_1`.
    cursor.execute(f"CREATE OR REPLACE TEMP VIEW {s3select.RELATION} AS SELECT CASE WHEN json_type(__rec) = "
                   "'OBJECT' THEN CAST(__rec AS JSON) ELSE json_object('_1', CAST(__rec AS JSON)) END AS __rec "
                   "FROM __lb_records")
    resolved = _json_references(cursor, query.references)
    return Loaded(resolved, [("", Resolved("__rec", json=True))], True, end - begin, end - begin)


def _json_lines(text: str) -> list:
    values = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if len(line) > MAX_RECORD_BYTES:
            raise error("OverMaxRecordSize")
        try:
            values.append(json.loads(line))
        except ValueError:
            raise error("JSONParsingError") from None
    return values


def _json_documents(text: str) -> list:
    """Every top-level value of a DOCUMENT object (one, or several one after another)."""
    decoder, values = json.JSONDecoder(), []
    position = _SPACES.match(text).end()
    while position < len(text):
        try:
            value, position = decoder.raw_decode(text, position)
        except ValueError:
            raise error("JSONParsingError") from None
        values.append(value)
        position = _SPACES.match(text, position).end()
    return values


def _follow(values: list, step: tuple) -> list:
    """One step of `FROM S3Object[*].a[*]`: `[*]` gives an array's elements (a value
    that is no array stays itself), `.a` each value's key `a` (values without it drop)."""
    out = []
    for value in values:
        if step[0] == "each":
            out.extend(value if isinstance(value, list) else [value])
        elif isinstance(value, dict) and step[1] in value:
            out.append(value[step[1]])
    return out


# JSON value types (DuckDB's json_type) read as one SQL type when a reference's values
# hold only those.
_JSON_READS = [({"BIGINT", "UBIGINT"}, "BIGINT"), ({"BIGINT", "UBIGINT", "DOUBLE"}, "DOUBLE"),
               ({"BOOLEAN"}, "BOOLEAN")]


def _json_references(cursor, references: list) -> dict:
    """Each reference read from the JSON records: its values' type across the records
    decides how (one SQL type when they share one, else raw JSON)."""
    if not references:
        return {}
    extracts = [_json_extract(cursor, steps) for steps in references]
    listing = ", ".join(f"list(DISTINCT json_type({extract}))" for extract in extracts)
    kinds = cursor.execute(f"SELECT {listing} FROM {s3select.RELATION}").fetchone()
    resolved = {}
    for steps, extract, found in zip(references, extracts, kinds):
        seen = {kind for kind in (found or []) if kind not in (None, "NULL")}
        read = next((duck for kinds_of, duck in _JSON_READS if seen and seen <= kinds_of), None)
        absent = f"({extract}) IS NULL"          # a JSON null is a value: json_extract keeps it
        if not seen or seen <= {"VARCHAR"}:
            resolved[steps] = Resolved(f"json_extract_string({extract}, '$')", absent=absent)
        elif read is not None:
            resolved[steps] = Resolved(f"CAST({extract} AS {read})", absent=absent)
        else:
            resolved[steps] = Resolved(f"(CASE WHEN json_type({extract}) = 'NULL' THEN NULL ELSE {extract} END)",
                                       json=True, absent=absent)
    return resolved


def _json_extract(cursor, steps: tuple) -> str:
    """The JSON value a reference names, as DuckDB SQL. An unquoted key matches the
    records' keys case-insensitively (SQL reference, "Case sensitivity of header/attribute
    names"): each spelling the records use is read, the first present wins; a record
    holding the key in two spellings is AmbiguousFieldName."""
    paths = ["$"]
    for step in steps:
        if step.key is None:
            paths = [f"{path}[{step.index}]" for path in paths]
        elif step.quoted:
            paths = [f"{path}.{_json_key(step.key)}" for path in paths]
        else:
            paths = [f"{path}.{_json_key(key)}" for path in paths for key in _keys_like(cursor, path, step.key)] \
                or [f"{path}.{_json_key(step.key)}" for path in paths]
    if len(paths) == 1:
        return f"json_extract(__rec, {_quote(paths[0])})"
    held = " + ".join(f"CAST(json_exists(__rec, {_quote(path)}) AS INTEGER)" for path in paths)
    if cursor.execute(f"SELECT count(*) FROM {s3select.RELATION} WHERE {held} > 1").fetchone()[0]:
        raise error("AmbiguousFieldName")
    return "COALESCE(" + ", ".join(f"json_extract(__rec, {_quote(path)})" for path in paths) + ")"


def _keys_like(cursor, path: str, key: str) -> list:
    """The keys of the objects at `path` that spell `key` in any case."""
    found = cursor.execute(f"SELECT DISTINCT k FROM (SELECT unnest(json_keys(__rec, {_quote(path)})) AS k "
                           f"FROM {s3select.RELATION}) WHERE lower(k) = lower({_quote(key)}) ORDER BY k").fetchall()
    return [row[0] for row in found]


def _json_key(key: str) -> str:
    return '"' + key.replace('"', '\\"') + '"'


# ---- Parquet -----------------------------------------------------------------------

def load_parquet(cursor, source, query, bounds) -> Loaded:
    """`source`: the object as a seekable file. Only the columns the query names are read
    (every one for `SELECT *`)."""
    try:
        found = pq.ParquetFile(source)
        names = found.schema_arrow.names
        resolved = {steps: _parquet_reference(steps, names) for steps in query.references}
        groups = [index for index in range(found.metadata.num_row_groups)
                  if bounds is None or bounds[0] <= _group_start(found.metadata.row_group(index)) <= bounds[1]]
        wanted = None if query.star else sorted({target.column for target in resolved.values() if target.column}) \
            or names[:1]
        table = found.read_row_groups(groups, columns=wanted) if groups else found.schema_arrow.empty_table()
        table = _comparable_timestamps(table)
    except (pa.ArrowException, OSError, ValueError):
        raise error("ParquetParsingError") from None
    cursor.register(s3select.RELATION, table)
    star = [(name, Resolved(_ident(name))) for name in names]
    chosen = [found.metadata.row_group(index) for index in groups]
    scanned = sum(group.column(i).total_compressed_size for group in chosen for i in range(group.num_columns))
    return Loaded(resolved, star, False, sum(group.total_byte_size for group in chosen), scanned)


def _comparable_timestamps(table: pa.Table) -> pa.Table:
    """NANOS timestamps without a zone (pandas' default) as MICROS: the engine compares
    those, not nanosecond ones, with a TIMESTAMP (the digits below a microsecond are
    not written out either)."""
    for index, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.unit == "ns" and field.type.tz is None:
            table = table.set_column(index, field.name,
                                     table.column(index).cast(pa.timestamp("us"), safe=False))
    return table


def _group_start(group) -> int:
    starts = []
    for index in range(group.num_columns):
        column = group.column(index)
        starts.append(column.dictionary_page_offset if column.has_dictionary_page else column.data_page_offset)
    return min(starts) if starts else 0


def _parquet_reference(steps: tuple, names: list) -> Resolved:
    first = steps[0]
    if first.key is None:
        raise error("InvalidKeyPath")
    matches = [name for name in names if (name == first.key if first.quoted else name.lower() == first.key.lower())]
    if len(matches) > 1:
        raise error("AmbiguousFieldName")
    if not matches:
        return Resolved("NULL")
    sql = _ident(matches[0])
    for step in steps[1:]:
        sql = f"({sql}).{_ident(step.key)}" if step.key is not None else f"({sql})[{step.index + 1}]"
    return Resolved(sql, column=matches[0])


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
