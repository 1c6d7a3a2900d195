"""A multi-tenant SaaS partitions its usage events by tenant (`usage/tenant=<id>/`). In a
launch week one buffer holds events of 503 tenants: a delivery stream has at most 500
active partitions, so the first 500 tenants get their folders and the events of the last
three go to the error prefix under `activePartitionExceeded`, each error line holding the
event's own bytes, while a late event of a tenant that already has its partition still
lands in that tenant's folder. Their producer batches 500 events per PutRecordBatch, the
most a call takes; a 501st entry is refused before anything is buffered."""
import base64
import json
import uuid

import pytest

from trip10_firehose_helpers import active_delivery_stream, partitioned_by_query, s3_destination
from trip_helpers import error_of, keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-usage"


@pytest.fixture
def usage_stream(client, bucket):
    firehose = client("firehose")
    settings = partitioned_by_query("usage/tenant=!{partitionKeyFromQuery:tenant}/",
                                    "usage-errors/!{firehose:error-output-type}/", "{tenant: .tenant}",
                                    size_mb=128, interval=900)
    name = active_delivery_stream(firehose, f"usage-{uuid.uuid4().hex[:10]}",
                                  ExtendedS3DestinationConfiguration=s3_destination(ROLE, bucket, **settings))
    yield name
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def event(tenant, units):
    return json.dumps({"tenant": f"t{tenant:03d}", "units": units}).encode()


def test_503_tenants_in_one_buffer(client, clock, bucket, usage_stream):
    firehose, s3 = client("firehose"), client("s3")
    events = [event(t, t % 7 + 1) for t in range(503)] + [event(0, 99)]
    code, message = error_of(firehose.put_record_batch, DeliveryStreamName=usage_stream,
                             Records=[{"Data": e} for e in events[:501]])
    assert code == "ValidationException"
    assert message.endswith("at 'records' failed to satisfy constraint: Member must have length less than or "
                            "equal to 500")
    for start in (0, 500):
        answer = firehose.put_record_batch(DeliveryStreamName=usage_stream,
                                           Records=[{"Data": e} for e in events[start:start + 500]])
        assert (answer["FailedPutCount"], len(answer["RequestResponses"])) == (0, len(events[start:start + 500]))
    clock(901)

    keys = wait_for(lambda: len(found := keys_under(s3, bucket, "usage/")) >= 500 and found)
    folders = sorted({k.split("/")[1] for k in keys})
    assert folders == [f"tenant=t{t:03d}" for t in range(500)]
    first = [k for k in keys if k.startswith("usage/tenant=t000/")]
    assert b"".join(s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in first) == (
        event(0, 1) + b"\n" + event(0, 99) + b"\n")

    failed = wait_for(lambda: keys_under(s3, bucket, "usage-errors/"))
    assert {k.split("/")[1] for k in failed} == {"activePartitionExceeded"}
    documents = [json.loads(line) for k in failed for line in s3.get_object(Bucket=bucket, Key=k)["Body"].read()
                 .splitlines()]
    assert sorted(base64.b64decode(d["rawData"]) for d in documents) == [event(t, t % 7 + 1) for t in (500, 501, 502)]
