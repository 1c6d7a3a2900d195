"""Trino's regular expressions in RE2's (DuckDB's) words: Java's named groups.

Trino (Joni, Java's syntax) names a group `(?<name>...)` and a replacement refers to it as
`${name}`; RE2 writes the group `(?P<name>...)` and refuses `(?<`, and its replacements
only know groups by number. A literal pattern is rewritten, and its names numbered so that
a replacement's `${name}` becomes that group's `$n`.
"""
import re

import sqlglot
from sqlglot import exp

from lakebox.engine import regex_fallback, strict

_NAMED = re.compile(r"\?P?<([A-Za-z][A-Za-z0-9]*)>")


def named_groups(pattern: str) -> tuple[str, dict]:
    """`pattern` with each `(?<name>` written `(?P<name>`, and the number of each named
    group (capturing groups counted from 1 in the order they open, as Java does)."""
    rewritten, names, _ = _scan(pattern)
    return rewritten, names


def group_count(pattern: str) -> int:
    """How many capturing groups `pattern` has."""
    return _scan(pattern)[2]


def _scan(pattern: str) -> tuple[str, dict, int]:
    out, names, count, position, in_class = [], {}, 0, 0, False
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            out.append(pattern[position:position + 2])
            position += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            named = _NAMED.match(pattern, position + 1)
            if named:
                count += 1
                names[named.group(1)] = count
                out.append(f"(?P<{named.group(1)}>")
                position = named.end()
                continue
            if not pattern.startswith("?", position + 1):
                count += 1
        out.append(char)
        position += 1
    return "".join(out), names, count


def _literal(node) -> str | None:
    return node.this if isinstance(node, exp.Literal) and node.is_string else None


def rewrite_pattern(node: exp.Expression) -> dict:
    """Rewrite the literal pattern (`expression`) of a regexp call in place; the numbers
    of its named groups ({} when it has none or is not a literal)."""
    pattern = _literal(node.args.get("expression"))
    if pattern is None or "(?<" not in pattern:
        return {}
    rewritten, names = named_groups(pattern)
    node.set("expression", exp.Literal.string(rewritten))
    return names


_REFERENCE = re.compile(r"\\.|\$\{([A-Za-z][A-Za-z0-9]*)\}", re.DOTALL)


def numbered_replacement(replacement: str, names: dict) -> str | None:
    """A Java replacement's `${name}` written `$n`; None when it names a group the pattern
    does not have."""
    unknown = [found.group(1) for found in _REFERENCE.finditer(replacement)
               if found.group(1) is not None and found.group(1) not in names]
    if unknown:
        return None
    return _REFERENCE.sub(lambda found: found.group(0) if found.group(1) is None else f"${names[found.group(1)]}",
                          replacement)


def failure(message: str) -> str:
    """DuckDB SQL failing the query with INVALID_FUNCTION_ARGUMENT and `message`."""
    return strict.failure_sql("INVALID_FUNCTION_ARGUMENT", "'" + message.replace("'", "''") + "'")


def group_checked(node: exp.Expression):
    """regexp_extract(_all) of a group its pattern lacks fails on every text (not on
    NULL); any other has its pattern rewritten (`rewrite_pattern`)."""
    refused = refused_group(node)
    if not refused:
        checked_pattern(node)
        return
    kind = "VARCHAR[]" if isinstance(node, exp.RegexpExtractAll) else "VARCHAR"
    checked = sqlglot.parse_one(f"CASE WHEN __s IS NULL THEN CAST(NULL AS {kind}) ELSE {failure(refused)} END",
                                read="duckdb")
    checked.find(exp.Column).replace(node.this.copy())
    node.replace(checked)


def checked_pattern(node: exp.Expression):
    """A pattern RE2 cannot run goes to Python (`regex_fallback`), any other is rewritten
    for RE2 (`rewrite_pattern`)."""
    if not regex_fallback.in_python(node):
        rewrite_pattern(node)


def refused_group(node: exp.Expression) -> str | None:
    """Trino's refusal (JoniRegexpFunctions.validateGroup) of a regexp_extract or
    regexp_extract_all whose literal group its literal pattern does not have; None when it
    has it or either is not a literal."""
    pattern, group = _literal(node.args.get("expression")), node.args.get("group")
    if pattern is None or group is None:
        return None
    if isinstance(group, exp.Neg) and isinstance(group.this, exp.Literal) and not group.this.is_string:
        return "Group cannot be negative"
    if isinstance(group, exp.Literal) and not group.is_string and group.name.isdigit():
        count = group_count(pattern)
        if int(group.name) > count:
            return f"Pattern has {count} groups. Cannot access group {int(group.name)}"
    return None


def refused_replacement(replacement: str, pattern: str) -> str | None:
    """Trino's refusal of a replacement text (its appendReplacement, met at the first
    match): a `$` or `\\` ending it, `$` before neither a digit nor `{`, a group number or
    `${name}` the pattern does not have. None when Trino takes it."""
    _, names, count = _scan(pattern)
    illegal = f"Illegal replacement sequence: {replacement}"
    position = 0
    while position < len(replacement):
        char = replacement[position]
        if char == "\\":
            if position + 1 == len(replacement):
                return illegal
            position += 2
        elif char == "$":
            if position + 1 == len(replacement):
                return illegal
            following = replacement[position + 1]
            if following == "{":
                end = replacement.find("}", position + 2)
                name = replacement[position + 2:] if end < 0 else replacement[position + 2:end]
                if name not in names:
                    return f"Illegal replacement sequence: unknown group {{ {name} }}"
                position = len(replacement) if end < 0 else end + 1
            elif not following.isdigit():
                return illegal
            elif int(following) > count:
                return f"Illegal replacement sequence: unknown group {following}"
            else:
                position += 2
        else:
            position += 1
    return None
