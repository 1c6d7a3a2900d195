"""IAM policy variables (IAM User Guide, "IAM policy elements: Variables and tags").

`${key}` in a statement's Resource or NotResource, and in the values of its string and
ARN conditions, stands for the request's value of that condition key, looked up when a
request is decided: `arn:aws:s3:::bucket/home/${aws:username}/*`. Key names are not
case-sensitive. `${key, 'default'}` gives the text to use when the request has no value
for the key (a quote inside it is written twice); `${*}`, `${?}` and `${$}` are those
characters, literally. Variables are read only in policies of Version 2012-10-17; older
versions take the text as it is. A variable whose key the request lacks (or that holds
several values), with no default, resolves to nothing: a resource or condition value
using it matches no request ("Policy variables with no value").
"""
import functools
import re

from lakebox.kit import conditions

VERSION = "2012-10-17"
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^\s,]+)\s*,\s*'((?:[^']|'')*)'\s*$")
_LITERALS = ("*", "?", "$")
_QUALIFIERS = ("foranyvalue:", "forallvalues:")


def used_in(value) -> bool:
    """Whether a Resource list or a Condition block writes a variable."""
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, dict):
        return any(used_in(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(used_in(v) for v in value)
    return False


@functools.lru_cache(maxsize=1024)
def _pieces(template: str) -> tuple:
    """The template as ("text", s) | ("literal", c) | ("key", name, default or None) pieces."""
    pieces, position = [], 0
    for match in _VARIABLE.finditer(template):
        if match.start() > position:
            pieces.append(("text", template[position:match.start()]))
        pieces.append(_variable(match.group(1)))
        position = match.end()
    if position < len(template):
        pieces.append(("text", template[position:]))
    return tuple(pieces)


def _variable(inside: str) -> tuple:
    if inside in _LITERALS:
        return ("literal", inside)
    with_default = _DEFAULT.match(inside)
    if with_default:
        return ("key", with_default.group(1).lower(), with_default.group(2).replace("''", "'"))
    return ("key", inside.strip().lower(), None)


def _value(piece: tuple, keys) -> str | None:
    found = keys(piece[1]) if piece[1] else None
    if isinstance(found, (list, tuple)):
        found = found[0] if len(found) == 1 else None      # several values cannot stand in one place
    return piece[2] if found is None else str(found)


def resolve(template: str, keys) -> str | None:
    """`template` with each variable replaced, or None when one has no value."""
    if "${" not in template:
        return template
    text = []
    for piece in _pieces(template):
        if piece[0] == "key":
            value = _value(piece, keys)
            if value is None:
                return None
            text.append(value)
        else:
            text.append(piece[1])
    return "".join(text)


def pattern(template: str, keys):
    """A regex of what `template` names for this request: its own `*` and `?` are
    wildcards, a variable's value and `${*}` are taken literally. None when a variable
    has no value."""
    body = []
    for piece in _pieces(template):
        if piece[0] == "text":
            body.append(conditions.glob(piece[1]).pattern)
        elif piece[0] == "literal":
            body.append(re.escape(piece[1]))
        else:
            value = _value(piece, keys)
            if value is None:
                return None
            body.append(re.escape(value))
    return _compiled("".join(body))


@functools.lru_cache(maxsize=1024)
def _compiled(body: str):
    return re.compile(body, re.DOTALL)


def matches_any(templates: tuple, text: str, keys) -> bool:
    """Whether one of the Resource `templates` names `text` for this request."""
    for template in templates:
        regex = pattern(template, keys)
        if regex is not None and regex.fullmatch(text) is not None:
            return True
    return False


def condition_block(block: dict, keys) -> dict:
    """The Condition with the variables in its string and ARN values replaced; a value
    that resolves to nothing is dropped (no request value equals or is like it)."""
    resolved = {}
    for operator, entries in block.items():
        if not isinstance(entries, dict) or not _takes_variables(operator):
            resolved[operator] = entries
            continue
        resolved[operator] = {key: _resolved_values(values, keys) for key, values in entries.items()}
    return resolved


def _resolved_values(values, keys) -> list:
    found = []
    for value in values if isinstance(values, list) else [values]:
        value = resolve(value, keys) if isinstance(value, str) else value
        if value is not None:
            found.append(value)
    return found


def _takes_variables(operator: str) -> bool:
    name = operator.lower()
    for qualifier in _QUALIFIERS:
        name = name.removeprefix(qualifier)
    return name.startswith(("string", "arn"))
