"""Trino's regular expressions in RE2's (DuckDB's) words: Java's named groups.

Trino (Joni, Java's syntax) names a group `(?<name>...)` and a replacement refers to it as
`${name}`; RE2 writes the group `(?P<name>...)` and refuses `(?<`, and its replacements
only know groups by number. A literal pattern is rewritten, and its names numbered so that
a replacement's `${name}` becomes that group's `$n`.
"""
import re

from sqlglot import exp

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
