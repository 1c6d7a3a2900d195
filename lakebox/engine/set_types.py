"""Values that must share a type and have none in common.

`SELECT id FROM t UNION SELECT name FROM t` fails in Trino (TYPE_MISMATCH, at the
operator: `line 1:19: column 1 in UNION query has incompatible types: integer,
varchar`), and so does `id IN ('1', '2')` on an integer column (`IN value and list items
must be the same type or coercible to a common type. Cannot find common type between
integer and varchar(1), ...`); DuckDB casts one side to the other's type and answers.
Only values whose types lakebox knows from the text are judged, and only a query with
one set operation."""
import re

from sqlglot import exp
from sqlglot.tokens import TokenType

from lakebox.engine import dialect, strict

_KEYWORDS = {TokenType.UNION: "UNION", TokenType.INTERSECT: "INTERSECT", TokenType.EXCEPT: "EXCEPT"}
_NUMBERS = {"tinyint", "smallint", "integer", "bigint", "real", "double", "decimal"}
# The kinds of types that have a common type with each other (Trino's TypeCoercion).
_FAMILIES = [_NUMBERS, {"varchar", "char"}, {"date", "timestamp", "timestamp with time zone"}]


def _kind(type_name: str) -> str:
    return type_name.split("(")[0].strip() + (" with time zone" if type_name.endswith("with time zone") else "")


def _compatible(left: str, right: str) -> bool:
    return _kind(left) == _kind(right) or any({_kind(left), _kind(right)} <= family for family in _FAMILIES)


def incompatible_columns(tree: exp.Expression, column_types: dict, sql: str) -> tuple[str, str] | None:
    operations = list(tree.find_all(exp.SetOperation))
    if len(operations) != 1 or not sql:
        return None
    keywords = [token for token in dialect.LakeboxTrino().tokenize(sql) if token.token_type in _KEYWORDS]
    left, right = operations[0].left, operations[0].right
    if len(keywords) != 1 or not isinstance(left, exp.Select) or not isinstance(right, exp.Select) or \
            len(left.selects) != len(right.selects):
        return None
    ctes = frozenset(cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE))
    for number, (one, other) in enumerate(zip(left.selects, right.selects), start=1):
        types = [strict.trino_type(item.unalias(), column_types, ctes) for item in (one, other)]
        if None not in types and not _compatible(*types):
            return "TYPE_MISMATCH", (f"{strict.line_and_column(sql, keywords[0].start)}: column {number} in "
                                     f"{_KEYWORDS[keywords[0].token_type]} query has incompatible types: "
                                     f"{types[0]}, {types[1]}")
    return None


def in_list_mismatch(tree: exp.Expression, column_types: dict, sql: str) -> tuple[str, str] | None:
    """`value IN (items)` whose value and items have no common type, at the IN."""
    ctes = frozenset(cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE))
    for node in tree.find_all(exp.In):
        items = node.expressions
        values = [node.this, *items]
        types = [strict.trino_type(value, column_types, ctes) for value in values]
        if not items or None in types:
            continue
        common = types[0]
        for kind in types[1:]:
            if not _compatible(common, kind):
                ends, starts = strict.offsets(node.this, "end"), strict.offsets(items[0], "start")
                # Trino places the predicate at its first word: NOT of NOT IN, else IN
                keyword = re.search(r"\b(not\s+)?in\b", sql[max(ends) + 1:min(starts)], re.IGNORECASE) \
                    if ends and starts else None
                place = f"{strict.line_and_column(sql, max(ends) + 1 + keyword.start())}: " if keyword else ""
                listed = ", ".join(dict.fromkeys(types))
                return "TYPE_MISMATCH", (f"{place}IN value and list items must be the same type or coercible to a "
                                         f"common type. Cannot find common type between {common} and {kind}, "
                                         f"all types (without duplicates): [{listed}]")
    return None
