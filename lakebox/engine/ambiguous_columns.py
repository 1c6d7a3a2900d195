"""Trino refuses a name that matches two columns of one relation: a derived table or a
WITH query whose select list names a column twice (`(SELECT t1.id, t2.id FROM t1 JOIN
t2 ...) x`) may be read whole (`SELECT *`), but `x.id` or `id` fails AMBIGUOUS_NAME
`line L:C: Column 'x.id' is ambiguous` at the reference. DuckDB picks the first of the
two, so the query would answer here; this check refuses it first. (A name two joined
tables share is DuckDB's own binder error, worded in base.py.)

Only what is known for certain is refused: a reference of the SELECT itself (not of a
nested subquery, whose names may be its own), to a relation whose select list is known
(no `*`) and is not renamed by a column alias list."""
from sqlglot import exp

from lakebox.engine.base import EngineError


def check(tree: exp.Expression) -> None:
    """Raise AMBIGUOUS_NAME, at its place, for the first reference Trino finds ambiguous."""
    ctes = {cte.alias.lower(): cte for cte in tree.find_all(exp.CTE) if cte.alias}
    for select in tree.find_all(exp.Select):
        doubled = _doubled_names(select, ctes)
        if not doubled:
            continue
        outputs = {name.lower() for name in select.named_selects}
        for clause, column in _references(select):
            if column.find_ancestor(exp.Select) is not select or _lambda_parameter(column):
                continue
            name, table = column.name.lower(), column.table.lower()
            if column.args.get("db") is not None or (clause == "order" and not table and name in outputs):
                continue
            if any(name in names and (not table or table == alias) for alias, names in doubled):
                written = f"{table}.{name}" if table else name      # as Trino writes a QualifiedName
                raise EngineError("AMBIGUOUS_NAME", f"{_place(column)}Column '{written}' is ambiguous")


def _doubled_names(select: exp.Select, ctes: dict) -> list[tuple[str, set[str]]]:
    """(alias, its names that two of its columns have) of each relation of the SELECT's
    FROM and JOINs that has such names."""
    found = next((value for value in select.args.values() if isinstance(value, exp.From)), None)
    relations = [found.this] if found is not None else []
    relations += [join.this for join in select.args.get("joins") or []]
    doubled = []
    for relation in relations:
        names = _relation_names(relation, ctes)
        twice = {name for name in names or () if name and names.count(name) > 1}
        if twice:
            doubled.append((relation.alias_or_name.lower(), twice))
    return doubled


def _relation_names(relation: exp.Expression, ctes: dict) -> list[str] | None:
    alias = relation.args.get("alias")
    if isinstance(alias, exp.TableAlias) and alias.columns:
        return None
    query = None
    if isinstance(relation, exp.Subquery):
        query = relation.this
    elif isinstance(relation, exp.Table) and not relation.db and relation.name.lower() in ctes:
        cte = ctes[relation.name.lower()]
        if cte.args.get("alias") is not None and cte.args["alias"].columns:
            return None
        query = cte.this
    if not isinstance(query, exp.Query) or any(isinstance(item, exp.Star) or
                                                (isinstance(item, exp.Column) and isinstance(item.this, exp.Star))
                                                for item in query.selects):
        return None
    return [name.lower() for name in query.named_selects]


def _references(select: exp.Select):
    """(clause, column) in the order Trino analyzes the clauses: the joins' conditions,
    WHERE, the select list, GROUP BY, HAVING, ORDER BY."""
    parts = [("join", join.args.get("on")) for join in select.args.get("joins") or []]
    parts += [("where", select.args.get("where"))]
    parts += [("select", item) for item in select.expressions]
    parts += [(key, select.args.get(key)) for key in ("group", "having", "order")]
    for clause, part in parts:
        for column in (part.find_all(exp.Column) if part is not None else ()):
            if not isinstance(column.this, exp.Star):
                yield clause, column


def _lambda_parameter(column: exp.Column) -> bool:
    lam = column.find_ancestor(exp.Lambda)
    while lam is not None:
        if any(param.name.lower() == column.name.lower() for param in lam.expressions):
            return True
        lam = lam.find_ancestor(exp.Lambda)
    return False


def _place(column: exp.Column) -> str:
    identifier = column.args.get("table") or column.this
    if not isinstance(identifier, exp.Identifier) or "line" not in identifier.meta:
        return ""
    width = len(identifier.name) + (2 if identifier.args.get("quoted") else 0)
    return f"line {identifier.meta['line']}:{max(identifier.meta['col'] - width + 1, 1)}: "
