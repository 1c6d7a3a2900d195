"""Java regular expressions (as in botocore models) translated to Python `re`."""
from __future__ import annotations

import re
import threading
import unicodedata
import warnings

_NOTHING = object()

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
