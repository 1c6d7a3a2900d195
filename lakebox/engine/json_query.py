"""Trino's json_query, json_value and json_exists: the SQL/JSON path (`lax`/`strict`, member, wildcard and array
steps) evaluated over the input, then its clauses applied as Trino's JsonQueryFunction
applies them: the array wrapper (`WITH [UNCONDITIONAL | CONDITIONAL] ARRAY WRAPPER`),
`OMIT QUOTES` on a scalar string, `ON EMPTY` for a path that finds nothing and `ON
ERROR` for malformed input, a strict path's structural error or several items without a
wrapper (each `NULL` by default, `ERROR` failing in Trino's words). The result is a
`varchar` (compact JSON, keys in the document's order). json_value gives the one scalar
a path finds as its SQL text (a string unquoted; `ON EMPTY`/`ON ERROR` NULL, ERROR or
DEFAULT), json_exists whether the path finds anything (`ON ERROR` FALSE, TRUE, UNKNOWN
or ERROR). A path beyond these steps (filters, methods, arithmetic), or json_value
RETURNING another type, keeps the engine's former reading."""
import json
import re

from sqlglot import exp
from sqlglot.parsers.trino import TrinoParser
from sqlglot.tokens import TokenType

from lakebox.engine.strict import FAILURE_PREFIX
from lakebox.engine.text import java_double

FUNCTION = "lakebox_json_query"
VALUE_FUNCTION = "lakebox_json_value"
EXISTS_FUNCTION = "lakebox_json_exists"

_MODE = re.compile(r"^\s*(lax|strict)\s+\$(.*?)\s*$", re.DOTALL)
_STEP = re.compile(r'\s*(?:\.\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_$][\w$]*)|(\*))|\[\s*([^\]]*?)\s*\])')
_SUBSCRIPT = re.compile(r"^(\d+|last(?:\s*-\s*\d+)?)(?:\s+to\s+(\d+|last(?:\s*-\s*\d+)?))?$")


class _Failure(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(f"{FAILURE_PREFIX}{code}:{message}")


def _structural(detail: str) -> _Failure:
    return _Failure("PATH_EVALUATION_ERROR", f"path evaluation failed: structural error: {detail}")


class _WrongItem(_Failure):
    """A strict step applied to an item of another kind: Trino's words for it have no
    source here, so ERROR ON ERROR of it is refused by name (NULL and the defaults hold)."""

    def __init__(self, expected: str):
        super().__init__("NOT_SUPPORTED", f"json_query ERROR ON ERROR of a strict path step over an item that is "
                                          f"not an {expected} is not supported")


def parse_path(path: str):
    """(strict, steps) of a path these steps cover, else None. A step is ('member', name),
    ('members',), ('elements',) or ('subscripts', [(from, to), ...]) (`last - k` as -1 - k)."""
    found = _MODE.match(path)
    if found is None:
        return None
    rest, steps, position = found.group(2), [], 0
    while position < len(rest):
        step = _STEP.match(rest, position)
        if step is None:
            return None
        quoted, name, star, subscript = step.groups()
        if quoted is not None:
            steps.append(("member", json.loads(f'"{quoted}"')))
        elif name is not None:
            steps.append(("member", name))
        elif star is not None:
            steps.append(("members",))
        elif subscript == "*":
            steps.append(("elements",))
        else:
            ranges = [_SUBSCRIPT.match(part.strip()) for part in subscript.split(",")]
            if not all(ranges):
                return None
            steps.append(("subscripts", [(_index(r.group(1)), _index(r.group(2) or r.group(1))) for r in ranges]))
        position = step.end()
    return found.group(1) == "strict", steps


def _index(text: str) -> int:
    if text.startswith("last"):
        return -1 - int(text[4:].replace("-", "").strip() or 0)
    return int(text)


def _apply(items: list, step: tuple, strict: bool) -> list:
    out = []
    for item in items:
        if step[0] in ("member", "members") and isinstance(item, list) and not strict:
            out += _apply(item, step, strict)            # lax: an array is unwrapped
        elif step[0] == "member":
            if isinstance(item, dict) and step[1] in item:
                out.append(item[step[1]])
            elif strict:
                if isinstance(item, dict):
                    raise _structural(f"missing member '{step[1]}' in JSON object")
                raise _WrongItem("object")
        elif step[0] == "members":
            if isinstance(item, dict):
                out += list(item.values())
            elif strict:
                raise _WrongItem("object")
        else:
            array = item if isinstance(item, list) else ([item] if not strict else None)
            if array is None:
                raise _WrongItem("array")
            if step[0] == "elements":
                out += array
                continue
            for first, last in step[1]:
                first, last = (n if n >= 0 else len(array) + n for n in (first, last))
                if strict and not (0 <= first <= last < len(array)):
                    raise _structural(f"invalid array subscript: [{first}, {last}] for array of size {len(array)}"
                                      if array else "invalid array subscript for empty array")
                out += array[max(first, 0):last + 1]
    return out


def _text(value) -> str:
    """A JSON item as Jackson writes it (compact; a float as Java's double)."""
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(key, ensure_ascii=False)}:{_text(item)}"
                              for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_text(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


_SPECIAL = {"EMPTY ARRAY": "[]", "EMPTY OBJECT": "{}", "NULL": None}


def _special(behavior: str, failure: _Failure):
    if behavior == "ERROR":
        raise failure
    return _SPECIAL[behavior]


def json_query(text: str, path: str, wrapper: str, omit_quotes: bool, on_empty: str, on_error: str):
    try:
        items = _evaluated(text, path)
    except _Failure as failure:
        return _special(on_error, failure)
    if not items:
        return _special(on_empty, _Failure("JSON_OUTPUT_CONVERSION_ERROR",
                                           "conversion from JSON failed: JSON path found no items"))
    if wrapper == "UNCONDITIONAL" or (wrapper == "CONDITIONAL" and (
            len(items) != 1 or not isinstance(items[0], (list, dict)))):
        items = [items]
    if len(items) != 1:
        return _special(on_error, _Failure("JSON_OUTPUT_CONVERSION_ERROR",
                                           "conversion from JSON failed: JSON path found multiple items"))
    if omit_quotes and isinstance(items[0], str):
        return items[0]
    return _text(items[0])


def _evaluated(text: str, path: str) -> list:
    """The items the path finds; _Failure for malformed input (JSON_INPUT_CONVERSION_ERROR)
    or a strict path's error."""
    strict, steps = parse_path(path)
    try:
        items = [json.loads(text)]
    except ValueError:
        raise _Failure("JSON_INPUT_CONVERSION_ERROR", "conversion to JSON failed: ") from None
    for step in steps:
        items = _apply(items, step, strict)
    return items


def _value_failure(detail: str) -> _Failure:
    return _Failure("JSON_VALUE_RESULT_ERROR", f"cannot extract SQL scalar from JSON: {detail}")


def json_value(text, path, on_empty, empty_default, on_error, error_default):
    """Trino's JsonValueFunction returning varchar: the scalar's SQL text."""
    def error(failure):
        if on_error == "ERROR":
            raise failure
        return error_default if on_error == "DEFAULT" else None
    try:
        items = _evaluated(text, path)
    except _Failure as failure:
        return error(failure)
    if not items:
        if on_empty == "ERROR":
            raise _value_failure("JSON path found no items")
        return empty_default if on_empty == "DEFAULT" else None
    if len(items) > 1:
        return error(_value_failure("JSON path found multiple items"))
    item = items[0]
    if isinstance(item, (list, dict)):
        return error(_value_failure("JSON path found an item that cannot be converted to an SQL value"))
    if item is None or isinstance(item, str):
        return item
    return "true" if item is True else "false" if item is False else _text(item)


_EXISTS_ON_ERROR = {"FALSE": False, "TRUE": True, "UNKNOWN": None}


def json_exists(text, path, on_error):
    """Trino's JsonExistsFunction: whether the path finds an item."""
    try:
        return bool(_evaluated(text, path))
    except _Failure:
        if on_error == "ERROR":
            raise
        return _EXISTS_ON_ERROR[on_error]


def install(db):
    db.create_function(FUNCTION, json_query, ["VARCHAR", "VARCHAR", "VARCHAR", "BOOLEAN", "VARCHAR", "VARCHAR"],
                       "VARCHAR", null_handling="special")
    db.create_function(VALUE_FUNCTION, json_value, ["VARCHAR"] * 6, "VARCHAR", null_handling="special")
    db.create_function(EXISTS_FUNCTION, json_exists, ["VARCHAR"] * 3, "BOOLEAN", null_handling="special")


def _wrapper(node: exp.JSONExtract) -> str:
    option = node.args.get("option")
    words = option.name.upper() if option is not None else "WITHOUT"
    if words.startswith("WITHOUT"):
        return "WITHOUT"
    return "CONDITIONAL" if "CONDITIONAL" in words.split() else "UNCONDITIONAL"


def _behaviors(node: exp.JSONExtract) -> tuple:
    condition = node.args.get("on_condition")
    found = {}
    for key in ("empty", "error"):
        clause = condition.args.get(key) if condition is not None else None
        words = (clause.name if isinstance(clause, exp.Expression) else str(clause or "NULL")).upper()
        found[key] = re.sub(r"\s+ON\s+(EMPTY|ERROR)$", "", words).strip()
    return found["empty"], found["error"]


def json_query_as_trino(tree: exp.Expression) -> exp.Expression:
    """json_query(...) as a call of the engine's `lakebox_json_query`, its clauses as arguments."""
    for node in list(tree.find_all(exp.JSONExtract)):
        path = node.expression
        if not node.args.get("json_query") or not (isinstance(path, exp.Literal) and path.is_string):
            continue
        if parse_path(path.this) is None:
            continue
        empty, error = _behaviors(node)
        if empty not in _SPECIAL and empty != "ERROR" or error not in _SPECIAL and error != "ERROR":
            continue
        quote = node.args.get("quote")
        omit = quote is not None and str(quote.args.get("option", "")).upper() == "OMIT"
        value = node.this
        call = exp.Anonymous(this=FUNCTION, expressions=[
            exp.cast(value.copy(), "VARCHAR"), exp.Literal.string(path.this), exp.Literal.string(_wrapper(node)),
            exp.Boolean(this=omit), exp.Literal.string(empty), exp.Literal.string(error)])
        node.replace(_unless_null(value, call, "VARCHAR"))
    for node in list(tree.find_all(exp.JSONValue)):
        path, returning = node.args.get("path"), node.args.get("returning")
        if returning or not (isinstance(path, exp.Literal) and path.is_string) or parse_path(path.this) is None:
            continue
        condition = node.args.get("on_condition")
        clauses = [_value_behavior(condition.args.get(key) if condition else None) for key in ("empty", "error")]
        call = exp.Anonymous(this=VALUE_FUNCTION, expressions=[
            exp.cast(node.this.copy(), "VARCHAR"), exp.Literal.string(path.this), *clauses[0], *clauses[1]])
        node.replace(_unless_null(node.this, call, "VARCHAR"))
    for node in list(tree.find_all(exp.JSONExists)):
        path, condition = node.args.get("path"), node.args.get("on_condition")
        behavior = (condition.args.get("error") if condition else None) or "FALSE ON ERROR"
        if not (isinstance(path, exp.Literal) and path.is_string) or parse_path(path.this) is None:
            if isinstance(path, exp.Literal) and path.is_string:     # DuckDB's path has no mode word
                path = exp.Literal.string(re.sub(r"^\s*(?:lax|strict)\s+", "", path.this, flags=re.IGNORECASE))
            node.replace(exp.Anonymous(this="json_exists", expressions=[node.this, path]))
            continue
        call = exp.Anonymous(this=EXISTS_FUNCTION, expressions=[
            exp.cast(node.this.copy(), "VARCHAR"), exp.Literal.string(path.this),
            exp.Literal.string(behavior.split()[0].upper())])
        node.replace(_unless_null(node.this, call, "BOOLEAN"))
    return tree


def _unless_null(value: exp.Expression, call: exp.Expression, kind: str) -> exp.Expression:
    """The call, NULL for a NULL input (as Trino's functions answer it)."""
    return exp.If(this=exp.Is(this=value.copy(), expression=exp.Null()), true=exp.cast(exp.Null(), kind), false=call)


def _value_behavior(clause) -> tuple:
    """(behavior, its default as varchar) of json_value's ON EMPTY or ON ERROR clause."""
    if isinstance(clause, exp.Expression):
        return exp.Literal.string("DEFAULT"), exp.cast(clause.copy(), "VARCHAR")
    behavior = str(clause or "NULL").split()[0].upper()
    return exp.Literal.string(behavior), exp.cast(exp.Null(), "VARCHAR")


_BEHAVIORS = (("EMPTY", "ARRAY"), ("EMPTY", "OBJECT"), ("ERROR",), ("NULL",))
_WRAPPERS = {key: (("WRAPPER",), ("ARRAY", "WRAPPER"), ("CONDITIONAL", "WRAPPER"), ("CONDITIONAL", "ARRAY", "WRAPPER"),
                   ("UNCONDITIONAL", "WRAPPER"), ("UNCONDITIONAL", "ARRAY", "WRAPPER")) for key in ("WITH", "WITHOUT")}


class QueryClauses:
    """A parser mixin: json_query's and json_exists's clauses as Trino's grammar has them
    (sqlglot reads neither `WITH CONDITIONAL ARRAY WRAPPER`, `EMPTY ARRAY|OBJECT ON
    EMPTY|ERROR` nor json_exists's `TRUE|FALSE|UNKNOWN|ERROR ON ERROR`)."""

    FUNCTION_PARSERS = {**TrinoParser.FUNCTION_PARSERS, "JSON_EXISTS": lambda self: self._parse_json_exists()}

    def _parse_json_query(self) -> exp.JSONExtract:
        this = self._parse_bitwise()
        path = self._match(TokenType.COMMA) and self._parse_bitwise()
        option = self._parse_var_from_options(_WRAPPERS, raise_unmatched=False)
        quote = self._parse_json_query_quote()
        empty, error = self._json_behavior("EMPTY"), self._json_behavior("ERROR")
        return self.expression(exp.JSONExtract(
            this=this, expression=path, option=option, json_query=True, quote=quote,
            on_condition=exp.OnCondition(empty=empty, error=error) if empty or error else None))

    def _parse_json_exists(self) -> exp.JSONExists:
        this = self._parse_bitwise()
        path = self._match(TokenType.COMMA) and self._parse_bitwise()
        error = next((f"{word} ON ERROR" for word in ("TRUE", "FALSE", "UNKNOWN", "ERROR")
                      if self._match_text_seq(word, "ON", "ERROR")), None)
        return self.expression(exp.JSONExists(
            this=this, path=path, on_condition=exp.OnCondition(error=error) if error else None))

    def _json_behavior(self, on: str) -> str | None:
        for words in _BEHAVIORS:
            if self._match_text_seq(*words, "ON", on):
                return f"{' '.join(words)} ON {on}"
        return None
