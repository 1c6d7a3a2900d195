"""Sensor readings from a Kinesis stream into a projected Athena table, as an IoT data
engineer wires it: a Firehose delivery stream reads the stream, takes two partition keys
out of each JSON reading with JQ (the device kind, and the day cut from the reading's own
timestamp), and writes `readings/device=.../day=yyyy-MM-dd/`; a reading without a device
goes to the error prefix as a documented error record. The Athena table uses partition
projection (an enum of devices, a daily date range), so no partition is ever added, and
the analyst's queries are answered from the days and devices they name."""
import base64
import json
import uuid

import pytest

from trip_helpers import athena_rows, keys_under, partitioned_destination, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose"
READINGS = [{"device": "thermo", "ts": "2024-03-01T08:00:00Z", "value": 20.5},
            {"device": "thermo", "ts": "2024-03-01T09:00:00Z", "value": 21.5},
            {"device": "thermo", "ts": "2024-03-02T08:00:00Z", "value": 19.0},
            {"device": "hygro", "ts": "2024-03-01T08:00:00Z", "value": 40.0},
            {"device": "hygro", "ts": "2024-03-03T08:00:00Z", "value": 55.0}]


@pytest.fixture
def stream(kinesis_streams):
    return kinesis_streams("sensors")


@pytest.fixture
def delivery(client, bucket, stream):
    firehose, name = client("firehose"), f"sensors-lake-{uuid.uuid4().hex[:8]}"
    destination = partitioned_destination(
        bucket, "readings/device=!{partitionKeyFromQuery:device}/day=!{partitionKeyFromQuery:day}/", None, ROLE,
        query="{device: .device, day: .ts[0:10]}")
    firehose.create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": stream[1], "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration=destination)
    yield name
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_readings_projected_by_device_and_day(client, clock, bucket, database, stream, delivery):
    kinesis, s3, athena = client("kinesis"), client("s3"), client("athena")
    bad = json.dumps({"ts": "2024-03-01T10:00:00Z", "value": 1}).encode()
    entries = [{"Data": json.dumps(r).encode(), "PartitionKey": r["device"]} for r in READINGS]
    put = kinesis.put_records(StreamName=stream[0], Records=entries + [{"Data": bad, "PartitionKey": "x"}])
    assert put["FailedRecordCount"] == 0
    clock(61)
    keys = wait_for(lambda: len(found := keys_under(s3, bucket, "")) == 5 and found)
    data = sorted(k.rsplit("/", 1)[0] for k in keys if k.startswith("readings/"))
    assert data == ["readings/device=hygro/day=2024-03-01", "readings/device=hygro/day=2024-03-03",
                    "readings/device=thermo/day=2024-03-01", "readings/device=thermo/day=2024-03-02"]
    errors = [k for k in keys if k.startswith("errors/processing-failed/")]
    assert len(errors) == 1
    failed = [json.loads(line) for line in s3.get_object(Bucket=bucket, Key=errors[0])["Body"].read().splitlines()]
    assert [(f["errorCode"], base64.b64decode(f["rawData"])) for f in failed] == [
        ("DynamicPartitioning.MetadataExtractionFailed", bad)]

    output = f"s3://{bucket}/athena/"
    athena_rows(athena, f"""CREATE EXTERNAL TABLE readings (ts string, value double)
        PARTITIONED BY (device string, day string)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
        LOCATION 's3://{bucket}/readings/'
        TBLPROPERTIES ('projection.enabled' = 'true',
          'projection.device.type' = 'enum', 'projection.device.values' = 'thermo,hygro,baro',
          'projection.day.type' = 'date', 'projection.day.format' = 'yyyy-MM-dd',
          'projection.day.range' = '2024-02-25,2024-03-05', 'projection.day.interval' = '1',
          'projection.day.interval.unit' = 'DAYS')""", database, output)
    assert client("glue").get_partitions(DatabaseName=database, TableName="readings")["Partitions"] == []

    assert athena_rows(athena, "SELECT device, day, count(*), avg(value) FROM readings GROUP BY device, day "
                               "ORDER BY device, day", database, output) == [
        ["hygro", "2024-03-01", "1", "40.0"], ["hygro", "2024-03-03", "1", "55.0"],
        ["thermo", "2024-03-01", "2", "21.0"], ["thermo", "2024-03-02", "1", "19.0"]]
    assert athena_rows(athena, "SELECT ts, value FROM readings WHERE device = 'thermo' AND day = '2024-03-01' "
                               "ORDER BY ts", database, output) == [
        ["2024-03-01T08:00:00Z", "20.5"], ["2024-03-01T09:00:00Z", "21.5"]]
    assert athena_rows(athena, "SELECT count(*) FROM readings WHERE device = 'baro'", database, output) == [["0"]]
    paths = athena_rows(athena, """SELECT DISTINCT "$path" FROM readings WHERE day BETWEEN '2024-03-02' AND
                                   '2024-03-04' ORDER BY 1""", database, output)
    assert [p[0].rsplit("/", 1)[0] for p in paths] == [
        f"s3://{bucket}/readings/device=hygro/day=2024-03-03", f"s3://{bucket}/readings/device=thermo/day=2024-03-02"]
