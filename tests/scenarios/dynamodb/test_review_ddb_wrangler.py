"""awswrangler's DynamoDB functions as a data engineer uses them: a DataFrame written
with put_df, read back by full scan, by key values, by key condition and by PartiQL,
changed with execute_statement and delete_items."""
from decimal import Decimal

import boto3
import pandas as pd
import pytest
from boto3.dynamodb.conditions import Key

# awswrangler warns before every full scan, which these tests ask for on purpose
pytestmark = pytest.mark.filterwarnings("ignore:Attempting DynamoDB Scan:UserWarning")


@pytest.fixture
def wr(lakebox_server):
    import awswrangler
    endpoint = lakebox_server.endpoint
    if endpoint:
        awswrangler.config.dynamodb_endpoint_url = endpoint
    try:
        yield awswrangler
    finally:
        awswrangler.config.reset("dynamodb_endpoint_url")


@pytest.fixture
def session():
    return boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")


@pytest.fixture
def readings(make_table):
    return make_table(hash=("device", "S"), range=("ts", "N"))


def _frame():
    return pd.DataFrame({"device": ["d1", "d1", "d1", "d2"], "ts": [1, 2, 3, 1],
                         "reading": [10, 20, 30, 40], "unit": ["C", "C", "F", "C"]})


def test_put_df_then_read_every_way(wr, session, readings):
    wr.dynamodb.put_df(df=_frame(), table_name=readings, boto3_session=session)
    everything = wr.dynamodb.read_items(table_name=readings, allow_full_scan=True, boto3_session=session)
    assert len(everything) == 4
    assert sorted(zip(everything["device"], everything["ts"].astype(int))) == [("d1", 1), ("d1", 2), ("d1", 3),
                                                                                ("d2", 1)]
    one = wr.dynamodb.read_items(table_name=readings, partition_values=["d1"], sort_values=[2], boto3_session=session)
    assert one["reading"].astype(int).tolist() == [20]
    d1 = wr.dynamodb.read_items(table_name=readings, key_condition_expression=Key("device").eq("d1") & Key("ts").gt(1),
                                boto3_session=session, as_dataframe=False)
    assert [(i["ts"], i["reading"]) for i in d1] == [(Decimal(2), Decimal(20)), (Decimal(3), Decimal(30))]
    fahrenheit = wr.dynamodb.read_partiql_query(query=f'SELECT * FROM "{readings}" WHERE device = ? AND unit = ?',
                                                parameters=["d1", "F"], boto3_session=session)
    assert fahrenheit["ts"].astype(int).tolist() == [3]
    columns = wr.dynamodb.read_items(table_name=readings, key_condition_expression=Key("device").eq("d2"),
                                     columns=["device", "reading"], boto3_session=session)
    assert sorted(columns.columns) == ["device", "reading"]


def test_execute_statement_and_delete_items(wr, session, readings):
    wr.dynamodb.put_df(df=_frame(), table_name=readings, boto3_session=session)
    wr.dynamodb.execute_statement(statement=f'UPDATE "{readings}" SET reading = 99 WHERE device = ? AND ts = ?',
                                  parameters=["d1", 1], boto3_session=session)
    wr.dynamodb.delete_items(items=[{"device": "d2", "ts": 1}, {"device": "d1", "ts": 3}], table_name=readings,
                             boto3_session=session)
    left = wr.dynamodb.read_items(table_name=readings, allow_full_scan=True, boto3_session=session, as_dataframe=False)
    assert sorted((i["device"], int(i["ts"]), int(i["reading"])) for i in left) == [("d1", 1, 99), ("d1", 2, 20)]
