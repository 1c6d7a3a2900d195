"""Record format conversion: JSON records to Parquet or ORC with the columns of a Glue
Data Catalog table (https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html).

The fast path hands all records to Arrow's JSON reader at once, then maps the JSON keys
to the table's columns the way the deserializer says (OpenX: case-insensitive by
default, `ColumnToJsonKeyMappings`, dots in keys as underscores) and casts each column
to its type. When that fails (a value of the wrong type, a record that is not JSON), the
records are read one by one so that only the bad ones go to error output, as
`format-conversion-failed` documents; the good ones are still converted.
"""
import io
import json
import re
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json
import pyarrow.orc as pa_orc
import pyarrow.parquet as pq

from lakebox.services.firehose import prefixes
from lakebox.services.glue import public as glue

_PRIMITIVES = {"string": pa.string(), "int": pa.int32(), "integer": pa.int32(), "bigint": pa.int64(),
               "smallint": pa.int16(), "tinyint": pa.int8(), "double": pa.float64(), "float": pa.float32(),
               "boolean": pa.bool_(), "timestamp": pa.timestamp("ms"), "date": pa.date32(), "binary": pa.binary()}
PARQUET_COMPRESSION = {"SNAPPY": "snappy", "GZIP": "gzip", "UNCOMPRESSED": "none"}
ORC_COMPRESSION = {"SNAPPY": "snappy", "ZLIB": "zlib", "NONE": "uncompressed"}


# the OpenX JSON SerDe reads integers written with at least as many characters as
# "1454612111000" as epoch milliseconds, shorter ones as epoch seconds
_OPENX_MILLIS_DIGITS = 13
_OPENX_MILLIS = 10 ** (_OPENX_MILLIS_DIGITS - 1)
_NUMBER = re.compile(r"-?\d+(\.\d*)?([eE][-+]?\d+)?")
_VALUE_OF = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?")
_LENGTHED = re.compile(r"(?:var)?char\s*\(\s*(\d+)\s*\)")


class ConversionError(ValueError):
    """A record that does not fit the table's columns."""


def arrow_type(hive) -> pa.DataType:
    """The Arrow type of a parsed Hive type (glue.parse_type)."""
    if isinstance(hive, tuple):
        if hive[0] == "array":
            return pa.list_(arrow_type(hive[1]))
        if hive[0] == "map":
            return pa.map_(arrow_type(hive[1]), arrow_type(hive[2]))
        return pa.struct([(name, arrow_type(t)) for name, t in hive[1]])
    text = hive.lower()
    if text.startswith(("varchar", "char")):
        return pa.string()
    if text.startswith("decimal"):
        precision, _, scale = text[text.index("(") + 1:-1].partition(",") if "(" in text else ("10", "", "0")
        return pa.decimal128(int(precision), int(scale or 0))
    if text not in _PRIMITIVES:
        raise ConversionError(f"Unsupported column type {hive}")
    return _PRIMITIVES[text]


def schema_of(table: dict) -> pa.Schema:
    """The Arrow schema of a Glue `Table` document's columns (partition keys are not data)."""
    columns = table.get("StorageDescriptor", {}).get("Columns") or []
    return pa.schema([(c["Name"], arrow_type(glue.parse_type(c["Type"]))) for c in columns])


def text_lengths(table: dict) -> dict:
    """{column: n} of the table's varchar(n) and char(n) columns: Hive keeps at most n
    characters of their values, and Athena reads them so."""
    lengths = {}
    for column in table.get("StorageDescriptor", {}).get("Columns") or []:
        match = _LENGTHED.fullmatch(column["Type"].strip().lower())
        if match:
            lengths[column["Name"]] = int(match.group(1))
    return lengths


class Deserializer:
    """How JSON keys find their columns (OpenX or Hive JSON SerDe settings)."""

    def __init__(self, settings: dict):
        openx = settings.get("OpenXJsonSerDe")
        self.case_insensitive = True if openx is None else openx.get("CaseInsensitive", True)
        self.dots = bool(openx and openx.get("ConvertDotsInJsonKeysToUnderscores"))
        self.mappings = dict((openx or {}).get("ColumnToJsonKeyMappings") or {})
        hive = settings.get("HiveJsonSerDe") or {}
        self.timestamp_formats = list(hive.get("TimestampFormats") or [])
        self.openx = "HiveJsonSerDe" not in settings

    def key_for(self, column: str, keys) -> str | None:
        """The JSON key (among `keys`) that holds `column`."""
        return next(iter(self.keys_for(column, keys)), None)

    def keys_for(self, column: str, keys) -> list[str]:
        """Every JSON key (among `keys`) that could hold `column` ("ID" and "id" both do
        when keys are case-insensitive)."""
        wanted = self.mappings.get(column, column)
        found = []
        for key in keys:
            name = key.replace(".", "_") if self.dots else key
            if name == wanted or (self.case_insensitive and name.lower() == wanted.lower()):
                found.append(key)
        return found


def convert(datas: list[bytes], schema: pa.Schema, deserializer: Deserializer, lengths: dict | None = None):
    """(Arrow table of the records that convert, [(index, message)] of those that do not);
    `lengths` ({column: n}, `text_lengths`) cuts varchar(n)/char(n) values to n characters."""
    table, failures = _converted(datas, schema, deserializer)
    for name, length in (lengths or {}).items():
        if name in table.column_names:
            table = table.set_column(table.schema.get_field_index(name), table.schema.field(name),
                                     pc.utf8_slice_codeunits(table.column(name), 0, length))
    return table, failures


def _converted(datas, schema, deserializer):
    if not any(b"\n" in d.rstrip(b"\n") for d in datas):
        try:
            return _fast(datas, schema, deserializer), []
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, ConversionError):
            pass
    rows, failures = [], []
    for index, data in enumerate(datas):
        try:
            rows.append(_row(data, schema, deserializer))
        except ConversionError as error:
            failures.append((index, str(error)))
    return pa.Table.from_pylist(rows, schema=schema), failures


def _fast(datas, schema, deserializer) -> pa.Table:
    if deserializer.timestamp_formats or (not deserializer.openx and "timestamp" in str(schema)):
        raise ConversionError("Hive's timestamp parsing is applied record by record")
    body = b"\n".join(d.rstrip(b"\n") for d in datas)
    read = pa_json.read_json(io.BytesIO(body), read_options=pa_json.ReadOptions(block_size=max(len(body), 1 << 20)),
                             parse_options=pa_json.ParseOptions(newlines_in_values=False))
    if read.num_rows != len(datas):
        raise ConversionError("records and rows differ")
    columns = []
    for target in schema:
        keys = deserializer.keys_for(target.name, read.column_names)
        if len(keys) > 1:       # records spell the key differently: each record finds its own
            raise ConversionError("one column, several keys")
        if not keys:
            columns.append(pa.nulls(read.num_rows, target.type))
            continue
        column = read.column(keys[0])
        if pa.types.is_timestamp(target.type) and pa.types.is_integer(column.type):
            if deserializer.openx and _any_epoch_millis(column):
                raise ConversionError("epoch milliseconds are told apart record by record")
            column = pc.multiply_checked(column, 1000).cast(pa.int64()).cast(target.type)   # epoch seconds
        columns.append(column.cast(target.type, safe=True))
    return pa.Table.from_arrays(columns, schema=schema)


def _row(data: bytes, schema, deserializer) -> dict:
    if not data.strip():
        # AWS's words, as an error record it wrote reads (a user's fixture of a real object)
        raise ConversionError("The record was empty or contained only whitespace.")
    try:
        document = json.loads(data)
    except ValueError:
        raise ConversionError("The record is not valid JSON.") from None
    if not isinstance(document, dict):
        raise ConversionError("The record is not a JSON object.")
    row = {}
    for target in schema:
        key = deserializer.key_for(target.name, document)
        row[target.name] = None if key is None else _value(document[key], target.type, deserializer)
    return row


def _value(value, kind: pa.DataType, deserializer):
    if value is None:
        return None
    try:
        if pa.types.is_string(kind):
            return value if isinstance(value, str) else json.dumps(value)
        if pa.types.is_boolean(kind):
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise ConversionError(f"Cannot convert {value!r} to boolean")
        if pa.types.is_integer(kind):
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ConversionError(f"Cannot convert {value!r} to {kind}")
            return _in_range(int(value), kind)
        if pa.types.is_floating(kind):
            return float(value)
        if pa.types.is_decimal(kind):
            return _decimal(value, kind)
        if pa.types.is_timestamp(kind):
            return _timestamp(value, deserializer)
        if pa.types.is_date(kind):
            return date.fromisoformat(value)
        if pa.types.is_list(kind):
            return [_value(v, kind.value_type, deserializer) for v in value]
        if pa.types.is_map(kind):
            return [(k, _value(v, kind.item_type, deserializer)) for k, v in value.items()]
        if pa.types.is_struct(kind):
            return {f.name: _value(value.get(deserializer.key_for(f.name, value) or f.name), f.type, deserializer)
                    for f in kind}
        if pa.types.is_binary(kind):
            return value.encode() if isinstance(value, str) else bytes(value)
    except (TypeError, ValueError, InvalidOperation, AttributeError, OverflowError, OSError) as error:
        raise ConversionError(f"Cannot convert {value!r} to {kind}: {error}") from None
    raise ConversionError(f"Unsupported type {kind}")


def _in_range(number: int, kind: pa.DataType) -> int:
    """`number`, when the column's integer type holds it (a value too big for an int column
    fails that record, as a JSON SerDe's parse does, instead of the whole object)."""
    half = 1 << (kind.bit_width - 1)
    if not -half <= number < half:
        raise ValueError("out of range")
    return number


def _decimal(value, kind: pa.DataType) -> Decimal:
    """`value` rounded (half up) to the column's scale, as Hive's decimal(p,s) columns take
    it; one with more integer digits than the precision leaves fails that record."""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-kind.scale), rounding=ROUND_HALF_UP)
    if not number.is_finite() or abs(number) >= Decimal(10) ** (kind.precision - kind.scale):
        raise ValueError("out of range")
    return number


def _any_epoch_millis(column) -> bool:
    """Whether an integer column holds a number the OpenX SerDe reads as epoch milliseconds."""
    big = pc.or_(pc.greater_equal(column, _OPENX_MILLIS), pc.less_equal(column, -_OPENX_MILLIS // 10))
    return bool(pc.any(big).as_py())


def _openx_epoch(value) -> datetime | None:
    """How the OpenX JSON SerDe reads a number (or a string of one) given for a timestamp:
    with a decimal point, epoch seconds; an integer written with 13 characters or more,
    epoch milliseconds; a shorter one, epoch seconds. None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    text = str(value).strip() if isinstance(value, str) else repr(value)
    if ":" in text or not _NUMBER.fullmatch(text):
        return None
    if "." in text or "e" in text.lower():
        return datetime.fromtimestamp(float(text), tz=timezone.utc)
    number = int(text)
    return datetime.fromtimestamp(number / 1000 if len(text) >= _OPENX_MILLIS_DIGITS else number, tz=timezone.utc)


def _timestamp(value, deserializer) -> datetime:
    """Epoch seconds (milliseconds with the "millis" format), a TimestampFormats pattern,
    else ISO 8601 / `yyyy-MM-dd HH:mm:ss[.fff]`, as the deserializers read timestamps.
    The OpenX SerDe tells epoch milliseconds from seconds by their length (`_openx_epoch`)."""
    if deserializer.openx:
        epoch = _openx_epoch(value)
        if epoch is not None:
            return epoch
    millis = "millis" in deserializer.timestamp_formats
    if isinstance(value, (int, float)) and not isinstance(value, bool) and (millis or deserializer.openx):
        return datetime.fromtimestamp(value / 1000 if millis else value, tz=timezone.utc)
    text = str(value)
    if millis and text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=timezone.utc)
    for pattern in deserializer.timestamp_formats:
        if pattern != "millis":
            try:
                return prefixes.java_parse(text, pattern)
            except ValueError:
                continue
    if not deserializer.openx:
        return _timestamp_value_of(text)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _timestamp_value_of(text: str) -> datetime:
    """The Hive JSON SerDe's last resort, `java.sql.Timestamp::valueOf` ("If you don't
    specify a format, Firehose uses java.sql.Timestamp::valueOf by default", HiveJsonSerDe
    in the API reference): `yyyy-[m]m-[d]d hh:mm:ss[.f...]` and nothing else (no `T`, no
    zone, no epoch number); the error is Java's own words."""
    match = _VALUE_OF.fullmatch(text.strip())
    if match is None:
        raise ValueError("Timestamp format must be yyyy-mm-dd hh:mm:ss[.fffffffff]")
    *fields, fraction = match.groups()
    year, month, day, hour, minute, second = (int(f) for f in fields)
    micros = int((fraction or "").ljust(6, "0")[:6])
    return datetime(year, month, day, hour, minute, second, micros, tzinfo=timezone.utc)


def write(table: pa.Table, serializer: dict, path: str):
    """Write `table` as the serializer says (ParquetSerDe or OrcSerDe settings)."""
    if "ParquetSerDe" in serializer:
        settings = serializer["ParquetSerDe"]
        # Hive's Parquet writer, which Firehose converts with, stores timestamps as INT96
        # (read back as nanoseconds: pyarrow's timestamp[ns]); users ask how to get INT64
        # instead ("How can I write Parquet files with int64 timestamps (instead of int96)
        # from AWS Kinesis Firehose?", Stack Overflow)
        pq.write_table(table, path, compression=PARQUET_COMPRESSION[settings.get("Compression", "SNAPPY")],
                       use_deprecated_int96_timestamps=True,
                       use_dictionary=settings.get("EnableDictionaryCompression", True),
                       data_page_size=settings.get("PageSizeBytes"),
                       data_page_version="2.0" if settings.get("WriterVersion") == "V2" else "1.0")
        return
    settings = serializer.get("OrcSerDe") or {}
    optional = {}
    if "DictionaryKeyThreshold" in settings:
        optional["dictionary_key_size_threshold"] = settings["DictionaryKeyThreshold"]
    if "PaddingTolerance" in settings:
        optional["padding_tolerance"] = settings["PaddingTolerance"]
    names = [name.lower() for name in table.column_names]
    blooms = [names.index(c.lower()) for c in settings.get("BloomFilterColumns") or [] if c.lower() in names]
    if blooms:
        optional["bloom_filter_columns"] = blooms
        optional["bloom_filter_fpp"] = settings.get("BloomFilterFalsePositiveProbability", 0.05)
    pa_orc.write_table(table, path, compression=ORC_COMPRESSION[settings.get("Compression", "SNAPPY")],
                       file_version="0.11" if settings.get("FormatVersion") == "V0_11" else "0.12",
                       stripe_size=settings.get("StripeSizeBytes", 64 * 1024 * 1024),
                       row_index_stride=settings.get("RowIndexStride", 10_000), **optional)
