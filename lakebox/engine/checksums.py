"""Trino's checksum(x): an order-independent checksum of a group's values, as Trino's
ChecksumAggregationFunction computes it: the sum (mod 2^64) of each value's xxHash64
times 0x9E3779B185EBCA87 (a NULL counts as 0x9E3779B185EBCA87 itself), as the 8 bytes of
that long, little-endian; NULL for no rows. A whole number and a date hash as the long
(airlift's XxHash64.hash(long): XXH64 of its 8 little-endian bytes), a text as its UTF-8
bytes; the values of other types, hashed otherwise in Trino, fail with NOT_SUPPORTED.

DuckDB has no aggregate in Python: the group's values are listed as text with their
DuckDB type (`lakebox_checksum(list(CAST(x AS VARCHAR)), any_value(typeof(x)))`).
"""
import datetime

from lakebox.engine.python_functions import xxhash64
from lakebox.engine.strict import FAILURE_PREFIX

FUNCTION = "lakebox_checksum"
_PRIME64 = 0x9E3779B185EBCA87
_MASK = 2**64 - 1
_WHOLE = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT"}
_EPOCH = datetime.date(1970, 1, 1)


def checksum(values: list, kind: str) -> bytes:
    total = 0
    for value in values:
        total += _PRIME64 if value is None else _hash(value, kind) * _PRIME64
    return (total & _MASK).to_bytes(8, "little")


def _hash(text: str, kind: str) -> int:
    if kind in _WHOLE:
        data = int(text).to_bytes(8, "little", signed=True)
    elif kind == "DATE":
        data = (datetime.date.fromisoformat(text) - _EPOCH).days.to_bytes(8, "little", signed=True)
    elif kind == "VARCHAR":
        data = text.encode("utf-8")
    else:
        raise ValueError(f"{FAILURE_PREFIX}NOT_SUPPORTED:Function 'checksum' is not supported for a value of type "
                         f"{kind.lower()}")
    return int.from_bytes(xxhash64(data), "big")


def install(db):
    db.create_function(FUNCTION, checksum, ["VARCHAR[]", "VARCHAR"], "BLOB")


SQL = f"{FUNCTION}(list(CAST(__v AS VARCHAR)), any_value(typeof(__v)))"
