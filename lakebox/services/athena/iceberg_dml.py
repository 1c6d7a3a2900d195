"""DELETE, UPDATE and MERGE INTO on an Iceberg table, merge-on-read as Athena writes
them: each becomes one Trino query of the rows it changes (see below). Pure tree
rewriting; `writes.py` runs the query, `iceberg_split.split_changes` turns its rows
into position delete files and data files, and `iceberg.commit` makes them the next
snapshot.
"""
from sqlglot import exp

from lakebox.engine import EngineError

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


MULTIPLE_MATCHES = "One MERGE target table row matched more than one source row"


def _is_delete(then: exp.Expression) -> bool:
    return isinstance(then, exp.Var) and then.name.upper() == "DELETE"


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


# ---- merge-on-read: the rows a statement changes ---------------------------------------
# DELETE, UPDATE and MERGE become one query of the rows they change: where each changed
# target row is (its file's `$path`, its `$pos`: a position delete), whether a row is
# written (`KEEP`: the updated or inserted row, in the table's columns) and its values.

PATH, POS, KEEP = "__lakebox_file_path", "__lakebox_pos", "__lakebox_keep"


def _position(target_name: str | None) -> list[exp.Expression]:
    def pseudo(name):
        return exp.column(exp.to_identifier(name, quoted=True),
                          table=exp.to_identifier(target_name) if target_name else None)
    return [exp.alias_(pseudo("$path"), PATH), exp.alias_(pseudo("$pos"), POS)]


def delete_changes(tree: exp.Delete) -> exp.Select:
    """DELETE FROM t WHERE w -> the positions of the rows w selects."""
    where = tree.args.get("where")      # as written: its partition conjuncts prune files
    query = exp.select(*_position(None)).from_(tree.this.copy())
    return query.where(where.this.copy()) if where is not None else query


def update_changes(tree: exp.Update, columns: list[str]) -> exp.Select:
    """UPDATE t SET c = e WHERE w -> each selected row's position and its new values."""
    values = _assignments(tree, columns)
    items = _position(None) + [exp.alias_(exp.true(), KEEP)] + [
        exp.alias_(values[name].copy() if name in values else exp.column(name), name) for name in columns]
    where = tree.args.get("where")
    query = exp.select(*items).from_(tree.this.copy())
    return query.where(where.this.copy()) if where is not None else query


def merge_changes(tree: exp.Merge, columns: list[str]) -> exp.Expression:
    """MERGE INTO t USING s ON c WHEN ...: each target row the first WHEN MATCHED clause
    that holds updates (position, new values) or deletes (position only), then the
    source rows no target row matches, inserted by the first WHEN NOT MATCHED clause
    that holds (values only)."""
    target, source = tree.this, tree.args["using"]
    target_name = target.alias_or_name
    whens = tree.args["whens"].expressions
    if any(when.args.get("source") for when in whens):
        raise EngineError("NOT_SUPPORTED", "WHEN NOT MATCHED BY SOURCE is not supported")
    updates = [(when, _is_true(when.args.get("condition"))) for when in whens if when.args.get("matched")]
    inserts = [(when, _is_true(when.args.get("condition"))) for when in whens if not when.args.get("matched")]
    for when, _ in inserts:
        if when.args["then"].this is None:      # INSERT VALUES (...) without a list: the table's order
            when.args["then"].set("this", exp.Tuple(expressions=[exp.column(name) for name in columns]))
    parts = []
    if updates:
        parts.append(_matched_changes(tree, updates, columns, target_name))
    if inserts:
        match_any = exp.Exists(this=exp.select("1").from_(target.copy()).where(tree.args["on"].copy()))
        parts.append(exp.select(exp.alias_(exp.cast(exp.null(), "VARCHAR"), PATH),
                                exp.alias_(exp.cast(exp.null(), "BIGINT"), POS), exp.alias_(exp.true(), KEEP),
                                *[exp.alias_(_insert_value(name, inserts), name) for name in columns])
                     .from_(source.copy())
                     .where(exp.and_(exp.Not(this=match_any), exp.or_(*[c.copy() for _, c in inserts]))))
    if not parts:
        return exp.select(*_position(None), exp.alias_(exp.true(), KEEP), *columns).from_(target.copy()).where(
            exp.false())
    return parts[0] if len(parts) == 1 else exp.union(*parts, distinct=False)


def _matched_changes(tree: exp.Merge, updates, columns: list[str], target_name: str) -> exp.Select:
    """The changed target rows of a MERGE: those joined to a source row for which some
    WHEN MATCHED clause holds. A target row joined to two source rows fails the query."""
    keep = exp.Case(ifs=[exp.If(this=condition.copy(), true=exp.false() if _is_delete(when.args["then"])
                                else exp.true()) for when, condition in updates])

    def value(name):
        ifs = []
        for when, condition in updates:
            then = when.args["then"]
            assigned = _assignments(then, columns).get(name) if isinstance(then, exp.Update) else None
            ifs.append(exp.If(this=condition.copy(), true=(assigned or exp.column(name, table=target_name)).copy()))
        return exp.Case(ifs=ifs, default=exp.column(name, table=target_name))

    path, pos = _position(target_name)
    matches = exp.Window(this=exp.Count(this=exp.Star()), partition_by=[path.this.copy(), pos.this.copy()])
    checked = exp.Case(ifs=[exp.If(this=exp.GT(this=matches, expression=exp.Literal.number(1)), true=exp.Anonymous(
        this="error", expressions=[exp.Literal.string(MULTIPLE_MATCHES)]))], default=path.this.copy())
    joined = (exp.select(exp.alias_(checked, PATH), pos, exp.alias_(keep, KEEP),
                         *[exp.alias_(value(name), name) for name in columns])
              .from_(tree.this.copy()).join(tree.args["using"].copy(), on=tree.args["on"].copy(), join_type="INNER"))
    return exp.select(PATH, POS, KEEP, *columns) \
        .from_(exp.Subquery(this=joined, alias=exp.TableAlias(this=exp.to_identifier("_changes")))) \
        .where(exp.Not(this=exp.Is(this=exp.column(KEEP), expression=exp.null())))
