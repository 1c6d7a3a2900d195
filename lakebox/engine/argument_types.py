"""Calls whose arguments are of types no signature of the function takes.

A text column given to `date_format`, `year` or `sum`, a number to `upper` or `substr`:
Trino refuses the call with FUNCTION_NOT_FOUND at its place, `line 1:8: Unexpected
parameters (integer, integer, integer) for function substr. Expected: substr(char(x),
bigint) char(x), ...`, where DuckDB fails in its own words or casts. Only calls whose every
argument's type lakebox knows from the text (literals, catalog columns) are judged, and a
parameter accepts what Trino's implicit coercions bring to it (an integer to a bigint or a
double, a date to a timestamp)."""
import re

from sqlglot import exp

from lakebox.engine import arity, strict

_INTEGERS = {"tinyint", "smallint", "integer", "bigint"}
# What an argument of each kind may be, by the parameter's kind (Trino's TypeCoercion).
_ACCEPTS = {
    "varchar": {"varchar"}, "char": {"char"}, "joniregexp": {"varchar"}, "jsonpath": {"varchar"},
    "codepoints": {"varchar"}, "varbinary": {"varbinary"}, "json": {"json"},
    "tinyint": {"tinyint"}, "smallint": {"tinyint", "smallint"}, "integer": {"tinyint", "smallint", "integer"},
    "bigint": _INTEGERS, "decimal": _INTEGERS | {"decimal"}, "real": _INTEGERS | {"decimal", "real"},
    "double": _INTEGERS | {"decimal", "real", "double"},
    "date": {"date"}, "timestamp": {"date", "timestamp"},
    "timestamp with time zone": {"date", "timestamp", "timestamp with time zone"},
}
_GENERIC = {"e", "t", "k", "v"}             # a type variable takes any argument

# Aggregations lakebox judges too (Trino's signatures, as its failure lists them).
SIGNATURES = {
    **arity.SIGNATURES,
    "sum": ("sum(bigint) bigint", "sum(decimal(p,s)) decimal(38,s)", "sum(double) double",
            "sum(interval day to second) interval day to second",
            "sum(interval year to month) interval year to month", "sum(real) real"),
}

# sqlglot's nodes of Trino's calls: the function's name and its arguments in Trino's order.
_ONE_ARGUMENT = {exp.Upper: "upper", exp.Lower: "lower", exp.Length: "length", exp.Abs: "abs", exp.Year: "year",
                 exp.TimeToUnix: "to_unixtime", exp.FromISO8601Timestamp: "from_iso8601_timestamp",
                 exp.Sum: "sum"}
# ... and of more: the function's name and the members that are its arguments, in order.
_SEVERAL_ARGUMENTS = {exp.RegexpLike: ("regexp_like", ("this", "expression")),
                      exp.RegexpExtract: ("regexp_extract", ("this", "expression", "group")),
                      exp.Split: ("split", ("this", "expression", "limit"))}


def _kind(type_name: str) -> str:
    """A type's kind: its name without parameters (`varchar(3)` -> varchar)."""
    return re.sub(r"\([^)]*\)", "", type_name).strip().lower()


def _unit(node) -> exp.Expression:
    unit = node.args.get("unit")
    return exp.Literal.string(unit.name.lower()) if isinstance(unit, (exp.Var, exp.Literal)) else unit


def _call_of(node: exp.Expression) -> tuple[str | None, list]:
    if type(node) in _ONE_ARGUMENT:
        return _ONE_ARGUMENT[type(node)], [node.this]
    if type(node) in _SEVERAL_ARGUMENTS:
        name, members = _SEVERAL_ARGUMENTS[type(node)]
        return name, [node.args[member] for member in members if isinstance(node.args.get(member), exp.Expression)]
    if isinstance(node, exp.Round):
        return "round", [node.this] + ([node.args["decimals"]] if node.args.get("decimals") else [])
    if isinstance(node, exp.TimestampTrunc):
        return "date_trunc", [_unit(node), node.this]
    if isinstance(node, exp.DateAdd):
        return "date_add", [_unit(node), node.expression, node.this]
    if isinstance(node, exp.DateDiff):            # sqlglot keeps Trino's (start, end) as (expression, this)
        return "date_diff", [_unit(node), node.expression, node.this]
    if isinstance(node, (exp.Anonymous, exp.Substring)):
        return arity.call_of(node)
    return None, []


def _takes(signature: str, kinds: list[str]) -> bool:
    parameters = [_kind(p) for p in re.split(r",\s*(?![^()]*\))", arity.parameters_of(signature)) if p.strip()]
    if len(parameters) != len(kinds):
        return False
    return all(parameter in _GENERIC or kind in _ACCEPTS.get(parameter, {parameter})
               for parameter, kind in zip(parameters, kinds))


def _place(sql: str, name: str, arguments: list) -> str:
    """`line L:C: ` of the call: the last `name(` before its first argument, or the only one."""
    calls = [found.start() for found in re.finditer(rf"\b{name}\s*\(", sql, re.IGNORECASE)]
    starts = [start for argument in arguments for start in strict.offsets(argument, "start")]
    before = [call for call in calls if starts and call < min(starts)]
    call = before[-1] if before else (calls[0] if len(calls) == 1 else None)
    return f"{strict.line_and_column(sql, call)}: " if call is not None else ""


def unexpected_types(tree: exp.Expression, column_types: dict, sql: str) -> tuple[str, str] | None:
    """Trino's error name and words for the first call no signature of its function takes
    for its arguments' types; None if there is none lakebox can tell."""
    ctes = frozenset(cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE))
    for node in tree.find_all(exp.Anonymous, exp.Substring, exp.Round, exp.TimestampTrunc, exp.DateAdd,
                              exp.DateDiff, exp.Concat, *_ONE_ARGUMENT, *_SEVERAL_ARGUMENTS):
        if isinstance(node, exp.Concat):
            refused = _concat_of_a_non_text(node, column_types, ctes, sql)
            if refused:
                return refused
            continue
        name, arguments = _call_of(node)
        if name not in SIGNATURES or not arguments:
            continue
        types = [strict.trino_type(argument, column_types, ctes) for argument in arguments]
        if None in types:
            continue
        signatures = SIGNATURES[name]
        kinds = [_kind(kind) for kind in types]
        if any(len(kinds) == arity.count_of(arity.parameters_of(s)) for s in signatures) and \
                not any(_takes(signature, kinds) for signature in signatures):
            return "FUNCTION_NOT_FOUND", (f"{_place(sql, name, arguments)}Unexpected parameters ({', '.join(types)}) "
                                          f"for function {name}. Expected: {', '.join(signatures)}")
    return None


def _concat_of_a_non_text(node: exp.Concat, column_types: dict, ctes: frozenset, sql: str):
    """concat(id, '-', name) of an integer: Trino's concat takes texts (or arrays, or
    varbinary), with no cast of a number to a text; DuckDB's casts it."""
    arguments = list(node.expressions)
    types = [strict.trino_type(argument, column_types, ctes) for argument in arguments]
    if not arguments or None in types or all(_kind(kind) == "varchar" for kind in types):
        return None
    return "FUNCTION_NOT_FOUND", (f"{_place(sql, 'concat', arguments)}Unexpected parameters ({', '.join(types)}) "
                                  f"for function concat. Expected: {strict.CONCAT_SIGNATURES}")
