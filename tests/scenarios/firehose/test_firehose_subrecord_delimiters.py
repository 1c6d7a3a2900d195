"""RecordDeAggregation with SubRecordType DELIMITED: "This custom delimiter must be a
base-64 encoded string" (the guide's page on dynamic partitioning of aggregated data,
whose example is #### given as IyMjIw==). A delimiter that is not base64 is refused when
the stream is created (AWS's words for it are not recorded: only the code is asserted),
where it used to fail every flush of the stream; base64 without its padding is taken, as
Java's decoder takes it."""

import pytest

from firehose_helpers import partitioned, processor, wait_for_objects

pytestmark = pytest.mark.local_only      # the clock is moved to flush


def delimited(delimiter):
    return partitioned("p/k=!{partitionKeyFromQuery:k}/", "e/!{firehose:error-output-type}/",
                       processor("RecordDeAggregation", SubRecordType="DELIMITED", Delimiter=delimiter),
                       processor("MetadataExtraction", MetadataExtractionQuery="{k: .k}", JsonParsingEngine="JQ-1.6"))


@pytest.mark.parametrize("delimiter", ["####", "!!", "a"])
def test_a_delimiter_that_is_not_base64_is_refused(firehose, make_stream, delimiter):
    with pytest.raises(firehose.exceptions.InvalidArgumentException) as raised:
        make_stream(**delimited(delimiter))
    assert "Delimiter" in raised.value.response["Error"]["Message"]


def test_unpadded_base64_splits_on_the_decoded_delimiter(firehose, s3, bucket, make_stream, clock):
    name = make_stream(**delimited("IyMjIw"))
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b'{"k":"a","n":1}####{"k":"b"}####{"k":"a","n":2}'})
    clock(61)
    found = wait_for_objects(s3, bucket, "p/", count=2)
    assert {key.split("/")[1]: body for key, body in found.items()} == {
        "k=a": b'{"k":"a","n":1}{"k":"a","n":2}', "k=b": b'{"k":"b"}'}
    assert wait_for_objects(s3, bucket, "e/", timeout=1) == {}
