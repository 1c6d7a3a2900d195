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
