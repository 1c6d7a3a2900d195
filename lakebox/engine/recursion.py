"""A recursive WITH query as deep as Trino lets it go: Trino unrolls the recursive step
max_recursion_depth times (10, which Athena does not let a query change: "The maximum
recursion depth is 10", Athena's SELECT page) and requires one more step to add no rows,
else the query fails NOT_SUPPORTED "Recursion depth limit exceeded (10). Use
'max_recursion_depth' session property to modify the limit." (Trino's RelationPlanner);
DuckDB recurses until a step adds no rows, forever for a cycle.

The recursive CTE `t` becomes `t__lakebox_recursive` with one more column, its depth (0
for the anchor's rows, one more at each step, no step past the 11th), and `t` the rows
of that one, failing the query if there is a row of the 11th step."""
from sqlglot import exp

from lakebox.engine.strict import failure_sql

MAX_DEPTH = 10
_DEPTH = "__lakebox_depth"
_MESSAGE = (f"Recursion depth limit exceeded ({MAX_DEPTH}). Use 'max_recursion_depth' session property to modify "
            "the limit.")


def recursion_depth_is_limited(tree: exp.Expression) -> exp.Expression:
    for with_ in list(tree.find_all(exp.With)):
        if with_.args.get("recursive"):
            for cte in list(with_.expressions):
                _limit(with_, cte)
    return tree


def _limit(with_: exp.With, cte: exp.CTE):
    union, alias = cte.this, cte.args.get("alias")
    if not isinstance(union, exp.Union) or alias is None or not isinstance(union.this, exp.Select) \
            or not isinstance(union.expression, exp.Select):
        return
    name, anchor, step = alias.name, union.this, union.expression
    references = [table for table in step.find_all(exp.Table)
                  if table.name.lower() == name.lower() and not table.args.get("db")]
    columns = [column.name for column in alias.columns] or [item.alias_or_name for item in anchor.expressions]
    if len(references) != 1 or references[0].find_ancestor(exp.Select) is not step or not all(columns) \
            or "*" in columns:        # read in a subquery of the step: its depth is not the step's to count
        return
    reference, hidden = references[0], f"{name}__lakebox_recursive"
    seen_as = reference.alias_or_name
    depth = exp.column(_DEPTH, table=seen_as)
    anchor.append("expressions", exp.alias_(exp.Literal.number(0), _DEPTH))
    step.append("expressions", exp.alias_(exp.Add(this=depth, expression=exp.Literal.number(1)), _DEPTH))
    step.where(exp.LT(this=depth.copy(), expression=exp.Literal.number(MAX_DEPTH + 1)), copy=False)
    if not reference.alias:
        reference.set("alias", exp.TableAlias(this=exp.to_identifier(seen_as)))
    reference.set("this", exp.to_identifier(hidden))
    alias.set("this", exp.to_identifier(hidden))
    if alias.columns:
        alias.append("columns", exp.to_identifier(_DEPTH))
    message = "'" + _MESSAGE.replace("'", "''") + "'"
    visible = exp.select(*[exp.column(column, quoted=True) for column in columns]).from_(hidden).where(
        f"CASE WHEN {_DEPTH} > {MAX_DEPTH} THEN {failure_sql('NOT_SUPPORTED', message)} ELSE TRUE END",
        dialect="duckdb")
    if union.args.get("distinct"):
        visible = visible.distinct()
    rows = exp.CTE(this=visible, alias=exp.TableAlias(this=exp.to_identifier(name)))
    with_.set("expressions", [*with_.expressions[:cte.index + 1], rows, *with_.expressions[cte.index + 1:]])
