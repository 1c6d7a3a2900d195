"""A logging platform that ships CloudWatch Logs subscription data to S3 through
Firehose, as its runbook does it: one delivery stream per application (the operator pages
ListDeliveryStreams two at a time, and filters by source type), each decompressing the
subscription's gzip payloads, keeping only the log events' messages, a line each (control
messages dropped). The api's subscription writes into a Kinesis stream its delivery stream
reads; the others are DirectPut, where only CloudWatch Logs itself may put (a caller's
PutRecordBatch is refused with InvalidSourceException, the words of the service model and
of radkawar/stackd's logs_processing capture, per its docs/firehose.md); objects land under
`logs/!{timestamp:yyyy}/` and a payload that is not gzip goes under
`failed/!{firehose:error-output-type}/` as Firehose's error document. Two operators then
change the same stream: the one with the stale version id is refused with
ConcurrentModificationException; the update that got in (a new prefix and a larger
buffer) applies to what comes after it, the object names carrying the new version.
The mistakes of the runbook (an expression in Prefix without an ErrorOutputPrefix,
error-output-type in Prefix, a destination id that is not there) get Firehose's
answers."""
import base64
import gzip
import json
import re
import uuid

import pytest

from trip_helpers import error_of, wait_for

ROLE = "arn:aws:iam::000000000000:role/firehose-logs"
STAMP = r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}"
PROCESSORS = {"Enabled": True, "Processors": [
    {"Type": "Decompression", "Parameters": [{"ParameterName": "CompressionFormat", "ParameterValue": "GZIP"}]},
    {"Type": "CloudWatchLogProcessing",
     "Parameters": [{"ParameterName": "DataMessageExtraction", "ParameterValue": "true"}]}]}


def subscription_payload(group, messages, kind="DATA_MESSAGE"):
    return gzip.compress(json.dumps({
        "messageType": kind, "owner": "000000000000", "logGroup": group, "logStream": "i-0abc",
        "subscriptionFilters": ["to-firehose"],
        "logEvents": [{"id": str(n), "timestamp": 1_700_000_000_000 + n, "message": m}
                      for n, m in enumerate(messages)]}).encode())


@pytest.fixture
def shipping(client, bucket):
    firehose, kinesis = client("firehose"), client("kinesis")
    tag = uuid.uuid4().hex[:8]
    names = [f"logs-{tag}-{app}" for app in ("api", "billing", "search")]
    source = f"logs-{tag}-api-subscription"
    kinesis.create_stream(StreamName=source, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=source, WaiterConfig={"Delay": 1})
    source_arn = kinesis.describe_stream_summary(StreamName=source)["StreamDescriptionSummary"]["StreamARN"]
    for name in names:
        origin = ({"DeliveryStreamType": "KinesisStreamAsSource", "KinesisStreamSourceConfiguration": {
            "KinesisStreamARN": source_arn, "RoleARN": ROLE}} if name.endswith("-api")
            else {"DeliveryStreamType": "DirectPut"})
        firehose.create_delivery_stream(
            DeliveryStreamName=name, **origin,
            ExtendedS3DestinationConfiguration={
                "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                "Prefix": f"{name}/logs/!{{timestamp:yyyy}}/",
                "ErrorOutputPrefix": f"{name}/failed/!{{firehose:error-output-type}}/",
                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
                "ProcessingConfiguration": PROCESSORS})
    yield names
    for name in names:
        firehose.delete_delivery_stream(DeliveryStreamName=name)
    kinesis.delete_stream(StreamName=source)


def keys_under(s3, bucket, prefix):
    return {item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])}


@pytest.mark.local_only
def test_ship_logs_then_change_the_stream(client, shipping, bucket, clock):
    firehose, s3, kinesis = client("firehose"), client("s3"), client("kinesis")
    api, billing, search = shipping
    tag = api.split("-")[1]
    subscription = f"{api}-subscription"

    listed, start = [], None
    while True:
        page = (firehose.list_delivery_streams(Limit=2, ExclusiveStartDeliveryStreamName=start) if start
                else firehose.list_delivery_streams(Limit=2))
        listed += [n for n in page["DeliveryStreamNames"] if tag in n]
        if not page["HasMoreDeliveryStreams"]:
            break
        start = page["DeliveryStreamNames"][-1]
    assert listed == [api, billing, search]
    from_kinesis = firehose.list_delivery_streams(DeliveryStreamType="KinesisStreamAsSource", Limit=100)
    assert [n for n in from_kinesis["DeliveryStreamNames"] if tag in n] == [api]

    code, message = error_of(firehose.put_record_batch, DeliveryStreamName=billing,
                             Records=[{"Data": subscription_payload("/app/billing", ["charged"])}])
    assert (code, message) == ("InvalidSourceException", "Only requests from CloudWatch Logs are supported when "
                                                         "CloudWatch Logs decompression is enabled.")
    for data in (subscription_payload("/app/api", ["GET /a 200", "GET /b 404"]),
                 subscription_payload("/app/api", ["CWL CONTROL MESSAGE: Checking health of destination"],
                                      kind="CONTROL_MESSAGE"),
                 b"not gzip at all",
                 subscription_payload("/app/api", ["POST /c 201"])):
        kinesis.put_record(StreamName=subscription, Data=data, PartitionKey="i-0abc")
    clock(2)
    clock(61)
    delivered = wait_for(lambda: keys_under(s3, bucket, f"{api}/logs/"))
    (key, body), = delivered.items()
    assert re.fullmatch(rf"{api}/logs/\d{{4}}/{api}-1-{STAMP}", key), key
    assert body == b"GET /a 200\nGET /b 404\nPOST /c 201\n"
    failed = wait_for(lambda: keys_under(s3, bucket, f"{api}/failed/"))
    (key, body), = failed.items()
    assert re.fullmatch(rf"{api}/failed/decompression-failed/{api}-1-{STAMP}", key), key
    error = json.loads(body.splitlines()[0])
    assert base64.b64decode(error["rawData"]) == b"not gzip at all"
    assert {"errorCode", "errorMessage", "rawData"} <= set(error)

    described = firehose.describe_delivery_stream(DeliveryStreamName=api)["DeliveryStreamDescription"]
    version, destination = described["VersionId"], described["Destinations"][0]["DestinationId"]
    assert (version, destination) == ("1", "destinationId-000000000001")
    firehose.update_destination(
        DeliveryStreamName=api, CurrentDeliveryStreamVersionId=version, DestinationId=destination,
        ExtendedS3DestinationUpdate={"Prefix": f"{api}/v2/!{{timestamp:yyyy}}/",
                                     "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 300}})
    code, message = error_of(firehose.update_destination, DeliveryStreamName=api,
                             CurrentDeliveryStreamVersionId=version, DestinationId=destination,
                             ExtendedS3DestinationUpdate={"BufferingHints": {"IntervalInSeconds": 120}})
    assert (code, message) == ("ConcurrentModificationException",
                               f"Cannot update firehose: {api} since the current version id: 1 and latest "
                               "version id: 2 does not match")
    now = firehose.describe_delivery_stream(DeliveryStreamName=api)["DeliveryStreamDescription"]
    s3_now = now["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert now["VersionId"] == "2"
    assert (s3_now["Prefix"], s3_now["ErrorOutputPrefix"], s3_now["BufferingHints"]) == (
        f"{api}/v2/!{{timestamp:yyyy}}/", f"{api}/failed/!{{firehose:error-output-type}}/",
        {"SizeInMBs": 1, "IntervalInSeconds": 300})
    assert s3_now["ProcessingConfiguration"] == PROCESSORS

    kinesis.put_record(StreamName=subscription, Data=subscription_payload("/app/api", ["GET /d 200"]),
                       PartitionKey="i-0abc")
    clock(120)
    assert keys_under(s3, bucket, f"{api}/v2/") == {}          # the new 300 s interval holds it
    clock(181)
    (key, body), = wait_for(lambda: keys_under(s3, bucket, f"{api}/v2/")).items()
    assert re.fullmatch(rf"{api}/v2/\d{{4}}/{api}-2-{STAMP}", key), key
    assert body == b"GET /d 200\n"


def test_runbook_mistakes(client, shipping, bucket):
    firehose = client("firehose")
    api = shipping[0]
    destination = {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}"}
    code, message = error_of(firehose.create_delivery_stream, DeliveryStreamName=f"{api}-x",
                             ExtendedS3DestinationConfiguration={**destination, "Prefix": "logs/!{timestamp:yyyy}/"})
    assert (code, message) == ("InvalidArgumentException",
                               "Ths supplied prefix(es) do not satisfy the following constraint: ErrorOutputPrefix "
                               "cannot be null or empty when Prefix contains expressions")
    code, message = error_of(firehose.create_delivery_stream, DeliveryStreamName=f"{api}-y",
                             ExtendedS3DestinationConfiguration={
                                 **destination, "Prefix": "logs/!{timestamp:yyyy}/",
                                 "ErrorOutputPrefix": "failed/!{timestamp:yyyy}/"})
    assert (code, message) == ("InvalidArgumentException",
                               "Ths supplied prefix(es) do not satisfy the following constraint: ErrorOutputPrefix "
                               "must contain !{firehose:error-output-type} when it contains expressions")
    code, _ = error_of(firehose.create_delivery_stream, DeliveryStreamName=f"{api}-z",
                       ExtendedS3DestinationConfiguration={
                           **destination, "Prefix": "logs/!{firehose:error-output-type}/",
                           "ErrorOutputPrefix": "failed/!{firehose:error-output-type}/"})
    assert code == "InvalidArgumentException"
    code, message = error_of(firehose.update_destination, DeliveryStreamName=api, CurrentDeliveryStreamVersionId="1",
                             DestinationId="destinationId-000000000002",
                             ExtendedS3DestinationUpdate={"Prefix": "x/"})
    assert (code, message) == ("InvalidArgumentException",
                               f"Destination Id destinationId-000000000002 not found for delivery stream {api}.")
    assert firehose.list_delivery_streams(ExclusiveStartDeliveryStreamName=shipping[-1], Limit=1)[
        "DeliveryStreamNames"] != [shipping[-1]]
