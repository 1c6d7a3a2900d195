"""S3 object names: custom prefix expressions, Java DateTimeFormatter patterns, and the
default layout (https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html and
.../basic-deliver.html#s3-object-name).

An object is named `<evaluated prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><ext>`;
the default prefix is `yyyy/MM/dd/HH/` (a prefix without expressions goes in front of it), and failed records go under the error prefix,
by default `<error-output-type>/yyyy/MM/dd/HH/`. Timestamps are those of the oldest
record in the object, in UTC unless the destination names a `CustomTimeZone`.
"""
import re
import secrets
import string
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EXPRESSION = re.compile(r"!\{([^{}:]*):([^{}]*)\}")
NAMESPACES = ("firehose", "timestamp", "partitionKeyFromQuery", "partitionKeyFromLambda")
FIREHOSE_VALUES = ("random-string", "error-output-type")
RANDOM_ALPHABET = string.ascii_letters + string.digits
DEFAULT_PREFIX_PATTERN = "yyyy/MM/dd/HH/"


class PrefixError(ValueError):
    """A prefix AWS refuses; the message is what the caller answers with."""


def expressions(prefix: str) -> list[tuple[str, str]]:
    """(namespace, value) of every `!{namespace:value}` in `prefix`."""
    return EXPRESSION.findall(prefix or "")


def check_prefixes(prefix: str | None, error_prefix: str | None, dynamic_partitioning: bool):
    """The semantic rules AWS applies at create and update time."""
    for name, text in (("Prefix", prefix), ("ErrorOutputPrefix", error_prefix)):
        _check_syntax(name, text or "")
    used = expressions(prefix)
    error_used = expressions(error_prefix)
    if ("firehose", "error-output-type") in used:
        raise PrefixError("The expression !{firehose:error-output-type} is only allowed in ErrorOutputPrefix.")
    for namespace, _ in error_used:
        if namespace.startswith("partitionKeyFrom"):
            raise PrefixError(f"The {namespace} namespace is not allowed in ErrorOutputPrefix.")
    keys = [n for n, _ in used if n.startswith("partitionKeyFrom")]
    if keys and not dynamic_partitioning:
        # AWS's words, as a user met them (hashicorp/terraform-provider-aws#29092)
        raise PrefixError("Dynamic Partitioning Namespaces can only be part of a prefix expression when Dynamic "
                          "Partitioning is enabled.")
    if dynamic_partitioning and not keys:
        raise PrefixError("When dynamic partitioning is enabled, the Prefix must contain at least one "
                          "!{partitionKeyFromQuery:...} or !{partitionKeyFromLambda:...} expression.")
    if used and not error_prefix:
        raise _unsatisfied("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions")
    if error_used and not prefix:
        raise _unsatisfied("Prefix cannot be null or empty when ErrorOutputPrefix contains expressions")
    if error_used and ("firehose", "error-output-type") not in error_used:
        # "If you specify an expression for ErrorOutputPrefix, you must include at least
        # one instance of !{firehose:error-output-type}" (s3-prefixes.html, semantic rules)
        raise _unsatisfied("ErrorOutputPrefix must contain !{firehose:error-output-type} when it contains "
                           "expressions")


def _unsatisfied(constraint: str) -> PrefixError:
    """A missing prefix, in the words AWS answers with (recorded reply, typo included:
    hashicorp/terraform-provider-aws#13416)."""
    return PrefixError(f"Ths supplied prefix(es) do not satisfy the following constraint: {constraint}")


def _check_syntax(name: str, text: str):
    rest = EXPRESSION.sub("", text)
    if "!{" in rest:
        raise PrefixError(f"{name} contains an expression that is not of the form !{{namespace:value}}: {text}")
    for namespace, value in EXPRESSION.findall(text):
        if namespace not in NAMESPACES:
            raise PrefixError(f"The namespace {namespace} in {name} is not supported. Supported namespaces: "
                              f"{', '.join(NAMESPACES)}.")
        if namespace == "firehose" and value not in FIREHOSE_VALUES:
            raise PrefixError(f"The value {value} is not supported in the firehose namespace. Supported values: "
                              f"{', '.join(FIREHOSE_VALUES)}.")
        if namespace == "timestamp":
            try:
                java_format(datetime(2018, 1, 1, tzinfo=timezone.utc), value)
            except ValueError as error:
                raise PrefixError(f"The timestamp expression !{{timestamp:{value}}} in {name} is not a valid "
                                  f"DateTimeFormatter pattern: {error}") from None
        if namespace.startswith("partitionKeyFrom") and not value:
            raise PrefixError(f"The {namespace} expression in {name} must name a key.")


def time_zone(name: str | None):
    if not name:
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PrefixError(f"CustomTimeZone {name} is not a supported time zone.") from None


def evaluate(prefix: str | None, when_ms: int, zone, error_type: str | None = None,
             partition_keys: dict | None = None) -> str:
    """The prefix for an object whose oldest record arrived at `when_ms`: Firehose reads that
    time to the second (fraction-of-second fields are zeros, as recorded in radkawar/stackd's
    formatting capture, per its docs/firehose.md)."""
    moment = datetime.fromtimestamp(when_ms // 1000, tz=timezone.utc).astimezone(zone)
    if not prefix:
        default = java_format(moment, DEFAULT_PREFIX_PATTERN)
        return f"{error_type}/{default}" if error_type else default
    if error_type is None and not expressions(prefix):
        # A prefix without expressions goes in front of the default time prefix, as
        # before custom prefixes existed ("an extra prefix to be added in front of the
        # time format prefix"); only expressions replace it.
        return prefix + java_format(moment, DEFAULT_PREFIX_PATTERN)
    partition_keys = partition_keys or {}

    def replace(match):
        namespace, value = match.group(1), match.group(2)
        if namespace == "timestamp":
            return java_format(moment, value)
        if namespace == "firehose":
            if value == "random-string":
                return "".join(secrets.choice(RANDOM_ALPHABET) for _ in range(11))
            return error_type or ""
        return str(partition_keys.get((namespace, value), ""))
    return EXPRESSION.sub(replace, prefix)


def error_prefix(prefix: str | None, error_output_prefix: str | None, when_ms: int, zone, error_type: str) -> str:
    """Where failed records go: `ErrorOutputPrefix` evaluated, or, when it is not set
    (allowed only for a Prefix without expressions), `<prefix><error-output-type>/` and
    the time folders ("ErrorOutputPrefix evaluates to <specified-prefix><error-output-type>
    YYYY/MM/DD/HH/", s3-prefixes.html)."""
    if error_output_prefix:
        return evaluate(error_output_prefix, when_ms, zone, error_type=error_type)
    return (prefix or "") + evaluate(None, when_ms, zone, error_type=error_type)


def object_name(stream_name: str, version: int, when_ms: int, extension: str, zone=timezone.utc) -> str:
    """`<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><ext>`, the time in the destination's
    zone ("the time zone used for time prefix and suffix is in UTC, but you can change it")."""
    moment = datetime.fromtimestamp(when_ms / 1000, tz=timezone.utc).astimezone(zone)
    return f"{stream_name}-{version}-{moment:%Y-%m-%d-%H-%M-%S}-{uuid.uuid4()}{extension}"


# ---------------------------------------------------------------------------
# java.time.format.DateTimeFormatter, the subset a prefix can use

_LETTERS = "GuyDMLdQqYwWEecFaBhKkHmsSAnNVvzOXxZp"


def java_format(moment: datetime, pattern: str) -> str:
    """Format `moment` with a Java DateTimeFormatter pattern (letters, runs of one letter,
    'quoted text', and other characters kept as they are). Raises ValueError for a
    letter this formatter does not know."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            text, i = _quoted(pattern, i)
            out.append(text)
            continue
        if char.isalpha():
            run = i
            while run < len(pattern) and pattern[run] == char:
                run += 1
            out.append(_field(moment, char, run - i))
            i = run
            continue
        if char in "[]":
            # an optional section: a moment in a zone has every field, so it is printed
            # (Firehose takes them: radkawar/stackd's formatting capture, per its docs)
            i += 1
            continue
        if char in "{}#":
            raise ValueError(f"Pattern includes reserved character: '{char}'")
        out.append(char)
        i += 1
    return "".join(out)


def _quoted(pattern: str, start: int) -> tuple[str, int]:
    """The literal text of a quote at `start` ('' is a quote, in or out of quoted text)
    and the position after it."""
    if pattern.startswith("''", start):
        return "'", start + 2
    text, i = [], start + 1
    while i < len(pattern):
        if pattern[i] == "'":
            if pattern.startswith("''", i):
                text.append("'")
                i += 2
                continue
            return "".join(text), i + 1
        text.append(pattern[i])
        i += 1
    raise ValueError("Pattern ends with an incomplete string literal")


# Letters whose run may not be longer (DateTimeFormatterBuilder.appendPattern: text is
# short up to 3 letters, full at 4, narrow at 5, "Too many pattern letters" past that;
# the am/pm marker takes one letter, fractions at most 9).
_MOST_LETTERS = {"G": 5, "M": 5, "L": 5, "Q": 5, "q": 5, "E": 5, "a": 1, "S": 9}


def _field(moment: datetime, letter: str, width: int) -> str:
    if width > _MOST_LETTERS.get(letter, width):
        raise ValueError(f"Too many pattern letters: {letter}")
    if letter in "yu":
        return f"{moment.year % 100:02d}" if width == 2 else str(moment.year).zfill(width)
    if letter in "ML":
        if width == 5:
            return moment.strftime("%B")[0]
        if width == 4:
            return moment.strftime("%B")
        if width == 3:
            return moment.strftime("%b")
        return str(moment.month).zfill(width)
    numbers = {"d": moment.day, "H": moment.hour, "m": moment.minute, "s": moment.second,
               "D": moment.timetuple().tm_yday, "h": moment.hour % 12 or 12, "k": moment.hour or 24,
               "K": moment.hour % 12}
    if letter in numbers:
        if width > 3 or (width > 2 and letter != "D"):
            raise ValueError(f"Too many pattern letters: {letter}")
        return str(numbers[letter]).zfill(width)
    if letter == "S":
        return f"{moment.microsecond:06d}"[:width].ljust(width, "0")
    if letter == "E":
        return {4: moment.strftime("%A"), 5: moment.strftime("%A")[0]}.get(width, moment.strftime("%a"))
    if letter == "a":
        return moment.strftime("%p")
    if letter == "w":
        if width > 2:
            raise ValueError(f"Too many pattern letters: {letter}")
        return str(_week_of(moment)[1]).zfill(width)
    if letter == "Y":           # the week-based year, as `w` counts weeks (users write YYYY for yyyy)
        year = _week_of(moment)[0]
        return f"{year % 100:02d}" if width == 2 else str(year).zfill(width)
    if letter in "Qq":
        quarter = (moment.month - 1) // 3 + 1
        return {3: f"Q{quarter}", 4: f"{quarter}{_ORDINALS[quarter]} quarter", 5: str(quarter)}.get(
            width, str(quarter).zfill(width))
    if letter == "G":
        return {4: "Anno Domini", 5: "A"}.get(width, "AD")
    if letter in "ZXx":
        return _offset(moment, letter, width)
    if letter == "z":
        return moment.tzname() or "UTC"
    if letter == "V":           # the zone's ID (DateTimeFormatter takes only VV)
        if width != 2:
            raise ValueError("Pattern letter count must be 2: V")
        return getattr(moment.tzinfo, "key", None) or "UTC"
    if letter == "n":
        return str(moment.microsecond * 1000).zfill(width)
    if letter == "A":
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        return str((moment - midnight) // timedelta(milliseconds=1)).zfill(width)
    if letter in _LETTERS:
        raise ValueError(f"Pattern letter {letter} is not supported by lakebox")
    raise ValueError(f"Unknown pattern letter: {letter}")


_ORDINALS = {1: "st", 2: "nd", 3: "rd", 4: "th"}


def _week_of(moment: datetime) -> tuple[int, int]:
    """(week-based year, week of that year) as DateTimeFormatter counts them for `Y` and
    `w` in Firehose's JVM locale, en_US (WeekFields.of(Locale.US)): weeks run Sunday to
    Saturday and week 1 is the one holding January 1st, not ISO's weeks (Monday to
    Sunday, week 1 holding a Thursday). So 2020-12-31, a Thursday, is in week 1 of 2021
    (ISO: week 53 of 2020)."""
    day = moment.date()
    week_start = day - timedelta(days=(day.weekday() + 1) % 7)
    year = (week_start + timedelta(days=6)).year
    first = datetime(year, 1, 1).date()
    first_start = first - timedelta(days=(first.weekday() + 1) % 7)
    return year, (week_start - first_start).days // 7 + 1


def _offset(moment: datetime, letter: str, width: int) -> str:
    """Z: +HHMM (ZZZZ GMT+HH:MM, ZZZZZ +HH:MM or Z); x: +HH, +HHMM, +HH:MM by width;
    X: as x, but Z for a zero offset."""
    seconds = int(moment.utcoffset().total_seconds()) if moment.utcoffset() else 0
    sign, minutes = ("-" if seconds < 0 else "+"), abs(seconds) // 60
    hours, rest = divmod(minutes, 60)
    if letter == "Z":
        if width == 4:
            return "GMT" if not seconds else f"GMT{sign}{hours:02d}:{rest:02d}"
        if width == 5:
            return "Z" if not seconds else f"{sign}{hours:02d}:{rest:02d}"
        return f"{sign}{hours:02d}{rest:02d}"
    if letter == "X" and not seconds:
        return "Z"
    if width == 1:
        return f"{sign}{hours:02d}" + (f"{rest:02d}" if rest else "")
    return f"{sign}{hours:02d}{':' if width % 2 else ''}{rest:02d}"


# Parsing with a pattern: the Hive JSON SerDe's TimestampFormats (Joda patterns, which
# share these letters with DateTimeFormatter).
_PARSE_FIELDS = {"y": "year", "u": "year", "M": "month", "d": "day", "H": "hour", "m": "minute", "s": "second",
                 "S": "fraction"}


def java_parse(text: str, pattern: str) -> datetime:
    """The moment `text` names, read with a Java pattern (UTC unless it carries an offset).
    Raises ValueError when it does not match."""
    regex, fields, i = [], [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            literal, i = _quoted(pattern, i)
            regex.append(re.escape(literal))
            continue
        run = i
        while run < len(pattern) and pattern[run] == char:
            run += 1
        width = run - i
        if char in _PARSE_FIELDS:
            regex.append(r"(\d{4})" if char in "yu" and width != 2 else r"(\d{1,9})" if char == "S"
                         else r"(\d{2})" if width == 2 else r"(\d{1,4})")
            fields.append((_PARSE_FIELDS[char], width))
        elif char in "ZX":
            regex.append(r"(Z|[+-]\d{2}:?\d{2})")
            fields.append(("offset", width))
        elif char.isalpha():
            raise ValueError(f"Pattern letter {char} cannot be parsed by lakebox")
        else:
            regex.append(re.escape(pattern[i:run]))
        i = run
    match = re.fullmatch("".join(regex), text)
    if match is None:
        raise ValueError(f"{text!r} does not match {pattern!r}")
    values, zone = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0}, timezone.utc
    for (name, width), value in zip(fields, match.groups()):
        if name == "offset":
            zone = timezone.utc if value == "Z" else datetime.strptime(value.replace(":", ""), "%z").tzinfo
        elif name == "fraction":
            values["microsecond"] = int(value.ljust(6, "0")[:6])
        elif name == "year" and width == 2:
            values["year"] = 2000 + int(value)
        else:
            values[name] = int(value)
    return datetime(tzinfo=zone, **values)
