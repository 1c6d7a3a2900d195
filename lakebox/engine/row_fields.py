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
