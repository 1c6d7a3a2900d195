"""Delivering a stream's buffer to S3: one flush takes the oldest buffered records (up
to the buffer size), processes them, groups them by partition, encodes and compresses
each group into an object, and commits.

The commit is one transaction: the objects become visible in S3 and the delivered
records leave the buffer together, so a `kill -9` at any moment either delivered the records
(and they are gone from the buffer) or did not (and the next flush after restart
delivers them): exactly once. Object keys carry a fresh UUID, so a flush that died
before its commit leaves nothing behind but temp files.

`build` is pure work (reads through any database handle, writes temp files): small
flushes run it on the loop inside the scheduler job; big ones, format conversion,
Lambda processors and HTTP endpoints run it on the worker facility (`state.work`) and
commit on the loop.
"""
import base64
import bisect
import itertools
import json
import os
from dataclasses import dataclass, field

from lakebox.aws.errors import ServiceError
from lakebox.services.firehose import (
    buffer, config, convert, encode, http, iceberg, prefixes, processing, segments, store)
from lakebox.services.s3 import public as s3
from lakebox.services.sts import public as sts

MIB = 1024 * 1024
READ_PAGE = 200
MAX_ACTIVE_PARTITIONS = 500
MAX_KEY_BYTES = 1024                 # S3's limit on a key
# the Content-Type of every object Firehose puts (radkawar/stackd's docs/firehose.md on its
# s3_delivery/formatting captures: "Objects use application/octet-stream")
OBJECT_TYPE = "application/octet-stream"
# the Content-Encoding of a compressed object, by its codec (the same captures: "GZIP uses
# .gz/gzip; ZIP ... .zip/zip; Snappy ... .snappy/snappy-java; HADOOP_SNAPPY ...
# .snappy/hadoop-snappy"); uncompressed and converted (Parquet/ORC) objects carry none
ENCODINGS = {"GZIP": "gzip", "ZIP": "zip", "Snappy": "snappy-java", "HADOOP_SNAPPY": "hadoop-snappy"}
NAME_BYTES = 64 + 1 + 10 + 20 + 36 + 128   # <stream>-<version>-<time>-<uuid><extension>, at most
UNSERVED_KINDS = {"Redshift": "redshift", "Elasticsearch": "elasticsearch", "Amazonopensearchservice":
                  "AmazonOpenSearchService", "Splunk": "splunk", "AmazonOpenSearchServerless":
                  "AmazonOpenSearchServerless", "Snowflake": "snowflake"}


@dataclass
class Delivery:
    """What one flush made: objects to put, and how far into the buffer they deliver
    (through chunk `last_id`, of which the first `last_records` records, `last_bytes`
    bytes)."""
    uid: int
    last_id: int
    last_records: int
    last_bytes: int
    objects: list = field(default_factory=list)       # (bucket, key, temp path, encryption, encoding)
    failed: tuple | None = None        # (code, message) when the destination refused the records
    iceberg: list | None = None        # Iceberg: (database, table, operation, record) written at commit
    retry_seconds: int = 0             # how long a refused delivery is retried
    lane: int = 0                      # the buffer delivered from: 1 the S3 backup's (buffer.BACKUP)


def build(db, blobs, read, stream, now_ms: int, env: processing.Invocation,
          catalog: "Catalog | None" = None, lane: int = 0) -> Delivery | None:
    """Read the oldest buffered records of `stream` (up to its buffer size) and write the
    objects they make into temp files. `read` reads the stream's buffer log
    (`segments.reader`); `env` tells Lambda processors where handlers are; `catalog` is
    the Glue table of a converting destination, read beforehand on the loop. Lane 1 is
    the S3 backup's buffer: its records, as they came, make the backup's object."""
    destination = json.loads(stream["destination"])
    s3_config = config.s3_settings(destination)
    limit = buffer.settings(stream, lane)[0]
    spans, delivery = _take(db, stream["uid"], limit, read, lane)
    if not spans:
        return None
    delivery.lane = lane
    writer = _Writer(blobs, stream, destination, delivery, catalog)
    if lane == buffer.BACKUP:       # (a destination no longer backing up lets the records go)
        records = [processing.Record(bytes(record), span.arrival_ms, kinesis=metadata)
                   for span in spans for record, metadata in span.records()]
        if buffer.backs_up(stream):
            writer.backup(_kpl_records(records) if stream["stream_type"] == "KinesisStreamAsSource" else records)
        return delivery
    if _as_sent(stream, destination) and writer.whole(spans):
        return delivery
    records = [processing.Record(bytes(record), span.arrival_ms, kinesis=metadata)
               for span in spans for record, metadata in span.records()]
    records = _kpl_records(records) if stream["stream_type"] == "KinesisStreamAsSource" else records
    if destination["kind"] in UNSERVED_KINDS:
        reason = (f"lakebox does not serve the {destination['kind']} destination yet; the records were "
                  f"written to the S3 backup.")
        writer.errors([processing.Failure(r, f"{UNSERVED_KINDS[destination['kind']]}-failed",
                                          f"{destination['kind']}.NotServed", reason) for r in records], now_ms)
        return delivery
    if destination["kind"] == "HttpEndpoint":
        return _to_http_endpoint(writer, delivery, destination, records, now_ms, env)
    if destination["kind"] == "Iceberg":
        processed, failures = processing.process([_copy(r) for r in records],
                                                 processing.processors_of(destination["config"]), env)
        delivery.iceberg = iceberg.route(processed, destination["config"], failures)
        writer.errors(failures, now_ms)
        return delivery
    processed, failures = processing.process([_copy(r) for r in records],
                                             processing.processors_of(s3_config), env)
    if config.dynamic(s3_config):
        processed = _keyed(processed, s3_config.get("Prefix"), failures)
    groups, overflow = _partitions(processed)
    failures += [processing.Failure(r, "activePartitionExceeded", "DynamicPartitioning.ActivePartitionsExceeded",
                                    f"The number of active partitions exceeded {MAX_ACTIVE_PARTITIONS}.")
                 for r in overflow]
    for keys, group in groups.items():
        failures += writer.data(group, dict(keys))
    writer.errors(failures, now_ms)
    return delivery


def _to_http_endpoint(writer, delivery, destination, records, now_ms, env):
    """POST the processed records; all of them also go to S3 with AllData, and, once
    retries are over (decided at commit), the failed ones to the error prefix."""
    settings = destination["config"]
    processed, failures = processing.process([_copy(r) for r in records], processing.processors_of(settings), env)
    if settings.get("S3BackupMode") == "AllData":
        writer.raw(records)
    writer.errors(failures, now_ms)
    failed = http.post(settings, env.stream_arn, [r.data for r in processed], now_ms) if processed else None
    if failed is not None:
        delivery.failed = failed
        delivery.retry_seconds = (settings.get("RetryOptions") or {}).get("DurationInSeconds", 300)
        writer.errors([processing.Failure(r, "http-endpoint-failed", *failed) for r in processed], now_ms)
    return delivery


@dataclass
class Catalog:
    """The Glue table a converting destination names: its document, or why it could not be read."""
    settings: dict                      # the destination's SchemaConfiguration
    table: dict | None = None
    problem: str | None = None


@dataclass
class Span:
    """Consecutive buffered records of one chunk: their bytes, one after the other, and,
    read from a Kinesis source, each one's [shard id, sequence number, partition key]."""
    arrival_ms: int
    data: bytes
    lengths: list
    kinesis: list | None = None

    def records(self):
        """Each record's bytes (memoryviews of `data`) and its Kinesis metadata
        (shard id, sequence number, partition key, subsequence number 0) or None."""
        view, position = memoryview(self.data), 0
        for index, length in enumerate(self.lengths):
            yield view[position:position + length], (*self.kinesis[index], 0) if self.kinesis else None
            position += length


def _as_sent(stream, destination) -> bool:
    """Whether the records go to S3 exactly as they were put: one object of their bytes,
    with no processing, partitioning, conversion or backup, so no record needs handling
    of its own (the bulk of DirectPut traffic, delivered without a Python object per record)."""
    settings = destination["config"]
    return (destination["kind"] in config.S3_KINDS and stream["stream_type"] == "DirectPut"
            and not processing.processors_of(settings) and not config.dynamic(settings)
            and not (settings.get("DataFormatConversionConfiguration") or {}).get("Enabled")
            and settings.get("S3BackupMode", "Disabled") != "Enabled")


def _take(db, uid: int, limit: int, read, lane: int = 0):
    """The oldest buffered records, `limit` bytes of them (at least one record: the one
    that reaches the limit is taken whole), as Spans, and the Delivery that marks them
    delivered."""
    spans, size, after = [], 0, 0
    while True:
        page = store.chunks_from(db, uid, after, READ_PAGE, lane)
        for chunk in page:
            lengths, data = store.pending(chunk, read)
            kinesis = store.pending_kinesis(chunk)
            if size + len(data) >= limit:
                count = bisect.bisect_left(list(itertools.accumulate(lengths)), limit - size) + 1
                taken = sum(lengths[:count])
                spans.append(Span(chunk["arrival_ms"], data[:taken], lengths[:count], kinesis and kinesis[:count]))
                return spans, Delivery(uid, chunk["id"], chunk["delivered"] + count,
                                       chunk["delivered_bytes"] + taken)
            spans.append(Span(chunk["arrival_ms"], data, lengths, kinesis))
            size += len(data)
            last = (chunk["id"], chunk["count"], chunk["size"])
        if len(page) < READ_PAGE:
            break
        after = page[-1]["id"]
    if not spans:
        return [], None
    return spans, Delivery(uid, *last)


def _copy(record):
    return record.derived(record.data)


def _kpl_records(records):
    out = []
    for record in records:
        parts = processing.deaggregate_kpl_keyed(record.data)
        if parts is None:
            out.append(record)
        else:
            # the user records of one Kinesis record: its shard and sequence number, their
            # own partition keys, numbered by subsequence
            out.extend(processing.Record(part, record.arrival_ms, kinesis=record.kinesis and (
                           record.kinesis[0], record.kinesis[1], key or record.kinesis[2], index))
                       for index, (key, part) in enumerate(parts))
    return out


def _keyed(records, prefix, failures):
    """The records that have every partition key the Prefix names; the others go to error
    output, as records whose keys Firehose "fails to extract" or whose prefix it fails "to
    evaluate" do (the guide's dynamic partitioning troubleshooting page)."""
    named = [(namespace, key) for namespace, key in prefixes.expressions(prefix)
             if namespace.startswith("partitionKeyFrom")]
    out = []
    for record in records:
        missing = [f"!{{{namespace}:{key}}}" for namespace, key in named if (namespace, key) not in record.keys]
        if missing:
            failures.append(processing.Failure(
                record, "processing-failed", "DynamicPartitioning.MetadataExtractionFailed",
                f"No value was extracted for {', '.join(dict.fromkeys(missing))} of the Prefix."))
            continue
        out.append(record)
    return out


def _partitions(records):
    """Records grouped by their partition keys, in first-seen order; records of partitions
    past the active-partition limit come back separately."""
    groups, overflow = {}, []
    for record in records:
        keys = tuple(sorted(record.keys.items()))
        if keys not in groups and len(groups) >= MAX_ACTIVE_PARTITIONS:
            overflow.append(record)
            continue
        groups.setdefault(keys, []).append(record)
    return groups, overflow


class _Writer:
    """Turns groups of records into temp files named for their S3 keys."""

    def __init__(self, blobs, stream, destination, delivery, catalog):
        self.blobs, self.stream, self.delivery, self.catalog = blobs, stream, delivery, catalog
        self.kind = destination["kind"]
        self.config = config.s3_settings(destination)
        self.zone = prefixes.time_zone(destination["config"].get("CustomTimeZone"))
        conversion = self.config.get("DataFormatConversionConfiguration") or {}
        self.conversion = conversion if conversion.get("Enabled") else None

    def whole(self, spans) -> bool:
        """One object of the spans' bytes as they are; False (nothing written) when its
        key would be too long, for the record-by-record path to send them to error output."""
        oldest = min(span.arrival_ms for span in spans)
        prefix = prefixes.evaluate(self.config.get("Prefix"), oldest, self.zone)
        if len(prefix.encode()) + NAME_BYTES > MAX_KEY_BYTES:
            return False
        self._object(self.config, prefix, oldest, [span.data for span in spans], config.extension(self.config))
        return True

    def data(self, records, keys) -> list:
        """Write one partition's object; returns the records that could not be delivered
        (not converted, or partition keys that make an S3 key too long)."""
        oldest = min(r.arrival_ms for r in records)
        prefix = prefixes.evaluate(self.config.get("Prefix"), oldest, self.zone, partition_keys=keys)
        if len(prefix.encode()) + NAME_BYTES > MAX_KEY_BYTES:
            return [processing.Failure(r, "processing-failed", "S3.KeyTooLongError",
                                       f"The object key for this record would be longer than {MAX_KEY_BYTES} "
                                       f"bytes (its evaluated prefix is {len(prefix.encode())} bytes).")
                    for r in records]
        if self.conversion is None:
            self._object(self.config, prefix, oldest, b"".join(r.data for r in records),
                         config.extension(self.config))
            return []
        return self._converted(records, prefix, oldest)

    def _converted(self, records, prefix, oldest) -> list:
        if self.catalog is None or self.catalog.table is None:
            problem = self.catalog.problem if self.catalog else "The schema could not be read."
            return [self._conversion_failure(r, "DataFormatConversion.InvalidSchema", problem) for r in records]
        try:
            schema = convert.schema_of(self.catalog.table)
        except (convert.ConversionError, ValueError) as error:
            return [self._conversion_failure(r, "DataFormatConversion.InvalidSchema", str(error)) for r in records]
        deserializer = convert.Deserializer(
            (self.conversion.get("InputFormatConfiguration") or {}).get("Deserializer") or {})
        table, bad = convert.convert([r.data for r in records], schema, deserializer,
                                     convert.text_lengths(self.catalog.table))
        failures = [self._conversion_failure(records[i], "DataFormatConversion.MalformedData", message)
                    for i, message in bad]
        if table.num_rows:
            path = self.blobs.temp_path()
            convert.write(table, (self.conversion.get("OutputFormatConfiguration") or {}).get("Serializer") or {},
                          path)
            name = prefixes.object_name(self.stream["name"], self.stream["version"], oldest,
                                        config.extension(self.config), self.zone)
            self.delivery.objects.append((config.bucket_of(self.config), prefix + name, path,
                                          config.encryption_request(self.config), None))
        return failures

    def _conversion_failure(self, record, code, message):
        schema = self.catalog.settings if self.catalog else {}
        table = {"catalogId": schema.get("CatalogId") or self.stream["account"],
                 "databaseName": schema.get("DatabaseName"), "tableName": schema.get("TableName"),
                 "region": schema.get("Region") or self.stream["region"],
                 "versionId": schema.get("VersionId", "LATEST")}
        return processing.Failure(record, "format-conversion-failed", code, message, {"dataCatalogTable": table})

    def backup(self, records):
        backup = self.config["S3BackupConfiguration"]
        oldest = min(r.arrival_ms for r in records)
        zone = self.zone
        prefix = prefixes.evaluate(backup.get("Prefix"), oldest, zone)
        compression = backup.get("CompressionFormat", "UNCOMPRESSED")
        self._object(backup, prefix, oldest, b"".join(r.data for r in records), config.EXTENSIONS[compression],
                     compression)

    def raw(self, records):
        """Source records as they came, under the S3 settings' prefix (AllData backups)."""
        oldest = min(r.arrival_ms for r in records)
        prefix = prefixes.evaluate(self.config.get("Prefix"), oldest, self.zone)
        self._object(self.config, prefix, oldest, b"".join(r.data for r in records),
                     config.EXTENSIONS[self.config.get("CompressionFormat", "UNCOMPRESSED")])

    def errors(self, failures, now_ms, error_prefix: str | None = None):
        """Error records by their error output type, under `error_prefix` when given,
        else the S3 settings' ErrorOutputPrefix."""
        error_prefix = error_prefix or self.config.get("ErrorOutputPrefix")
        by_type = {}
        for failure in failures:
            by_type.setdefault(failure.error_type, []).append(failure)
        for error_type, group in by_type.items():
            oldest = min(f.record.arrival_ms for f in group)
            prefix = prefixes.error_prefix(self.config.get("Prefix"), error_prefix, oldest, self.zone, error_type)
            body = b"".join(_error_line(f, now_ms) for f in group)
            self._object(self.config, prefix, oldest, body, "", "UNCOMPRESSED")

    def _object(self, target, prefix, oldest_ms, body, extension, compression=None):
        """Write one object's temp file; `body` is its bytes, or a list of parts to join
        (written one by one when uncompressed, never copied into one buffer)."""
        compression = compression or target.get("CompressionFormat", "UNCOMPRESSED")
        name = prefixes.object_name(self.stream["name"], self.stream["version"], oldest_ms, extension, self.zone)
        parts = body if isinstance(body, list) else [body]
        if compression != "UNCOMPRESSED":
            parts = [encode.compress(b"".join(parts), compression, name.removesuffix(extension) if extension else name)]
        path = self.blobs.temp_path()
        with open(path, "wb") as f:
            f.writelines(parts)
        self.delivery.objects.append((config.bucket_of(target), prefix + name, path, config.encryption_request(target),
                                      ENCODINGS.get(compression)))


def _error_line(failure, now_ms: int) -> bytes:
    """One error record as Firehose writes it: compact JSON (no spaces, as the objects
    AWS wrote and users recorded read: `{"attemptsMade":1,"arrivalTimestamp":...}`), then
    a newline."""
    return json.dumps(_error_document(failure, now_ms), separators=(",", ":")).encode() + b"\n"


def _error_document(failure, now_ms: int) -> dict:
    """The documented error record: processing failures name `errorCode`; format
    conversion failures `lastErrorCode` and the Glue table they were converted against."""
    raw = base64.b64encode(failure.record.raw()).decode()
    if failure.error_type == "format-conversion-failed":
        # a record read from a Kinesis stream names its sequence number (the documented
        # schema's sequenceNumber, as a recorded error object shows it)
        sequence = {"sequenceNumber": failure.record.kinesis[1]} if failure.record.kinesis else {}
        return {"attemptsMade": 1, "arrivalTimestamp": failure.record.arrival_ms, "lastErrorCode": failure.code,
                "lastErrorMessage": failure.message, "attemptEndingTimestamp": now_ms, "rawData": raw,
                **sequence, **failure.extra}
    return {"attemptsMade": 1, "arrivalTimestamp": failure.record.arrival_ms, "errorCode": failure.code,
            "errorMessage": failure.message, "attemptEndingTimestamp": now_ms, "rawData": raw, **failure.extra}


def commit(state, stream, delivery: Delivery, now_ms: int) -> bool:
    """Put the objects and mark the records delivered, together. False (nothing done but a
    failure noted on the stream, the records kept for a retry) when a bucket is missing,
    or the destination refused the records and its retry duration has not passed."""
    details = _s3_refusal(state, delivery)
    if details:
        since = _own_failure(stream, delivery).get("since_ms", now_ms)
        if now_ms - since < S3_RETRY_MS:
            return _retry_later(state, stream, delivery, now_ms, details)
        return _give_up(state, stream, delivery, since, details)
    if delivery.failed is not None:
        since = _own_failure(stream, delivery).get("since_ms", now_ms)
        if now_ms - since < delivery.retry_seconds * 1000:
            return _retry_later(state, stream, delivery, now_ms, f"{delivery.failed[0]}: {delivery.failed[1]}")
    with state.db.transaction():
        if delivery.iceberg:    # the tables' snapshots commit with the records' leaving the buffer
            _to_iceberg(state, stream, delivery, now_ms)
        writer = _writer_session(stream)
        for bucket, key, path, encrypted, encoding in delivery.objects:
            s3.put_file(state, bucket, key, path, OBJECT_TYPE, request=encrypted, session=writer,
                        content_encoding=encoding)
        store.mark_delivered(state.db, delivery.uid, delivery.last_id, delivery.last_records, delivery.last_bytes,
                             delivery.lane)
        if _own_failure(stream, delivery):
            store.set_failure(state.db, delivery.uid, None)
    segments.drop_before(state, stream, store.first_segment(state.db, delivery.uid))
    return True


def _own_failure(stream, delivery) -> dict:
    """The stream's noted delivery failure when it is this delivery's lane's (a stream keeps
    one: the destination's and the S3 backup's deliveries do not clear each other's)."""
    failure = store.loads(stream["failure"]) or {}
    return failure if failure.get("lane", 0) == delivery.lane else {}


def _to_iceberg(state, stream, delivery, now_ms: int):
    """Write the routed records into their Iceberg tables; those that could not be go to
    the error output (under their table's S3ErrorOutputPrefix when it has one)."""
    destination = json.loads(stream["destination"])
    failed = iceberg.deliver(state, stream, destination["config"], delivery.iceberg)
    delivery.iceberg = None
    writer = _Writer(state.blobs, stream, destination, delivery, None)
    for error_prefix, failures in failed.items():
        writer.errors(failures, now_ms, error_prefix)


def _writer_session(stream) -> dict | None:
    """Firehose puts objects as the S3 destination's role, in a session it names
    `AWSFirehoseToS3` (S3's events name it `AWS:<role id>:AWSFirehoseToS3`)."""
    role = config.s3_settings(json.loads(stream["destination"])).get("RoleARN")
    return sts.acting_session(role, "AWSFirehoseToS3") if role else None


def _s3_refusal(state, delivery) -> str | None:
    """Why S3 would refuse the objects now, as the delivery error says it: a bucket that
    is missing, or a KMS key the destination names that cannot be used (disabled,
    deleted). None when every object can be put."""
    missing = sorted({o[0] for o in delivery.objects if not s3.bucket_exists(state, o[0])})
    if missing:
        return f"S3.NoSuchBucket: The specified bucket does not exist ({missing[0]})."
    for bucket, _, _, encrypted, _ in delivery.objects:
        if encrypted:
            try:
                s3.check_write_request(state, bucket, encrypted)
            except ServiceError as refused:
                return f"S3.{refused.code}: {refused.message}"
    return None


def _give_up(state, stream, delivery, since: int, details: str) -> bool:
    """S3 was unreachable for longer than Firehose keeps data (24 hours): the records go."""
    discard(delivery)
    with state.db.transaction():
        store.mark_delivered(state.db, delivery.uid, delivery.last_id, delivery.last_records, delivery.last_bytes,
                             delivery.lane)
        store.set_failure(state.db, delivery.uid, {
            "Type": "UNKNOWN_ERROR", "since_ms": since,
            "Details": f"{details} Records older than the 24-hour retry period were discarded.", "lane": delivery.lane})
    segments.drop_before(state, stream, store.first_segment(state.db, delivery.uid))
    return True


def _retry_later(state, stream, delivery, now_ms, details: str) -> bool:
    discard(delivery)
    since = _own_failure(stream, delivery).get("since_ms", now_ms)
    store.set_failure(state.db, delivery.uid, {
        "Type": "UNKNOWN_ERROR", "Details": f"{details} Records are kept in the buffer and delivery is retried.",
        "since_ms": since, "lane": delivery.lane}, now_ms + RETRY_MS)
    return False


RETRY_MS = 5_000                    # Firehose retries S3 every 5 seconds,
S3_RETRY_MS = 24 * 3_600_000        # for up to 24 hours, then discards the data


def discard(delivery: Delivery | None):
    if delivery is None:
        return
    for _, _, path, *_ in delivery.objects:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
