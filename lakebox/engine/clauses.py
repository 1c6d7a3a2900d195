"""Aggregations where Trino takes none: in a WHERE clause (EXPRESSION_NOT_SCALAR, at the
predicate: `line 1:27: WHERE clause cannot contain aggregations, window functions or
grouping operations: [count(*)]`) or inside another aggregation (NESTED_AGGREGATION, at
the outer call: `Cannot nest aggregations inside aggregation 'sum': [count(*)]`). DuckDB
refuses both in words of its own. The calls are listed as the query wrote them."""
from sqlglot import exp

from lakebox.engine import strict


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
    return None
