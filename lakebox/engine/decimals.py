"""Trino's decimal arithmetic, and the fixes that keep decimal / decimal and avg(decimal)
a decimal.

DuckDB divides two decimals into a DOUBLE; Trino's quotient is a decimal whose scale is
the larger of the two scales. `decimal_type(node, column_types)` infers the decimal
type of an expression from the catalog's column types, decimal literals and Trino's
rules for + - * / and the aggregates; anything else (a double, a function it does not
know) is None, and the expression is left alone.
"""
import re

import sqlglot
from sqlglot import exp

MAX_PRECISION = 38
_INTEGER_PRECISION = {"tinyint": 3, "smallint": 5, "int": 10, "integer": 10, "bigint": 19}


_LITERAL = re.compile(r"\s*[+-]?(\d*)(?:\.(\d*))?\s*")


def typed_literal(parser, this, data_type):
    """`DECIMAL '0.50'` is a decimal(2,2) in Trino: its scale the digits after the point,
    its precision all the digits but the leading zeros (at least 1); DuckDB's CAST AS
    DECIMAL is a decimal(18,3). (sqlglot's parser hook for a literal of a type.)"""
    found = _LITERAL.fullmatch(this.name) if isinstance(this, exp.Literal) and this.is_string else None
    if found is not None and (found.group(1) or found.group(2)):
        integral, fraction = found.group(1).lstrip("0"), found.group(2) or ""
        precision = max(len(integral) + len(fraction), 1)
        if precision <= MAX_PRECISION:
            data_type = exp.DataType.build(f"DECIMAL({precision}, {len(fraction)})")
    return parser.expression(exp.Cast(this=this, to=data_type))


def of_precision(data_type: exp.DataType) -> exp.DataType:
    """A `DECIMAL` of no precision is Trino's decimal(38,0) (DuckDB's is a decimal(18,3)).
    (sqlglot's parser hook for a type it reads.)"""
    return data_type if data_type.expressions else exp.DataType.build("DECIMAL(38, 0)")


def _from_text(kind: str):
    kind = kind.lower().replace(" ", "")
    found = re.fullmatch(r"decimal\((\d+),(\d+)\)", kind)
    if found:
        return int(found.group(1)), int(found.group(2))
    if kind in _INTEGER_PRECISION:
        return _INTEGER_PRECISION[kind], 0
    return None


def decimal_type(node, column_types: dict, integers_count: bool = False):
    """(precision, scale) of a decimal-typed expression, else None. Integers count as
    decimal(p, 0) only beside a decimal (`integers_count`)."""
    if isinstance(node, (exp.Paren, exp.Neg)):
        return decimal_type(node.this, column_types, integers_count)
    if isinstance(node, exp.Literal) and not node.is_string:
        text = node.this
        if "." in text and "e" not in text.lower():
            whole, fraction = text.split(".")
            digits = len(whole.lstrip("-").lstrip("0")) + len(fraction)
            return max(digits, 1), len(fraction)
        return (10, 0) if integers_count and text.lstrip("-").isdigit() else None
    if isinstance(node, exp.Column):
        kind = column_types.get(node.name.lower(), "")
        return _from_text(kind) if "decimal" in kind.lower() or integers_count else None
    if isinstance(node, exp.Cast):
        return _from_text(node.to.sql(dialect="trino"))
    if isinstance(node, (exp.Sum, exp.Avg, exp.Max, exp.Min)):
        inner = decimal_type(node.this, column_types)
        if inner is None:
            return None
        return (MAX_PRECISION, inner[1]) if isinstance(node, exp.Sum) else inner
    if isinstance(node, exp.Case):
        branches = [branch.args.get("true") for branch in node.args.get("ifs") or []] + [node.args.get("default")]
        types = [decimal_type(branch, column_types, True) for branch in branches if branch is not None]
        if not types or None in types or not any(decimal_type(b, column_types) for b in branches if b is not None):
            return None
        scale = max(s for _, s in types)
        return min(MAX_PRECISION, max(p - s for p, s in types) + scale), scale
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        left = decimal_type(node.this, column_types)
        right = decimal_type(node.expression, column_types)
        if left is None and right is None:
            return None
        left = left or decimal_type(node.this, column_types, True)
        right = right or decimal_type(node.expression, column_types, True)
        if left is None or right is None:
            return None
        return _combine(type(node), left, right)
    return None


def _combine(kind, left, right):
    (p1, s1), (p2, s2) = left, right
    if kind is exp.Mul:
        return min(MAX_PRECISION, p1 + p2), s1 + s2
    if kind is exp.Div:
        return min(MAX_PRECISION, p1 + s2 + max(0, s2 - s1)), max(s1, s2)
    scale = max(s1, s2)
    return min(MAX_PRECISION, max(p1 - s1, p2 - s2) + scale + 1), scale


def with_aliases(tree, column_types: dict, passes: int = 3) -> dict:
    """`column_types` plus the decimal columns that subqueries and CTEs define
    (`l_extendedprice * (1 - l_discount) AS volume`), nested up to `passes` deep, and those
    of a VALUES list whose every row holds a decimal there (`(VALUES 1.5, 10.25) t(x)`: the
    type that holds them all, decimal(4,2))."""
    types = dict(column_types)
    aliases = [alias for alias in tree.find_all(exp.Alias) if alias.alias]
    for _ in range(passes):
        known = len(types)
        for alias in aliases:
            found = decimal_type(alias.this, types)
            if found is not None:
                types.setdefault(alias.alias.lower(), f"decimal({found[0]},{found[1]})")
        if len(types) == known:         # nothing new: another pass would find nothing either
            break
    for values in tree.find_all(exp.Values):
        alias = values.args.get("alias")
        for position, column in enumerate(alias.columns if alias is not None else []):
            found = [decimal_type(row.expressions[position] if isinstance(row, exp.Tuple) else row, types)
                     for row in values.expressions]
            if found and None not in found:
                scale = max(s for _, s in found)
                precision = min(MAX_PRECISION, max(p - s for p, s in found) + scale)
                types.setdefault(column.name.lower(), f"decimal({precision},{scale})")
    return types


def avg_of_a_decimal_keeps_its_type(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """Trino's `avg` of a decimal(p,s) is a decimal(p,s), rounded to its scale; DuckDB's
    is a DOUBLE. `column_types` maps column names to their catalog types. The cast wraps
    the whole call, its FILTER and OVER clauses with it (`avg(x) OVER ()`)."""
    for node in list(tree.find_all(exp.Avg)):
        argument = node.this
        if isinstance(argument, exp.Distinct) and len(argument.expressions) == 1:
            argument = argument.expressions[0]
        found = decimal_type(argument, column_types)
        if found is not None:
            while isinstance(node.parent, (exp.Window, exp.Filter)) and node.arg_key == "this":
                node = node.parent
            node.replace(exp.cast(node.copy(), f"DECIMAL({found[0]}, {found[1]})"))
    return tree


def rounding_keeps_the_scale(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """Trino's round(decimal(p,s), d) is a decimal(p+1,s) and truncate(decimal(p,s), d) a
    decimal(p,s), both of the scale they were given (`12.3400`); without d, round's is a
    decimal(p-s+min(1,s),0) and truncate's a decimal(max(1,p-s),0). DuckDB's scale is d."""
    for node in list(tree.find_all(exp.Round, exp.Trunc)):
        found = decimal_type(node.this, column_types)
        if found is None:
            continue
        precision, scale = found
        if node.args.get("decimals") is not None:
            target = (min(MAX_PRECISION, precision + 1) if isinstance(node, exp.Round) else precision, scale)
        elif isinstance(node, exp.Round):
            target = (min(MAX_PRECISION, precision - scale + min(1, scale)), 0)
        else:
            target = (max(1, precision - scale), 0)
        node.replace(exp.cast(node.copy(), f"DECIMAL({target[0]}, {target[1]})"))
    return tree


def decimal_division_stays_decimal(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """Trino divides decimals into a decimal (scale: the larger scale, rounded half up);
    DuckDB into a DOUBLE. Types are inferred before any rewrite, innermost first."""
    typed = []
    for node in tree.find_all(exp.Div):
        found = decimal_type(node, column_types)
        if found is not None:
            typed.append((node.depth, node, found))
    for _, node, (precision, scale) in sorted(typed, key=lambda item: -item[0]):
        node.replace(exp.cast(node.copy(), f"DECIMAL({precision}, {scale})"))
    return tree


def decimal_casts_that_overflow_fail(tree: exp.Expression, column_types: dict) -> exp.Expression:
    """`CAST(x AS decimal(p, s))` of a decimal with more whole digits than p - s fails in
    Trino's words when a value does not fit: INVALID_CAST_ARGUMENT `Cannot cast DECIMAL(8,
    3) '12345.678' to DECIMAL(4, 1)` (DuckDB's words differ). Within try() DuckDB's own
    failure is already NULL."""
    from lakebox.engine import strict
    for node in list(tree.find_all(exp.Cast)):
        target = _from_text(node.to.sql(dialect="trino")) if node.to.this == exp.DataType.Type.DECIMAL else None
        source = decimal_type(node.this, column_types) if target else None
        if source is None or source[0] - source[1] <= target[0] - target[1] or isinstance(node, exp.TryCast) \
                or node.find_ancestor(exp.Try):
            continue
        words = (f"'Cannot cast DECIMAL({source[0]}, {source[1]}) ''' || CAST(__x AS VARCHAR) || ''' "
                 f"to DECIMAL({target[0]}, {target[1]})'")
        checked = sqlglot.parse_one(f"CASE WHEN __x IS NOT NULL THEN coalesce(TRY_CAST(__x AS DECIMAL({target[0]}, "
                                    f"{target[1]})), {strict.failure_sql('INVALID_CAST_ARGUMENT', words)}) END",
                                    read="duckdb")
        for column in list(checked.find_all(exp.Column)):
            if column.name == "__x":
                column.replace(node.this.copy())
        node.replace(checked)
    return tree
