"""The Iceberg destination's routing and the changes a flush makes to a table."""
import json

from lakebox.services.firehose import iceberg, processing

ONE_TABLE = {"DestinationTableConfigurationList": [{"DestinationDatabaseName": "db", "DestinationTableName": "t"}]}


def record(keys=None, **document):
    made = processing.Record(json.dumps(document).encode(), 0)
    made.keys.update({("partitionKeyFromQuery", name): value for name, value in (keys or {}).items()})
    return made


def test_a_single_table_takes_records_that_name_none():
    routed = iceberg.route([record(id=1)], ONE_TABLE, failures := [])
    assert [(d, t, op) for d, t, op, _ in routed] == [("db", "t", "insert")]
    assert failures == []


def test_query_routing_wins_and_append_only_inserts():
    given = record({"destinationDatabaseName": "db2", "destinationTableName": "u", "operation": "delete"}, id=1)
    assert [(d, t, op) for d, t, op, _ in iceberg.route([given], ONE_TABLE, [])] == [("db2", "u", "delete")]
    appended = iceberg.route([given], dict(ONE_TABLE, AppendOnly=True), [])
    assert [op for _, _, op, _ in appended] == ["insert"]


def test_no_table_to_route_to_is_a_failure():
    failures = []
    assert iceberg.route([record(id=1)], {"DestinationTableConfigurationList": []}, failures) == []
    assert [f.code for f in failures] == ["Iceberg.RoutingInformationMissing"]


def test_changes_apply_in_record_order():
    items = [("insert", None), ("update", None), ("insert", None), ("update", None), ("delete", None)]
    rows = [{"id": 1, "v": "a"}, {"id": 1, "v": "b"}, {"id": 2, "v": "c"}, {"id": 3, "v": "d"}, {"id": 2, "v": None}]
    appended, removed = iceberg._changes(items, rows, ["id"])
    assert appended == [{"id": 1, "v": "b"}, {"id": 3, "v": "d"}]
    assert removed == {(1,), (3,), (2,)}
