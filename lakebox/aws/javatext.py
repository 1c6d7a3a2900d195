"""How AWS's Java validator prints values and orders what it reports.

See `validate.py` for the evidence behind each choice."""
from __future__ import annotations

import datetime
import math
from decimal import Decimal

_BYTES_TYPES = (bytes, bytearray, memoryview)

# ---------------------------------------------------------------------------------
# Java collection order

def _java_string_hash(text: str) -> int:
    """`java.lang.String.hashCode()` (over UTF-16 code units), as an unsigned int."""
    h = 0
    for ch in text:
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            h = (31 * h + (0xD800 | (code >> 10))) & 0xFFFFFFFF
            code = 0xDC00 | (code & 0x3FF)
        h = (31 * h + code) & 0xFFFFFFFF
    return h


def _java_order(keys: list) -> list:
    """`keys` (in insertion order) in the iteration order of a `java.util.HashMap`
    (or `HashSet`) holding them: by bucket, insertion order within a bucket. The table
    starts at 16 buckets and doubles whenever it is more than three quarters full."""
    if len(keys) < 2:
        return list(keys)
    capacity = 16
    while len(keys) > capacity * 3 // 4:
        capacity *= 2
    mask = capacity - 1

    def bucket(key):
        h = _java_string_hash(str(key))
        return (h ^ (h >> 16)) & mask

    return sorted(keys, key=bucket)


# ---------------------------------------------------------------------------------
# value printing (only on the error path)

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _java_double(x: float) -> str:
    """`java.lang.Double.toString`."""
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    if 1e-3 <= abs(x) < 1e7:
        text = repr(x)
        return text if "." in text else text + ".0"
    sign, digit_tuple, exponent = Decimal(repr(x)).as_tuple()
    exp10 = exponent + len(digit_tuple) - 1
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return ("-" if sign else "") + mantissa + "E" + str(exp10)


def _java_date(value: datetime.datetime) -> str:
    """`java.util.Date.toString()` in UTC: `Thu Jan 01 00:00:00 UTC 1970`."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    return (f"{_DAYS[value.weekday()]} {_MONTHS[value.month - 1]} {value.day:02d} "
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} UTC {value.year}")


def _format(shape, value) -> str:
    """Print `value` the way AWS's (Java) validator prints it in a message."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, _BYTES_TYPES):
        size = value.nbytes if isinstance(value, memoryview) else len(value)
        return f"java.nio.HeapByteBuffer[pos=0 lim={size} cap={size}]"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _java_double(value)
    if isinstance(value, datetime.datetime):
        return _java_date(value)
    type_name = getattr(shape, "type_name", None)
    if isinstance(value, (list, tuple)):
        member = shape.member if type_name == "list" else None
        return "[" + ", ".join(_format(member, item) for item in value) + "]"
    if isinstance(value, dict):
        if type_name == "structure" and not shape.metadata.get("document"):
            inner = ", ".join(f"{_lower_first(name)}={_format(member, value.get(name))}"
                              for name, member in shape.members.items())
            return f"{shape.name}({inner})"
        value_shape = shape.value if type_name == "map" else None
        return "{" + ", ".join(f"{key}={_format(value_shape, value[key])}"
                               for key in _java_order(list(value))) + "}"
    return str(value)


def _number_text(x, floating: bool = False) -> str:
    """A bound as Java prints it: `1.0` on float/double shapes (Lambda's routing
    weights read `less than or equal to 1.0`), a plain integer elsewhere."""
    if floating:
        return _java_double(float(x))
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)
