"""The types a query itself gives its columns: those of a VALUES list, a WITH query or a
subquery, where each value is a literal, a cast or a column whose type is known.

Trino types such a column as it types a table's (`d >= '2024-03-09'` of a date from
VALUES fails: `Cannot apply operator: date <= varchar(10)`); DuckDB casts the text. A
column is typed only where that is sure: the SELECT reads one relation (or the column
names it), the relation gives the column by name or position, and every value of it is
of one known type (NULLs aside; texts of several lengths are the longest one's varchar,
integer and bigint make bigint). Anything else is None: never a refusal of a valid query.
"""
from sqlglot import exp

_DEPTH = 16         # WITH queries reading WITH queries, as deep as a query nests them


def given_type(column: exp.Column, type_of, depth: int = 0) -> str | None:
    """The Trino type of `column` as the query gives it, `type_of(node)` typing a value."""
    relations = relations_of(column)
    if len(relations) != 1 or depth > _DEPTH or _named_otherwise(column):
        return None
    return _column_of(relations[0], column.name.lower(), None, type_of, depth + 1)


def _named_otherwise(column: exp.Column) -> bool:
    """A lambda's parameter of that name, or an ORDER BY (which reads the SELECT's own
    output names first)."""
    if column.find_ancestor(exp.Order) is not None:
        return True
    return any(column.name.lower() in {parameter.name.lower() for parameter in function.expressions}
               for function in _ancestors(column, exp.Lambda))


def _ancestors(node, kind):
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kind):
            yield parent
        parent = parent.parent


def relations_of(column: exp.Column) -> list:
    """The FROM items the SELECT of `column` reads (the one the column names, if it does)."""
    select = column.find_ancestor(exp.Select)
    if select is None:
        return []
    relations = _relations(select)
    if column.table:
        relations = [item for item in relations if item.alias_or_name.lower() == column.table.lower()]
    return relations


def _relations(select: exp.Select) -> list:
    return [item.this for item in [select.args.get("from_"), *(select.args.get("joins") or [])] if item]


def _alias_names(node) -> list[str]:
    alias = node.args.get("alias")
    return [name.name.lower() for name in alias.columns] if isinstance(alias, exp.TableAlias) else []


def _cte(table: exp.Table):
    if table.db:
        return None
    found = [cte for cte in table.root().find_all(exp.CTE) if cte.alias_or_name.lower() == table.name.lower()]
    return found[0] if len(found) == 1 else None


def _column_of(relation, name: str | None, index: int | None, type_of, depth: int) -> str | None:
    """The type of the column named `name` (or at `index`) of a FROM item."""
    names = _alias_names(relation)
    if isinstance(relation, exp.Table):
        cte = _cte(relation)
        if cte is None:
            return None
        names, body = names or _alias_names(cte), cte.this
    elif isinstance(relation, exp.Subquery):
        body = relation.this
    elif isinstance(relation, exp.Values):
        body = relation
    else:
        return None
    if names:
        if name is not None:
            if names.count(name) != 1:
                return None
            index = names.index(name)
        name = None
    if isinstance(body, exp.Values):
        return None if index is None else _values_type(body, index, type_of)
    if not isinstance(body, exp.Select):
        return None
    projections = body.expressions
    if len(projections) == 1 and isinstance(projections[0], exp.Star):
        inner = _relations(body)
        return _column_of(inner[0], name, index, type_of, depth + 1) if len(inner) == 1 else None
    if any(isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star))
           for item in projections):
        return None
    if index is None:
        matches = [item for item in projections if item.alias_or_name.lower() == name]
        if len(matches) != 1:
            return None
        projection = matches[0]
    elif index < len(projections):
        projection = projections[index]
    else:
        return None
    return type_of(projection.unalias(), depth)


def _values_type(values: exp.Values, index: int, type_of) -> str | None:
    kinds = set()
    for row in values.expressions:
        cells = row.expressions if isinstance(row, exp.Tuple) else [row]
        if index >= len(cells):
            return None
        if isinstance(cells[index], exp.Null):
            continue
        kind = type_of(cells[index], _DEPTH)
        if kind is None:
            return None
        kinds.add(kind)
    return _common(kinds)


def _common(kinds: set) -> str | None:
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds and all(kind.startswith("varchar(") for kind in kinds):
        return f"varchar({max(int(kind[8:-1]) for kind in kinds)})"
    if kinds == {"integer", "bigint"}:
        return "bigint"
    return None
