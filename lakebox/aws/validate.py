"""Model-driven input validation with AWS's own `ValidationException` wording.

Every request's `params` (shaped like boto3 keyword arguments) is checked against the
input shape's constraints from the botocore model: required members, `min`/`max`
(length of strings, blobs, lists and maps; value of numbers), `pattern` and `enum`.
Services do their semantic checks afterwards, in their actions.

The wording is the one AWS's request validator produces, e.g.::

    1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy
    constraint: Member must have length greater than or equal to 2

What was checked against real AWS answers (quoted in issues and logs; see the report
in the commit that added this file for addresses):

* `N validation error(s) detected: ` then the parts joined by `; `; no cap on N.
* Part: `Value '<v>' at '<path>' failed to satisfy constraint: <constraint>`;
  a missing required member is `Value null at '<path>' ... Member must not be null`;
  a member whose shape is `sensitive` prints no value: `Value at '<path>' ...`.
* A value that breaks several constraints yields one part per broken constraint
  (each counted), never one combined part.
* Paths: member names with the first letter lower-cased (`AWSAccountId` ->
  `aWSAccountId`), joined by `.`; list elements `<list>.<i>.member` (1-based); map
  values `<map>.<key>.member`.
* Elements of a list whose element shape has its own constraints (strings, numbers,
  ...) are reported once, at the list: `Member must satisfy constraint: [<every
  constraint of the element shape>]`; map keys and values likewise with `Map keys must
  satisfy constraint: [...]` / `Map value must satisfy constraint: [...]`. The bracket
  lists every constraint of that shape (not just the broken one) in the order
  max length, min length, (max value, min value,) pattern, enum.
* Values print like Java's `toString`: strings as they are; numbers quoted like any
  value (`Value '0' at 'limit'`); blobs as `java.nio.HeapByteBuffer[pos=0 lim=N
  cap=N]`; lists `[a, b]`; maps `{k=v, k2=v2}`; structures `Shape(member=value, ...)`
  (as Firehose prints `Record(data=java.nio.HeapByteBuffer[...])`).
* Order. AWS's validator keeps a structure's members, a map's entries and a member's
  broken constraints in Java hash maps/sets, and reports them in those collections'
  iteration order. That order is reproduced here (`_java_order`): it is what real AWS
  messages show (SNS `aWSAccountId; label; actionName`, Kinesis `shardCount` before
  `streamName`, DynamoDB `writeCapacityUnits` before `readCapacityUnits`, Kinesis
  `pattern` before `min length` but DynamoDB `min length` before `pattern`, EventBridge
  map keys printed as `{de onde?=..., Quem foi?=..., o que?=...}`), which the model's
  member order does not. Messages are collected depth-first: a member's own broken
  constraints, then the members nested in its value. List elements go in index order.

Speed: the checks are compiled once per operation into closures (cached per operation
model, sharing per-shape nodes within a service), and a valid request only runs fast
boolean predicates; the message-building path runs only when something failed.

Java regular expressions in the models are translated to Python `re` (`\\p{..}`
classes, `\\Q..\\E`, nested classes, `.` excluding line terminators, inline flags);
they are matched with full-match semantics, as Java's `Matcher.matches()`. A pattern
that cannot be translated or compiled is skipped, never fatal.

S3 does not use this wording at all (it answers with its own error codes later), so
`validate` is a no-op for `s3`.
"""
from __future__ import annotations

import datetime
import math
import re
import sys
import threading
import unicodedata
import warnings
import weakref
from decimal import Decimal

from lakebox.aws.errors import ValidationError

__all__ = ["validate", "validation_messages"]

_NO_VALIDATION_SERVICES = frozenset({"s3"})
_MAXLEN = sys.maxsize
_BYTES_TYPES = (bytes, bytearray, memoryview)


# ---------------------------------------------------------------------------------
# public API

def validate(operation_model, params: dict) -> None:
    """Raise `ValidationError` with AWS's message when `params` break the model."""
    plan = _plan_for(operation_model)
    if plan is None:
        return
    if params is None:
        params = {}
    if plan.ok(params):
        return
    messages = _collect(plan, params)
    if messages:
        raise ValidationError(_summary(messages))


def validation_messages(operation_model, params) -> list[str]:
    """The individual `Value ... at '...' failed to satisfy constraint: ...` parts."""
    plan = _plan_for(operation_model)
    if plan is None:
        return []
    if params is None:
        params = {}
    if plan.ok(params):
        return []
    return _collect(plan, params)


def _summary(messages: list[str]) -> str:
    count = len(messages)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(messages)


def _collect(plan: "_Node", params) -> list[str]:
    out: list[str] = []
    plan.nested(params, "", out)
    return out


# ---------------------------------------------------------------------------------
# plan cache: one compiled validator per operation model, nodes shared per service

_lock = threading.Lock()
_plans: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_service_nodes: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_NOTHING = object()


def _plan_for(operation_model):
    try:
        plan = _plans.get(operation_model, _NOTHING)
    except TypeError:                      # not weak-referenceable: build every time
        return _build_plan(operation_model)
    if plan is _NOTHING:
        with _lock:
            plan = _plans.get(operation_model, _NOTHING)
            if plan is _NOTHING:
                plan = _build_plan(operation_model)
                _plans[operation_model] = plan
    return plan


def _build_plan(operation_model):
    service_model = operation_model.service_model
    if service_model.service_name in _NO_VALIDATION_SERVICES:
        return None
    shape = operation_model.input_shape
    if shape is None:
        return None
    try:
        builder = _service_nodes.get(service_model)
    except TypeError:
        builder = None
    if builder is None:
        builder = _Builder()
        try:
            _service_nodes[service_model] = builder
        except TypeError:
            pass
    return builder.node(shape)


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


def _number_text(x) -> str:
    if isinstance(x, float):
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else _java_double(x)
    return str(x)


# ---------------------------------------------------------------------------------
# Java regex -> Python re

class _Unsupported(Exception):
    pass


_pattern_cache: dict = {}
_JAVA_DOT = "[^\\n\\r\\x85\\u2028\\u2029]"
_LINE_TERMINATORS = "\\n\\r\\x85\\u2028\\u2029"
_INLINE_FLAGS = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)")
_SET_ESCAPES = frozenset("dDwWsSpPhHvV")
_MAX_CODE = 0x10FFFF


def _pattern_matcher(java_pattern: str):
    """A full-match callable for a Java pattern, or None when it can't be used."""
    matcher = _pattern_cache.get(java_pattern, _NOTHING)
    if matcher is _NOTHING:
        matcher = None
        try:
            python_pattern = _translate(java_pattern)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                matcher = re.compile(python_pattern, re.ASCII).fullmatch
        except (_Unsupported, re.error, ValueError, OverflowError, RecursionError,
                IndexError):
            matcher = None
        _pattern_cache[java_pattern] = matcher
    return matcher


def _char_escape(code: int) -> str:
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _ranges_text(ranges) -> str:
    parts = []
    for start, end in ranges:
        if start == end:
            parts.append(_char_escape(start))
        else:
            parts.append(_char_escape(start) + "-" + _char_escape(end))
    return "".join(parts)


def _complement(ranges):
    out = []
    nxt = 0
    for start, end in sorted(ranges):
        if start > nxt:
            out.append((nxt, start - 1))
        nxt = max(nxt, end + 1)
    if nxt <= _MAX_CODE:
        out.append((nxt, _MAX_CODE))
    return out


def _merge(ranges):
    out = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1] + 1:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


_category_ranges: dict | None = None
_category_lock = threading.Lock()


def _categories() -> dict:
    """General category -> code point ranges, from `unicodedata` (built once)."""
    global _category_ranges
    if _category_ranges is None:
        with _category_lock:
            if _category_ranges is None:
                table: dict = {}
                category = unicodedata.category
                current = None
                start = 0
                for code in range(_MAX_CODE + 1):
                    cat = category(chr(code))
                    if cat != current:
                        if current is not None:
                            table.setdefault(current, []).append((start, code - 1))
                        current, start = cat, code
                table.setdefault(current, []).append((start, _MAX_CODE))
                for major in "LMNPSZC":
                    table[major] = _merge(r for sub, rs in list(table.items())
                                          if len(sub) == 2 and sub[0] == major for r in rs)
                _category_ranges = table
    return _category_ranges


def _ascii_ranges(chars: str):
    return _merge((ord(c), ord(c)) for c in chars)


_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_POSIX = {
    "Lower": [(0x61, 0x7A)],
    "Upper": [(0x41, 0x5A)],
    "ASCII": [(0x00, 0x7F)],
    "Alpha": [(0x41, 0x5A), (0x61, 0x7A)],
    "Digit": [(0x30, 0x39)],
    "Alnum": [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)],
    "Punct": _ascii_ranges(_PUNCT),
    "Graph": [(0x21, 0x7E)],
    "Print": [(0x20, 0x7E)],
    "Blank": [(0x09, 0x09), (0x20, 0x20)],
    "Cntrl": [(0x00, 0x1F), (0x7F, 0x7F)],
    "XDigit": [(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)],
    "Space": [(0x09, 0x0D), (0x20, 0x20)],
    "all": [(0, _MAX_CODE)],
    "L1": [(0x00, 0xFF)],
}
_WHITE_SPACE = [(0x09, 0x0D), (0x20, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680),
                (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F),
                (0x3000, 0x3000)]
_HORIZONTAL = [(0x09, 0x09), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x180E, 0x180E),
               (0x2000, 0x200A), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000)]
_VERTICAL = [(0x0A, 0x0D), (0x85, 0x85), (0x2028, 0x2029)]


def _property_ranges(name: str):
    """Ranges of a Java `\\p{name}` class; raises `_Unsupported` when unknown."""
    if name in _POSIX:
        return _POSIX[name]
    for prefix in ("Is", "gc=", "general_category="):
        if name.startswith(prefix) and len(name) > len(prefix):
            stripped = name[len(prefix):]
            break
    else:
        stripped = name
    cats = None
    if len(stripped) in (1, 2) and stripped[0] in "LMNPSZC":
        cats = _categories()
        if stripped in cats:
            return cats[stripped]
        if stripped == "LC":
            return _merge(cats.get("Lu", []) + cats.get("Ll", []) + cats.get("Lt", []))
        if stripped == "LD":
            return _merge(cats["L"] + cats.get("Nd", []))
    binary = stripped.lower().replace("_", "")
    if binary in ("alphabetic",):
        # Unicode Alphabetic is L + Nl + Other_Alphabetic; Python has no
        # Other_Alphabetic table, spacing marks (Mc) stand in for most of it.
        cats = _categories()
        return _merge(cats["L"] + cats.get("Nl", []) + cats.get("Mc", []))
    if binary == "letter":
        return _categories()["L"]
    if binary in ("digit",):
        return _categories().get("Nd", [])
    if binary in ("whitespace",):
        return _WHITE_SPACE
    if binary in ("uppercase",):
        return _categories().get("Lu", [])
    if binary in ("lowercase",):
        return _categories().get("Ll", [])
    if binary in ("punctuation",):
        return _categories()["P"]
    if binary in ("control",):
        return _categories().get("Cc", [])
    raise _Unsupported(name)


_QUANTIFIER = re.compile(r"(?:[*+?]|\{\d+(?:,\d*)?\})[?+]?")
_GROUP_OPENER = re.compile(
    r"\((?!\?)|\(\?(?:[:=!>]|<=|<!|<([A-Za-z][A-Za-z0-9]*)>|([a-zA-Z]*)(?:-([a-zA-Z]*))?:)")


def _translate(java: str) -> str:
    """Java regex source -> Python `re` source (compiled with `re.ASCII`, which gives
    `\\w`, `\\d`, `\\s`, `\\b` and case folding Java's ASCII-only defaults)."""
    out: list[str] = []
    i, n = 0, len(java)
    groups: list[list[int]] = []      # per open group: [start in out, scoped flag groups]
    top_level_closes = 0
    atom_start = -1                   # where in `out` the last atom starts
    after_quantifier = False
    dotall = re.search(r"\(\?[a-zA-Z]*s", java) is not None
    while i < n:
        c = java[i]
        quantifier = _QUANTIFIER.match(java, i) if c in "*+?{" else None
        if quantifier:
            if atom_start < 0:
                raise _Unsupported("quantifier without an atom")
            if after_quantifier or out[atom_start] in ("$", "^"):
                # Java accepts `X{2}{0,3}` and `${1,128}`; Python wants a group.
                out.insert(atom_start, "(?:")
                out.append(")")
            out.append(quantifier.group())
            i = quantifier.end()
            after_quantifier = True
            continue
        after_quantifier = False
        if c == "\\":
            text, i, _kind = _escape(java, i, in_class=False)
            atom_start = len(out)
            out.append(text)
        elif c == "[":
            text, i = _char_class(java, i)
            atom_start = len(out)
            out.append(text)
        elif c == "." and not dotall:
            atom_start = len(out)
            out.append(_JAVA_DOT)
            i += 1
        elif c == "(":
            flags = _INLINE_FLAGS.match(java, i)
            if flags:
                on = "".join(f for f in flags.group(1) if f in "imsx")
                off = "".join(f for f in (flags.group(2) or "") if f in "imsx")
                i = flags.end()
                atom_start = -1
                if not on and not off:
                    continue
                if not out and not off and not groups:
                    out.append(f"(?{on})")
                else:
                    out.append(f"(?{on}-{off}:" if off else f"(?{on}:")
                    if groups:
                        groups[-1][1] += 1
                    else:
                        top_level_closes += 1
                continue
            groups.append([len(out), 0])
            opener = _GROUP_OPENER.match(java, i)
            if opener is None:
                raise _Unsupported("unknown group construct")
            text = opener.group()
            if opener.group(1) is not None:                  # (?<name>
                text = f"(?P<{opener.group(1)}>"
            elif opener.group(2) is not None:                # (?flags-flags:
                on = "".join(f for f in opener.group(2) if f in "imsx")
                off = "".join(f for f in (opener.group(3) or "") if f in "imsx")
                text = f"(?{on}-{off}:" if off else (f"(?{on}:" if on else "(?:")
            out.append(text)
            i = opener.end()
            atom_start = -1
        elif c == ")":
            if groups:
                group_start, closes = groups.pop()
                out.append(")" * closes)
                atom_start = group_start
            else:
                atom_start = -1
            out.append(")")
            i += 1
        elif c == "|":
            out.append(c)
            atom_start = -1
            i += 1
        else:
            atom_start = len(out)
            out.append(re.escape(c) if c in "{}" else c)
            i += 1
    out.append(")" * top_level_closes)
    return "".join(out)


def _escape(java: str, i: int, in_class: bool):
    """Translate the escape at `java[i]` (a backslash). Returns (text, next index,
    kind) where kind is 'char' for one character, 'set' for a class of several."""
    if i + 1 >= len(java):
        raise _Unsupported("trailing backslash")
    ch = java[i + 1]
    j = i + 2
    if ch in "pP":
        if java[j:j + 1] == "{":
            end = java.find("}", j)
            if end < 0:
                raise _Unsupported("unclosed \\p{")
            name, j = java[j + 1:end], end + 1
        else:
            name, j = java[j:j + 1], j + 1
        ranges = _property_ranges(name)
        if in_class:
            return _ranges_text(ranges if ch == "p" else _complement(ranges)), j, "set"
        return ("[" if ch == "p" else "[^") + _ranges_text(ranges) + "]", j, "set"
    if ch == "Q":
        end = java.find("\\E", j)
        literal = java[j:] if end < 0 else java[j:end]
        j = len(java) if end < 0 else end + 2
        if in_class:
            return "".join(_class_literal(c) for c in literal), j, "set"
        return re.escape(literal), j, "set"
    if ch == "x" and java[j:j + 1] == "{":
        end = java.find("}", j)
        if end < 0:
            raise _Unsupported("unclosed \\x{")
        return _char_escape(int(java[j + 1:end], 16)), end + 1, "char"
    if ch in "hHvV":
        ranges = _HORIZONTAL if ch in "hH" else _VERTICAL
        negate = ch in "HV"
        if in_class:
            return _ranges_text(_complement(ranges) if negate else ranges), j, "set"
        return ("[^" if negate else "[") + _ranges_text(ranges) + "]", j, "set"
    if ch == "R" and not in_class:
        return "(?:\\r\\n|[\\n\\x0b\\x0c\\r\\x85\\u2028\\u2029])", j, "set"
    if ch == "z" and not in_class:
        return "\\Z", j, "set"
    if ch == "Z" and not in_class:
        return f"(?=(?:\\r\\n|[{_LINE_TERMINATORS}])?\\Z)", j, "set"
    if ch == "e":
        return "\\x1b", j, "char"
    if ch == "c":
        if j >= len(java):
            raise _Unsupported("\\c at end")
        return _char_escape(ord(java[j]) ^ 64), j + 1, "char"
    if ch == "0":
        digits = ""
        while j < len(java) and len(digits) < 3 and java[j] in "01234567":
            if len(digits) == 2 and digits[0] > "3":
                break
            digits += java[j]
            j += 1
        if not digits:
            raise _Unsupported("\\0 without digits")
        return _char_escape(int(digits, 8)), j, "char"
    if ch == "k" and java[j:j + 1] == "<":
        end = java.find(">", j)
        if end < 0:
            raise _Unsupported("unclosed \\k<")
        return f"(?P={java[j + 1:end]})", end + 1, "set"
    if ch in "GXbB" and in_class:
        raise _Unsupported(f"\\{ch} in class")
    if ch in "GX":
        raise _Unsupported(f"\\{ch}")
    if ch == "u":
        code = int(java[j:j + 4], 16)
        j += 4
        if 0xD800 <= code <= 0xDBFF and java.startswith("\\u", j):
            low = int(java[j + 2:j + 6], 16)
            if 0xDC00 <= low <= 0xDFFF:
                # Java reads an escaped surrogate pair as one supplementary character
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                j += 6
        return _char_escape(code), j, "char"
    if ch in _SET_ESCAPES:
        return "\\" + ch, j, "set"
    return "\\" + ch, j, "char"


def _class_literal(c: str) -> str:
    if c in "\\]-[^&~|":
        return "\\" + c
    return c


def _char_class(java: str, i: int):
    parts, i, negated = _class_body(java, i)
    return "[" + ("^" if negated else "") + "".join(text for text, _ in parts) + "]", i


def _class_body(java: str, i: int):
    """Parse a Java character class starting at `java[i] == '['`; nested classes
    (Java's union) are flattened. Returns ([(text, kind)], next index, negated)."""
    n = len(java)
    i += 1
    negated = False
    if java[i:i + 1] == "^":
        negated = True
        i += 1
    parts: list[tuple[str, str]] = []
    first = True
    while True:
        if i >= n:
            raise _Unsupported("unclosed character class")
        c = java[i]
        if c == "]" and not first:
            return parts, i + 1, negated
        if c == "[":
            sub, i, sub_negated = _class_body(java, i)
            if sub_negated:
                raise _Unsupported("negated nested class")
            parts.extend((text, "set") for text, _ in sub)
        elif c == "&" and java.startswith("&&", i):
            raise _Unsupported("class intersection")
        elif c == "\\":
            text, i, kind = _escape(java, i, in_class=True)
            parts.append((text, kind))
        elif c == "-":
            nxt = java[i + 1:i + 2]
            is_range = (parts and parts[-1][1] == "char" and nxt not in ("]", "[", "")
                        and not (nxt == "\\" and java[i + 2:i + 3] in _SET_ESCAPES | {"Q"})
                        and not java.startswith("&&", i + 1))
            if is_range:
                if nxt == "\\":
                    end_text, i, _kind = _escape(java, i + 1, in_class=True)
                else:
                    end_text, i = _class_literal(nxt), i + 2
                start_text = parts.pop()[0]
                parts.append((start_text + "-" + end_text, "range"))
                first = False
                continue
            parts.append(("\\-", "char"))
            i += 1
        else:
            parts.append((_class_literal(c), "char"))
            i += 1
        first = False


# ---------------------------------------------------------------------------------
# compiled nodes

def _always_true(_value) -> bool:
    return True


def _no_failures(_value) -> list:
    return []


class _Node:
    """The compiled checks of one shape.

    ok(value) -> bool          the whole subtree, fast; the only thing valid input runs
    failing(value) -> [desc]   this shape's own broken constraints, insertion order
    nested(value, path, out)   messages from members/elements inside the value
    descs                      every own constraint, for `[...]` summaries at a parent
    """
    __slots__ = ("shape", "sensitive", "ok", "failing", "nested", "descs")

    def __init__(self, shape):
        self.shape = shape
        self.sensitive = bool(shape.metadata.get("sensitive")) if shape is not None else False
        self.ok = _always_true
        self.failing = _no_failures
        self.nested = None
        self.descs: list[str] = []

    def emit(self, value, path: str, out: list) -> None:
        """Append the messages for `value` found at `path`."""
        failures = self.failing(value)
        if failures:
            if self.sensitive:
                head = "Value at '"
            else:
                head = f"Value '{_format(self.shape, value)}' at '"
            for desc in _java_order(failures):
                out.append(f"{head}{path}' failed to satisfy constraint: {desc}")
        if self.nested is not None:
            self.nested(value, path, out)


class _Proxy(_Node):
    """Stands for a shape still being built (recursive shapes)."""
    __slots__ = ("target",)

    def __init__(self, shape):
        super().__init__(shape)
        self.target = None
        proxy = self

        def ok(value):
            target = proxy.target
            return True if target is None else target.ok(value)

        def failing(value):
            target = proxy.target
            return [] if target is None else target.failing(value)

        def nested(value, path, out):
            target = proxy.target
            if target is not None and target.nested is not None:
                target.nested(value, path, out)

        self.ok, self.failing, self.nested = ok, failing, nested


def _length_descs(mn, mx) -> list[str]:
    descs = []
    if mx is not None:
        descs.append(f"Member must have length less than or equal to {_number_text(mx)}")
    if mn is not None:
        descs.append(f"Member must have length greater than or equal to {_number_text(mn)}")
    return descs


def _value_descs(mn, mx) -> list[str]:
    descs = []
    if mx is not None:
        descs.append(f"Member must have value less than or equal to {_number_text(mx)}")
    if mn is not None:
        descs.append(f"Member must have value greater than or equal to {_number_text(mn)}")
    return descs


def _bound(value):
    """A usable numeric bound from model metadata, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


class _Builder:
    """Builds nodes for one service model's shapes, memoised by shape name."""

    def __init__(self):
        self.nodes: dict = {}
        self.building: dict = {}
        self.reach: dict = {}

    # which shapes carry constraints anywhere below them -------------------------
    @staticmethod
    def _own_constraints(shape) -> bool:
        type_name = shape.type_name
        meta = shape.metadata
        if type_name == "structure":
            return not meta.get("document") and bool(shape.required_members)
        if type_name in ("timestamp", "boolean", "document"):
            return False
        if _bound(meta.get("min")) is not None or _bound(meta.get("max")) is not None:
            return True
        if type_name == "string":
            return bool(meta.get("pattern")) or bool(shape.enum)
        return False

    @staticmethod
    def _children(shape):
        type_name = shape.type_name
        if type_name == "structure":
            if shape.metadata.get("document"):
                return []
            return list(shape.members.values())
        if type_name == "list":
            return [shape.member]
        if type_name == "map":
            return [shape.key, shape.value]
        return []

    def _constrained(self, shape) -> bool:
        name = shape.name
        known = self.reach.get(name)
        if known is not None:
            return known
        seen = {name}
        stack = [shape]
        found = False
        while stack:
            current = stack.pop()
            if self._own_constraints(current):
                found = True
                break
            for child in self._children(current):
                if child.name not in seen:
                    seen.add(child.name)
                    stack.append(child)
        self.reach[name] = found
        return found

    # node construction -----------------------------------------------------------
    def node(self, shape):
        """The node for `shape`, or None if nothing below it can fail."""
        name = shape.name
        if name in self.nodes:
            return self.nodes[name]
        if name in self.building:
            return self.building[name]
        if not self._constrained(shape):
            self.nodes[name] = None
            return None
        type_name = shape.type_name
        if type_name in ("structure", "list", "map"):
            proxy = _Proxy(shape)
            self.building[name] = proxy
            try:
                built = getattr(self, "_" + type_name)(shape)
            finally:
                del self.building[name]
            proxy.target = built
        elif type_name == "string":
            built = self._string(shape)
        elif type_name == "blob":
            built = self._blob(shape)
        elif type_name in ("integer", "long", "float", "double", "bigdecimal",
                           "biginteger", "short", "byte"):
            built = self._number(shape)
        else:
            built = None
        self.nodes[name] = built
        return built

    def _string(self, shape):
        meta = shape.metadata
        mn, mx = _bound(meta.get("min")), _bound(meta.get("max"))
        pattern = meta.get("pattern") or None
        enum = list(shape.enum or ())
        node = _Node(shape)
        node.descs = _length_descs(mn, mx)
        if pattern:
            node.descs.append(f"Member must satisfy regular expression pattern: {pattern}")
        if enum:
            node.descs.append(f"Member must satisfy enum value set: [{', '.join(enum)}]")
        lo = 0 if mn is None else mn
        hi = _MAXLEN if mx is None else mx
        matcher = _pattern_matcher(pattern) if pattern else None
        enum_set = frozenset(enum) if enum else None
        length_checked = mn is not None or mx is not None

        if matcher is None and enum_set is None:
            def ok(v):
                return type(v) is not str or lo <= len(v) <= hi
        elif enum_set is None:
            def ok(v):
                return type(v) is not str or (lo <= len(v) <= hi and matcher(v) is not None)
        elif matcher is None:
            def ok(v):
                return type(v) is not str or (lo <= len(v) <= hi and v in enum_set)
        else:
            def ok(v):
                return type(v) is not str or (lo <= len(v) <= hi and matcher(v) is not None
                                              and v in enum_set)

        def failing(v):
            if not isinstance(v, str):
                return []
            found = []
            if length_checked:
                size = len(v)
                if mx is not None and size > mx:
                    found.append(f"Member must have length less than or equal to {_number_text(mx)}")
                if mn is not None and size < mn:
                    found.append(f"Member must have length greater than or equal to {_number_text(mn)}")
            if matcher is not None and matcher(v) is None:
                found.append(f"Member must satisfy regular expression pattern: {pattern}")
            if enum_set is not None and v not in enum_set:
                found.append(f"Member must satisfy enum value set: [{', '.join(enum)}]")
            return found

        node.ok, node.failing = ok, failing
        return node

    def _blob(self, shape):
        meta = shape.metadata
        mn, mx = _bound(meta.get("min")), _bound(meta.get("max"))
        if mn is None and mx is None:
            return None
        node = _Node(shape)
        node.descs = _length_descs(mn, mx)
        lo = 0 if mn is None else mn
        hi = _MAXLEN if mx is None else mx

        def ok(v):
            t = type(v)
            if t is bytes or t is bytearray:
                return lo <= len(v) <= hi
            if t is memoryview:
                return lo <= v.nbytes <= hi
            return True            # e.g. an S3 streaming body: not checked here

        def failing(v):
            if isinstance(v, memoryview):
                size = v.nbytes
            elif isinstance(v, (bytes, bytearray)):
                size = len(v)
            else:
                return []
            found = []
            if mx is not None and size > mx:
                found.append(f"Member must have length less than or equal to {_number_text(mx)}")
            if mn is not None and size < mn:
                found.append(f"Member must have length greater than or equal to {_number_text(mn)}")
            return found

        node.ok, node.failing = ok, failing
        return node

    def _number(self, shape):
        meta = shape.metadata
        mn, mx = _bound(meta.get("min")), _bound(meta.get("max"))
        if mn is None and mx is None:
            return None
        node = _Node(shape)
        node.descs = _value_descs(mn, mx)
        lo = -math.inf if mn is None else mn
        hi = math.inf if mx is None else mx

        def ok(v):
            t = type(v)
            if t is int or t is float:
                return lo <= v <= hi
            return True

        def failing(v):
            if isinstance(v, bool) or not isinstance(v, (int, float, Decimal)):
                return []
            found = []
            if mx is not None and v > mx:
                found.append(f"Member must have value less than or equal to {_number_text(mx)}")
            if mn is not None and v < mn:
                found.append(f"Member must have value greater than or equal to {_number_text(mn)}")
            return found

        node.ok, node.failing = ok, failing
        return node

    def _structure(self, shape):
        node = _Node(shape)
        required = set(shape.required_members)
        members = shape.members
        # (model name, path name, required, child node) for every member that can fail
        entries = []
        for name, member_shape in members.items():
            child = self.node(member_shape)
            if child is None and name not in required:
                continue
            entries.append((name, _lower_first(name), name in required, child))
        if not entries:
            return None
        # Message order: the iteration order of a Java HashMap holding all members,
        # keyed by path name, filled in alphabetical order.
        path_names = sorted(_lower_first(name) for name in members)
        rank = {path_name: index for index, path_name in enumerate(_java_order(path_names))}
        ordered = tuple(sorted(entries, key=lambda entry: rank[entry[1]]))

        checks = tuple((name, req, None if child is None else child.ok)
                       for name, _path_name, req, child in entries)

        def ok(value):
            if type(value) is not dict:
                return True
            get = value.get
            for name, req, child_ok in checks:
                v = get(name)
                if v is None:
                    if req:
                        return False
                elif child_ok is not None and not child_ok(v):
                    return False
            return True

        def nested(value, path, out):
            if not isinstance(value, dict):
                return
            prefix = path + "." if path else ""
            for name, path_name, req, child in ordered:
                v = value.get(name)
                member_path = prefix + path_name
                if v is None:
                    if req:
                        out.append(f"Value null at '{member_path}' failed to satisfy "
                                   "constraint: Member must not be null")
                elif child is not None:
                    child.emit(v, member_path, out)

        node.ok, node.nested = ok, nested
        return node

    def _list(self, shape):
        meta = shape.metadata
        mn, mx = _bound(meta.get("min")), _bound(meta.get("max"))
        element = self.node(shape.member)
        node = _Node(shape)
        node.descs = _length_descs(mn, mx)
        lo = 0 if mn is None else mn
        hi = _MAXLEN if mx is None else mx
        # A scalar-like element (string, number, list, ...) is summarised at the list.
        element_descs = element.descs if element is not None else []
        if element_descs:
            bracket = "Member must satisfy constraint: [" + ", ".join(element_descs) + "]"
            node.descs.append(bracket)
        else:
            bracket = None
        element_ok = element.ok if element is not None else None
        element_failing = element.failing if element is not None else None
        element_nested = element.nested if element is not None else None

        if element_ok is None:
            def ok(v):
                return type(v) is not list or lo <= len(v) <= hi
        else:
            def ok(v):
                if type(v) is not list:
                    return True
                return lo <= len(v) <= hi and all(map(element_ok, v))

        def failing(v):
            if not isinstance(v, list):
                return []
            found = []
            size = len(v)
            if mx is not None and size > mx:
                found.append(f"Member must have length less than or equal to {_number_text(mx)}")
            if mn is not None and size < mn:
                found.append(f"Member must have length greater than or equal to {_number_text(mn)}")
            if bracket is not None and any(item is not None and element_failing(item)
                                           for item in v):
                found.append(bracket)
            return found

        node.ok, node.failing = ok, failing
        if element_nested is not None:
            def nested(v, path, out):
                if not isinstance(v, list):
                    return
                for index, item in enumerate(v, 1):
                    if item is not None:
                        element_nested(item, f"{path}.{index}.member", out)
            node.nested = nested
        return node

    def _map(self, shape):
        meta = shape.metadata
        mn, mx = _bound(meta.get("min")), _bound(meta.get("max"))
        key = self.node(shape.key)
        value = self.node(shape.value)
        node = _Node(shape)
        node.descs = _length_descs(mn, mx)
        lo = 0 if mn is None else mn
        hi = _MAXLEN if mx is None else mx
        key_bracket = value_bracket = None
        if key is not None and key.descs:
            key_bracket = "Map keys must satisfy constraint: [" + ", ".join(key.descs) + "]"
        if value is not None and value.descs:
            value_bracket = ("Map value must satisfy constraint: ["
                             + ", ".join(value.descs) + "]")
        key_ok = key.ok if key is not None else None
        value_ok = value.ok if value is not None else None
        key_failing = key.failing if key is not None else None
        value_failing = value.failing if value is not None else None
        value_nested = value.nested if value is not None else None

        def ok(v):
            if type(v) is not dict:
                return True
            if not lo <= len(v) <= hi:
                return False
            if key_ok is not None and not all(map(key_ok, v)):
                return False
            if value_ok is not None and not all(map(value_ok, v.values())):
                return False
            return True

        def failing(v):
            if not isinstance(v, dict):
                return []
            found = []
            size = len(v)
            if mx is not None and size > mx:
                found.append(f"Member must have length less than or equal to {_number_text(mx)}")
            if mn is not None and size < mn:
                found.append(f"Member must have length greater than or equal to {_number_text(mn)}")
            if key_bracket is not None and any(key_failing(k) for k in v):
                found.append(key_bracket)
            if value_bracket is not None and any(item is not None and value_failing(item)
                                                 for item in v.values()):
                found.append(value_bracket)
            return found

        node.ok, node.failing = ok, failing
        if value_nested is not None:
            def nested(v, path, out):
                if not isinstance(v, dict):
                    return
                for k in _java_order(list(v)):
                    item = v[k]
                    if item is not None:
                        value_nested(item, f"{path}.{k}.member", out)
            node.nested = nested
        return node
