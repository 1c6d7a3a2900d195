"""Aggregations where Trino takes none: in a WHERE clause (EXPRESSION_NOT_SCALAR, at the
predicate: `line 1:27: WHERE clause cannot contain aggregations, window functions or
grouping operations: [count(*)]`) or inside another aggregation (NESTED_AGGREGATION, at
the outer call: `Cannot nest aggregations inside aggregation 'sum': [count(*)]`). DuckDB
refuses both in words of its own. The calls are listed as the query wrote them. A join to
UNNEST on a condition other than TRUE, window calls (`window_calls`) and window frames
(`window_frames`) Trino refuses are found after them."""
from sqlglot import exp
from sqlglot.dialects.trino import Trino
from sqlglot.tokens import TokenType

from lakebox.engine import strict, window_calls, window_frames


def _call_text(sql: str, start: int) -> str:
    """The text of the call starting at `start`, to its closing parenthesis."""
    depth, position = 0, sql.find("(", start)
    for position in range(position, len(sql)):
        depth += (sql[position] == "(") - (sql[position] == ")")
        if depth == 0:
            break
    return sql[start:position + 1]


def _aggregations(node: exp.Expression) -> list[exp.AggFunc]:
    """The aggregations within `node` of its own query: no window function's, no subquery's."""
    select = node.find_ancestor(exp.Select)
    return [found for found in node.find_all(exp.AggFunc) if found is not node and "start" in found.meta
            and found.find_ancestor(exp.Window) is None and found.find_ancestor(exp.Select) is select]


def out_of_place(tree: exp.Expression, sql: str) -> tuple[str, str] | None:
    for where in tree.find_all(exp.Where):
        found = _aggregations(where)
        starts = strict.offsets(where.this, "start")
        if found and starts:
            listed = ", ".join(_call_text(sql, call.meta["start"]) for call in found)
            return "EXPRESSION_NOT_SCALAR", (f"{strict.line_and_column(sql, min(starts))}: WHERE clause cannot contain "
                                             f"aggregations, window functions or grouping operations: [{listed}]")
    for call in tree.find_all(exp.AggFunc):
        inner = [found for found in _aggregations(call) if found.find_ancestor(exp.AggFunc) is call]
        if inner and "start" in call.meta and call.find_ancestor(exp.Window) is None:
            name = sql[call.meta["start"]:call.meta["end"] + 1].lower()
            listed = ", ".join(_call_text(sql, found.meta["start"]) for found in inner)
            return "NESTED_AGGREGATION", (f"{strict.line_and_column(sql, call.meta['start'])}: Cannot nest "
                                          f"aggregations inside aggregation '{name}': [{listed}]")
    return _grouping_outside_group_by(tree, sql) or _unnest_join(tree, sql) or window_calls.refused(tree, sql) or \
        window_frames.invalid_frame(tree, sql)


def _key(node: exp.Expression) -> str:
    return node.sql(dialect="trino").lower()


def _grouping_outside_group_by(tree: exp.Expression, sql: str) -> tuple[str, str] | None:
    """grouping() of a column the GROUP BY does not name (INVALID_ARGUMENTS at the call:
    `... Mismatch due to c.`) or in a query without GROUP BY (MISSING_GROUP_BY at its SELECT),
    as Trino's analyzer refuses them; DuckDB in its own words."""
    for call in tree.find_all(exp.Grouping):
        select = call.find_ancestor(exp.Select)
        starts = strict.offsets(call, "start")
        if select is None or not starts:
            continue
        group = select.args.get("group")
        if group is None:
            return "MISSING_GROUP_BY", (f"{strict.line_and_column(sql, window_calls.select_start(sql, min(starts)))}: "
                                        "A GROUPING() operation can only be used with a corresponding GROUPING "
                                        "SET/CUBE/ROLLUP/GROUP BY clause")
        keys = {_key(column) for column in group.find_all(exp.Column)}
        for ordinal in group.find_all(exp.Literal):         # GROUP BY 1: the first item of the select list
            if ordinal.is_int and 0 < int(ordinal.this) <= len(select.expressions):
                keys.add(_key(select.expressions[int(ordinal.this) - 1].unalias()))
        missing = next((argument for argument in call.expressions if _key(argument) not in keys), None)
        if missing is not None:
            return "INVALID_ARGUMENTS", (f"{strict.line_and_column(sql, min(starts))}: The arguments to GROUPING() "
                                         "must be expressions referenced by the GROUP BY at the associated query "
                                         f"level. Mismatch due to {missing.sql(dialect='trino')}.")
    return None


def _unnest_join(tree: exp.Expression, sql: str) -> tuple[str, str] | None:
    """A join to UNNEST takes no condition but ON TRUE (Trino's StatementAnalyzer, at the
    condition: `line 1:80: LEFT JOIN involving UNNEST is only supported with condition ON TRUE`)."""
    for join in tree.find_all(exp.Join):
        on = join.args.get("on")
        if not isinstance(join.this, exp.Unnest) or on is None or isinstance(on, exp.Boolean) and on.this is True:
            continue
        starts = strict.offsets(on, "start")
        if starts:
            return "NOT_SUPPORTED", (f"{strict.line_and_column(sql, min(starts))}: {(join.side or 'INNER').upper()} "
                                     "JOIN involving UNNEST is only supported with condition ON TRUE")
    return None


# Functions of other SQL dialects that sqlglot reads as Trino's own (IFNULL as COALESCE,
# LEN as length, DAYOFWEEK as day_of_week, ...) and Trino does not have: Athena refuses
# them as unknown functions (Trino's function list: docs "Functions and operators").
NOT_TRINO = {"ifnull", "nvl", "nvl2", "len", "datediff", "date_sub", "add_months", "months_between", "group_concat",
             "instr", "locate", "left", "right", "lcase", "ucase", "initcap", "charindex", "char_length",
             "character_length", "array_contains", "array_size", "explode", "substring_index", "dayofweek",
             "dayofmonth", "dayofyear", "weekofyear", "median", "decode", "iif", "from_json", "approx_count_distinct",
             "last_day", "space", "trunc"}


def function_trino_lacks(sql: str) -> tuple[str, str] | None:
    """`line L:C: Function 'nvl' not registered` for the first call of such a function."""
    tokens = Trino().tokenize(sql) if sql else []
    for before, token, following in zip([None, *tokens], tokens, tokens[1:]):
        if token.text.lower() in NOT_TRINO and following.token_type == TokenType.L_PAREN and \
                (before is None or before.token_type != TokenType.DOT):
            return "FUNCTION_NOT_FOUND", (f"{strict.line_and_column(sql, token.start)}: Function "
                                          f"'{token.text.lower()}' not registered")
    return None
