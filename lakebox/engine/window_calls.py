"""Window function calls Trino's analyzer refuses (StatementAnalyzer.analyzeWindowFunctions),
in its words and at its places: an aggregation over DISTINCT values (NOT_SUPPORTED at the
query's SELECT, naming the call as Trino prints it: `DISTINCT in window function parameters
not yet supported: count(DISTINCT user_id) OVER (PARTITION BY day)`), lag or lead without
an ORDER BY (MISSING_ORDER_BY, at the window's first word) or with a frame
(INVALID_WINDOW_FRAME, at the frame), and IGNORE / RESPECT NULLS on a function that is no
value function (NULL_TREATMENT_NOT_ALLOWED, at the call). DuckDB answers the first and the
second, and refuses the others in its own words."""
import re

from sqlglot import exp

from lakebox.engine.strict import line_and_column, offsets

_VALUE_FUNCTIONS = {"lag", "lead", "first_value", "last_value", "nth_value"}
_SPEC_START = re.compile(r"\s*OVER\s*\(\s*", re.IGNORECASE)
_FRAME_KIND = re.compile(r"\b(ROWS|RANGE|GROUPS)\b", re.IGNORECASE)


def _written(sql: str, node: exp.Expression) -> str:
    starts, ends = offsets(node, "start"), offsets(node, "end")
    return sql[min(starts):max(ends) + 1] if starts and ends else node.sql(dialect="trino")


def select_start(sql: str, position: int) -> int:
    """Where the SELECT of the query holding the character at `position` starts."""
    depth = 0           # of the parentheses passed backwards: a subquery before the call is skipped
    for at in range(position - 1, -1, -1):
        depth += (sql[at] == ")") - (sql[at] == "(")
        if depth == 0 and sql[at:at + 6].upper() == "SELECT" and (at == 0 or not sql[at - 1].isalnum()):
            return at
    return 0


def _after_call(sql: str, position: int) -> int:
    """Past the parenthesis closing the arguments that open at (or after) `position`
    (and past IGNORE / RESPECT NULLS)."""
    depth, at = 0, sql.find("(", position)
    if at < 0:
        return len(sql)
    for at in range(at, len(sql)):
        depth += (sql[at] == "(") - (sql[at] == ")")
        if depth == 0:
            break
    treatment = re.match(r"\s*(IGNORE|RESPECT)\s+NULLS\b", sql[at + 1:], re.IGNORECASE)
    return at + 1 + (treatment.end() if treatment else 0)


def _bound(value, side) -> str:
    if value is None or isinstance(value, str) and value.upper() == "CURRENT ROW":
        return "CURRENT ROW"
    return f"{value.upper() if isinstance(value, str) else value.sql(dialect='trino')} {(side or '').upper()}"


def _printed(sql: str, window: exp.Window, call: exp.Expression, name: str) -> str:
    """The call as Trino's ExpressionFormatter prints it."""
    arguments = call.this.expressions if isinstance(call.this, exp.Distinct) else [call.this]
    parts = []
    if window.args.get("partition_by"):
        parts.append("PARTITION BY " + ", ".join(_written(sql, key) for key in window.args["partition_by"]))
    order = window.args.get("order")
    if order is not None:
        parts.append("ORDER BY " + ", ".join(
            _written(sql, item.this) + (" DESC" if item.args.get("desc") else " ASC")
            + ("" if item.args.get("nulls_first") is None or not _says_nulls(sql, item) else
               " NULLS FIRST" if item.args.get("nulls_first") else " NULLS LAST") for item in order.expressions))
    spec = window.args.get("spec")
    if spec is not None and spec.args.get("kind"):
        kind, start = spec.args["kind"].upper(), _bound(spec.args.get("start"), spec.args.get("start_side"))
        parts.append(f"{kind} BETWEEN {start} AND {_bound(spec.args.get('end'), spec.args.get('end_side'))}"
                     if spec.args.get("end") is not None else f"{kind} {start}")
    listed = ", ".join(_written(sql, argument) for argument in arguments)
    return f"{name}(DISTINCT {listed}) OVER ({' '.join(parts)})"


def _says_nulls(sql: str, item: exp.Ordered) -> bool:
    ends = offsets(item, "end")
    return bool(ends) and re.match(r"\s*(ASC|DESC)?\s*NULLS\b", sql[max(ends) + 1:], re.IGNORECASE) is not None


def refused(tree: exp.Expression, sql: str) -> tuple[str, str] | None:
    if not sql:
        return None         # no text to place the refusal in
    for window in tree.find_all(exp.Window):
        call = window.this
        treatment = call if isinstance(call, (exp.IgnoreNulls, exp.RespectNulls)) else None
        call = call.this if treatment is not None else call
        if "start" not in call.meta or window.args.get("alias") is not None:
            continue
        written = sql[call.meta["start"]:call.meta["end"] + 1]
        name = written.lower()
        if isinstance(call.this, exp.Distinct) and isinstance(call, exp.AggFunc):
            return "NOT_SUPPORTED", (f"{line_and_column(sql, select_start(sql, call.meta['start']))}: DISTINCT in "
                                     f"window function parameters not yet supported: "
                                     f"{_printed(sql, window, call, written)}")
        spec_start = _SPEC_START.match(sql, _after_call(sql, call.meta["end"] + 1))
        if name in ("lag", "lead") and window.args.get("order") is None and spec_start:
            return "MISSING_ORDER_BY", (f"{line_and_column(sql, spec_start.end())}: {name} function requires an "
                                        f"ORDER BY window clause")
        spec = window.args.get("spec")
        if name in ("lag", "lead") and spec is not None and spec.args.get("kind") and spec_start:
            frame = _FRAME_KIND.search(sql, spec_start.end())
            if frame:
                return "INVALID_WINDOW_FRAME", (f"{line_and_column(sql, frame.start())}: Cannot specify window frame "
                                                f"for {name} function")
        if treatment is not None and name not in _VALUE_FUNCTIONS:
            return "NULL_TREATMENT_NOT_ALLOWED", (f"{line_and_column(sql, call.meta['start'])}: Cannot specify null "
                                                  f"treatment clause for {name} function")
    return None
