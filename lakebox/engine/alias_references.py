"""Trino resolves a name in WHERE, GROUP BY and HAVING against the query's sources only:
a select-list alias there is `Column 'x' cannot be resolved`. DuckDB falls back on the
alias, so a query that fails on Athena would run here; this check refuses it first.

Only what is known for certain is refused: a name that matches an alias of the same
SELECT and none of the columns of its sources, when every source's columns are known
(catalog tables, derived tables and VALUES with their column names); a SELECT nested in
an expression (whose names may be an outer query's) is left alone."""
from sqlglot import exp

from lakebox.engine.base import EngineError
from lakebox.engine.duck_read import PSEUDO_COLUMNS

NOT_RESOLVED = "cannot be resolved or requester is not authorized to access requested resources"


def check(tree: exp.Expression, sources) -> None:
    """Raise COLUMN_NOT_FOUND, at its place, for the first alias referenced where Trino
    does not resolve aliases."""
    for select in tree.find_all(exp.Select):
        aliases = {item.alias.lower() for item in select.expressions if isinstance(item, exp.Alias) and item.alias}
        if not aliases or _nested_in_expression(select):
            continue
        known = _source_columns(select, sources)
        if known is None:
            continue
        for clause in (select.args.get("where"), select.args.get("group"), select.args.get("having")):
            for column in (clause.find_all(exp.Column) if clause is not None else ()):
                name = column.name.lower()
                if column.table or name not in aliases or name in known:
                    continue
                if column.find_ancestor(exp.Select) is not select:      # a subquery's own name
                    continue
                raise EngineError("COLUMN_NOT_FOUND", f"{_place(column)}Column '{column.name}' {NOT_RESOLVED}")


def _nested_in_expression(select: exp.Select) -> bool:
    """A scalar, IN or EXISTS subquery (not a derived table in a FROM or JOIN)."""
    parent = select.parent
    while isinstance(parent, (exp.Subquery, exp.SetOperation, exp.Paren)):
        if isinstance(parent, exp.Subquery) and isinstance(parent.parent, (exp.From, exp.Join)):
            return False
        parent = parent.parent
    return parent is not None and not isinstance(parent, (exp.From, exp.Join, exp.With, exp.CTE, exp.Create,
                                                          exp.Insert))


def _source_columns(select: exp.Select, sources) -> set[str] | None:
    """The lower-cased column names the SELECT's FROM and JOINs bring, or None when one
    of them is not known."""
    found = next((value for value in select.args.values() if isinstance(value, exp.From)), None)  # `from_` in sqlglot
    relations = [found.this] if found is not None else []
    relations += [join.this for join in select.args.get("joins") or []]
    known = set(PSEUDO_COLUMNS)
    for relation in relations:
        columns = _relation_columns(relation, sources)
        if columns is None:
            return None
        known.update(columns)
    return known


def _relation_columns(relation: exp.Expression, sources) -> list[str] | None:
    alias = relation.args.get("alias")
    named = [column.name.lower() for column in alias.columns] if isinstance(alias, exp.TableAlias) else []
    if named:
        return named
    if isinstance(relation, exp.Table):
        database = (relation.db or "").lower()
        for source in sources:
            if source.name.lower() == relation.name.lower() and (not database or database == source.database.lower()):
                return [name.lower() for name, _ in source.columns + source.partition_keys]
        return None
    if isinstance(relation, exp.Subquery) and isinstance(relation.this, exp.Query):
        selected = relation.this.named_selects
        if "*" in selected or any(isinstance(item, exp.Star) for item in relation.this.selects):
            return None
        return [name.lower() for name in selected]
    return None


def _place(column: exp.Column) -> str:
    identifier = column.this
    if not isinstance(identifier, exp.Identifier) or "line" not in identifier.meta:
        return ""
    width = len(identifier.name) + (2 if identifier.args.get("quoted") else 0)
    return f"line {identifier.meta['line']}:{max(identifier.meta['col'] - width + 1, 1)}: "
