"""Window frames Trino's analyzer refuses (StatementAnalyzer/ExpressionAnalyzer:
analyzeWindow), in its words and at its places: bounds in an order no frame has (`ROWS
BETWEEN CURRENT ROW AND 1 PRECEDING`: INVALID_WINDOW_FRAME at the frame's ROWS), a RANGE
or GROUPS offset without an ORDER BY (MISSING_ORDER_BY at the function), a RANGE offset
over several sort items (INVALID_ORDER_BY at the ORDER BY), and a negative RANGE offset,
which Trino's plan refuses when it runs (no place). DuckDB refuses them in its own words,
or answers some."""
import re

import sqlglot
from sqlglot import exp

from lakebox.engine.strict import FAILURE_PREFIX, line_and_column, offsets

_ORDER_OF_BOUNDS = [
    (lambda start, end: start == "UNBOUNDED FOLLOWING", "Window frame start cannot be UNBOUNDED FOLLOWING"),
    (lambda start, end: end == "UNBOUNDED PRECEDING", "Window frame end cannot be UNBOUNDED PRECEDING"),
    (lambda start, end: start == "CURRENT ROW" and end == "PRECEDING",
     "Window frame starting from CURRENT ROW cannot end with PRECEDING"),
    (lambda start, end: start == "FOLLOWING" and end == "PRECEDING",
     "Window frame starting from FOLLOWING cannot end with PRECEDING"),
    (lambda start, end: start == "FOLLOWING" and end == "CURRENT ROW",
     "Window frame starting from FOLLOWING cannot end with CURRENT ROW"),
]
_FRAME_KIND = re.compile(r"\b(ROWS|RANGE|GROUPS)\b", re.IGNORECASE)


def _bound(spec: exp.WindowSpec, which: str) -> str:
    value, side = spec.args.get(which), (spec.args.get(f"{which}_side") or "").upper()
    if value is None or (isinstance(value, str) and value.upper() == "CURRENT ROW"):
        return "CURRENT ROW"
    if isinstance(value, str) and value.upper() == "UNBOUNDED":
        return f"UNBOUNDED {side}"
    return side


def _offsets(spec: exp.WindowSpec) -> list:
    return [spec.args[which] for which in ("start", "end")
            if isinstance(spec.args.get(which), exp.Expression)]


def invalid_frame(tree: exp.Expression, sql: str) -> tuple[str, str] | None:
    for window in tree.find_all(exp.Window):
        spec, order = window.args.get("spec"), window.args.get("order")
        if spec is None or "start" not in window.this.meta:
            continue
        kind, start, end = (spec.args.get("kind") or "").upper(), _bound(spec, "start"), _bound(spec, "end")
        wrong = next((words for test, words in _ORDER_OF_BOUNDS if test(start, end)), None)
        keys = [*(window.args.get("partition_by") or []), *([order] if order else [])]
        frame = _FRAME_KIND.search(sql, max([window.this.meta["end"], *(at for key in keys
                                                                        for at in offsets(key, "end"))]) + 1)
        if wrong and frame:
            return "INVALID_WINDOW_FRAME", f"{line_and_column(sql, frame.start())}: {wrong}"
        values = _offsets(spec)
        if not values or kind not in ("RANGE", "GROUPS"):
            continue
        if order is None:
            return "MISSING_ORDER_BY", (f"{line_and_column(sql, window.this.meta['start'])}: Window frame of type "
                                        f"{kind} PRECEDING or FOLLOWING requires ORDER BY")
        starts = offsets(order, "start")
        if kind == "RANGE" and len(order.expressions) != 1 and starts:
            place = sql.lower().rfind("order", 0, min(starts))
            return "INVALID_ORDER_BY", (f"{line_and_column(sql, place)}: Window frame of type RANGE PRECEDING or "
                                        f"FOLLOWING requires single sort item in ORDER BY "
                                        f"(actual: {len(order.expressions)})")
        if kind == "RANGE" and any(isinstance(value, exp.Neg) for value in values):
            return "INVALID_WINDOW_FRAME", "Window frame offset value must not be negative or null"
    return None


def _failure(message_sql: str) -> exp.Expression:
    return exp.Anonymous(this="error", expressions=[exp.DPipe(
        this=exp.Literal.string(f"{FAILURE_PREFIX}INVALID_WINDOW_FRAME:"), expression=sqlglot.parse_one(
            message_sql, read="duckdb"))])


def offsets_checked(tree: exp.Expression) -> exp.Expression:
    """A frame offset that is no constant fails as Trino's window operator fails it, row by
    row: ROWS and GROUPS `Window frame starting offset must not be null` and `Window frame
    -1 offset must not be negative` (Trino prints the value there), RANGE `Window frame
    offset value must not be negative or null`. DuckDB fails in its own words, or reads a
    NULL offset as 0: the frame takes the offset made safe, the check wraps the call."""
    for window in list(tree.find_all(exp.Window)):
        spec = window.args.get("spec")
        kind = (spec.args.get("kind") or "").upper() if spec is not None else ""
        if window.arg_key == "windows":         # a named window of the WINDOW clause: its uses are checked
            continue
        checks = []
        for which, name in (("start", "starting"), ("end", "ending")):
            value = spec.args.get(which) if kind else None
            if not isinstance(value, exp.Expression) or isinstance(value, exp.Literal) or \
                    value.find(exp.Interval) is not None:
                continue
            text = value.sql(dialect="duckdb")
            if kind == "RANGE":
                checks.append((f"{text} IS NULL OR {text} < 0", "'Window frame offset value must not be negative "
                                                                 "or null'"))
            else:
                checks += [(f"{text} IS NULL", f"'Window frame {name} offset must not be null'"),
                           (f"{text} < 0", f"'Window frame ' || CAST({text} AS VARCHAR) || ' offset must not be "
                                           "negative'")]
            spec.set(which, exp.Anonymous(this="greatest", expressions=[
                exp.Coalesce(this=value.copy(), expressions=[exp.Literal.number(0)]), exp.Literal.number(0)]))
        if checks:
            window.replace(exp.Case(ifs=[exp.If(this=sqlglot.parse_one(test, read="duckdb"), true=_failure(message))
                                         for test, message in checks], default=window.copy()))
    return tree
