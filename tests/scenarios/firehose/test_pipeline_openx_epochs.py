"""Epoch numbers in a timestamp column through the OpenX JSON SerDe: it reads a number
with a decimal point as epoch seconds, an integer written with 13 characters or more as
epoch milliseconds and a shorter one as epoch seconds, strings of digits alike (the
SerDe's timestamp parsing, sized on "1454612111000"). Producers that send
`Date.now()`-style milliseconds used to get records refused (or, in one batch, dates
tens of thousands of years ahead); Athena now reads the instants they meant."""
import json
import uuid

import pytest

from firehose_helpers import ROLE, athena_rows, parquet_table, wait_for_objects

pytestmark = pytest.mark.local_only      # the clock is moved to flush


@pytest.mark.parametrize("values", [
    [1714557600000, 1714557601500, 1714557602000],            # all milliseconds: one batch through Arrow
    [1714557600, 1714557601500, "1714557602000"],             # seconds, milliseconds, a string of them
    [1714557600.0, 1714557601.5, 1714557602]])                # float seconds
def test_openx_reads_epoch_seconds_and_milliseconds(lakebox_server, firehose, s3, bucket, make_stream, clock,
                                                     values):
    glue = lakebox_server.client("glue")
    database = f"epochs_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": database})
    parquet_table(glue, database, "pings", [{"Name": "id", "Type": "int"}, {"Name": "at", "Type": "timestamp"}],
                  f"s3://{bucket}/pings/")
    name = make_stream(Prefix="pings/", ErrorOutputPrefix="errors/", BufferingHints={"IntervalInSeconds": 60},
                       DataFormatConversionConfiguration={
                           "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "pings"},
                           "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
                           "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}}})
    firehose.put_record_batch(DeliveryStreamName=name, Records=[
        {"Data": json.dumps({"id": n, "at": value}).encode()} for n, value in enumerate(values)])
    clock(61)
    wait_for_objects(s3, bucket, "pings/")
    rows = athena_rows(lakebox_server.client("athena"), "SELECT id, at FROM pings ORDER BY id", database,
                       f"s3://{bucket}/results/")
    assert rows == [["id", "at"], ["0", "2024-05-01 10:00:00.000"], ["1", "2024-05-01 10:00:01.500"],
                    ["2", "2024-05-01 10:00:02.000"]]
    assert wait_for_objects(s3, bucket, "errors/", timeout=0) == {}
    glue.delete_table(DatabaseName=database, Name="pings")
    glue.delete_database(Name=database)
