"""A backend engineer loads a DynamoDB table from pandas with awswrangler and cleans it
up again: put_df of lists, maps, booleans, bytes and empty strings (stored as DynamoDB
types), put_items of sets, a bulk load larger than one 1 MB page read back whole (by
parallel scan, by pages, by PartiQL), bulk delete_items, and the mistakes DynamoDB
refuses, in its own words."""
from decimal import Decimal

import botocore.exceptions
import pandas as pd
import pytest


@pytest.fixture
def ledger(resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"}])
    table.wait_until_exists()
    return table_name


def _refused(call):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_put_df_types_and_sets(wr, session, client, ledger):
    frame = pd.DataFrame({"pk": ["a", "b"], "sk": [1, 2], "flag": [True, False], "tags": [["x", "y"], []],
                          "meta": [{"k": 1}, {}], "note": ["", "z"], "blob": [b"\x00\x01", b""]})
    wr.dynamodb.put_df(df=frame, table_name=ledger, boto3_session=session)
    raw = client("dynamodb").get_item(TableName=ledger, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"]
    assert raw == {"pk": {"S": "a"}, "sk": {"N": "1"}, "flag": {"BOOL": True}, "tags": {"L": [{"S": "x"}, {"S": "y"}]},
                   "meta": {"M": {"k": {"N": "1"}}}, "note": {"S": ""}, "blob": {"B": b"\x00\x01"}}
    raw = client("dynamodb").get_item(TableName=ledger, Key={"pk": {"S": "b"}, "sk": {"N": "2"}})["Item"]
    assert raw["tags"] == {"L": []} and raw["meta"] == {"M": {}} and raw["blob"] == {"B": b""}
    wr.dynamodb.put_items(items=[{"pk": "c", "sk": 3, "colours": {"red", "blue"}, "sizes": {Decimal(1), Decimal(2)}}],
                          table_name=ledger, boto3_session=session)
    got = wr.dynamodb.read_items(table_name=ledger, partition_values=["c"], sort_values=[3], as_dataframe=False,
                                 boto3_session=session)
    assert got == [{"pk": "c", "sk": Decimal(3), "colours": {"red", "blue"}, "sizes": {Decimal(1), Decimal(2)}}]
    assert _refused(lambda: wr.dynamodb.put_items(items=[{"pk": "d", "sk": 4, "sizes": set()}], table_name=ledger,
                                                  boto3_session=session)) == (
        "ValidationException", "One or more parameter values were invalid: An number set  may not be empty")
    assert _refused(lambda: wr.dynamodb.put_items(items=[{"pk": "", "sk": 1}], table_name=ledger,
                                                  boto3_session=session)) == (
        "ValidationException", "One or more parameter values are not valid. The AttributeValue for a key attribute "
                               "cannot contain an empty string value. Key: pk")
    assert _refused(lambda: wr.dynamodb.put_items(items=[{"pk": "e", "sk": "one"}], table_name=ledger,
                                                  boto3_session=session)) == (
        "ValidationException", "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S")
    assert _refused(lambda: wr.dynamodb.put_items(items=[{"pk": "a", "sk": 1}], table_name="no-such-ledger",
                                                  boto3_session=session)) == (
        "ResourceNotFoundException", "Requested resource not found: Table: no-such-ledger not found")


def test_bulk_load_read_whole_and_delete(wr, session, ledger):
    items = [{"pk": f"p{i % 5}", "sk": i, "blob": "x" * 3000, "n": i} for i in range(700)]
    wr.dynamodb.put_items(items=items, table_name=ledger, boto3_session=session)
    scanned = wr.dynamodb.read_items(table_name=ledger, allow_full_scan=True, columns=["sk"], use_threads=3,
                                     boto3_session=session)
    assert sorted(scanned["sk"].astype(int).tolist()) == list(range(700))
    pages = list(wr.dynamodb.read_items(table_name=ledger, allow_full_scan=True, chunked=True, use_threads=False,
                                        boto3_session=session))
    assert len(pages) > 1 and sum(len(page) for page in pages) == 700
    everything = wr.dynamodb.read_partiql_query(query=f'SELECT pk, sk FROM "{ledger}"', boto3_session=session)
    assert len(everything) == 700
    one_key = wr.dynamodb.read_partiql_query(query=f'SELECT sk FROM "{ledger}" WHERE pk = ?', parameters=["p1"],
                                             boto3_session=session)
    assert one_key["sk"].astype(int).tolist() == list(range(1, 700, 5))
    wr.dynamodb.delete_items(items=[{"pk": f"p{i % 5}", "sk": i} for i in range(600)], table_name=ledger,
                             boto3_session=session)
    rest = wr.dynamodb.read_items(table_name=ledger, allow_full_scan=True, columns=["sk"], boto3_session=session)
    assert sorted(rest["sk"].astype(int).tolist()) == list(range(600, 700))


def test_partiql_statements_refused(wr, session, ledger):
    wr.dynamodb.execute_statement(statement=f"INSERT INTO \"{ledger}\" VALUE {{'pk': 'z', 'sk': 1}}",
                                  boto3_session=session)
    assert _refused(lambda: wr.dynamodb.execute_statement(
        statement=f"INSERT INTO \"{ledger}\" VALUE {{'pk': 'z', 'sk': 1}}", boto3_session=session)) == (
        "DuplicateItemException", "Duplicate primary key exists in table")
    assert _refused(lambda: wr.dynamodb.execute_statement(
        statement=f"INSERT INTO \"{ledger}\" VALUE {{'pk': 'q'}}", boto3_session=session)) == (
        "ValidationException", "Key attribute should be present in the item: Key sk")
    assert _refused(lambda: wr.dynamodb.execute_statement(
        statement=f'UPDATE "{ledger}" SET n = 1 WHERE pk = ? AND sk = ?', parameters=["nobody", 1],
        boto3_session=session)) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert _refused(lambda: wr.dynamodb.execute_statement(
        statement=f'UPDATE "{ledger}" SET n = 1 WHERE pk = ?', parameters=["z"], boto3_session=session)) == (
        "ValidationException", "Where clause does not contain a mandatory equality on all key attributes")
    wr.dynamodb.execute_statement(statement=f'DELETE FROM "{ledger}" WHERE pk = ? AND sk = ?',
                                  parameters=["nobody", 1], boto3_session=session)
    assert _refused(lambda: wr.dynamodb.execute_statement(statement=f'SELEC * FROM "{ledger}"',
                                                          boto3_session=session)) == (
        "ValidationException", "Statement wasn't well formed, can't be processed: Unexpected token")
    assert _refused(lambda: wr.dynamodb.read_partiql_query(query='SELECT * FROM "no-such-ledger"',
                                                           boto3_session=session)) == (
        "ResourceNotFoundException", "Requested resource not found")
