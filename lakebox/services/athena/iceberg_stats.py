"""Column statistics of Iceberg data files and partition summaries of manifests, as
Iceberg writers record them (pure): value, null and size counts by field id, lower and
upper bounds in the spec's single-value serialization (strings and binaries truncated
to 16, as the default metrics mode `truncate(16)` does), and for each manifest the
range of every partition field, by which readers (pyiceberg, Spark, Trino) skip
manifests and files before opening them."""
import decimal
import math
import struct

from lakebox.services.athena import iceberg_partition as partitions

TRUNCATE = 16
_PACKED = {"int": "<i", "date": "<i", "long": "<q", "timestamp": "<q", "timestamptz": "<q", "time": "<q",
           "float": "<f", "double": "<d"}


def serialize(kind: str, value) -> bytes | None:
    """A value in Iceberg's single-value binary form for its type (None: not serializable)."""
    value = partitions.internal(value)
    if kind in _PACKED:
        if kind in ("float", "double") and math.isnan(value):
            return None
        return struct.pack(_PACKED[kind], value)
    if kind == "boolean":
        return b"\x01" if value else b"\x00"
    if kind == "string":
        return value.encode("utf-8")
    if kind in ("binary", "uuid") or kind.startswith("fixed"):
        return bytes(value)
    if kind.startswith("decimal"):
        scale = int(kind[kind.index(",") + 1:-1])
        unscaled = int(decimal.Decimal(value).scaleb(scale))
        magnitude = unscaled if unscaled >= 0 else ~unscaled     # the bits besides the sign
        return unscaled.to_bytes(magnitude.bit_length() // 8 + 1, "big", signed=True)
    return None


def lower(kind: str, value) -> bytes | None:
    if kind == "string":
        return value[:TRUNCATE].encode("utf-8")
    if kind == "binary":
        return bytes(value)[:TRUNCATE]
    return serialize(kind, value)


def upper(kind: str, value) -> bytes | None:
    """The upper bound: a truncated string or binary rounded up past every value that
    starts with it (None when no such bound exists)."""
    if kind == "string" and len(value) > TRUNCATE:
        chars = list(value[:TRUNCATE])
        while chars and ord(chars[-1]) >= 0x10FFFF:
            chars.pop()
        if not chars:
            return None
        following = ord(chars[-1]) + 1
        chars[-1] = chr(0xE000 if 0xD800 <= following <= 0xDFFF else following)     # surrogates are no characters
        return "".join(chars).encode("utf-8")
    if kind == "binary" and len(value) > TRUNCATE:
        data = bytearray(bytes(value)[:TRUNCATE])
        while data and data[-1] == 0xFF:
            data.pop()
        if not data:
            return None
        data[-1] += 1
        return bytes(data)
    return serialize(kind, value)


def column_metrics(parquet, fields: list[dict]) -> dict:
    """A data file's `column_sizes`, `value_counts`, `null_value_counts`, `lower_bounds`
    and `upper_bounds` (Avro map arrays) from its Parquet footer (`pyarrow` FileMetaData),
    for the schema's top-level primitive `fields` found in it by field id, else by name."""
    by_id = {field["id"]: field for field in fields if isinstance(field["type"], str)}
    by_name = {field["name"].lower(): field for field in by_id.values()}
    arrow = parquet.schema.to_arrow_schema()
    found = {}
    for index in range(parquet.num_columns):
        name = parquet.schema.column(index).path
        if "." in name:
            continue
        field_id = (arrow.field(name).metadata or {}).get(b"PARQUET:field_id")
        field = by_id.get(int(field_id)) if field_id is not None else by_name.get(name.lower())
        if field is not None:
            found[index] = field
    sums = {key: {} for key in ("column_sizes", "value_counts", "null_value_counts")}
    minimum, maximum, unknown = {}, {}, set()
    for group in range(parquet.num_row_groups):
        for index, field in found.items():
            chunk = parquet.row_group(group).column(index)
            stats = chunk.statistics
            key = field["id"]
            sums["column_sizes"][key] = sums["column_sizes"].get(key, 0) + chunk.total_compressed_size
            sums["value_counts"][key] = sums["value_counts"].get(key, 0) + chunk.num_values
            if stats is None or not stats.has_null_count:
                unknown.add(key)
            else:
                sums["null_value_counts"][key] = sums["null_value_counts"].get(key, 0) + stats.null_count
            if stats is not None and stats.has_min_max:
                minimum[key] = stats.min if key not in minimum else min(minimum[key], stats.min)
                maximum[key] = stats.max if key not in maximum else max(maximum[key], stats.max)
    for key in unknown:
        sums["null_value_counts"].pop(key, None)
    kinds = {field["id"]: field["type"] for field in found.values()}
    metrics = {name: _pairs(values) for name, values in sums.items()}
    metrics["lower_bounds"] = _pairs({key: lower(kinds[key], value) for key, value in minimum.items()})
    metrics["upper_bounds"] = _pairs({key: upper(kinds[key], value) for key, value in maximum.items()})
    return metrics


def _pairs(values: dict) -> list[dict] | None:
    pairs = [{"key": key, "value": value} for key, value in sorted(values.items()) if value is not None]
    return pairs or None


def partition_summaries(partition_fields: list[dict], data_files: list[dict]) -> list[dict] | None:
    """A manifest list row's `partitions`: for each partition field of the manifest's
    files, whether a file has a null value and the lowest and highest values."""
    if not partition_fields:
        return None
    summaries = []
    for field in partition_fields:
        values = [partitions.internal((data.get("partition") or {}).get(field["name"])) for data in data_files]
        present = [value for value in values if value is not None]
        kind = field["result_type"]
        summaries.append({"contains_null": len(present) < len(values), "contains_nan": False if kind in (
            "float", "double") else None, "lower_bound": serialize(kind, min(present)) if present else None,
            "upper_bound": serialize(kind, max(present)) if present else None})
    return summaries


# ---- pruning by the statistics ---------------------------------------------------------
# The predicate is `iceberg_partition.may_match`'s, over any primitive column.

def deserialize(kind: str, data: bytes):
    """A bound back in internal form (ints by their width: a bound written before a
    promotion keeps its narrower type), or None for a type not compared here."""
    if kind in ("int", "long", "date", "timestamp"):
        return struct.unpack("<i" if len(data) == 4 else "<q", data)[0]
    if kind in ("float", "double"):
        return struct.unpack("<f" if len(data) == 4 else "<d", data)[0]
    if kind == "string":
        return data.decode("utf-8", errors="replace")
    return None


def may_contain(predicate, columns: dict, data: dict) -> bool:
    """False only when the file's statistics prove no row satisfies `predicate`;
    `columns` gives each column's (field id, Iceberg type)."""
    values, nulls = _by_id(data.get("value_counts")), _by_id(data.get("null_value_counts"))
    lowers, uppers = _by_id(data.get("lower_bounds")), _by_id(data.get("upper_bounds"))

    def leaf(column, op, literals):
        if column not in columns:
            return True
        field_id, kind = columns[column]
        if field_id in values and values[field_id] == nulls.get(field_id, -1):
            return False            # only NULLs: no comparison holds
        low, high = lowers.get(field_id), uppers.get(field_id)
        try:
            return _within(op, literals, deserialize(kind, low) if low is not None else None,
                           deserialize(kind, high) if high is not None else None)
        except TypeError:           # a literal of another kind than the bound: cannot tell
            return True
    return partitions.possible(predicate, leaf)


def _within(op: str, literals: list, low, high) -> bool:
    def above_low(value, strict=False):
        return low is None or (low < value if strict else low <= value)

    def below_high(value, strict=False):
        return high is None or (value < high if strict else value <= high)
    if op in ("=", "in"):
        return any(above_low(value) and below_high(value) for value in literals)
    if op == "between":
        return above_low(literals[1]) and below_high(literals[0])
    if op == "<":
        return above_low(literals[0], strict=True)
    if op == "<=":
        return above_low(literals[0])
    if op == ">":
        return below_high(literals[0], strict=True)
    if op == ">=":
        return below_high(literals[0])
    return True


def _by_id(pairs) -> dict:
    return {pair["key"]: pair["value"] for pair in pairs or []}
