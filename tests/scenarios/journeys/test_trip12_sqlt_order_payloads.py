"""An analyst reads order payloads (one JSON document per line in S3, read as a string
column) with Trino's SQL/JSON json_query through boto3's Athena client: the result is a
`varchar` of compact JSON in the document's key order; `WITH ARRAY WRAPPER` gathers the
items a lax path unwraps from an array (`$.items.sku`) and wraps a single one too,
(an empty array's none is NULL: ON EMPTY comes first),
`WITH CONDITIONAL ARRAY WRAPPER` leaves a lone object or array as it is, `OMIT QUOTES`
gives a string's text, `[last]` is the last element; a path that finds nothing is NULL
(or `[]`/`{}` with EMPTY ARRAY/OBJECT ON EMPTY), several items without a wrapper and a
strict path's missing member are NULL (ON ERROR's default) or fail with Trino's
PATH_EVALUATION_ERROR / JSON_OUTPUT_CONVERSION_ERROR words under ERROR ON ERROR/EMPTY.
Facts: Trino's JsonQueryFunction and its tests (TestJsonQueryFunction), Trino's JSON
functions documentation (json_query)."""
import pytest

from trip_helpers import athena_execution, athena_failure, athena_rows

ORDERS = b"""{"id": 1, "payload": "{\\"customer\\": {\\"name\\": \\"Ann\\", \\"tier\\": \\"gold\\"}, \\"items\\": [{\\"sku\\": \\"A-1\\", \\"qty\\": 2}, {\\"sku\\": \\"B-7\\", \\"qty\\": 1}]}"}
{"id": 2, "payload": "{\\"customer\\": {\\"name\\": \\"Ben\\"}, \\"items\\": [{\\"sku\\": \\"C-3\\", \\"qty\\": 5}]}"}
{"id": 3, "payload": "{\\"customer\\": {\\"name\\": \\"Cy\\"}, \\"items\\": []}"}
"""


@pytest.fixture
def orders(client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="orders/2024-03-05.json", Body=ORDERS)
    athena, output = client("athena"), f"s3://{bucket}/results/"
    athena_execution(athena, f"""CREATE EXTERNAL TABLE orders (id int, payload string)
                                 ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
                                 LOCATION 's3://{bucket}/orders/'""", database, output)
    return athena, output


def test_items_gathered_and_unquoted(orders, database):
    athena, output = orders
    execution = athena_execution(athena, """
        SELECT id, json_query(payload, 'lax $.customer'), json_query(payload, 'lax $.items.sku' WITH ARRAY WRAPPER),
               json_query(payload, 'lax $.items[last].sku' OMIT QUOTES),
               json_query(payload, 'lax $.customer.name'),
               json_query(payload, 'lax $.items[0]' WITH CONDITIONAL ARRAY WRAPPER),
               json_query(payload, 'lax $.items[0].qty' WITH CONDITIONAL ARRAY WRAPPER)
        FROM orders ORDER BY id""", database, output)
    page = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])["ResultSet"]
    assert [[cell.get("VarCharValue") for cell in row["Data"]] for row in page["Rows"][1:]] == [
        ["1", '{"name":"Ann","tier":"gold"}', '["A-1","B-7"]', "B-7", '"Ann"', '{"sku":"A-1","qty":2}', "[2]"],
        ["2", '{"name":"Ben"}', '["C-3"]', "C-3", '"Ben"', '{"sku":"C-3","qty":5}', "[5]"],
        ["3", '{"name":"Cy"}', None, None, '"Cy"', None, None]]
    assert [column["Type"] for column in page["ResultSetMetadata"]["ColumnInfo"]] == ["integer"] + ["varchar"] * 6


def test_empty_and_error_behaviors(orders, database):
    athena, output = orders
    assert athena_rows(athena, """
        SELECT id, json_query(payload, 'lax $.items.sku'), json_query(payload, 'lax $.customer.tier'),
               json_query(payload, 'lax $.customer.tier' EMPTY OBJECT ON EMPTY),
               json_query(payload, 'lax $.items[5]' EMPTY ARRAY ON EMPTY),
               json_query(payload, 'strict $.customer.tier'),
               json_query(payload, 'strict $.customer.tier' EMPTY ARRAY ON ERROR)
        FROM orders ORDER BY id""", database, output) == [
        ["1", None, '"gold"', '"gold"', "[]", '"gold"', '"gold"'],
        ["2", '"C-3"', None, "{}", "[]", None, "[]"],
        ["3", None, None, "{}", "[]", None, "[]"]]


@pytest.mark.parametrize("order, call, reason", [
    (2, "json_query(payload, 'strict $.customer.tier' ERROR ON ERROR)",
     "PATH_EVALUATION_ERROR: path evaluation failed: structural error: missing member 'tier' in JSON object"),
    (2, "json_query(payload, 'strict $.items[1]' ERROR ON ERROR)",
     "PATH_EVALUATION_ERROR: path evaluation failed: structural error: invalid array subscript: [1, 1] "
     "for array of size 1"),
    (1, "json_query(payload, 'lax $.items.sku' ERROR ON ERROR)",
     "JSON_OUTPUT_CONVERSION_ERROR: conversion from JSON failed: JSON path found multiple items"),
    (2, "json_query(payload, 'lax $.customer.tier' ERROR ON EMPTY)",
     "JSON_OUTPUT_CONVERSION_ERROR: conversion from JSON failed: JSON path found no items"),
])
def test_errors_asked_for_fail_the_query(orders, database, order, call, reason):
    athena, output = orders
    assert athena_failure(athena, f"SELECT {call} FROM orders WHERE id = {order}", database, output) == reason
