"""Java regular expressions that RE2 (DuckDB's engine) cannot run: lookaheads and
lookbehinds (`(?=`, `(?!`, `(?<=`, `(?<!`) and back references (`\\1`, `\\k<name>`), which
Trino's Joni runs. A call with such a literal pattern runs in Python's `re` instead, whose
syntax and matching (leftmost, backtracking, an empty match allowed right after a match)
are Java's for these; `\\d` and `\\w` stay ASCII, as Java's. Each function answers as the
Trino function of its name (JoniRegexpFunctions): NULL for no match of regexp_extract,
NULL elements for a group that took no part, Java's `$1` / `${name}` replacements.
"""
import functools
import re

from sqlglot import exp

PREFIX = "lakebox_regexp_"


def needs_python(pattern: str) -> bool:
    """True when `pattern` holds a lookaround or a back reference."""
    position = 0
    while position < len(pattern):
        if pattern[position] == "\\":
            following = pattern[position + 1:position + 2]
            if following and following in "123456789" or pattern.startswith("k<", position + 1):
                return True
            position += 2
            continue
        if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), position):
            return True
        position += 1
    return False


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern:
    python = re.sub(r"\(\?<([A-Za-z][A-Za-z0-9]*)>", r"(?P<\1>", pattern)
    python = re.sub(r"\\k<([A-Za-z][A-Za-z0-9]*)>", r"(?P=\1)", python)
    return re.compile(python, re.ASCII)


def _like(text: str, pattern: str) -> bool:
    return _compiled(pattern).search(text) is not None


def _extract(text: str, pattern: str, group: int) -> str | None:
    found = _compiled(pattern).search(text)
    return None if found is None else found.group(group)


def _extract_all(text: str, pattern: str, group: int) -> list:
    return [found.group(group) for found in _compiled(pattern).finditer(text)]


def _count(text: str, pattern: str) -> int:
    return sum(1 for _ in _compiled(pattern).finditer(text))


def _split(text: str, pattern: str) -> list:
    pieces, last = [], 0
    for found in _compiled(pattern).finditer(text):
        pieces.append(text[last:found.start()])
        last = found.end()
    return pieces + [text[last:]]


def _replacement_parts(replacement: str) -> list:
    """Java's replacement text as literal texts and group references (int or name)."""
    parts, position = [], 0
    while position < len(replacement):
        char = replacement[position]
        if char == "\\" and position + 1 < len(replacement):
            parts.append(replacement[position + 1])
            position += 2
        elif char == "$" and replacement.startswith("{", position + 1):
            end = replacement.find("}", position + 2)
            parts.append((replacement[position + 2:end],))
            position = end + 1
        elif char == "$" and replacement[position + 1:position + 2].isdigit():
            parts.append((int(replacement[position + 1]),))
            position += 2
        else:
            parts.append(char)
            position += 1
    return parts


def _replace(text: str, pattern: str, replacement: str) -> str:
    parts = _replacement_parts(replacement)
    return _compiled(pattern).sub(lambda found: "".join(
        part if isinstance(part, str) else (found.group(part[0]) or "") for part in parts), text)


_FUNCTIONS = {
    "like": (_like, ["VARCHAR", "VARCHAR"], "BOOLEAN"),
    "extract": (_extract, ["VARCHAR", "VARCHAR", "BIGINT"], "VARCHAR"),
    "extract_all": (_extract_all, ["VARCHAR", "VARCHAR", "BIGINT"], "VARCHAR[]"),
    "count": (_count, ["VARCHAR", "VARCHAR"], "BIGINT"),
    "split": (_split, ["VARCHAR", "VARCHAR"], "VARCHAR[]"),
    "replace": (_replace, ["VARCHAR", "VARCHAR", "VARCHAR"], "VARCHAR"),
}

_REPEATING = {"extract_all", "count", "split", "replace"}
_NODES = {exp.RegexpLike: "like", exp.RegexpExtract: "extract", exp.RegexpExtractAll: "extract_all",
          exp.RegexpCount: "count", exp.RegexpSplit: "split", exp.RegexpReplace: "replace"}


def _null_on_null(function):
    """NULL for a NULL argument, as Trino's functions answer (and the function itself may
    answer NULL: DuckDB's "special" NULL handling)."""
    @functools.wraps(function)          # its signature (DuckDB counts the parameters)
    def called(*arguments):
        return None if any(argument is None for argument in arguments) else function(*arguments)
    return called


def install(db):
    for name, (function, parameters, result) in _FUNCTIONS.items():
        db.create_function(PREFIX + name, _null_on_null(function), parameters, result, null_handling="special")


def _matches_empty(pattern: str) -> bool:
    """True when `pattern` matches an empty text: after a match, RE2 (DuckDB) skips an
    empty match where the match ended; Java, like Python's `re`, takes it
    (regexp_replace('a b', '\\s*', '-') is '-a--b-' in Trino)."""
    try:
        return _compiled(pattern).search("") is not None
    except re.error:
        return False


def in_python(node: exp.Expression) -> bool:
    """Replaces a regexp call whose literal pattern RE2 cannot run (or would run
    otherwise: an empty match after a match, in a function that goes on after one) by
    its Python function; True when it did."""
    pattern, name = node.args.get("expression"), _NODES.get(type(node))
    if name is None or not (isinstance(pattern, exp.Literal) and pattern.is_string) or \
            not (needs_python(pattern.this) or name in _REPEATING and _matches_empty(pattern.this)):
        return False
    arguments = [node.this.copy(), pattern.copy()]
    if name in ("extract", "extract_all"):
        group = node.args.get("group")
        arguments.append(group.copy() if group is not None else exp.Literal.number(0))
    elif name == "replace":
        replacement = node.args.get("replacement")
        if replacement is not None and not (isinstance(replacement, exp.Literal) and replacement.is_string):
            return False        # a function or a computed text: left to DuckDB
        arguments.append(replacement.copy() if replacement is not None else exp.Literal.string(""))
    node.replace(exp.Anonymous(this=PREFIX + name, expressions=arguments))
    return True
