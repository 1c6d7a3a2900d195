"""Format conversion of values a column's type cannot hold: a number too big for an int,
tinyint or bigint column, with more integer digits than a decimal(p,s) column allows, or
epoch seconds beyond any date,
fails that record alone (it goes to `format-conversion-failed` with its error document)
while the others are converted; decimals with more fractional digits are rounded half up
to the scale, as Hive's decimal columns take them. Athena then reads the converted rows
through the Glue table. (These records used to fail the whole flush, retried forever.)"""
import base64
import json
import uuid

import pytest

from firehose_helpers import athena_rows, parquet_table, wait_for_objects

pytestmark = pytest.mark.local_only      # the clock is moved to flush

COLUMNS = [{"Name": "id", "Type": "int"}, {"Name": "qty", "Type": "tinyint"}, {"Name": "views", "Type": "bigint"},
           {"Name": "price", "Type": "decimal(5,2)"}, {"Name": "placed_at", "Type": "timestamp"}]


@pytest.fixture
def orders_table(lakebox_server, bucket):
    glue = lakebox_server.client("glue")
    database = f"ranges_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": database})
    parquet_table(glue, database, "orders", COLUMNS, f"s3://{bucket}/orders/")
    yield database
    glue.delete_table(DatabaseName=database, Name="orders")
    glue.delete_database(Name=database)


def test_values_out_of_their_columns_range_fail_only_their_record(lakebox_server, firehose, s3, bucket,
                                                                  make_stream, clock, orders_table):
    name = make_stream(Prefix="orders/", ErrorOutputPrefix="errors/!{firehose:error-output-type}/",
                       BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 60},
                       DataFormatConversionConfiguration={
                           "SchemaConfiguration": {"RoleARN": "arn:aws:iam::000000000000:role/firehose",
                                                   "DatabaseName": orders_table, "TableName": "orders"},
                           "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
                           "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}}})
    good = [{"id": 1, "qty": 127, "views": 9223372036854775807, "price": 999.99, "placed_at": 1714557600},
            {"id": 2, "qty": -128, "views": 5, "price": "12.345"},
            {"id": 3, "qty": 3, "views": 6, "price": 0.005}]
    bad = [{"id": 3000000000, "qty": 1, "views": 1, "price": 1},
           {"id": 4, "qty": 300, "views": 1, "price": 1},
           {"id": 5, "qty": 1, "views": 9223372036854775808, "price": 1},
           {"id": 6, "qty": 1, "views": 1, "price": 1000},
           {"id": 7, "qty": 1, "views": 1, "price": 1, "placed_at": 10 ** 17}]      # epoch seconds past year 9999
    sent = [json.dumps(item).encode() for item in good[:2] + bad + good[2:]]
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": data} for data in sent])
    clock(61)

    errors = wait_for_objects(s3, bucket, "errors/format-conversion-failed/")
    documents = [json.loads(line) for body in errors.values() for line in body.splitlines()]
    assert sorted(base64.b64decode(d["rawData"]) for d in documents) == sorted(sent[2:7])
    assert {d["lastErrorCode"] for d in documents} == {"DataFormatConversion.MalformedData"}
    assert {d["dataCatalogTable"]["tableName"] for d in documents} == {"orders"}

    wait_for_objects(s3, bucket, "orders/")
    rows = athena_rows(lakebox_server.client("athena"), "SELECT id, qty, views, price, placed_at FROM orders ORDER BY id",
                       orders_table, f"s3://{bucket}/results/")
    assert rows == [["id", "qty", "views", "price", "placed_at"],
                    ["1", "127", "9223372036854775807", "999.99", "2024-05-01 10:00:00.000"],
                    ["2", "-128", "5", "12.35", None], ["3", "3", "6", "0.01", None]]


def test_varchar_and_char_columns_keep_their_length(lakebox_server, firehose, s3, bucket, make_stream, clock):
    """Hive keeps at most n characters of a varchar(n) or char(n) value, and Athena reads
    the column so: the longer values come back cut, not whole."""
    glue = lakebox_server.client("glue")
    database = f"lengths_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": database})
    parquet_table(glue, database, "notes", [{"Name": "id", "Type": "int"}, {"Name": "title", "Type": "varchar(5)"},
                                            {"Name": "code", "Type": "char(2)"}, {"Name": "body", "Type": "string"}],
                  f"s3://{bucket}/notes/")
    name = make_stream(Prefix="notes/", ErrorOutputPrefix="errors/", BufferingHints={"IntervalInSeconds": 60},
                       DataFormatConversionConfiguration={
                           "SchemaConfiguration": {"RoleARN": "arn:aws:iam::000000000000:role/firehose",
                                                   "DatabaseName": database, "TableName": "notes"},
                           "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
                           "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}}})
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": json.dumps(item).encode()} for item in [
        {"id": 1, "title": "hello world", "code": "NOK", "body": "a longer body"},
        {"id": 2, "title": "héllo wörld", "code": "EU", "body": "short"}]])
    clock(61)
    wait_for_objects(s3, bucket, "notes/")
    rows = athena_rows(lakebox_server.client("athena"), "SELECT id, title, length(title), code, body FROM notes "
                       "ORDER BY id", database, f"s3://{bucket}/results/")
    assert rows == [["id", "title", "_col2", "code", "body"], ["1", "hello", "5", "NO", "a longer body"],
                    ["2", "héllo", "5", "EU", "short"]]
    glue.delete_table(DatabaseName=database, Name="notes")
    glue.delete_database(Name=database)
