"""A point-of-sale vendor batches till receipts as `####`-separated JSON (the guide's own
example delimiter, given base64-encoded as `IyMjIw==`). The retailer's delivery stream
splits them (RecordDeAggregation, DELIMITED), partitions by store with a JQ query whose
key is a number, puts each receipt on its own line, and compresses every object with
GZIP under the extension `.ndjson.gz`, in folders named with Java DateTimeFormatter
patterns (a quoted literal, the day of the year). They read the objects back with gzip
and find every receipt once, byte for byte."""
import base64
import datetime
import gzip
import json
import re
import uuid

import pytest

from trip10_firehose_helpers import active_delivery_stream, processor, s3_destination
from trip_helpers import keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-pos"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def receipts_stream(client, bucket):
    firehose = client("firehose")
    assert base64.b64encode(b"####").decode() == "IyMjIw=="
    name = active_delivery_stream(firehose, f"receipts-{uuid.uuid4().hex[:10]}", ExtendedS3DestinationConfiguration=
                                  s3_destination(ROLE, bucket,
                                                 Prefix="receipts/store=!{partitionKeyFromQuery:store}/"
                                                        "!{timestamp:'day-'D}/",
                                                 ErrorOutputPrefix="receipts-errors/!{firehose:error-output-type}/"
                                                                   "!{timestamp:yyyy}/",
                                                 BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 60},
                                                 CompressionFormat="GZIP", FileExtension=".ndjson.gz",
                                                 DynamicPartitioningConfiguration={"Enabled": True},
                                                 ProcessingConfiguration={"Enabled": True, "Processors": [
                                                     processor("RecordDeAggregation", SubRecordType="DELIMITED",
                                                               Delimiter="IyMjIw=="),
                                                     processor("MetadataExtraction", JsonParsingEngine="JQ-1.6",
                                                               MetadataExtractionQuery="{store: .store}"),
                                                     processor("AppendDelimiterToRecord")]}))
    yield name
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_hash_delimited_receipts_by_store_gzipped(client, clock, bucket, receipts_stream):
    firehose, s3 = client("firehose"), client("s3")
    receipts = [{"store": 100 + n % 3, "till": n % 5, "total": f"{n * 3}.{n % 100:02d}"} for n in range(24)]
    batches = [b"####".join(json.dumps(r).encode() for r in receipts[i:i + 6]) for i in range(0, 24, 6)]
    answer = firehose.put_record_batch(DeliveryStreamName=receipts_stream, Records=[{"Data": b} for b in batches])
    assert (answer["FailedPutCount"], len(answer["RequestResponses"])) == (0, 4)
    sent = datetime.datetime.now(datetime.timezone.utc)
    clock(61)

    keys = wait_for(lambda: keys_under(s3, bucket, "receipts/"))
    day = f"day-{sent.timetuple().tm_yday}"
    assert sorted(k.rsplit("/", 1)[0] for k in keys) == [f"receipts/store={s}/{day}" for s in (100, 101, 102)]
    assert all(re.fullmatch(rf"receipts/store=\d+/{day}/{receipts_stream}-1-\d{{4}}(-\d\d){{5}}-{UUID}\.ndjson\.gz",
                            k) for k in keys), keys
    for key in keys:
        store = int(key.split("/")[1].removeprefix("store="))
        body = gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        assert body == b"".join(json.dumps(r).encode() + b"\n" for r in receipts if r["store"] == store)
    assert keys_under(s3, bucket, "receipts-errors/") == []
