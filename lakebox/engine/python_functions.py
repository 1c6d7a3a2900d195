"""Trino functions DuckDB has no counterpart for, in Python: registered in the engine's
database as `lakebox_<name>` (`install`), a call to `<name>` renamed to it (`RENAMES`).
Invalid input fails as Trino's INVALID_FUNCTION_ARGUMENT, through the failure text the
engine reads back (`strict.FAILURE_PREFIX`)."""
import datetime
import decimal
import json
import math
import re
import unicodedata

from sqlglot import exp

from lakebox.engine.strict import FAILURE_PREFIX


class _InvalidArgument(ValueError):
    def __init__(self, message: str):
        super().__init__(f"{FAILURE_PREFIX}INVALID_FUNCTION_ARGUMENT:{message}")


_WEEK, _DAY, _HOUR, _MINUTE = 604800, 86400, 3600, 60
_UNITS = (("week", _WEEK), ("day", _DAY), ("hour", _HOUR), ("minute", _MINUTE), ("second", 1))


def human_readable_seconds(seconds: float) -> str:
    """`1 hour, 2 minutes, 42 seconds`: the units that are not zero of the seconds rounded
    to the nearest whole one (and of their absolute value), `0 seconds` for none."""
    if math.isnan(seconds) or math.isinf(seconds):
        raise _InvalidArgument(f"Invalid argument found: {'NaN' if math.isnan(seconds) else 'Infinity'}")
    left, parts = abs(math.floor(seconds + 0.5)), []
    for name, size in _UNITS:
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    return ", ".join(parts) or "0 seconds"


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$")
_DURATION_UNITS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6, "d": 8.64e7}


def parse_duration(text: str) -> datetime.timedelta:
    """`'3.81 d'` as an interval of whole milliseconds (half rounded up), as Trino does."""
    found = _DURATION.match(text)
    if found is None:
        raise _InvalidArgument(f"duration is not a valid data duration string: {text}")
    unit = _DURATION_UNITS.get(found.group(2))
    if unit is None:
        raise _InvalidArgument(f"Unknown time unit: {found.group(2)}")
    return datetime.timedelta(milliseconds=math.floor(float(found.group(1)) * unit + 0.5))


def luhn_check(digits: str) -> bool:
    """Whether a string of digits passes the Luhn (mod 10) check; '' does not."""
    if digits and not all("0" <= char <= "9" for char in digits):
        raise _InvalidArgument("Input contains non-digit character")
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return bool(digits) and total % 10 == 0


_SOUNDEX = {**dict.fromkeys("BFPV", "1"), **dict.fromkeys("CGJKQSXZ", "2"), **dict.fromkeys("DT", "3"),
            "L": "4", **dict.fromkeys("MN", "5"), "R": "6"}


def soundex(text: str) -> str:
    """American Soundex: the first letter and the codes of the next consonants, a code
    repeated across H or W (or next to itself) counted once, padded with 0 to 4 characters;
    characters other than the letters A-Z are left out ('' when none is a letter)."""
    letters = [char for char in text.upper() if "A" <= char <= "Z"]
    if not letters:
        return ""
    out, previous = [letters[0]], _SOUNDEX.get(letters[0], "")
    for char in letters[1:]:
        if char in "HW":
            continue
        code = _SOUNDEX.get(char, "")
        if code and code != previous:
            out.append(code)
        previous = code
        if len(out) == 4:
            break
    return "".join(out).ljust(4, "0")


_MASK = 2**64 - 1
_P1, _P2, _P3 = 11400714785074694791, 14029467366897019727, 1609587929392839161
_P4, _P5 = 9650029242287828579, 2870177450012600261


def _rotate(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (64 - bits))) & _MASK


def _round(accumulator: int, lane: int) -> int:
    return (_rotate((accumulator + lane * _P2) & _MASK, 31) * _P1) & _MASK


def _merge(hashed: int, accumulator: int) -> int:
    return ((hashed ^ _round(0, accumulator)) * _P1 + _P4) & _MASK


def xxhash64(data: bytes) -> bytes:
    """XXH64 of the bytes with seed 0, as 8 bytes big-endian (Trino's varbinary)."""
    length, position = len(data), 0
    if length >= 32:
        lanes = [(_P1 + _P2) & _MASK, _P2, 0, (-_P1) & _MASK]
        while position + 32 <= length:
            for index in range(4):
                lanes[index] = _round(lanes[index], int.from_bytes(data[position:position + 8], "little"))
                position += 8
        hashed = (_rotate(lanes[0], 1) + _rotate(lanes[1], 7) + _rotate(lanes[2], 12) + _rotate(lanes[3], 18)) & _MASK
        for lane in lanes:
            hashed = _merge(hashed, lane)
    else:
        hashed = _P5
    hashed = (hashed + length) & _MASK
    while position + 8 <= length:
        hashed ^= _round(0, int.from_bytes(data[position:position + 8], "little"))
        hashed = (_rotate(hashed, 27) * _P1 + _P4) & _MASK
        position += 8
    if position + 4 <= length:
        hashed ^= (int.from_bytes(data[position:position + 4], "little") * _P1) & _MASK
        hashed = (_rotate(hashed, 23) * _P2 + _P3) & _MASK
        position += 4
    for byte in data[position:]:
        hashed ^= (byte * _P5) & _MASK
        hashed = (_rotate(hashed, 11) * _P1) & _MASK
    for shift, prime in ((33, _P2), (29, _P3)):
        hashed = ((hashed ^ (hashed >> shift)) * prime) & _MASK
    return (hashed ^ (hashed >> 32)).to_bytes(8, "big")


def strpos_instance(string: str, substring: str, instance: int) -> int:
    """Trino's strpos(string, substring, instance): where (from 1, in characters) the
    instance-th occurrence of substring starts, occurrences overlapping, counted from the
    end for a negative instance; 0 if there are fewer, 1 for an empty substring."""
    if instance == 0:
        raise _InvalidArgument("'instance' must be a positive or negative number.")
    if not substring:
        return 1
    if instance > 0:
        index = -1
        for _ in range(instance):
            index = string.find(substring, index + 1)
            if index < 0:
                return 0
        return index + 1
    index = len(string) - len(substring) + 1
    for _ in range(-instance):
        index = string.rfind(substring, 0, max(index - 1 + len(substring), 0))
        if index < 0:
            return 0
    return index + 1


def normalize_form(text: str, form: str) -> str:
    """Trino's normalize(string, form) for the forms NFD, NFKC and NFKD (NFC is DuckDB's
    nfc_normalize)."""
    return unicodedata.normalize(form, text)


_PATH_STEP = re.compile(r'\.(?:"((?:[^"\\]|\\.)*)"|([^.\[]+))|\[(\d+)\]')


def json_number_text(text: str, path: str) -> str | None:
    """The text a JSON number has in the document (`1.50`, `1e3`) at a path of DuckDB's
    syntax (`$.a."b c"[0]`), as Trino's json_extract_scalar answers it (Jackson's
    getText); DuckDB's reprints the number (`1.5`, `1000.0`). None if the path is not
    followed to the end."""
    try:
        value = json.loads(text, parse_float=str, parse_int=str)
    except ValueError:
        return None
    position = 1 if path.startswith("$") else 0
    for step in _PATH_STEP.finditer(path, position):
        if step.start() != position:
            return None
        quoted, name, index = step.groups()
        key = json.loads(f'"{quoted}"') if quoted is not None else name
        if index is not None:
            if not isinstance(value, list) or int(index) >= len(value):
                return None
            value = value[int(index)]
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return None
        position = step.end()
    return value if position == len(path) and isinstance(value, str) else None


def _sorted_keys(value):
    if isinstance(value, dict):     # Java's String order: by UTF-16 code units
        return {key: _sorted_keys(value[key]) for key in sorted(value, key=lambda key: key.encode("utf-16-be"))}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


def json_sorted(text: str) -> str:
    """The JSON text with the keys of every object in order, as Trino's json_parse (and a
    JSON literal) writes its value (Jackson's ORDER_MAP_ENTRIES_BY_KEYS): `{"b":1,"a":2}`
    is `{"a":2,"b":1}`; a text that is no JSON is left as it is (for the caller to refuse)."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return json.dumps(_sorted_keys(value), ensure_ascii=False, separators=(",", ":"))


def from_utf8(data: bytes, replacement: str) -> str:
    """Trino's from_utf8: the bytes as UTF-8, each invalid sequence as the replacement (a
    single character, or nothing)."""
    if len(replacement) > 1:
        raise _InvalidArgument("Replacement character string must empty or a single character")
    out = []
    while True:
        try:
            out.append(data.decode("utf-8"))
            return "".join(out)
        except UnicodeDecodeError as invalid:
            out += [data[:invalid.start].decode("utf-8"), replacement]
            data = data[invalid.end:]


def from_utf8_code_point(data: bytes, code_point: int) -> str:
    if code_point > 0x10FFFF or 0xD800 <= code_point <= 0xDFFF or code_point < 0:
        raise _InvalidArgument("Invalid replacement character")
    return from_utf8(data, chr(code_point))


def from_utf8_call(data: exp.Expression, replacement: exp.Expression | None) -> tuple:
    """The name and arguments of the engine's from_utf8 for Trino's call (a number
    replaces by its code point, no replacement is U+FFFD)."""
    number = replacement.this if isinstance(replacement, exp.Neg) else replacement
    if isinstance(number, exp.Literal) and not number.is_string:
        return RENAMES["from_utf8_code_point"], data, replacement
    return RENAMES["from_utf8"], data, replacement if replacement is not None else exp.Literal.string("\ufffd")


_NUMBER_UNITS = "KMBTQ"
_LONG = 2**63


def format_number(value: float) -> str:
    """Trino's format_number: the value as a whole number (Java's cast to long), divided
    by 1000 for each unit symbol (K, M, B, T, Q) while at least 1000 away from zero, then
    shown with up to 2 decimals below 10, 1 below 100, none above, rounded half up."""
    whole = 0 if math.isnan(value) else max(-_LONG, min(_LONG - 1, math.trunc(value) if math.isfinite(value)
                                                        else math.copysign(_LONG, value)))
    fractional, unit = float(whole), ""
    for symbol in _NUMBER_UNITS:
        if abs(fractional) < 1000:
            break
        fractional, unit = fractional / 1000, symbol
    decimals = 2 if fractional < 10 else 1 if fractional < 100 else 0
    text = f"{decimal.Decimal(fractional).quantize(decimal.Decimal(1).scaleb(-decimals), decimal.ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + unit


def weighted_index(weights: list, percentage: float) -> int | None:
    """The 1-based position where the running sum of `weights` first reaches
    `percentage` of their total (None for no weights)."""
    if not weights:
        return None
    target, running = percentage * sum(weights), 0.0
    for position, weight in enumerate(weights, start=1):
        running += weight
        if running >= target:
            return position
    return len(weights)


# name -> (function, DuckDB parameter types, DuckDB result type)
_FUNCTIONS = {
    "human_readable_seconds": (human_readable_seconds, ["DOUBLE"], "VARCHAR"),
    "format_number": (format_number, ["DOUBLE"], "VARCHAR"),
    "parse_duration": (parse_duration, ["VARCHAR"], "INTERVAL"),
    "luhn_check": (luhn_check, ["VARCHAR"], "BOOLEAN"),
    "soundex": (soundex, ["VARCHAR"], "VARCHAR"),
    "xxhash64": (xxhash64, ["BLOB"], "BLOB"),
    "strpos_instance": (strpos_instance, ["VARCHAR", "VARCHAR", "BIGINT"], "BIGINT"),
    "normalize_form": (normalize_form, ["VARCHAR", "VARCHAR"], "VARCHAR"),
    "json_number_text": (json_number_text, ["VARCHAR", "VARCHAR"], "VARCHAR"),
    "from_utf8": (from_utf8, ["BLOB", "VARCHAR"], "VARCHAR"),
    "from_utf8_code_point": (from_utf8_code_point, ["BLOB", "BIGINT"], "VARCHAR"),
}
RENAMES = {name: f"lakebox_{name}" for name in _FUNCTIONS}
# called only by the engine's own rewrites (`strict`, approx_percentile with weights), under these names
WEIGHTED_INDEX_FUNCTION = "lakebox_weighted_index"
_INTERNAL = {"lakebox_json_sorted": (json_sorted, ["VARCHAR"], "VARCHAR"),
             WEIGHTED_INDEX_FUNCTION: (weighted_index, ["DOUBLE[]", "DOUBLE"], "BIGINT")}


def install(db):
    for name, (function, parameters, result) in _INTERNAL.items():
        db.create_function(name, function, parameters, result)
    for name, (function, parameters, result) in _FUNCTIONS.items():
        db.create_function(RENAMES[name], function, parameters, result)
