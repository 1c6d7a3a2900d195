"""DuckDB's binder errors about one place in a query, said as Trino says them and placed
where Trino places them (`line L:C: ...`), from the query's own tree: a column (by its
name as the query wrote it), an ORDER BY or GROUP BY position past the select list, a
set operation whose sides differ in width."""
import re

from sqlglot import exp
from sqlglot.tokens import TokenType

from lakebox.engine import dialect, strict
from lakebox.engine.base import EngineError

_SET_OPERATIONS = {TokenType.UNION: "UNION", TokenType.INTERSECT: "INTERSECT", TokenType.EXCEPT: "EXCEPT"}


def placed(tree: exp.Expression, error: EngineError) -> EngineError | None:
    """`error` in Trino's words at its place, or None when it is none of these."""
    if error.subject is not None:
        return _column(tree, error)
    if re.match(r"(ORDER|GROUP BY) term out of range", error.message):
        return _position(tree, error)
    if error.message.startswith("Set operations can only apply to expressions with the same number"):
        return _set_operation(tree, error)
    return None


def _column(tree, error: EngineError) -> EngineError:
    """An error about one column, named as the query wrote it (`t.c`). DuckDB names a
    column without its table: an unqualified reference to it is taken first."""
    qualifier, _, name = error.subject.lower().rpartition(".")
    found = [column for column in tree.find_all(exp.Column) if column.name.lower() == name and (
        not qualifier or (column.args.get("table") and column.args["table"].name.lower() == qualifier))]
    for column in sorted(found, key=lambda column: column.args.get("table") is not None):
        table = column.args.get("table")
        first = table if isinstance(table, exp.Identifier) and "line" in table.meta else column.this
        if not isinstance(first, exp.Identifier) or "line" not in first.meta:
            continue
        written = _written(column, error.error_name == "EXPRESSION_NOT_AGGREGATE")
        width = len(first.name) + (2 if first.args.get("quoted") else 0)
        where = f"line {first.meta['line']}:{max(first.meta['col'] - width + 1, 1)}: "
        return EngineError(error.error_name, where + error.message.replace(f"'{error.subject}'", f"'{written}'", 1))
    return error


def _written(column: exp.Column, as_expression: bool) -> str:
    """The column as the message names it: Trino names a column it cannot resolve by its
    name (`t.c`), and an expression (EXPRESSION_NOT_AGGREGATE's) as the query wrote it,
    a quoted identifier with its quotes (`"user"`)."""
    parts = [part for part in (column.args.get("table"), column.this) if isinstance(part, exp.Identifier)]
    return ".".join(f'"{part.name}"' if as_expression and part.args.get("quoted") else part.name for part in parts)


def _position(tree, error: EngineError) -> EngineError:
    """`line L:C: ORDER BY position 3 is not in select list` (or GROUP BY)."""
    clause, words = ("order", "ORDER BY") if error.message.startswith("ORDER") else ("group", "GROUP BY")
    for select in tree.find_all(exp.Select):
        for item in (select.args.get(clause) or exp.Order()).expressions:
            position = item.this if isinstance(item, exp.Ordered) else item
            if isinstance(position, exp.Literal) and position.is_int and "line" in position.meta \
                    and not 1 <= int(position.name) <= len(select.expressions):
                column = position.meta["col"] - len(position.name) + 1
                return EngineError("INVALID_COLUMN_REFERENCE", f"line {position.meta['line']}:{column}: {words} "
                                                               f"position {position.name} is not in select list")
    return error


def _set_operation(tree, error: EngineError) -> EngineError:
    """`line L:C: UNION query has different number of fields: 1, 2`, at the operator. Only
    a query with one set operation is placed: its one operator keyword is its place."""
    operations = list(tree.find_all(exp.SetOperation))
    sql = tree.meta.get("sql") or ""
    keywords = [token for token in (dialect.LakeboxTrino().tokenize(sql) if sql else [])
                if token.token_type in _SET_OPERATIONS]
    if len(operations) != 1 or len(keywords) != 1:
        return error
    left, right = len(operations[0].left.selects), len(operations[0].right.selects)
    return EngineError("TYPE_MISMATCH", f"{strict.line_and_column(sql, keywords[0].start)}: "
                                        f"{_SET_OPERATIONS[keywords[0].token_type]} query has different number of "
                                        f"fields: {left}, {right}")
