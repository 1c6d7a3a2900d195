"""Window frames Trino refuses, in its words (StatementAnalyzer's analyzeWindow; the plan's
check of a RANGE offset) and at its places; the frames it takes answer."""
import pytest
from engine_helpers import result_line

from lakebox.engine.base import EngineError

V = "(VALUES (DATE '2024-01-15', 1), (DATE '2024-02-10', 2)) t(d, v)"

REFUSED = [
    (f"SELECT sum(v) OVER (ORDER BY v ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM {V}", "INVALID_WINDOW_FRAME",
     "line 1:32: Window frame starting from CURRENT ROW cannot end with PRECEDING"),
    (f"SELECT sum(v) OVER (ORDER BY v ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW) FROM {V}", "INVALID_WINDOW_FRAME",
     "line 1:32: Window frame starting from FOLLOWING cannot end with CURRENT ROW"),
    (f"SELECT d, sum(v) OVER (PARTITION BY d ORDER BY d, v RANGE BETWEEN INTERVAL '1' MONTH PRECEDING AND "
     f"CURRENT ROW) FROM {V}", "INVALID_ORDER_BY",
     "line 1:39: Window frame of type RANGE PRECEDING or FOLLOWING requires single sort item in ORDER BY (actual: 2)"),
    (f"SELECT count(*) OVER (RANGE 2 PRECEDING) FROM {V}", "MISSING_ORDER_BY",
     "line 1:8: Window frame of type RANGE PRECEDING or FOLLOWING requires ORDER BY"),
    (f"SELECT sum(v) OVER (ORDER BY v RANGE BETWEEN -1 PRECEDING AND CURRENT ROW) FROM {V}", "INVALID_WINDOW_FRAME",
     "Window frame offset value must not be negative or null"),
]


@pytest.mark.parametrize("sql, name, message", REFUSED)
def test_frames_trino_refuses(sql, name, message):
    with pytest.raises(EngineError) as caught:
        result_line(sql)
    assert (caught.value.error_name, caught.value.message) == (name, message)


def test_frames_trino_takes():
    assert result_line(f"SELECT sum(v) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), "
                       f"sum(v) OVER (ORDER BY d RANGE BETWEEN INTERVAL '1' MONTH PRECEDING AND CURRENT ROW) "
                       f"FROM {V} ORDER BY d DESC LIMIT 1") == '"3","3"'
