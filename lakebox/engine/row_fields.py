"""Trino's `ROW(a, b)` has unnamed fields whatever its values are, printed by position
(`{field0=s1, field1=7}`) and typed `row(varchar, bigint)`; sqlglot names a DuckDB
struct's field after a column it holds (`{'sensor': sensor}`), so a row of columns
printed their names."""
from sqlglot import exp


def unnamed_fields_by_position(tree: exp.Expression) -> exp.Expression:
    """Each field of a ROW constructor named `_0`, `_1`, ... (sqlglot's names for the
    fields of a ROW of literals, which text.py and types.py read as unnamed); a ROW within
    a cast (also nested in another ROW there) is left to the cast, which names its fields."""
    for node in list(tree.find_all(exp.Struct)):
        fields = node.expressions
        named = any(isinstance(field, (exp.PropertyEQ, exp.Alias, exp.Slice)) for field in fields)
        if not fields or named or node.find_ancestor(exp.Cast, exp.TryCast) is not None:
            continue
        node.set("expressions", [exp.PropertyEQ(this=exp.to_identifier(f"_{position}"), expression=field.copy())
                                 for position, field in enumerate(fields)])
    return tree


def _is_row(node) -> bool:
    """A ROW constructor, or a cast to a row type."""
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return node.to.this == exp.DataType.Type.STRUCT
    return isinstance(node, exp.Struct)


def _row_parameters(tree: exp.Expression) -> set:
    """The lambda parameters that hold a reduce's state when its initial state is a row:
    the first of the input function, the one of the finishing function."""
    found = set()
    for reduce in tree.find_all(exp.Reduce):
        if not _is_row(reduce.args.get("initial")):
            continue
        for key in ("merge", "finish"):
            function = reduce.args.get(key)
            if isinstance(function, exp.Lambda) and function.expressions:
                found.add((id(function), function.expressions[0].name))
    return found


def subscripts_of_rows(tree: exp.Expression) -> exp.Expression:
    """`row[2]` is a row's second field in Trino (a constant position): a ROW, a cast to a
    row type, or a reduce's state that starts as a row. DuckDB's subscript reads lists."""
    parameters = _row_parameters(tree)
    for node in list(tree.find_all(exp.Bracket)):
        index, subject = node.expressions[0] if len(node.expressions) == 1 else None, node.this
        if not (isinstance(index, exp.Literal) and not index.is_string and index.this.isdigit()):
            continue
        function = subject.find_ancestor(exp.Lambda) if isinstance(subject, (exp.Identifier, exp.Column)) else None
        held = function is not None and (id(function), subject.name) in parameters
        if held or _is_row(subject):
            # sqlglot made the index 0-based unless it typed the subject (a row of literals)
            typed = subject.type is not None and subject.type.this not in (exp.DataType.Type.UNKNOWN,
                                                                           exp.DataType.Type.ARRAY)
            node.replace(exp.Anonymous(this="struct_extract_at", expressions=[
                subject.copy(), exp.Literal.number(int(index.this) + (0 if typed else 1))]))
    return tree
