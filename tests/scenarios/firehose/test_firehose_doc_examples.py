"""The aws cli's Firehose examples, replayed as written (the stream's name adapted):
put-record of one base64 record, put-record-batch of three from a records file, and
list-delivery-streams; the answers have the fields the pages show (record ids compared by
shape), and the delivered object holds the three decoded records after the first."""
import base64
import json

import pytest

from aws_cli import answer_of, run_cli
from firehose_helpers import objects, wait_until

BATCH = [{"Data": "Rmlyc3QgdGhpbmc="}, {"Data": "U2Vjb25kIHRoaW5n"}, {"Data": "VGhpcmQgdGhpbmc="}]


def firehose_cli(lakebox_server, *args, cwd=None):
    return answer_of(run_cli(lakebox_server, "firehose", *args, cwd=cwd))


@pytest.fixture
def stream(make_stream):
    return make_stream(BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 60})


def test_put_record_and_put_record_batch_examples(lakebox_server, stream, tmp_path):
    one = firehose_cli(lakebox_server, "put-record", "--delivery-stream-name", stream,
                       "--record", '{"Data":"SGVsbG8gd29ybGQ="}')
    assert sorted(one) == ["Encrypted", "RecordId"] and one["Encrypted"] is False and one["RecordId"]
    (tmp_path / "records.json").write_text(json.dumps(BATCH))
    batch = firehose_cli(lakebox_server, "put-record-batch", "--delivery-stream-name", stream,
                         "--records", "file://records.json", cwd=tmp_path)
    assert (batch["FailedPutCount"], batch["Encrypted"]) == (0, False)
    assert [sorted(r) for r in batch["RequestResponses"]] == [["RecordId"]] * 3
    assert len({r["RecordId"] for r in batch["RequestResponses"]} | {one["RecordId"]}) == 4


def test_list_delivery_streams_example(lakebox_server, stream):
    listed = firehose_cli(lakebox_server, "list-delivery-streams", "--limit", "10000")
    assert stream in listed["DeliveryStreamNames"] and listed["HasMoreDeliveryStreams"] is False


@pytest.mark.local_only
def test_the_examples_records_are_delivered_decoded(lakebox_server, firehose, s3, bucket, stream, clock):
    firehose.put_record(DeliveryStreamName=stream, Record={"Data": base64.b64decode("SGVsbG8gd29ybGQ=")})
    firehose.put_record_batch(DeliveryStreamName=stream,
                              Records=[{"Data": base64.b64decode(r["Data"])} for r in BATCH])
    clock(61)
    assert wait_until(lambda: objects(s3, bucket))
    assert b"".join(objects(s3, bucket).values()) == b"Hello worldFirst thingSecond thingThird thing"
