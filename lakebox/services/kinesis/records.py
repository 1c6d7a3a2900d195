"""The data plane: PutRecord, PutRecords, GetShardIterator, GetRecords."""
import logging

from lakebox.services.kinesis import access, dry_run, encryption, lookup, model, segments, store, throttle
from lakebox.services.kinesis.errors import (
    ExpiredIteratorException, InvalidArgumentException, ProvisionedThroughputExceededException,
    ResourceNotFoundException, ValidationException)

_SEQUENCE_TYPES = ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")
log = logging.getLogger("lakebox.kinesis")


# ---------------------------------------------------------------------------
# Writing


def put_record(ctx, params):
    stream = lookup.readable_stream_from(ctx, params)
    data, key = params["Data"], params.get("PartitionKey")
    if key is None:
        raise ValidationException(_keys_missing(["partitionKey"]))
    limit = stream["max_record_kib"] * 1024
    if len(data) > limit:
        raise ValidationException(_too_long(["data"], limit))
    index = router(ctx.state.db, stream).shard_for(_hash_key(params.get("ExplicitHashKey"), key))
    dry_run.check(ctx, "PutRecord")
    now = lookup.now_ms(ctx)
    if ctx.limits_on and not throttle.admit_write(ctx.state, stream, index, model.record_size(data, key), now):
        raise ProvisionedThroughputExceededException(throttle.rate_exceeded(stream, index))
    firsts = append(ctx.state, stream, {index: [(key, data)]}, now)
    salt = model.stream_salt(stream["created_ms"])
    return {"ShardId": model.shard_id(index),
            "SequenceNumber": model.sequence_number(salt, index, firsts[index]),
            **_encryption_named(stream)}


def put_records(ctx, params):
    stream = lookup.readable_stream_from(ctx, params)
    entries = params["Records"]
    shards, sizes = _place(stream, entries, router(ctx.state.db, stream).shard_for)
    dry_run.check(ctx, "PutRecords")
    now = lookup.now_ms(ctx)
    if ctx.limits_on:
        admitted = [throttle.admit_write(ctx.state, stream, index, size, now) for index, size in zip(shards, sizes)]
    else:
        admitted = [True] * len(entries)
    batches = {}
    for index, entry, ok in zip(shards, entries, admitted):
        if ok:
            batches.setdefault(index, []).append((entry["PartitionKey"], entry["Data"]))
    firsts = append(ctx.state, stream, batches, now) if batches else {}
    return {"FailedRecordCount": admitted.count(False),
            "Records": _put_results(stream, shards, admitted, batches, firsts),
            **_encryption_named(stream)}


def _encryption_named(stream) -> dict:
    """A write's answer names its EncryptionType only when it is KMS: real Kinesis answered a
    plain stream's PutRecord and PutRecords without it (radkawar/stackd records.json)."""
    return {"EncryptionType": "KMS"} if stream["encryption_type"] == "KMS" else {}


def _place(stream, entries, shard_for):
    """The shard and size of every entry, in one pass. Checks that each record's data
    is within the stream's maximum record size (AWS names every offender in one
    ValidationException) and the whole request within 10 MiB."""
    limit = stream["max_record_kib"] * 1024
    unkeyed = [f"records.{n}.member.partitionKey" for n, e in enumerate(entries, 1) if e.get("PartitionKey") is None]
    if unkeyed:
        raise ValidationException(_keys_missing(unkeyed))
    shards, sizes, too_long = [], [], []
    for number, entry in enumerate(entries, start=1):
        data, key = entry["Data"], entry["PartitionKey"]
        if len(data) > limit:
            too_long.append(f"records.{number}.member.data")
        shards.append(shard_for(_hash_key(entry.get("ExplicitHashKey"), key)))
        sizes.append(model.record_size(data, key))
    if too_long:
        raise ValidationException(_too_long(too_long, limit))
    if sum(sizes) > model.PUT_RECORDS_MAX_BYTES:
        raise InvalidArgumentException("Records size exceeds 10 MB limit")
    return shards, sizes


def append(state, stream, batches, now) -> dict:
    """Store {shard_index: [(partition_key, data), ...]}: payloads go to the stream's
    shard log in one write (sealed when the stream is encrypted), then one chunk row per
    shard commits. Returns {shard_index: first counter}."""
    sealing = encryption.sealer(state, stream)
    key_ref, seal = sealing if sealing else (None, None)
    packed = [(index, len(batch), *model.pack_chunk(batch)) for index, batch in batches.items()]
    segment, offset = segments.append(state, stream, b"".join(p[4] for p in packed), seal)
    chunks = []
    for index, count, layout, keys, payload in packed:
        chunks.append((index, count, layout, keys, segment, offset, len(payload)))
        offset += len(payload)
    return store.append_chunks(state.db, stream["uid"], chunks, now, 1 if key_ref else 0, key_ref)


def _put_results(stream, shards, admitted, batches, firsts):
    """One result per entry in request order; a shard's sequence numbers are consecutive."""
    salt = model.stream_salt(stream["created_ms"])
    numbers = {index: iter(model.sequence_numbers(salt, index, firsts[index], len(batch)))
               for index, batch in batches.items()}
    shard_ids = {index: model.shard_id(index) for index in set(shards)}
    results = []
    for index, ok in zip(shards, admitted):
        if ok:
            results.append({"ShardId": shard_ids[index], "SequenceNumber": next(numbers[index])})
        else:
            results.append({"ErrorCode": "ProvisionedThroughputExceededException",
                            "ErrorMessage": throttle.rate_exceeded(stream, index)})
    return results


def _too_long(paths, limit) -> str:
    count = len(paths)
    head = f"{count} validation error{'s' if count > 1 else ''} detected: "
    return head + "; ".join(f"Value at '{path}' failed to satisfy constraint: Member must have length "
                            f"less than or equal to {limit}" for path in paths)


def _keys_missing(paths) -> str:
    """Newer models make PartitionKey optional (for streams that distribute records
    themselves); lakebox's streams route by key, so a record needs one, in the words AWS
    used while the member was required."""
    count = len(paths)
    head = f"{count} validation error{'s' if count > 1 else ''} detected: "
    return head + "; ".join(f"Value null at '{path}' failed to satisfy constraint: Member must not be null"
                            for path in paths)


def _hash_key(explicit: str | None, partition_key: str) -> int:
    if explicit is None:
        return model.hash_key_of(partition_key)
    value = int(explicit)      # the model's pattern already made it a decimal string
    if value > model.MAX_HASH_KEY:
        raise InvalidArgumentException(
            f"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
            f"Specified value was {explicit}")
    return value


def router(db, stream) -> model.HashRouter:
    """Routes hash keys to the stream's open shards."""
    rows = store.open_shards(db, stream["uid"])
    return model.HashRouter((r["shard_index"], int(r["start_hash"]), int(r["end_hash"])) for r in rows)


# ---------------------------------------------------------------------------
# Shard iterators


def get_shard_iterator(ctx, params):
    stream = lookup.readable_stream_from(ctx, params)
    # AWS answers a dry run before it looks for the shard or the starting sequence number.
    dry_run.check(ctx, "GetShardIterator")
    shard = lookup.shard_from(ctx, stream, params["ShardId"])
    now = lookup.now_ms(ctx)
    if ctx.limits_on:
        throttle.check_shard_iterator(ctx.state, stream, shard["shard_index"], now)
    after = starting_position(ctx, stream, shard, params["ShardIteratorType"],
                              params.get("StartingSequenceNumber"), params.get("Timestamp"), "GetShardIterator")
    state = model.IteratorState(stream["uid"], model.stream_salt(stream["created_ms"]),
                                shard["shard_index"], after, now)
    return {"ShardIterator": model.encode_iterator(state)}


def starting_position(ctx, stream, shard, kind, sequence, timestamp, operation) -> int:
    """The counter after which a reader starts, for each ShardIteratorType (shared with
    SubscribeToShard's StartingPosition)."""
    _check_position_arguments(kind, sequence, timestamp, operation)
    if kind in _SEQUENCE_TYPES:
        counter = _counter_of(stream, shard, sequence, operation)
        return counter - 1 if kind == "AT_SEQUENCE_NUMBER" else counter
    if kind == "LATEST":
        return shard["last_counter"]
    if kind == "TRIM_HORIZON":
        return 0
    at_ms = int(timestamp.timestamp() * 1000)
    now_ms = lookup.now_ms(ctx)
    if at_ms > now_ms and operation == "GetShardIterator":
        # AWS's words as clients logged them (Hazelcast Jet's and Flink users' Kinesis tests)
        raise InvalidArgumentException(
            "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. "
            f"timestampInMillis: {at_ms}, currentTimestampInMillis: {now_ms}")
    return store.first_counter_at(ctx.state.db, stream["uid"], shard["shard_index"], at_ms,
                                  shard["last_counter"]) - 1


def _check_position_arguments(kind, sequence, timestamp, operation):
    # GetShardIterator names two ways (as real Kinesis answered in us-east-1, radkawar/stackd
    # testdata/aws/kinesis/records.json); SubscribeToShard's words also name AT_TIMESTAMP.
    ways = ("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or "
            "(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber")
    ways += ". " if operation == "GetShardIterator" else " or (3) AT_TIMESTAMP and Timestamp. "
    if kind in _SEQUENCE_TYPES and sequence is None:
        raise InvalidArgumentException(f"{ways}Request specified {kind} and no StartingSequenceNumber.")
    if kind not in _SEQUENCE_TYPES and sequence is not None:
        raise InvalidArgumentException(f"{ways}Request specified {kind} and also a StartingSequenceNumber.")
    if kind == "AT_TIMESTAMP" and timestamp is None:
        raise InvalidArgumentException(
            "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. "
            "Current request has no timestamp parameter.")


def _counter_of(stream, shard, sequence, operation) -> int:
    parts = model.parse_sequence_number(sequence)
    shard_text = model.shard_id(shard["shard_index"])

    def refused(why):
        return InvalidArgumentException(
            f"StartingSequenceNumber {sequence} used in {operation} on shard {shard_text} in stream "
            f"{stream['name']} under account {stream['account']} is {why}.")

    if parts is None or parts.salt != model.stream_salt(stream["created_ms"]):
        raise refused("invalid because it did not come from this stream")
    if parts.index != shard["shard_index"]:
        raise InvalidArgumentException(
            f"Invalid StartingSequenceNumber. It encodes {model.shard_id(parts.index)}, "
            f"while it was used in a call to a shard with {shard_text}")
    if parts.counter > shard["last_counter"]:
        if shard["closed_ms"] is None:      # a number this shard has not given out (yet)
            raise refused("invalid because it did not come from this stream")
        raise refused("beyond the shard's EndingSequenceNumber")
    return parts.counter


# ---------------------------------------------------------------------------
# Reading


def get_records(ctx, params):
    db = ctx.state.db
    now = lookup.now_ms(ctx)
    position = _iterator_from(params["ShardIterator"], now)
    stream = store.stream_by_uid(db, position.stream_uid)
    # An iterator belongs to its region's endpoint: another region has no such stream.
    if stream is None or model.stream_salt(stream["created_ms"]) != position.salt or stream["region"] != ctx.region:
        raise InvalidArgumentException("Invalid ShardIterator.")
    access.check(ctx, stream["account"], stream["region"], lookup.arn_of(stream))   # another account's stream
    named = lookup.parse_stream_arn(params["StreamARN"]) if params.get("StreamARN") else None
    if named and named[2] != stream["name"]:
        # radkawar/stackd testdata/aws/kinesis/dry_run.json missing-resource-dry-run-GetRecords
        raise InvalidArgumentException(
            f"Input stream name {stream['name']} doesn't match the inferred name in stream arn {named[2]}")
    dry_run.check(ctx, "GetRecords")
    shard = store.shard(db, stream["uid"], position.index)
    if shard is None or lookup.shard_expired(shard, stream, now):
        raise ResourceNotFoundException(
            f"Shard {model.shard_id(position.index)} in stream {stream['name']} under account "
            f"{stream['account']} does not exist")
    if ctx.limits_on:
        throttle.check_read(ctx.state, stream, shard["shard_index"], now)
    batch = read_batch(ctx.state, stream, shard, position.after_counter, params.get("Limit"), now)
    if ctx.limits_on:
        throttle.charge_read(ctx.state, stream, shard["shard_index"], batch.size, now)
    result = {"Records": batch.records, "MillisBehindLatest": batch.millis_behind}
    if batch.shard_ended:
        result["ChildShards"] = lookup.child_shards(db, stream, shard)
    else:
        next_state = model.IteratorState(position.stream_uid, position.salt, position.index, batch.after_counter, now)
        result["NextShardIterator"] = model.encode_iterator(next_state)
    return result


def _iterator_from(text, now):
    position = model.decode_iterator(text)
    if position is None:
        raise InvalidArgumentException("Invalid ShardIterator.")
    if model.iterator_expired(position, now):
        raise ExpiredIteratorException(
            f"Iterator expired. The iterator was created at time {model.java_date(position.issued_ms)} while right "
            f"now it is {model.java_date(now)} which is further in the future than the tolerated delay of "
            f"{model.ITERATOR_LIFETIME_MS} milliseconds.")
    return position


class Batch:
    """Records read from one shard, and where reading goes on."""
    __slots__ = ("records", "size", "after_counter", "millis_behind", "shard_ended")

    def __init__(self, records, size, after_counter, millis_behind, shard_ended):
        self.records = records
        self.size = size
        self.after_counter = after_counter
        self.millis_behind = millis_behind
        self.shard_ended = shard_ended


def read_batch(state, stream, shard, after_counter, limit, now, data_budget=None) -> Batch:
    """Up to `limit` records (and 10 MiB) after `after_counter`, skipping records past
    retention. Shared by GetRecords, SubscribeToShard and `public`. With `data_budget`,
    the records' Data alone (keys left out) is held to that many bytes instead (a
    SubscribeToShard event's); a batch always gets at least one record."""
    limit = limit or model.GET_RECORDS_DEFAULT_LIMIT
    prefix = model.sequence_prefix(model.stream_salt(stream["created_ms"]), shard["shard_index"]) * 10**28
    records, size, last_arrival, found_any = [], 0, now, False
    chunks = store.chunks_from(state.db, stream["uid"], shard["shard_index"], after_counter,
                               lookup.trim_horizon_ms(stream, now))
    opener = encryption.Opener(state, stream)
    for first, arrival_ms, encrypted, layout, keys, segment, offset, length, key_ref in chunks:
        if first + model.records_in(layout) - 1 <= after_counter:
            continue                                # the chunk the position is at the end of
        found_any = True
        stored = segments.read(state, stream, segment, offset, length)
        if len(stored) != length:       # cut from the log: lost, and never served torn
            _report_lost(state, stream, shard, segment)
            after_counter = max(after_counter, first + model.records_in(layout) - 1)
            continue
        payload = opener.plain(key_ref, segment, offset, stored)
        skip = max(after_counter + 1 - first, 0)
        remaining = model.unpack_chunk(layout, keys, payload)[skip:]
        room = limit - len(records)
        byte_room = (data_budget if data_budget is not None else model.GET_RECORDS_MAX_BYTES) - size
        counted = sum(len(data) for _, data in remaining) if data_budget is not None else None
        if len(remaining) <= room and (counted if counted is not None else len(payload) + len(keys)) <= byte_room:
            taken = remaining                       # the whole rest of the chunk fits
        else:
            taken = _take(remaining, room, byte_room, first_in_batch=not records, keys_count=data_budget is None)
        # AWS names a record's EncryptionType only when it is KMS; plain records leave it out.
        arrival, encryption_type = arrival_ms / 1000, "KMS" if encrypted else None
        records += [{"SequenceNumber": str(prefix + counter), "ApproximateArrivalTimestamp": arrival, "Data": data,
                     "PartitionKey": key, "EncryptionType": encryption_type}
                    for counter, (key, data) in enumerate(taken, start=first + skip)]
        size += sum(len(data) + (len(key) if data_budget is None else 0) for key, data in taken)
        if taken:
            after_counter, last_arrival = first + skip + len(taken) - 1, arrival_ms
        if len(records) >= limit or len(taken) < len(remaining):
            break                                   # the limit or 10 MiB stopped us inside this chunk
    if not found_any:
        # Nothing unexpired is left after the position: whatever lay before the tip has
        # passed retention, so the reader is at the tip (and a closed shard is done).
        after_counter = max(after_counter, shard["last_counter"])
    caught_up = after_counter >= shard["last_counter"]
    # Zero says "caught up, nothing new to read": a reader with records still ahead is
    # at least 1 ms behind, even when they arrived in the millisecond it reads in.
    millis_behind = 0 if caught_up else max(now - last_arrival, 1)
    shard_ended = caught_up and shard["closed_ms"] is not None
    return Batch(records, size, after_counter, millis_behind, shard_ended)


def _report_lost(state, stream, shard, segment: int):
    """Log, once per shard and segment, that records whose bytes were cut from the log are lost."""
    reported = state.cache("kinesis").setdefault("lost_segments", set())
    where = (stream["uid"], shard["shard_index"], segment)
    if where not in reported:
        reported.add(where)
        log.warning("stream %s, shard %s: records were lost: their bytes were cut from segment %d of the shard "
                    "log outside lakebox; readers skip them", stream["name"], model.shard_id(shard["shard_index"]),
                    segment)


def _take(records, room, byte_room, first_in_batch, keys_count=True):
    """The leading records that fit in `room` records and `byte_room` bytes (of data and
    keys, or of data alone); a batch always gets at least one record, however large."""
    taken, used = [], 0
    for key, data in records[:room]:
        used += len(data) + (len(key) if keys_count else 0)
        if used > byte_room and (taken or not first_in_batch):
            break
        taken.append((key, data))
    return taken
