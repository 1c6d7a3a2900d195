"""A game studio's telemetry SDK flushes several JSON events as ONE Firehose record
(`{..}{..}{..}`, no separators). Their Terraform module builds the delivery stream's
processors from a map, so the processors arrive sorted by name: AppendDelimiterToRecord,
MetadataExtraction, RecordDeAggregation. Firehose does not run them in the listed order but
in its own (de-aggregation, then the partition keys, the delimiter between delivered
records): each event lands, one per line, under `events/game=<game>/kind=<kind>/`. One
flush carries an event without a `game`; it goes to the error prefix as a compact JSON
line with its own bytes, as Firehose writes error records."""
import base64
import json
import uuid

import pytest

from trip10_firehose_helpers import active_delivery_stream, processor, s3_destination
from trip_helpers import keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-telemetry"


def sorted_processors():
    by_name = {"RecordDeAggregation": processor("RecordDeAggregation", SubRecordType="JSON"),
               "MetadataExtraction": processor("MetadataExtraction", JsonParsingEngine="JQ-1.6",
                                               MetadataExtractionQuery="{game: .game, kind: .event.kind}"),
               "AppendDelimiterToRecord": processor("AppendDelimiterToRecord")}
    return [by_name[name] for name in sorted(by_name)]


@pytest.fixture
def telemetry_stream(client, bucket):
    firehose = client("firehose")
    name = active_delivery_stream(firehose, f"telemetry-{uuid.uuid4().hex[:10]}", ExtendedS3DestinationConfiguration=
                                  s3_destination(ROLE, bucket, Prefix="events/game=!{partitionKeyFromQuery:game}/"
                                                                      "kind=!{partitionKeyFromQuery:kind}/",
                                                 ErrorOutputPrefix="events-errors/!{firehose:error-output-type}/",
                                                 BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 60},
                                                 DynamicPartitioningConfiguration={"Enabled": True},
                                                 ProcessingConfiguration={"Enabled": True,
                                                                          "Processors": sorted_processors()}))
    yield name
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_sorted_processors_still_deaggregate_before_partitioning(client, clock, bucket, telemetry_stream):
    firehose, s3 = client("firehose"), client("s3")
    stored = firehose.describe_delivery_stream(DeliveryStreamName=telemetry_stream)["DeliveryStreamDescription"][
        "Destinations"][0]["ExtendedS3DestinationDescription"]["ProcessingConfiguration"]["Processors"]
    assert [p["Type"] for p in stored] == ["AppendDelimiterToRecord", "MetadataExtraction", "RecordDeAggregation"]

    events = [{"game": ["comet", "drift"][n % 2], "event": {"kind": ["start", "score", "quit"][n % 3]}, "n": n}
              for n in range(12)]
    flushes = [b"".join(json.dumps(e, separators=(",", ":")).encode() for e in events[i:i + 4])
               for i in range(0, 12, 4)]
    stray = b'{"event":{"kind":"start"},"n":99}'
    flushes.append(stray)
    answer = firehose.put_record_batch(DeliveryStreamName=telemetry_stream, Records=[{"Data": f} for f in flushes])
    assert (answer["FailedPutCount"], len(answer["RequestResponses"])) == (0, 4)
    clock(61)

    keys = wait_for(lambda: keys_under(s3, bucket, "events/"))
    by_folder = {}
    for key in keys:
        by_folder.setdefault(key.rsplit("/", 1)[0], []).append(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    expected = {}
    for e in events:
        expected.setdefault(f"events/game={e['game']}/kind={e['event']['kind']}", []).append(
            json.dumps(e, separators=(",", ":")).encode() + b"\n")
    assert {folder: b"".join(bodies) for folder, bodies in by_folder.items()} == {
        folder: b"".join(lines) for folder, lines in expected.items()}

    failed = wait_for(lambda: keys_under(s3, bucket, "events-errors/"))
    assert [k.split("/")[1] for k in failed] == ["processing-failed"]
    body = s3.get_object(Bucket=bucket, Key=failed[0])["Body"].read()
    assert body.count(b"\n") == 1 and body.endswith(b"\n")
    assert body.startswith(b'{"attemptsMade":1,"arrivalTimestamp":')
    document = json.loads(body)
    assert body.rstrip(b"\n") == json.dumps(document, separators=(",", ":")).encode()
    assert document["errorCode"] == "DynamicPartitioning.MetadataExtractionFailed"
    assert base64.b64decode(document["rawData"]) == stray
