"""listagg's output limit, as Trino's (ListaggAggregationFunction): the entries joined
may take 1048576 bytes (a page). Past it the query fails (`ON OVERFLOW ERROR`, the
default) with EXCEEDED_FUNCTION_MEMORY_LIMIT, or (`ON OVERFLOW TRUNCATE 'filler' WITH |
WITHOUT COUNT`) the text keeps the entries that fit whole, then the separator, the
filler ('...' unless given) and, WITH COUNT, the number of entries left out in
parentheses. DuckDB joins without a limit."""
from sqlglot import exp

from lakebox.engine import strict

MAX_OUTPUT_LENGTH = 1_048_576
TRUNCATED_FUNCTION = "lakebox_listagg_truncated"


def truncated(entries: list, separator: str, filler: str, with_count: bool) -> str:
    """The entries joined as Trino's TRUNCATE writes them past the limit."""
    out, length, emitted, width = [], 0, 0, len(separator.encode())
    for entry in entries:
        needed = len(entry.encode()) + (width if emitted else 0)
        if length + needed > MAX_OUTPUT_LENGTH:
            break
        out.append(entry)
        length, emitted = length + needed, emitted + 1
    text = separator.join(out) + (separator if emitted else "") + filler
    return text + (f"({len(entries) - emitted})" if with_count else "")


def install(db):
    db.create_function(TRUNCATED_FUNCTION, truncated, ["VARCHAR[]", "VARCHAR", "VARCHAR", "BOOLEAN"], "VARCHAR")


def overflow_as_trino(tree: exp.Expression) -> exp.Expression:
    for node in list(tree.find_all(exp.GroupConcat)):
        overflow = node.args.get("on_overflow")
        joined = node.copy()
        joined.set("on_overflow", None)
        too_long = exp.GT(this=exp.Anonymous(this="strlen", expressions=[joined.copy()]),
                          expression=exp.Literal.number(MAX_OUTPUT_LENGTH))
        if isinstance(overflow, exp.OverflowTruncateBehavior):
            value = node.this.this if isinstance(node.this, exp.Order) else node.this
            if isinstance(value, exp.Distinct) and len(value.expressions) == 1:       # listagg(DISTINCT v, ...)
                value = value.expressions[0]
            entries = exp.Filter(this=exp.ArrayAgg(this=node.this.copy()), expression=exp.Where(
                this=exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))))
            filler = overflow.this.copy() if overflow.this is not None else exp.Literal.string("...")
            separator = node.args.get("separator") or exp.Literal.string("")
            instead = exp.Anonymous(this=TRUNCATED_FUNCTION, expressions=[
                entries, separator.copy(), filler, exp.Boolean(this=bool(overflow.args.get("with_count")))])
        else:
            instead = exp.Anonymous(this="error", expressions=[exp.Literal.string(
                f"{strict.FAILURE_PREFIX}EXCEEDED_FUNCTION_MEMORY_LIMIT:Concatenated string has the length in bytes "
                f"larger than the maximum output length {MAX_OUTPUT_LENGTH}")])
        node.replace(exp.Case(ifs=[exp.If(this=too_long, true=instead)], default=joined))
    return tree
