"""Dynamic partitioning whose Prefix names a partition key the records do not get: the
query does not produce it, or it is a `!{partitionKeyFromLambda:...}` key and no Lambda
function gives keys. Firehose delivers records whose keys it "fails to extract", or whose
prefix it fails "to evaluate", to the error prefix (the guide's dynamic partitioning
troubleshooting page); they used to land under the prefix with the key left empty
(`tier=/`). The error record's message is lakebox's own (no recorded AWS document)."""
import base64
import json

import pytest

from firehose_helpers import partitioned, processor, wait_for_objects

pytestmark = pytest.mark.local_only      # the clock is moved to flush

QUERY = processor("MetadataExtraction", MetadataExtractionQuery="{region: .region}", JsonParsingEngine="JQ-1.6")


def _errors(s3, bucket):
    delivered = wait_for_objects(s3, bucket, "errors/")
    return [json.loads(line) for body in delivered.values() for line in body.splitlines()]


@pytest.mark.parametrize("prefix", ["region=!{partitionKeyFromQuery:region}/tier=!{partitionKeyFromQuery:tier}/",
                                    "region=!{partitionKeyFromQuery:region}/kind=!{partitionKeyFromLambda:kind}/"])
def test_records_without_a_key_the_prefix_names_go_to_error_output(firehose, s3, bucket, make_stream, clock,
                                                                   prefix):
    name = make_stream(**partitioned(prefix, "errors/!{firehose:error-output-type}/", QUERY))
    sent = [json.dumps({"region": region, "n": n}).encode() for n, region in enumerate(["eu", "us"])]
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": data} for data in sent])
    clock(61)
    errors = _errors(s3, bucket)
    assert sorted(base64.b64decode(e["rawData"]) for e in errors) == sorted(sent)
    assert {e["errorCode"] for e in errors} == {"DynamicPartitioning.MetadataExtractionFailed"}
    assert all(key.startswith("errors/processing-failed/") for key in wait_for_objects(s3, bucket, "errors/"))
    assert wait_for_objects(s3, bucket, "region=", timeout=0) == {}
