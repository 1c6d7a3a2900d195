"""Capacity units as DynamoDB counts them: 4 KB reads (halved when eventually
consistent), 1 KB writes, at least one unit, doubled in transactions; the report's
shape for TOTAL and INDEXES."""
import pytest

from lakebox.services.dynamodb import capacity


@pytest.mark.parametrize("size, consistent, units", [
    (0, True, 1.0), (0, False, 0.5), (4096, True, 1.0), (4097, True, 2.0), (4097, False, 1.0), (12_000, False, 1.5)])
def test_read_units(size, consistent, units):
    assert capacity.read_units(size, consistent) == units


@pytest.mark.parametrize("size, units", [(0, 1.0), (1024, 1.0), (1025, 2.0), (400 * 1024, 400.0)])
def test_write_units(size, units):
    assert capacity.write_units(size) == units
    assert capacity.write_units(size, transactional=True) == 2 * units


class _Index:
    def __init__(self, name, kind):
        self.name, self.kind = name, kind


class _Table:
    name = "orders"
    spec = {"BillingMode": "PROVISIONED"}      # a provisioned table's figures name their direction
    indexes = {"by-day": _Index("by-day", "GSI"), "by-total": _Index("by-total", "LSI")}


def test_report_by_table_and_index():
    tally = capacity.Tally()
    tally.write(_Table(), 2.0, {"by-day": 1, "by-total": 1})
    assert tally.report("TOTAL", "orders") == {"TableName": "orders", "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0}
    assert tally.report("INDEXES", "orders") == {
        "TableName": "orders", "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0,
        "Table": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0},
        "GlobalSecondaryIndexes": {"by-day": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}},
        "LocalSecondaryIndexes": {"by-total": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}}}
    assert tally.report("NONE", "orders") is None
