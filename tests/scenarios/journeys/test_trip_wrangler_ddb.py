"""awswrangler's DynamoDB functions (numbers as Decimal, as boto3 asks) on a table made with boto3: put_df, put_items,
read_items (by key, by query, whole table), PartiQL, delete_items."""
from decimal import Decimal

import pandas as pd
import pytest


@pytest.fixture
def readings(resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "sensor", "KeyType": "HASH"}, {"AttributeName": "ts", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "sensor", "AttributeType": "S"},
                              {"AttributeName": "ts", "AttributeType": "N"}])
    table.wait_until_exists()
    return table_name


def test_put_df_and_read_back(wr, session, readings):
    frame = pd.DataFrame({"sensor": ["a", "a", "b", "b", "b"], "ts": [1, 2, 1, 2, 3],
                          "celsius": [Decimal(v) for v in ("20.5", "21.5", "18.2", "18.5", "19.1")], "site": ["x", "x", "y", "y", "y"]})
    wr.dynamodb.put_df(df=frame, table_name=readings, boto3_session=session)
    wr.dynamodb.put_items(items=[{"sensor": "c", "ts": 1, "celsius": Decimal("5.5"), "site": "z"}],
                          table_name=readings, boto3_session=session)
    everything = wr.dynamodb.read_items(table_name=readings, allow_full_scan=True, boto3_session=session)
    assert len(everything) == 6
    assert sorted(zip(everything["sensor"], everything["ts"].astype(int))) == [
        ("a", 1), ("a", 2), ("b", 1), ("b", 2), ("b", 3), ("c", 1)]
    one = wr.dynamodb.read_items(table_name=readings, partition_values=["b"], sort_values=[2],
                                 boto3_session=session)
    assert one["celsius"].astype(float).tolist() == [18.5]
    from boto3.dynamodb.conditions import Key
    queried = wr.dynamodb.read_items(table_name=readings, key_condition_expression=Key("sensor").eq("b")
                                     & Key("ts").gte(2), columns=["ts", "celsius"], boto3_session=session)
    assert sorted(queried["ts"].astype(int).tolist()) == [2, 3]
    assert sorted(queried.columns.tolist()) == ["celsius", "ts"]


def test_partiql_and_delete(wr, session, readings):
    frame = pd.DataFrame({"sensor": ["a", "a", "b"], "ts": [1, 2, 1], "celsius": [Decimal("1.5"), Decimal("2.5"), Decimal("3.5")]})
    wr.dynamodb.put_df(df=frame, table_name=readings, boto3_session=session)
    found = wr.dynamodb.read_partiql_query(query=f'SELECT ts, celsius FROM "{readings}" WHERE sensor = ?',
                                           parameters=["a"], boto3_session=session)
    assert sorted(found["ts"].astype(int).tolist()) == [1, 2]
    assert sorted(found["celsius"].astype(float).tolist()) == [1.5, 2.5]
    wr.dynamodb.execute_statement(statement=f"UPDATE \"{readings}\" SET celsius = ? WHERE sensor = ? AND ts = ?",
                                  parameters=[Decimal("9.5"), "b", 1], boto3_session=session)
    wr.dynamodb.delete_items(items=[{"sensor": "a", "ts": 1}], table_name=readings, boto3_session=session)
    rest = wr.dynamodb.read_items(table_name=readings, allow_full_scan=True, boto3_session=session)
    assert sorted(zip(rest["sensor"], rest["celsius"].astype(float))) == [("a", 2.5), ("b", 9.5)]
