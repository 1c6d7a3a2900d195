"""Iceberg partition specs, as pure data and functions: the transforms of the spec
(identity, bucket, truncate, year, month, day, hour) on Iceberg's own value forms, the
Avro type of a manifest's partition record, the folder names writers use, and the test
of whether a data file's partition values can hold rows a predicate selects (pruning
before any file is opened). No I/O here.

Values are in Iceberg's internal form throughout: int/long as int, date as days since
1970-01-01, timestamp as microseconds since the epoch, string as str, binary as bytes.
"""
import datetime
import re
import struct
import urllib.parse

import mmh3
from sqlglot import exp

FIRST_FIELD_ID = 1000           # partition field ids start here (the spec's rule)
_EPOCH = datetime.date(1970, 1, 1)
_DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000
_TIME_TRANSFORMS = ("year", "month", "day", "hour")
_SUFFIX = {"bucket": "bucket", "truncate": "trunc", "year": "year", "month": "month", "day": "day", "hour": "hour"}
_ORDERED = ("int", "long", "date", "timestamp", "string", "double", "float")


class PartitionError(ValueError):
    """A partition transform the table cannot have; `kind` is Athena's error name."""

    def __init__(self, message: str, kind: str = "INVALID_TABLE_PROPERTY"):
        super().__init__(message)
        self.kind = kind


def parse_transform(text: str) -> tuple[str, str, int | None]:
    """`day(ts)`, `bucket(16, id)`, `truncate(4, s)`, `col` -> (transform, column, width)."""
    text = text.strip()
    match = re.fullmatch(r"(\w+)\s*\(\s*(?:(\d+)\s*,\s*)?[`\"]?(\w+)[`\"]?\s*\)", text)
    if match is None:
        name = text.strip('`"')
        if not re.fullmatch(r"\w+", name):
            raise PartitionError(f"Invalid partition field declaration: {text}")
        return "identity", name.lower(), None
    transform, width, column = match.group(1).lower(), match.group(2), match.group(3).lower()
    if transform in ("bucket", "truncate"):
        if width is None:
            raise PartitionError(f"Invalid partition field declaration: {text}")
        return transform, column, int(width)
    if transform in _TIME_TRANSFORMS and width is None:
        return transform, column, None
    raise PartitionError(f"Invalid partition field declaration: {text}")


def declared_text(node: exp.Expression) -> str:
    """A PARTITIONED BY item of CREATE TABLE (parsed) as Athena writes it: `col`,
    `day(ts)`, `bucket(16, id)`, `truncate(4, s)`."""
    if isinstance(node, (exp.Identifier, exp.Column)):
        return node.name
    column = node.find(exp.Column)
    if column is None or isinstance(node, exp.ColumnDef):
        return node.sql("hive")
    if isinstance(node, exp.PartitionedByBucket):
        return f"bucket({node.expression.name}, {column.name})"
    if isinstance(node, exp.PartitionByTruncate):
        return f"truncate({node.expression.name}, {column.name})"
    return f"{node.name if isinstance(node, exp.Anonymous) else node.key}({column.name})"


def transform_text(transform: str, width: int | None) -> str:
    """The transform as the spec writes it in metadata: `identity`, `bucket[16]`, `day`."""
    return f"{transform}[{width}]" if width is not None else transform


def _transform_of(text: str) -> tuple[str, int | None]:
    match = re.fullmatch(r"(\w+)(?:\[(\d+)\])?", text)
    return match.group(1), int(match.group(2)) if match.group(2) else None


def new_spec(declared: list[tuple[str, str, int | None]], schema: dict, spec_id: int = 0) -> dict:
    """The partition spec of declared (transform, column, width) fields over `schema`."""
    by_name = {field["name"].lower(): field for field in schema["fields"]}
    fields, names = [], set()
    for number, (transform, column, width) in enumerate(declared):
        source = by_name.get(column)
        if source is None:
            raise PartitionError(f"Column '{column}' does not exist", "COLUMN_NOT_FOUND")
        _check(transform, source["type"], column)
        name = column if transform == "identity" else f"{column}_{_SUFFIX[transform]}"
        if name in names:
            raise PartitionError(f"Cannot add redundant partition: {name}")
        names.add(name)
        fields.append({"source-id": source["id"], "field-id": FIRST_FIELD_ID + number, "name": name,
                       "transform": transform_text(transform, width)})
    return {"spec-id": spec_id, "fields": fields}


def _check(transform: str, source_type: str, column: str):
    if source_type.startswith("decimal"):      # lakebox writes no decimal partition values yet
        raise PartitionError(f"Cannot partition by decimal column: {column}", "NOT_SUPPORTED")
    if transform in _TIME_TRANSFORMS and source_type not in ("date", "timestamp"):
        raise PartitionError(f"Cannot partition type {source_type} by {transform}")
    if transform == "hour" and source_type == "date":
        raise PartitionError(f"Cannot partition type {source_type} by hour")
    if transform == "bucket" and source_type not in ("int", "long", "date", "timestamp", "string", "binary"):
        raise PartitionError(f"Cannot partition type {source_type} by bucket")
    if transform == "truncate" and source_type not in ("int", "long", "string", "binary"):
        raise PartitionError(f"Cannot partition type {source_type} by truncate")


def fields(spec: dict, schema: dict) -> list[dict]:
    """The spec's fields with what writers and readers need: transform, width, the
    source column's name and Iceberg type, the result type."""
    by_id = {field["id"]: field for field in schema["fields"]}
    found = []
    for field in spec["fields"]:
        transform, width = _transform_of(field["transform"])
        source = by_id[field["source-id"]]
        found.append({"name": field["name"], "field_id": field["field-id"], "transform": transform, "width": width,
                      "column": source["name"].lower(), "source_type": source["type"],
                      "result_type": result_type(transform, source["type"])})
    return found


def declaration(field: dict) -> str:
    """A field as DDL declares it: `day(ts)`, `bucket(16, id)`, `region`."""
    if field["transform"] == "identity":
        return field["column"]
    width = f"{field['width']}, " if field["width"] is not None else ""
    return f"{field['transform']}({width}{field['column']})"


def result_type(transform: str, source_type: str) -> str:
    if transform in ("identity", "truncate"):
        return source_type
    return "date" if transform == "day" else "int"


_AVRO = {"int": "int", "long": "long", "string": "string", "double": "double", "float": "float",
         "boolean": "boolean", "binary": "bytes", "date": {"type": "int", "logicalType": "date"},
         "timestamp": {"type": "long", "logicalType": "timestamp-micros", "adjust-to-utc": False}}


def avro_partition_record(partition_fields: list[dict]) -> dict:
    """The Avro record of a manifest entry's `partition` (field 102) for these fields."""
    return {"type": "record", "name": "r102", "fields": [
        {"name": field["name"], "type": ["null", _AVRO[field["result_type"]]], "default": None,
         "field-id": field["field_id"]} for field in partition_fields]}


# ---- transforms --------------------------------------------------------------------

def apply(field: dict, value):
    """The partition value of one source value (internal forms; None stays None)."""
    if value is None:
        return None
    transform, kind = field["transform"], field["source_type"]
    if transform == "identity":
        return value
    if transform == "bucket":
        return (bucket_hash(kind, value) & 0x7FFFFFFF) % field["width"]
    if transform == "truncate":
        return value - value % field["width"] if kind in ("int", "long") else value[:field["width"]]
    days = value // _DAY_US if kind == "timestamp" else value
    if transform == "day":
        return days
    if transform == "hour":
        return value // _HOUR_US
    date = _EPOCH + datetime.timedelta(days=days)
    if transform == "year":
        return date.year - 1970
    return (date.year - 1970) * 12 + date.month - 1


def bucket_hash(kind: str, value) -> int:
    """Murmur3 x86 32-bit of the value's bytes as the spec defines them: int, long, date
    and timestamp as an 8-byte little-endian long; string as UTF-8; binary as is."""
    if kind in ("int", "long", "date", "timestamp"):
        data = struct.pack("<q", value)
    elif kind == "string":
        data = value.encode("utf-8")
    else:
        data = bytes(value)
    return mmh3.hash(data, 0, signed=True)


def human(field: dict, value) -> str:
    """The value as Iceberg writes it in a data file's folder name (`ts_day=2024-01-31`)."""
    if value is None:
        return "null"
    transform, kind = field["transform"], field["result_type"]
    if transform == "year":
        return f"{1970 + value:04d}"
    if transform == "month":
        return f"{1970 + value // 12:04d}-{value % 12 + 1:02d}"
    if transform == "hour":
        moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(hours=value)
        return moment.strftime("%Y-%m-%d-%H")
    if kind == "date":
        return (_EPOCH + datetime.timedelta(days=value)).isoformat()
    if kind == "timestamp":
        return (datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=value)).isoformat()
    if kind == "binary":
        return value.hex()
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def path(partition_fields: list[dict], values: tuple) -> str:
    """`ts_day=2024-01-31/id_bucket=3` (each value URL-encoded, as Iceberg writers do)."""
    return "/".join(f"{field['name']}={urllib.parse.quote_plus(human(field, value))}"
                    for field, value in zip(partition_fields, values))


def internal(value):
    """A value read from an Avro manifest (dates and timestamps as Python objects) in
    internal form."""
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo is None else value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return (moment - datetime.datetime(1970, 1, 1)) // datetime.timedelta(microseconds=1)
    if isinstance(value, datetime.date):
        return (value - _EPOCH).days
    return value


# ---- pruning -------------------------------------------------------------------------
# A predicate arrives as ("and"|"or", [parts]) or (column, op, [literal values]) with the
# literals already in the column's internal form; anything else is `None` (unknown).

def possible(predicate, leaf) -> bool:
    """Whether `predicate` may hold, `leaf(column, op, literals)` telling for each
    comparison (an unknown predicate may)."""
    if predicate is None:
        return True
    head, parts = predicate[0], predicate[1]
    if head == "and":
        return all(possible(part, leaf) for part in parts)
    if head == "or":
        return any(possible(part, leaf) for part in parts)
    return leaf(*predicate)


def may_match(predicate, partition_fields: list[dict], values: dict) -> bool:
    """False only when no row of a file whose partition values are `values` (by field
    name, internal forms) can satisfy `predicate`."""
    def leaf(column, op, literals):
        return all(_field_may_match(field, op, literals, values.get(field["name"]))
                   for field in partition_fields if field["column"] == column)
    return possible(predicate, leaf)


def _field_may_match(field: dict, op: str, literals: list, value) -> bool:
    if value is None:           # every row of the file has NULL there: no comparison holds
        return False
    transform = field["transform"]
    if transform == "bucket" or field["source_type"] not in _ORDERED:
        if op not in ("=", "in"):
            return True
        return value in {apply(field, literal) for literal in literals}
    mapped = [apply(field, literal) for literal in literals]
    exact = transform == "identity"
    if op in ("=", "in"):
        return value in mapped
    if op == "between":
        return mapped[0] <= value <= mapped[1]
    bound = mapped[0]
    if op == "<":
        return value < bound if exact else value <= bound
    if op == "<=":
        return value <= bound
    if op == ">":
        return value > bound if exact else value >= bound
    if op == ">=":
        return value >= bound
    if op == "<>":
        return not exact or value != bound
    return True
