"""The part of a query's WHERE that can rule out an Iceberg table's data files by their
partition values: conjuncts comparing a partition source column with literals, read
into the predicate form of `iceberg_partition.may_match`. Anything else is unknown
(never rules a file out). Pure tree reading.
"""
import datetime

from sqlglot import exp

from lakebox.engine import duck_read

_OPS = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>"}
_EPOCH = datetime.datetime(1970, 1, 1)


def predicate(tree: exp.Expression, ref: exp.Table, partition_fields: list[dict]):
    """The predicate on the partition source columns of the table `ref` names, or None."""
    types = {field["column"]: field["source_type"] for field in partition_fields}
    found = duck_read.partition_filter(tree, ref, list(types)) if types else None
    return _read(found, types) if found is not None else None


def _read(node: exp.Expression, types: dict):
    if isinstance(node, exp.Paren):
        return _read(node.this, types)
    if isinstance(node, (exp.And, exp.Or)):
        parts = [_read(part, types) for part in node.flatten()]
        if isinstance(node, exp.Or):
            return None if any(part is None for part in parts) else ("or", parts)
        known = [part for part in parts if part is not None]
        return ("and", known) if known else None
    if type(node) in _OPS:
        return _comparison(node.this, node.expression, _OPS[type(node)], types)
    if isinstance(node, exp.In) and isinstance(node.this, exp.Column) and not node.args.get("query"):
        values = [literal(item, types.get(node.this.name.lower())) for item in node.expressions]
        return None if None in values else (node.this.name.lower(), "in", values)
    if isinstance(node, exp.Between) and isinstance(node.this, exp.Column):
        kind = types.get(node.this.name.lower())
        low, high = literal(node.args["low"], kind), literal(node.args["high"], kind)
        return None if low is None or high is None else (node.this.name.lower(), "between", [low, high])
    return None


def _comparison(left, right, op: str, types: dict):
    if isinstance(right, exp.Column) and not isinstance(left, exp.Column):
        left, right, op = right, left, _FLIPPED[op]
    if not isinstance(left, exp.Column):
        return None
    value = literal(right, types.get(left.name.lower()))
    return None if value is None else (left.name.lower(), op, [value])


def literal(node: exp.Expression, kind: str | None):
    """A literal in the internal form of Iceberg type `kind`, or None when it is not one
    lakebox can read (the conjunct is then unknown)."""
    if kind is None:
        return None
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string:
        node = node.this
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        value = literal(node.this, kind)
        return -value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if isinstance(node, exp.Boolean):
        return bool(node.this) if kind == "boolean" else None
    if not isinstance(node, exp.Literal):
        return None
    text = node.name
    try:
        if kind in ("int", "long"):
            return int(text) if not node.is_string else None
        if kind in ("double", "float"):
            return float(text) if not node.is_string else None
        if kind == "string":
            return text if node.is_string else None
        if kind == "date" and node.is_string:
            return (datetime.date.fromisoformat(text.strip()) - _EPOCH.date()).days
        if kind == "timestamp" and node.is_string:
            moment = datetime.datetime.fromisoformat(text.strip())
            if moment.tzinfo is not None:
                return None
            return (moment - _EPOCH) // datetime.timedelta(microseconds=1)
    except ValueError:
        return None
    return None
