"""Athena's hidden columns (`$path`, `$file_size`, `$pos`) are read only when a query names
them: `SELECT *, "$path" FROM t` answers t's columns and then `$path`, never the hidden
ones a `*` would otherwise bring from the reads that carry them. Each `*` (or `t.*`) over
a table read from its files gets DuckDB's `EXCLUDE` of them."""
from sqlglot import exp

from lakebox.engine.duck_read import PSEUDO_COLUMNS


def hide(tree: exp.Expression, is_read) -> bool:
    """Whether the query names a hidden column; if it does, every star over a table
    `is_read(table)` says is read from files leaves the hidden columns out."""
    if not any(column.name.lower() in PSEUDO_COLUMNS for column in tree.find_all(exp.Column)):
        return False
    ctes = {cte.alias.lower() for cte in tree.find_all(exp.CTE) if cte.alias}
    for select in list(tree.find_all(exp.Select)):
        relations = _read_relations(select, ctes, is_read)
        if not relations:
            continue
        for item in select.expressions:
            star = item if isinstance(item, exp.Star) else item.this if (
                isinstance(item, exp.Column) and isinstance(item.this, exp.Star)) else None
            if star is None or star.args.get("except_"):
                continue
            if isinstance(item, exp.Column) and item.table.lower() not in relations:
                continue
            star.set("except_", [exp.to_identifier(name, quoted=True) for name in PSEUDO_COLUMNS])
    return True


def _read_relations(select: exp.Select, ctes: set, is_read) -> set:
    """The names (aliases) of the tables `select` reads from files, in its FROM and JOINs."""
    found = select.args.get("from") or select.args.get("from_")
    relations = [found.this] if found is not None else []
    relations += [join.this for join in select.args.get("joins") or []]
    return {relation.alias_or_name.lower() for relation in relations if isinstance(relation, exp.Table)
            and not (not relation.db and relation.name.lower() in ctes) and is_read(relation)}
