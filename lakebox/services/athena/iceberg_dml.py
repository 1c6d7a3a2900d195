"""UPDATE and MERGE INTO on an Iceberg table, copy-on-write: each becomes one Trino
query giving the table's next rows in its column order (the rows it keeps, changed or
not, then the rows it inserts). Pure tree rewriting; `writes.py` runs the query and
`iceberg.commit` makes its files the next snapshot.
"""
from sqlglot import exp

from lakebox.engine import EngineError

_MATCHED = "__lakebox_matched"
_ROW = "__lakebox_row"


def _is_true(condition: exp.Expression | None) -> exp.Expression:
    """`(c) IS TRUE`: NULL counts as false, as in a WHERE."""
    if condition is None:
        return exp.true()
    return exp.Is(this=exp.Paren(this=condition.copy()), expression=exp.true())


def _assignments(update: exp.Expression, columns: list[str]) -> dict:
    found = {}
    for assignment in update.expressions:
        name = assignment.this.name.lower()
        if name not in columns:
            raise EngineError("COLUMN_NOT_FOUND", f"Column '{name}' cannot be resolved")
        if name in found:
            raise EngineError("DUPLICATE_COLUMN_NAME", f"Duplicate column name in SET: {name}")
        found[name] = assignment.expression
    return found


def update_query(tree: exp.Update, columns: list[str]) -> exp.Select:
    """UPDATE t SET c = e WHERE w -> SELECT CASE WHEN w THEN e ELSE c END AS c, ... FROM t."""
    target = tree.this
    chosen = _is_true((tree.args.get("where") or exp.Where(this=exp.true())).this)
    values = _assignments(tree, columns)
    items = [exp.alias_(exp.Case(ifs=[exp.If(this=chosen.copy(), true=values[name].copy())],
                                 default=exp.column(name)) if name in values else exp.column(name), name)
             for name in columns]
    return exp.select(*items).from_(target.copy())


def merge_query(tree: exp.Merge, columns: list[str]) -> exp.Expression:
    """MERGE INTO t USING s ON c WHEN ...: the target's rows (the first WHEN MATCHED
    clause whose condition holds updates or deletes each), then the source rows no
    target row matches, inserted by the first WHEN NOT MATCHED clause that holds."""
    target, source = tree.this, tree.args["using"]
    target_name = target.alias_or_name
    source_name = source.alias_or_name
    marked = exp.Subquery(this=exp.select("*", exp.alias_(exp.true(), _MATCHED)).from_(_unaliased(source)),
                          alias=exp.TableAlias(this=exp.to_identifier(source_name)))
    matched = exp.Not(this=exp.Is(this=exp.column(_MATCHED, table=source_name), expression=exp.null()))
    whens = tree.args["whens"].expressions
    updates = [(when, _is_true(when.args.get("condition"))) for when in whens if when.args.get("matched")]
    inserts = [(when, _is_true(when.args.get("condition"))) for when in whens if not when.args.get("matched")]
    for when, _ in inserts:
        if when.args["then"].this is None:      # INSERT VALUES (...) without a list: the table's order
            when.args["then"].set("this", exp.Tuple(expressions=[exp.column(name) for name in columns]))
    if any(when.args.get("source") for when in whens):
        raise EngineError("NOT_SUPPORTED", "WHEN NOT MATCHED BY SOURCE is not supported")

    def target_value(name):
        ifs = []
        for when, condition in updates:
            then = when.args["then"]
            value = _assignments(then, columns).get(name) if isinstance(then, exp.Update) else None
            ifs.append(exp.If(this=exp.and_(matched.copy(), condition.copy()),
                              true=(value or exp.column(name, table=target_name)).copy()))
        column = exp.column(name, table=target_name)
        return exp.Case(ifs=ifs, default=column) if ifs else column

    deleted = exp.Case(ifs=[exp.If(this=exp.and_(matched.copy(), condition.copy()),
                                   true=exp.true() if _is_delete(when.args["then"]) else exp.false())
                            for when, condition in updates], default=exp.false()) if updates else exp.false()
    values = [target_value(name) for name in columns]
    values[0] = _refuse_multiple_matches(values[0], matched, target_name)
    numbered = exp.Subquery(this=exp.select("*", exp.alias_(exp.Window(this=exp.RowNumber()), _ROW))
                            .from_(_unaliased(target)), alias=exp.TableAlias(this=exp.to_identifier(target_name)))
    kept = (exp.select(*[exp.alias_(value, name) for value, name in zip(values, columns)])
            .from_(numbered).join(marked, on=tree.args["on"].copy(), join_type="LEFT")
            .where(exp.Not(this=exp.Paren(this=deleted))))
    if not inserts:
        return kept
    match_any = exp.Exists(this=exp.select("1").from_(target.copy()).where(tree.args["on"].copy()))
    added = (exp.select(*[exp.alias_(_insert_value(name, inserts), name) for name in columns])
             .from_(source.copy())
             .where(exp.and_(exp.Not(this=match_any), exp.or_(*[condition.copy() for _, condition in inserts]))))
    return exp.union(kept, added, distinct=False)


MULTIPLE_MATCHES = "One MERGE target table row matched more than one source row"


def _refuse_multiple_matches(value: exp.Expression, matched: exp.Expression, target_name: str) -> exp.Expression:
    """`value`, unless the target row joined more than one source row: then the query
    fails (the engine's `error()`; a column every written row carries, so it is run)."""
    matches = exp.Window(this=exp.Count(this=exp.Star()),
                         partition_by=[exp.column(_ROW, table=target_name)])
    return exp.Case(ifs=[exp.If(this=exp.and_(matched.copy(), exp.GT(this=matches, expression=exp.Literal.number(1))),
                                true=exp.Anonymous(this="error", expressions=[exp.Literal.string(MULTIPLE_MATCHES)]))],
                    default=value)


def _is_delete(then: exp.Expression) -> bool:
    return isinstance(then, exp.Var) and then.name.upper() == "DELETE"


def _unaliased(source: exp.Expression) -> exp.Expression:
    copy = source.copy()
    copy.set("alias", None)
    return copy


def _insert_value(name: str, inserts) -> exp.Expression:
    """The value a WHEN NOT MATCHED THEN INSERT clause gives column `name` (NULL when
    its column list leaves it out)."""
    ifs = []
    for when, condition in inserts:
        insert = when.args["then"]
        values = insert.expression.expressions
        named = [column.name.lower() for column in insert.this.expressions] if insert.this is not None else None
        if named is not None and len(named) != len(values):
            raise EngineError("SYNTAX_ERROR", "Insert column name count does not match value count")
        value = values[named.index(name)] if named and name in named else None
        ifs.append(exp.If(this=condition.copy(), true=value.copy() if value is not None else exp.null()))
    return exp.Case(ifs=ifs)
