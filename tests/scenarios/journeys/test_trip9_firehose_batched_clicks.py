"""A mobile analytics team ships click events in batches: each app flush is ONE Firehose
record holding many events, joined by `||` (RecordDeAggregation, SubRecordType DELIMITED,
the delimiter given base64-encoded as the guide says). The delivery stream splits them,
pulls the app (a nested field), the platform in lower case and the event's day (a slice
of its ISO timestamp) with one JQ-1.6 query, appends a newline to each event and writes
`clicks/app=.../platform=.../dt=.../`. An event with no app goes to the error prefix with
its raw bytes. A crawler catalogs the three-level partitions and Athena counts clicks per
app and day exactly. Before that, the team's first attempts are refused in Firehose's
words: partition-key expressions without dynamic partitioning, an ErrorOutputPrefix
missing, a MetadataExtraction processor without dynamic partitioning, a 30-second buffer."""
import base64
import json
import uuid

import pytest

from trip_helpers import athena_rows, crawl_once, error_of, keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-delivery"
PREFIX = "clicks/app=!{partitionKeyFromQuery:app}/platform=!{partitionKeyFromQuery:platform}/dt=!{partitionKeyFromQuery:dt}/"
QUERY = "{app: .context.app.name, platform: (.context.os | ascii_downcase), dt: .at[0:10]}"


def processors(query=QUERY):
    return {"Enabled": True, "Processors": [
        {"Type": "RecordDeAggregation", "Parameters": [
            {"ParameterName": "SubRecordType", "ParameterValue": "DELIMITED"},
            {"ParameterName": "Delimiter", "ParameterValue": base64.b64encode(b"||").decode()}]},
        {"Type": "MetadataExtraction", "Parameters": [
            {"ParameterName": "MetadataExtractionQuery", "ParameterValue": query},
            {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]},
        {"Type": "AppendDelimiterToRecord", "Parameters": []}]}


def destination(bucket, **changes):
    config = {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": PREFIX,
              "ErrorOutputPrefix": "click-errors/!{firehose:error-output-type}/!{timestamp:yyyy}/",
              "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
              "DynamicPartitioningConfiguration": {"Enabled": True, "RetryOptions": {"DurationInSeconds": 300}},
              "ProcessingConfiguration": processors()}
    return {**config, **changes}


def click(n):
    app = ["shop", "maps"][n % 2]
    return {"id": n, "context": {"app": {"name": app, "build": 100 + n % 3}, "os": ["iOS", "Android"][n % 3 % 2]},
            "at": f"2024-05-{10 + n % 2:02d}T0{n % 10}:15:00Z", "target": f"button-{n % 4}"}


@pytest.fixture
def clicks_stream(client, bucket):
    firehose = client("firehose")
    name = f"clicks-{uuid.uuid4().hex[:10]}"
    firehose.create_delivery_stream(DeliveryStreamName=name, DeliveryStreamType="DirectPut",
                                    ExtendedS3DestinationConfiguration=destination(bucket))
    wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)[
        "DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")
    yield name
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_batched_clicks_split_partitioned_crawled_and_counted(client, clock, bucket, database, clicks_stream):
    firehose, s3, glue, athena = client("firehose"), client("s3"), client("glue"), client("athena")
    described = firehose.describe_delivery_stream(DeliveryStreamName=clicks_stream)["DeliveryStreamDescription"]
    stored = described["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert stored["DynamicPartitioningConfiguration"] == {"Enabled": True, "RetryOptions": {"DurationInSeconds": 300}}
    assert [p["Type"] for p in stored["ProcessingConfiguration"]["Processors"]] == [
        "RecordDeAggregation", "MetadataExtraction", "AppendDelimiterToRecord"]

    events = [click(n) for n in range(60)]
    flushes = [b"||".join(json.dumps(e).encode() for e in events[start:start + 12]) for start in range(0, 60, 12)]
    orphan = {"id": 999, "context": {"os": "iOS"}, "at": "2024-05-10T09:00:00Z"}
    flushes.append(json.dumps(orphan).encode())
    answer = firehose.put_record_batch(DeliveryStreamName=clicks_stream, Records=[{"Data": f} for f in flushes])
    assert (answer["FailedPutCount"], len(answer["RequestResponses"])) == (0, 6)
    clock(61)

    keys = wait_for(lambda: keys_under(s3, bucket, "clicks/"))
    folders = sorted({k.rsplit("/", 1)[0] for k in keys})
    assert folders == [f"clicks/app={app}/platform={platform}/dt=2024-05-{day}"
                       for app, platform, day in sorted({(e["context"]["app"]["name"],
                                                          e["context"]["os"].lower(), e["at"][8:10]) for e in events})]
    delivered = {}
    for key in keys:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert body.endswith(b"}\n") and b"||" not in body
        delivered[key.rsplit("/", 1)[0]] = [json.loads(line) for line in body.splitlines()]
    assert sorted(e["id"] for lines in delivered.values() for e in lines) == list(range(60))
    assert [e["id"] for e in delivered["clicks/app=shop/platform=android/dt=2024-05-10"]] == [
        n for n in range(60) if n % 2 == 0 and n % 3 % 2 == 1]

    failed = wait_for(lambda: keys_under(s3, bucket, "click-errors/"))
    assert all(k.startswith("click-errors/processing-failed/2") for k in failed), failed
    documents = [json.loads(line) for k in failed for line in s3.get_object(Bucket=bucket, Key=k)["Body"].read().splitlines()]
    assert [json.loads(base64.b64decode(d["rawData"])) for d in documents] == [orphan]
    assert documents[0]["errorCode"] == "DynamicPartitioning.MetadataExtractionFailed"

    crawler = crawl_once(glue, ROLE, database, f"s3://{bucket}/clicks/")
    try:
        table = glue.get_table(DatabaseName=database, Name="clicks")["Table"]
        assert [k["Name"] for k in table["PartitionKeys"]] == ["app", "platform", "dt"]
        assert len(glue.get_partitions(DatabaseName=database, TableName="clicks")["Partitions"]) == len(folders)
        rows = athena_rows(athena, "SELECT app, dt, count(*), count(DISTINCT target) FROM clicks "
                                   "GROUP BY app, dt ORDER BY app, dt", database, f"s3://{bucket}/results/")
        expected = {}
        for e in events:
            expected.setdefault((e["context"]["app"]["name"], e["at"][:10]), []).append(e["target"])
        assert rows == [[app, dt, str(len(targets)), str(len(set(targets)))]
                        for (app, dt), targets in sorted(expected.items())]
    finally:
        glue.delete_crawler(Name=crawler)


def test_first_attempts_refused(client, bucket):
    firehose = client("firehose")

    def refusal(config):
        return error_of(firehose.create_delivery_stream, DeliveryStreamName=f"clicks-{uuid.uuid4().hex[:10]}",
                        ExtendedS3DestinationConfiguration=config)

    no_partitioning = destination(bucket, DynamicPartitioningConfiguration={"Enabled": False},
                                  ProcessingConfiguration={"Enabled": False})
    # AWS's words, as terraform users met them (hashicorp/terraform-provider-aws#29092)
    assert refusal(no_partitioning) == (
        "InvalidArgumentException", "Dynamic Partitioning Namespaces can only be part of a prefix expression when "
                                    "Dynamic Partitioning is enabled.")
    no_error_prefix = destination(bucket)
    del no_error_prefix["ErrorOutputPrefix"]
    assert refusal(no_error_prefix) == (
        "InvalidArgumentException", "Ths supplied prefix(es) do not satisfy the following constraint: "
                                    "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions")
    assert refusal(destination(bucket, Prefix="clicks/", DynamicPartitioningConfiguration={"Enabled": False}))[0] == \
        "InvalidArgumentException"
    code, message = refusal(destination(bucket, BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 30}))
    assert code == "InvalidArgumentException" and "60" in message
