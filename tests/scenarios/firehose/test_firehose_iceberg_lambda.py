"""The Iceberg destination routed by a Lambda processor: the function answers each record
with `metadata.otfMetadata` (destinationDatabaseName, destinationTableName, operation), as
the guide's "Route incoming records to different Iceberg tables" page shows, and the
records are inserted, updated and deleted in the tables it names."""
import json
import textwrap
import time

import pytest

from firehose_helpers import ROLE, athena_rows, functions_server

pytestmark = pytest.mark.local_only

ROUTER = textwrap.dedent('''
    import base64, json

    def lambda_handler(event, context):
        out = []
        for record in event["records"]:
            item = json.loads(base64.b64decode(record["data"]))
            route = {"destinationDatabaseName": "shop", "destinationTableName": item.pop("to"),
                     "operation": item.pop("op")}
            out.append({"recordId": record["recordId"], "result": "Ok",
                        "data": base64.b64encode(json.dumps(item).encode()).decode(),
                        "metadata": {"otfMetadata": route}})
        return {"records": out}
''')


@pytest.fixture
def server(tmp_path):
    with functions_server(tmp_path, {"router": ROUTER}) as running:
        running.client("s3").create_bucket(Bucket="shop-lake")
        running.client("glue").create_database(DatabaseInput={"Name": "shop"})
        yield running


def _eventually(read, expected, timeout=30):
    deadline = time.monotonic() + timeout
    while (found := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def test_lambda_otf_metadata_routes_and_upserts(server):
    firehose, athena = server.client("firehose"), server.client("athena")
    output = "s3://shop-lake/results/"
    for table in ("carts", "wishlists"):
        athena_rows(athena, f"CREATE TABLE {table} (user_id string, items int) LOCATION 's3://shop-lake/{table}/' "
                            "TBLPROPERTIES ('table_type' = 'ICEBERG')", "shop", output)
    firehose.create_delivery_stream(DeliveryStreamName="shop", IcebergDestinationConfiguration={
        "RoleARN": ROLE, "CatalogConfiguration": {"CatalogARN": "arn:aws:glue:us-east-1:000000000000:catalog"},
        "DestinationTableConfigurationList": [
            {"DestinationDatabaseName": "shop", "DestinationTableName": "carts", "UniqueKeys": ["user_id"]}],
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "Lambda", "Parameters": [
            {"ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:us-east-1:000000000000:function:router"},
            {"ParameterName": "BufferIntervalInSeconds", "ParameterValue": "60"}]}]},
        "S3Configuration": {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::shop-lake", "ErrorOutputPrefix": "errors/"}})
    events = [{"to": "carts", "op": "insert", "user_id": "u1", "items": 1},
              {"to": "carts", "op": "insert", "user_id": "u2", "items": 5},
              {"to": "wishlists", "op": "insert", "user_id": "u1", "items": 9},
              {"to": "carts", "op": "update", "user_id": "u1", "items": 3},
              {"to": "carts", "op": "delete", "user_id": "u2", "items": 0}]
    firehose.put_record_batch(DeliveryStreamName="shop", Records=[{"Data": json.dumps(e).encode()} for e in events])
    server.advance_clock(121)       # the function's 60 s buffer, then the destination's

    def carts():
        return athena_rows(athena, "SELECT user_id, items FROM carts ORDER BY user_id", "shop", output)
    assert _eventually(carts, [["user_id", "items"], ["u1", "3"]]) == [["user_id", "items"], ["u1", "3"]]
    assert athena_rows(athena, "SELECT user_id, items FROM wishlists", "shop", output) == [
        ["user_id", "items"], ["u1", "9"]]
