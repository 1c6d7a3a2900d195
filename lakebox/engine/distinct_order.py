"""`SELECT DISTINCT a FROM t ORDER BY b`: Trino refuses an ORDER BY expression that is
not in the select list of a SELECT DISTINCT (EXPRESSION_NOT_IN_DISTINCT, at the
expression); DuckDB answers it."""
from sqlglot import exp

from lakebox.engine import strict

_MESSAGE = "For SELECT DISTINCT, ORDER BY expressions must appear in select list"


def order_not_in_distinct(tree: exp.Expression, sql: str) -> tuple[str, str] | None:
    for select in tree.find_all(exp.Select):
        distinct, order = select.args.get("distinct"), select.args.get("order")
        if distinct is None or distinct.args.get("on") is not None or order is None:
            continue
        items = [item.unalias() for item in select.expressions]
        if any(isinstance(item, exp.Star) or (isinstance(item, exp.Column) and item.is_star) for item in items):
            continue
        names = {item.alias_or_name.lower() for item in select.expressions}
        texts = {item.sql() for item in items}
        for ordered in order.expressions:
            key = ordered.this
            if _is_ordinal(key) or key.sql() in texts or \
                    (isinstance(key, exp.Column) and key.name.lower() in names):
                continue
            starts = [node.meta["start"] for node in key.walk() if "start" in node.meta]
            place = strict.line_and_column(sql, min(starts)) + ": " if starts and sql else ""
            return "EXPRESSION_NOT_IN_DISTINCT", place + _MESSAGE
    return None


def _is_ordinal(node: exp.Expression) -> bool:
    return isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit()
