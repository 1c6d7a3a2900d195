"""What a Parquet scan reads, as Athena bills it: the column chunks a query names, in
the row groups its WHERE cannot rule out from their min/max statistics.

Only conjuncts of the form `column <op> constant` (=, <, <=, >, >=, BETWEEN) rule a row
group out; anything else keeps it. The figure is the query's DataScannedInBytes; it
never changes which rows a query returns (DuckDB prunes row groups itself).
"""
from sqlglot import exp

_FLIP = {exp.GT: exp.LT, exp.GTE: exp.LTE, exp.LT: exp.GT, exp.LTE: exp.GTE, exp.EQ: exp.EQ}


def bounds(tree: exp.Expression, columns: set[str]) -> list[tuple[str, type, str]]:
    """(column, comparison class, constant as text) from every WHERE's conjuncts."""
    found = []
    for where in tree.find_all(exp.Where):
        conjuncts = where.this.flatten() if isinstance(where.this, exp.And) else [where.this]
        for conjunct in conjuncts:
            if isinstance(conjunct, exp.Between) and isinstance(conjunct.this, exp.Column):
                low, high = _constant(conjunct.args.get("low")), _constant(conjunct.args.get("high"))
                name = conjunct.this.name.lower()
                if name in columns and low is not None:
                    found.append((name, exp.GTE, low))
                if name in columns and high is not None:
                    found.append((name, exp.LTE, high))
            elif type(conjunct) in _FLIP:
                left, right, kind = conjunct.this, conjunct.expression, type(conjunct)
                if isinstance(right, exp.Column) and not isinstance(left, exp.Column):
                    left, right, kind = right, left, _FLIP[kind]
                value = _constant(right)
                if isinstance(left, exp.Column) and left.name.lower() in columns and value is not None:
                    found.append((left.name.lower(), kind, value))
    return found


def _constant(node) -> str | None:
    if isinstance(node, exp.Literal):
        return node.this
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal):      # DATE '2024-01-01'
        return node.this.this
    return None


def _less(a: str, b: str) -> bool:
    try:
        return float(a) < float(b)
    except ValueError:
        return a < b            # ISO dates and timestamps, strings


def ruled_out(group: dict, found: list) -> bool:
    """Whether a row group ({column: (bytes, min, max)}) can hold no matching row."""
    for name, kind, value in found:
        stats = group.get(name)
        if stats is None or stats[1] is None or stats[2] is None:
            continue
        low, high = stats[1], stats[2]
        if (kind is exp.EQ and (_less(value, low) or _less(high, value))) or \
                (kind is exp.GT and not _less(value, high)) or (kind is exp.GTE and _less(high, value)) or \
                (kind is exp.LT and not _less(low, value)) or (kind is exp.LTE and _less(value, low)):
            return True
    return False
