"""Record processors and KPL de-aggregation."""
import hashlib

from lakebox.services.firehose import delivery, processing
from lakebox.services.firehose.processing import Record

ENV = processing.Invocation(None, "arn:aws:firehose:us-east-1:000000000000:deliverystream/s", "us-east-1")


def _varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def kpl(records: list[bytes]) -> bytes:
    body = _field(1, b"pk")
    for data in records:
        body += _field(3, _varint(0 << 3 | 0) + _varint(0) + _field(3, data))
    return processing.KPL_MAGIC + body + hashlib.md5(body).digest()


def test_kpl_records_are_deaggregated():
    assert processing.deaggregate_kpl(kpl([b"a", b"bb", b""])) == [b"a", b"bb", b""]
    assert processing.deaggregate_kpl(b"plain") is None
    broken = bytearray(kpl([b"a"]))
    broken[-1] ^= 1
    assert processing.deaggregate_kpl(bytes(broken)) is None


def test_metadata_extraction_sets_keys_and_fails_non_json():
    processors = [{"Type": "MetadataExtraction", "params": {"MetadataExtractionQuery": "{c: .customer_id}",
                                                            "JsonParsingEngine": "JQ-1.6"}},
                  {"Type": "AppendDelimiterToRecord", "params": {}}]
    records = [Record(b'{"customer_id": 7}', 1), Record(b"not json", 2), Record(b'{"other": 1}', 3)]
    done, failures = processing.process(records, processors, ENV)
    assert [(r.data, r.keys) for r in done] == [(b'{"customer_id": 7}\n', {("partitionKeyFromQuery", "c"): "7"})]
    assert [f.record.arrival_ms for f in failures] == [2, 3]
    assert {f.code for f in failures} == {"DynamicPartitioning.MetadataExtractionFailed"}


def test_json_deaggregation_splits_concatenated_documents():
    processors = [{"Type": "RecordDeAggregation", "params": {"SubRecordType": "JSON"}}]
    done, failures = processing.process([Record(b'{"a":1}{"a":2}\n{"a":3}', 1), Record(b"{bad", 2)], processors, ENV)
    assert [r.data for r in done] == [b'{"a":1}', b'{"a":2}', b'{"a":3}']
    assert len(failures) == 1


def test_at_most_500_active_partitions_per_flush():
    records = [Record(b"x", 1, {("partitionKeyFromQuery", "k"): str(i)}) for i in range(502)]
    groups, overflow = delivery._partitions(records + [Record(b"y", 2, {("partitionKeyFromQuery", "k"): "0"})])
    assert len(groups) == 500
    assert [r.keys for r in overflow] == [{("partitionKeyFromQuery", "k"): "500"},
                                          {("partitionKeyFromQuery", "k"): "501"}]
    first = ((("partitionKeyFromQuery", "k"), "0"),)
    assert [r.data for r in groups[first]] == [b"x", b"y"]


def test_cloudwatch_logs_are_decompressed_and_their_messages_extracted():
    import gzip
    import json
    message = {"messageType": "DATA_MESSAGE", "logEvents": [{"message": "first"}, {"message": "second"}]}
    control = {"messageType": "CONTROL_MESSAGE", "logEvents": []}
    processors = [{"Type": "Decompression", "params": {"CompressionFormat": "GZIP"}},
                  {"Type": "CloudWatchLogProcessing", "params": {"DataMessageExtraction": "true"}}]
    records = [Record(gzip.compress(json.dumps(m).encode()), 1) for m in (message, control)] + [Record(b"x", 2)]
    done, failures = processing.process(records, processors, ENV)
    assert [r.data for r in done] == [b"first\nsecond\n"]
    assert [f.code for f in failures] == ["Decompression.InvalidRecord"]


def test_processors_run_in_firehose_order_not_the_listed_one():
    """De-aggregation, then the partition keys, then the delimiter ("Deaggregation -> Data
    transformation via Lambda -> Partitioning Keys"), however the destination lists them."""
    processors = [{"Type": "AppendDelimiterToRecord", "params": {}},
                  {"Type": "MetadataExtraction", "params": {"MetadataExtractionQuery": "{k: .k}",
                                                            "JsonParsingEngine": "JQ-1.6"}},
                  {"Type": "RecordDeAggregation", "params": {"SubRecordType": "JSON"}}]
    done, failures = processing.process([Record(b'{"k":"a"}{"k":"b"}', 1)], processors, ENV)
    assert [(r.data, r.keys) for r in done] == [(b'{"k":"a"}\n', {("partitionKeyFromQuery", "k"): "a"}),
                                                (b'{"k":"b"}\n', {("partitionKeyFromQuery", "k"): "b"})]
    assert failures == []
