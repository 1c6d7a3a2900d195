"""A `*` over a derived table or WITH query that names a column twice gives Trino's
result both columns under that name (`SELECT * FROM (SELECT t1.id, t2.id FROM t1 JOIN t2
...) s` answers `id`, `id`); DuckDB renames the second `id_1` inside the subquery. The
names a star brings are known here from the relations' select lists; a DuckDB name that
is such a name with a `_N` suffix takes the name back. Where a star's relation is not
known (a catalog table), nothing is renamed."""
import re

from sqlglot import exp


def restorer(tree: exp.Expression):
    """A function of DuckDB's result names that gives the renamed shared names back
    (`tree` is the query before its translation)."""
    if not any(isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star))
               for item in getattr(tree, "selects", ())):
        return list
    ctes = {cte.alias.lower(): cte for cte in tree.find_all(exp.CTE) if cte.alias}
    expected = _query_names(tree, ctes)

    def restore(names):
        if expected is None or len(expected) != len(names):
            return list(names)
        return [name[:len(wanted)] if wanted and re.fullmatch(re.escape(wanted) + r"_\d+", name, re.IGNORECASE)
                else name for name, wanted in zip(names, expected)]
    return restore


def _query_names(query: exp.Expression, ctes: dict) -> list[str] | None:
    while isinstance(query, (exp.Subquery, exp.SetOperation)):
        query = query.this
    if not isinstance(query, exp.Select):
        return None
    found = next((value for value in query.args.values() if isinstance(value, exp.From)), None)
    relations = [found.this] if found is not None else []
    relations += [join.this for join in query.args.get("joins") or []]
    names = []
    for item in query.expressions:
        if isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star)):
            table = item.table.lower() if isinstance(item, exp.Column) else ""
            chosen = [r for r in relations if not table or r.alias_or_name.lower() == table]
            if not chosen:
                return None
            for relation in chosen:
                brought = _relation_names(relation, ctes)
                if brought is None:
                    return None
                names += brought
        else:
            names.append(item.alias_or_name)
    return names


def _relation_names(relation: exp.Expression, ctes: dict) -> list[str] | None:
    alias = relation.args.get("alias")
    if isinstance(alias, exp.TableAlias) and alias.columns:
        return [column.name for column in alias.columns]
    if isinstance(relation, exp.Subquery):
        return _query_names(relation.this, ctes)
    if isinstance(relation, exp.Table) and not relation.db and relation.name.lower() in ctes:
        cte = ctes[relation.name.lower()]
        if cte.args.get("alias") is not None and cte.args["alias"].columns:
            return [column.name for column in cte.args["alias"].columns]
        return _query_names(cte.this, ctes)
    return None
