"""Audit of issue 11's record format conversion as a user checks it: the OpenX JSON
deserializer's options (case-insensitive keys, ColumnToJsonKeyMappings, dots in keys as
underscores) and the Hive deserializer's TimestampFormats, through a delivery stream,
read back with pyarrow."""
import datetime
import io

import pyarrow.parquet as pq
import pytest

from firehose_helpers import ROLE, catalog_table, wait_for_objects

pytestmark = pytest.mark.local_only      # the clock is moved to flush

COLUMNS = [{"Name": "user_id", "Type": "int"}, {"Name": "event_time", "Type": "timestamp"},
           {"Name": "page_url", "Type": "string"}]


@pytest.fixture
def table(lakebox_server):
    with catalog_table(lakebox_server.client("glue"), "clicks", COLUMNS, prefix="audit") as database:
        yield database


def _stream(make_stream, database, deserializer):
    return make_stream(Prefix="clicks/", BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 60},
                       DataFormatConversionConfiguration={
                           "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "clicks"},
                           "InputFormatConfiguration": {"Deserializer": deserializer},
                           "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}}})


def _rows(s3, bucket):
    (key, body), = wait_for_objects(s3, bucket, "clicks/").items()
    assert key.endswith(".parquet")
    return pq.read_table(io.BytesIO(body)).to_pylist()


def test_openx_options_map_keys_onto_columns(firehose, s3, bucket, make_stream, clock, table):
    name = _stream(make_stream, table, {"OpenXJsonSerDe": {
        "ConvertDotsInJsonKeysToUnderscores": True, "ColumnToJsonKeyMappings": {"page_url": "url"}}})
    firehose.put_record_batch(DeliveryStreamName=name, Records=[
        {"Data": b'{"USER_ID": 7, "event.time": "2024-05-01T10:00:00Z", "url": "/home"}'},
        {"Data": b'{"user_id": 8, "event.time": "2024-05-01 10:00:01", "url": "/cart", "extra": true}'}])
    clock(61)
    assert _rows(s3, bucket) == [
        {"user_id": 7, "event_time": datetime.datetime(2024, 5, 1, 10, 0), "page_url": "/home"},
        {"user_id": 8, "event_time": datetime.datetime(2024, 5, 1, 10, 0, 1), "page_url": "/cart"}]


def test_hive_timestamp_formats(firehose, s3, bucket, make_stream, clock, table):
    name = _stream(make_stream, table, {"HiveJsonSerDe": {"TimestampFormats": ["dd/MM/yyyy HH:mm:ss", "millis"]}})
    firehose.put_record_batch(DeliveryStreamName=name, Records=[
        {"Data": b'{"user_id": 1, "event_time": "01/05/2024 10:00:00", "page_url": "/a"}'},
        {"Data": b'{"user_id": 2, "event_time": 1714557601000, "page_url": "/b"}'}])
    clock(61)
    assert [row["event_time"] for row in _rows(s3, bucket)] == [
        datetime.datetime(2024, 5, 1, 10, 0), datetime.datetime(2024, 5, 1, 10, 0, 1)]
