"""Partition projection: values computed from table properties."""
import datetime

import pytest
import sqlglot

from lakebox.engine import EngineError
from lakebox.services.athena import projection

NOW = datetime.datetime(2024, 3, 10, 12, tzinfo=datetime.timezone.utc).timestamp()


def parts(properties, keys, sql="SELECT 1 FROM t"):
    return projection.projected(properties, keys, "s3://b/t/", NOW, sqlglot.parse_one(sql, read="trino"), "t")


def test_integer_with_digits_and_hive_locations():
    found = parts({"projection.h.type": "integer", "projection.h.range": "0,2", "projection.h.digits": "2"}, ["h"])
    assert found == [(["00"], "s3://b/t/h=00/"), (["01"], "s3://b/t/h=01/"), (["02"], "s3://b/t/h=02/")]


def test_date_range_relative_to_now():
    found = parts({"projection.dt.type": "date", "projection.dt.format": "yyyy/MM/dd",
                   "projection.dt.range": "NOW-2DAYS,NOW"}, ["dt"])
    assert [values[0] for values, _ in found] == ["2024/03/08", "2024/03/09", "2024/03/10"]


def test_injected_values_come_from_the_query():
    props = {"projection.id.type": "injected"}
    found = parts(props, ["id"], "SELECT 1 FROM t WHERE id IN ('a', 'b')")
    assert [values for values, _ in found] == [["a"], ["b"]]
    with pytest.raises(EngineError):
        parts(props, ["id"])


def test_a_filter_narrows_a_date_range_by_the_minute():
    """WAF's table projects minutes since 2025: the WHERE's bounds are read before the
    values are counted (the million-partition limit applies to what a query can reach)."""
    props = {"projection.t.type": "date", "projection.t.format": "yyyy/MM/dd/HH/mm", "projection.t.interval": "1",
             "projection.t.interval.unit": "minutes", "projection.t.range": "2020/01/01/00/00,NOW"}

    def values(condition):
        tree = sqlglot.parse_one(f"SELECT 1 FROM t WHERE {condition}", read="trino")
        return [found[0] for found, _ in projection.projected(props, ["t"], "s3://b/t/", NOW, tree, "t",
                                                              tree.args["where"])]
    assert values("t BETWEEN '2024/03/01/10/00' AND '2024/03/01/10/02' AND x = 1") == [
        "2024/03/01/10/00", "2024/03/01/10/01", "2024/03/01/10/02"]
    assert values("t >= '2024/03/10/11/59' AND t < '2024/03/10/12/00'") == ["2024/03/10/11/59", "2024/03/10/12/00"]
    assert values("t IN ('2024/03/01/10/05', '2024/03/01/10/03')") == [
        "2024/03/01/10/03", "2024/03/01/10/04", "2024/03/01/10/05"]
    with pytest.raises(EngineError):        # a bound not written as the values are does not narrow
        values("t BETWEEN '2024/3/1/10/00' AND '2024/03/01/10/02'")
    with pytest.raises(EngineError):        # nor does a bound under OR
        values("t = '2024/03/01/10/00' OR x = 1")
