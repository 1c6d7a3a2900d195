"""Epoch numbers in a timestamp column through the OpenX JSON SerDe: it reads a number
with a decimal point as epoch seconds, an integer written with 13 characters or more as
epoch milliseconds and a shorter one as epoch seconds, strings of digits alike (the
SerDe's timestamp parsing, sized on "1454612111000"). Producers that send
`Date.now()`-style milliseconds used to get records refused (or, in one batch, dates
tens of thousands of years ahead); Athena now reads the instants they meant. The Hive
JSON SerDe without TimestampFormats reads only what java.sql.Timestamp::valueOf reads."""
import base64
import json
import uuid

import pytest

from firehose_helpers import ROLE, athena_rows, parquet_table, wait_for_objects

pytestmark = pytest.mark.local_only      # the clock is moved to flush


def _pings(lakebox_server, make_stream, bucket, deserializer):
    """(stream name, database) of a stream converting into a Glue table pings(id, at)."""
    glue = lakebox_server.client("glue")
    database = f"epochs_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": database})
    parquet_table(glue, database, "pings", [{"Name": "id", "Type": "int"}, {"Name": "at", "Type": "timestamp"}],
                  f"s3://{bucket}/pings/")
    name = make_stream(Prefix="pings/", ErrorOutputPrefix="errors/", BufferingHints={"IntervalInSeconds": 60},
                       DataFormatConversionConfiguration={
                           "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "pings"},
                           "InputFormatConfiguration": {"Deserializer": deserializer},
                           "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}}})
    return name, database


def _send_and_query(lakebox_server, firehose, s3, bucket, clock, name, database, values):
    firehose.put_record_batch(DeliveryStreamName=name, Records=[
        {"Data": json.dumps({"id": n, "at": value}).encode()} for n, value in enumerate(values)])
    clock(61)
    wait_for_objects(s3, bucket, "pings/")
    rows = athena_rows(lakebox_server.client("athena"), "SELECT id, at FROM pings ORDER BY id", database,
                       f"s3://{bucket}/results/")
    glue = lakebox_server.client("glue")
    glue.delete_table(DatabaseName=database, Name="pings")
    glue.delete_database(Name=database)
    return rows


@pytest.mark.parametrize("values", [
    [1714557600000, 1714557601500, 1714557602000],            # all milliseconds: one batch through Arrow
    [1714557600, 1714557601500, "1714557602000"],             # seconds, milliseconds, a string of them
    [1714557600.0, 1714557601.5, 1714557602]])                # float seconds
def test_openx_reads_epoch_seconds_and_milliseconds(lakebox_server, firehose, s3, bucket, make_stream, clock,
                                                     values):
    name, database = _pings(lakebox_server, make_stream, bucket, {"OpenXJsonSerDe": {}})
    rows = _send_and_query(lakebox_server, firehose, s3, bucket, clock, name, database, values)
    assert rows == [["id", "at"], ["0", "2024-05-01 10:00:00.000"], ["1", "2024-05-01 10:00:01.500"],
                    ["2", "2024-05-01 10:00:02.000"]]
    assert wait_for_objects(s3, bucket, "errors/", timeout=0) == {}


def test_hive_without_formats_reads_only_what_timestamp_value_of_reads(lakebox_server, firehose, s3, bucket,
                                                                       make_stream, clock):
    """HiveJsonSerDe with no TimestampFormats: "Firehose uses java.sql.Timestamp::valueOf by
    default" (API reference), which takes `yyyy-mm-dd hh:mm:ss[.f...]` only: an ISO 8601
    instant with `T` and `Z`, or an epoch number, fails its record to
    format-conversion-failed while the others are converted."""
    name, database = _pings(lakebox_server, make_stream, bucket, {"HiveJsonSerDe": {}})
    values = ["2024-05-01 10:00:00", "2024-05-01T10:00:01Z", 1714557602, "2024-5-1 10:00:03.25"]
    rows = _send_and_query(lakebox_server, firehose, s3, bucket, clock, name, database, values)
    assert rows == [["id", "at"], ["0", "2024-05-01 10:00:00.000"], ["3", "2024-05-01 10:00:03.250"]]
    errors = [json.loads(line) for body in wait_for_objects(s3, bucket, "errors/").values()
              for line in body.splitlines()]
    assert sorted(json.loads(base64.b64decode(e["rawData"]))["id"] for e in errors) == [1, 2]
    assert {e["lastErrorCode"] for e in errors} == {"DataFormatConversion.MalformedData"}
