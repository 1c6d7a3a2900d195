"""Record processing before delivery, in Firehose's own order whatever order the
destination lists its processors in ("Data entering Firehose is processed in the
following order: Deaggregation -> Data transformation via Lambda -> Partitioning Keys",
the guide's page on dynamic partitioning of aggregated data): `Decompression` (GZIP),
`CloudWatchLogProcessing` (log events' messages), `RecordDeAggregation` (JSON or
delimited sub-records), `Lambda` (`lambdas.py`), `MetadataExtraction` (JQ queries whose
results are the dynamic partition keys), and last `AppendDelimiterToRecord` (a delimiter
between the records of a delivered object). Records from a Kinesis source that the KPL
aggregated are de-aggregated first, as Firehose always does.

A record that a processor cannot handle becomes an error record (the documented JSON
document, base64 `rawData`) delivered under the error prefix instead of blocking others.
"""
import gzip
import hashlib
import json
from dataclasses import dataclass, field

import jq

from lakebox.services.firehose import config, lambdas

KPL_MAGIC = b"\xf3\x89\x9a\xc2"
ORDER = ("Decompression", "CloudWatchLogProcessing", "RecordDeAggregation", "Lambda", "MetadataExtraction",
         "AppendDelimiterToRecord")


@dataclass
class Record:
    data: bytes
    arrival_ms: int
    keys: dict = field(default_factory=dict)      # (namespace, name) -> partition key value
    # the bytes as they arrived, once `Decompression` replaced them: a later failure is
    # delivered "in compressed format" (the guide's decompression troubleshooting page);
    # once `AppendDelimiterToRecord` added its delimiter, the record without it
    received: bytes | None = None
    # read from a Kinesis source: (shard id, sequence number, partition key, subsequence number)
    kinesis: tuple | None = None

    def derived(self, data: bytes, keys: dict | None = None) -> "Record":
        """A record made from this one by a processor: same arrival, keys, received bytes
        and Kinesis metadata."""
        return Record(data, self.arrival_ms, dict(self.keys) if keys is None else keys, self.received, self.kinesis)

    def raw(self) -> bytes:
        """What an error record's `rawData` holds."""
        return self.data if self.received is None else self.received


@dataclass
class Failure:
    record: Record
    error_type: str                                # !{firehose:error-output-type}
    code: str
    message: str
    extra: dict = field(default_factory=dict)      # more members of its error document


@dataclass
class Invocation:
    """What processors that call out need to know: where Lambda handlers live, and the
    stream they work for."""
    functions_dir: str | None
    stream_arn: str
    region: str
    source_arn: str | None = None      # the Kinesis stream a KinesisStreamAsSource stream reads


def process(records: list[Record], processors: list[dict], env: Invocation) -> tuple[list[Record], list[Failure]]:
    failures, delimited = [], False
    for processor in sorted(processors, key=lambda p: ORDER.index(p["Type"]) if p["Type"] in ORDER else len(ORDER)):
        if processor["Type"] == "AppendDelimiterToRecord":
            if delimited:       # listed twice, the delimiter is still added once (the formatting capture)
                continue
            delimited = True
        if processor["Type"] == "Lambda":
            records = lambdas.transform(records, processor["params"], failures, env)
            continue
        records = _STEPS[processor["Type"]](records, processor["params"], failures)
    return records, failures


def _deaggregate_json(records, params, failures):
    kind = params.get("SubRecordType", "JSON")
    out = []
    for record in records:
        if kind == "DELIMITED":
            delimiter = config.subrecord_delimiter(params)
            for escaped, char in ((b"\\n", b"\n"), (b"\\t", b"\t"), (b"\\r", b"\r")):
                delimiter = delimiter.replace(escaped, char)
            parts = [p for p in record.data.split(delimiter) if p]
        else:
            parts = _json_documents(record.data)
            if parts is None:
                failures.append(Failure(record, "processing-failed", "RecordDeAggregation.InvalidRecord",
                                        "The record is not a sequence of JSON documents."))
                continue
        out.extend(record.derived(part) for part in parts)
    return out


def _json_documents(data: bytes) -> list[bytes] | None:
    """Split concatenated JSON documents (`{..}{..}` or one per line)."""
    decoder = json.JSONDecoder()
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return None
    parts, position = [], 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return parts
        try:
            _, end = decoder.raw_decode(text, position)
        except ValueError:
            return None
        parts.append(text[position:end].encode())
        position = end


def _extract_metadata(records, params, failures):
    query = jq.compile(params["MetadataExtractionQuery"])
    out = []
    for record in records:
        try:
            found = query.input_value(json.loads(record.data)).first()
        except (ValueError, StopIteration):
            found = None
        if not isinstance(found, dict) or not found or any(v is None or isinstance(v, (dict, list))
                                                            for v in found.values()):
            failures.append(Failure(record, "processing-failed", "DynamicPartitioning.MetadataExtractionFailed",
                                    "Non JSON record provided or the partition keys could not be extracted."))
            continue
        for name, value in found.items():
            record.keys[("partitionKeyFromQuery", name)] = _key_text(value)
        out.append(record)
    return out


def _key_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append_delimiter(records, params, failures):
    delimiter = b"\n"                  # it takes no parameters: always a newline
    for record in records:
        if record.received is None:     # a later failure's rawData is the record, not the delimiter
            record.received = record.data
        record.data += delimiter
    return records


def _decompress(records, params, failures):
    """`Decompression` (CompressionFormat GZIP): records as CloudWatch Logs subscriptions send them."""
    out = []
    for record in records:
        try:
            record.received, record.data = record.raw(), gzip.decompress(record.data)
        except (OSError, EOFError):
            # "delivered to an S3 bucket prefix called decompression-failed" (decomp-faq)
            failures.append(Failure(record, "decompression-failed", "Decompression.InvalidRecord",
                                    "The record is not GZIP data."))
            continue
        if not _json(record.data):
            # what is decompressed must be JSON (a Logs subscription's), else it fails as
            # undecompressable data does (radkawar/stackd docs/firehose.md on its
            # logs_processing capture: "Malformed gzip/JSON ... produce decompression-failed")
            failures.append(Failure(record, "decompression-failed", "Decompression.InvalidRecord",
                                    "The decompressed record is not JSON."))
            continue
        out.append(record)
    return out


def _json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def _cloudwatch_logs(records, params, failures):
    """`CloudWatchLogProcessing` with DataMessageExtraction: the log events' messages, one
    per line; control messages (CONTROL_MESSAGE) are dropped."""
    if params.get("DataMessageExtraction", "false").lower() != "true":
        return records
    out = []
    for record in records:
        try:
            document = json.loads(record.data)
            kind, events = document.get("messageType"), document.get("logEvents") or []
        except (ValueError, AttributeError):
            kind = events = None
        if kind not in ("DATA_MESSAGE", "CONTROL_MESSAGE") or not isinstance(events, list):
            # JSON that is no Logs subscription message fails extraction, and goes where
            # failed decompressions go (the same capture: "invalid extraction envelopes
            # produce retained decompression-failed objects")
            failures.append(Failure(record, "decompression-failed", "CloudWatchLogProcessing.InvalidRecord",
                                    "The record is not a CloudWatch Logs subscription message."))
            continue
        if kind == "DATA_MESSAGE":
            data = b"".join(str(event.get("message", "")).encode() + b"\n" for event in events)
            out.append(record.derived(data))
    return out


_STEPS = {"RecordDeAggregation": _deaggregate_json, "MetadataExtraction": _extract_metadata,
          "AppendDelimiterToRecord": _append_delimiter, "Decompression": _decompress,
          "CloudWatchLogProcessing": _cloudwatch_logs}


def processors_of(destination_config: dict) -> list[dict]:
    return config.processors(destination_config.get("ProcessingConfiguration"))


# ---------------------------------------------------------------------------
# KPL aggregated records (Kinesis sources)

def deaggregate_kpl(data: bytes) -> list[bytes] | None:
    """The user records of a KPL aggregated record, or None when `data` is not one
    (magic, protobuf AggregatedRecord, MD5 of the protobuf)."""
    keyed = deaggregate_kpl_keyed(data)
    return None if keyed is None else [record for _, record in keyed]


def deaggregate_kpl_keyed(data: bytes) -> list[tuple[str | None, bytes]] | None:
    """(partition key, data) of each user record of a KPL aggregated record (its key from
    the aggregate's partition key table; None if the table lacks it), or None when `data`
    is not one."""
    if not data.startswith(KPL_MAGIC) or len(data) < len(KPL_MAGIC) + 16:
        return None
    body, digest = data[len(KPL_MAGIC):-16], data[-16:]
    if hashlib.md5(body).digest() != digest:
        return None
    try:
        fields = list(_fields(body))
        keys = [value.decode() for number, value in fields if number == 1]
        return [_user_record(value, keys) for number, value in fields if number == 3]
    except (IndexError, ValueError):
        return None


def _user_record(message: bytes, keys: list[str]) -> tuple[str | None, bytes]:
    index, data = None, None
    for number, value in _fields(message):
        if number == 1:
            index = value
        elif number == 3:
            data = value
    if data is None:
        raise ValueError("a KPL record without data")
    return (keys[index] if index is not None and index < len(keys) else None), data


def _fields(message: bytes):
    """(field number, value) of a protobuf message: varints as int, length-delimited as bytes."""
    position = 0
    while position < len(message):
        key, position = _varint(message, position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, position = _varint(message, position)
        elif wire == 2:
            length, position = _varint(message, position)
            value, position = message[position:position + length], position + length
        elif wire == 1:
            value, position = message[position:position + 8], position + 8
        elif wire == 5:
            value, position = message[position:position + 4], position + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, value


def _varint(data: bytes, position: int) -> tuple[int, int]:
    result, shift = 0, 0
    while True:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
