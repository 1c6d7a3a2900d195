"""What other services may ask of Kinesis: Firehose reading a stream as its source,
and services that write change records into a stream (DynamoDB's Kinesis destination).

Reads follow resharding on their own: a reader keeps one checkpoint per shard and is
handed the records of every shard whose parents are finished, so each record comes
back exactly once and in order per partition key.
"""
from lakebox.services.kinesis import encryption, lookup, model, records, store


class StreamGone(Exception):
    """The stream does not exist (any more)."""


class StreamLocked(StreamGone):
    """The stream is encrypted under a KMS key that cannot be used now (disabled, pending
    deletion, deleted): nothing can be written to it or read from it. `code` is the
    Kinesis error (`KMSDisabledException`, ...), the message KMS's."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


class _locked_as_failure:
    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if isinstance(error, encryption.KMS_ERRORS):
            raise StreamLocked(error.code, error.message or "") from None
        return False


def stream_status(state, stream_arn: str) -> str | None:
    """CREATING / UPDATING / ACTIVE, or None when there is no such stream."""
    stream = _stream(state, stream_arn)
    return lookup.status_of(stream, _now_ms(state)) if stream else None


def put_records(state, stream_arn: str, entries: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    """Append (partition_key, data) records as PutRecords would, without rate limits
    (service-to-service traffic is not a client's). Returns (shard_id, sequence_number)
    per record, in order."""
    stream = _stream(state, stream_arn)
    if stream is None:
        raise StreamGone(stream_arn)
    shard_for = records.router(state.db, stream).shard_for
    shards = [shard_for(model.hash_key_of(key)) for key, _ in entries]
    batches = {}
    for index, entry in zip(shards, entries):
        batches.setdefault(index, []).append(entry)
    with _locked_as_failure():
        firsts = records.append(state, stream, batches, _now_ms(state))
    salt = model.stream_salt(stream["created_ms"])
    taken = {index: 0 for index in batches}
    placed = []
    for index in shards:
        placed.append((model.shard_id(index), model.sequence_number(salt, index, firsts[index] + taken[index])))
        taken[index] += 1
    return placed


def latest_checkpoints(state, stream_arn: str) -> dict:
    """Checkpoints at the tip of every shard (LATEST): handed to `read_new_records`, they
    read only records put after this call. A shard with no records yet gets None, which
    reads from its start: everything it will ever hold comes later."""
    stream = _stream(state, stream_arn)
    if stream is None:
        raise StreamGone(stream_arn)
    salt = model.stream_salt(stream["created_ms"])
    return {model.shard_id(s["shard_index"]): (model.sequence_number(salt, s["shard_index"], s["last_counter"])
                                               if s["last_counter"] else None)
            for s in store.shards(state.db, stream["uid"])}


def read_new_records(state, stream_arn: str, checkpoints: dict, limit: int = 10_000):
    """Records after `checkpoints` ({shard_id: last sequence number read, or None for
    TRIM_HORIZON}) across all readable shards, children only once their parents are
    done. Returns (records, new_checkpoints); each record is a dict with ShardId,
    SequenceNumber, PartitionKey, Data and ApproximateArrivalTimestamp (epoch s)."""
    stream = _stream(state, stream_arn)
    if stream is None:
        raise StreamGone(stream_arn)
    now = _now_ms(state)
    salt = model.stream_salt(stream["created_ms"])
    checkpoints, found = dict(checkpoints), []
    rows = [s for s in store.shards(state.db, stream["uid"]) if not lookup.shard_expired(s, stream, now)]
    known = {s["shard_index"] for s in rows}
    done = {s["shard_index"] for s in rows if _finished(s, checkpoints)}
    for shard in rows:
        parents = [p for p in (shard["parent_index"], shard["adjacent_parent_index"]) if p in known]
        if shard["shard_index"] in done or any(p not in done for p in parents) or len(found) >= limit:
            continue
        after = _after_counter(checkpoints.get(model.shard_id(shard["shard_index"])))
        with _locked_as_failure():
            batch = records.read_batch(state, stream, shard, after, limit - len(found), now)
        for record in batch.records:
            found.append(dict(record, ShardId=model.shard_id(shard["shard_index"])))
        checkpoints[model.shard_id(shard["shard_index"])] = model.sequence_number(salt, shard["shard_index"],
                                                                                  batch.after_counter)
    return found, checkpoints


def _finished(shard, checkpoints) -> bool:
    """A closed shard whose checkpoint reached its last record."""
    if shard["closed_ms"] is None:
        return False
    return _after_counter(checkpoints.get(model.shard_id(shard["shard_index"]))) >= shard["last_counter"]


def _after_counter(sequence: str | None) -> int:
    parts = model.parse_sequence_number(sequence) if sequence else None
    return parts.counter if parts else 0


def _stream(state, stream_arn):
    parts = lookup.parse_stream_arn(stream_arn)
    if parts is None:
        return None
    region, account, name = parts
    return store.stream_by_name(state.db, account, region, name)


def _now_ms(state) -> int:
    return int(state.clock.now() * 1000)
