"""Value conversions between wire forms and Python, driven by botocore shapes.

Parsers and serializers share these: timestamps in their three wire formats, blobs in
base64, scalars carried as strings in headers, query strings and XML text.
"""
import binascii
import datetime
import email.utils
import math

import pybase64

from lakebox.aws.errors import SerializationError

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)


def to_datetime(value) -> datetime.datetime:
    """Any wire timestamp (epoch number, ISO 8601, RFC 822) as an aware UTC datetime."""
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return EPOCH + datetime.timedelta(seconds=value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return to_datetime(float(text))
        except ValueError:
            pass
        try:
            parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            pass
        try:
            return email.utils.parsedate_to_datetime(text).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    raise SerializationError(f"Unable to parse timestamp: {value!r}")


def epoch_seconds(value) -> float:
    """Epoch seconds as AWS's JSON services write them: to the millisecond at most (the
    clock's finer fractions are cut; a value already in milliseconds stays as it is)."""
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return math.floor(round(value * 1000, 2)) / 1000
    seconds = (to_datetime(value) - EPOCH).total_seconds()
    return int(seconds) if seconds == int(seconds) else round(seconds, 3)


def epoch_millis(value) -> int:
    """Integer epoch milliseconds (x-amz-cbor-1.1 timestamps)."""
    if isinstance(value, (int, float)):
        return int(round(value * 1000))
    return (to_datetime(value) - EPOCH) // datetime.timedelta(milliseconds=1)


class WholeSeconds(int):
    """Epoch seconds of a timestamp a service writes without a fraction in ISO 8601
    (STS's `Expiration`: `2016-03-15T00:05:07Z`); as epoch seconds it is the integer."""


def iso8601(value) -> str:
    """With milliseconds, as AWS writes them (`2009-10-12T17:50:30.000Z`), but for a
    `WholeSeconds` value (`2009-10-12T17:50:30Z`)."""
    moment = to_datetime(value).astimezone(UTC)
    if isinstance(value, WholeSeconds):
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond // 1000:03d}Z"


_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc822(value) -> str:
    """`Thu, 03 Dec 2026 17:28:49 GMT`, as email.utils.format_datetime(usegmt=True) writes
    it (in about a third of its time: S3 sends a Last-Modified with every object read)."""
    moment = to_datetime(value).astimezone(UTC)
    return (f"{_DAY_NAMES[moment.weekday()]}, {moment.day:02d} {_MONTH_NAMES[moment.month]} {moment.year:04d} "
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT")


def format_timestamp(value, fmt: str) -> str | float:
    if fmt == "unixTimestamp":
        return epoch_seconds(value)
    if fmt == "rfc822":
        return rfc822(value)
    return iso8601(value)


def b64decode(text) -> bytes:
    if isinstance(text, (bytes, bytearray)):
        return bytes(text)
    try:
        # pybase64 validates and decodes with SIMD: a 1 KiB record's blob costs well under a
        # microsecond, about an eighth of binascii's strict mode (every PutRecordBatch,
        # PutRecords record pays it).
        return pybase64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise SerializationError("Base64 encoded string is invalid") from None


def b64encode(data) -> str:
    if isinstance(data, str):
        data = data.encode()
    return pybase64.b64encode_as_string(data)


def scalar_from_text(shape, text: str):
    """A scalar carried as text (header, query string, URI, XML) to its Python value."""
    kind = shape.type_name
    if kind in ("integer", "long"):
        return int(text)
    if kind in ("float", "double"):
        return float(text)
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ValueError(text)
        return lowered == "true"
    if kind == "timestamp":
        return to_datetime(text)
    if kind == "blob":
        return b64decode(text)
    return text


def scalar_to_text(shape, value, timestamp_format="iso8601") -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return str(format_timestamp(value, shape.serialization.get("timestampFormat", timestamp_format)))
    if kind == "blob":
        return b64encode(value)
    if kind in ("float", "double") and isinstance(value, float) and value == int(value):
        return str(value)
    return str(value)
