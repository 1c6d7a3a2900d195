"""Hive bucketing (version 1, what Athena's CTAS writes): each row goes to bucket
`(hash & 0x7fffffff) % bucket_count`, where the hash of the bucketing columns is
`h = 31 * h + hash(value)` over them, in Java's 32-bit arithmetic, each value hashed as
Hive's ObjectInspectorUtils does (ints as themselves, bigint and double folded to 32
bits, strings over their UTF-8 bytes, NULL as 0). Bucket `n` is the file
`0000nn_0_<query id>`, the name Hive reads the bucket number back from.
"""
import datetime
import struct

import pyarrow as pa

SUPPORTED = ("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "VARCHAR", "DATE",
             "TIMESTAMP")
_EPOCH = datetime.date(1970, 1, 1)
_EPOCH_TIME = datetime.datetime(1970, 1, 1)


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _fold(bits: int) -> int:
    """A 64-bit value as Java's Long.hashCode folds it: (int)(v ^ (v >>> 32))."""
    bits &= 0xFFFFFFFFFFFFFFFF
    return _int32(bits ^ (bits >> 32))


def value_hash(value, kind: str) -> int:
    """Hive's hash of one value of DuckDB type `kind`."""
    if value is None:
        return 0
    if kind == "BOOLEAN":
        return 1 if value else 0
    if kind in ("TINYINT", "SMALLINT", "INTEGER"):
        return _int32(value)
    if kind == "BIGINT":
        return _fold(value)
    if kind == "FLOAT":
        return _int32(struct.unpack(">i", struct.pack(">f", value))[0])
    if kind == "DOUBLE":
        return _fold(struct.unpack(">q", struct.pack(">d", value))[0])
    if kind == "VARCHAR":
        result = 0
        for byte in value.encode("utf-8"):
            result = _int32(result * 31 + (byte - 256 if byte > 127 else byte))
        return result
    if kind == "DATE":
        return _int32((value - _EPOCH).days)
    if kind == "TIMESTAMP":         # Hive's TimestampWritable: seconds << 30 | nanoseconds
        delta = value - _EPOCH_TIME
        seconds = delta.days * 86400 + delta.seconds
        return _fold(seconds << 30 | delta.microseconds * 1000)
    raise ValueError(f"no Hive hash for {kind}")


def bucket_of(values: list, kinds: list[str], count: int) -> int:
    result = 0
    for value, kind in zip(values, kinds):
        result = _int32(result * 31 + value_hash(value, kind))
    return (result & 0x7FFFFFFF) % count


def bucket_function(kinds: list[str], count: int):
    """A vectorised DuckDB function of one STRUCT of the bucketing columns (Arrow in,
    bucket numbers out)."""
    def buckets(rows):
        return pa.array([bucket_of(list(row.values()), kinds, count) for row in rows.to_pylist()], pa.int32())
    return buckets


def file_name(bucket: int, query_id: str, suffix: str) -> str:
    return f"{bucket:06d}_0_{query_id}{suffix}"
