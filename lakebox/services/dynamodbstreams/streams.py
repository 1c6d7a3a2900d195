"""The DynamoDB Streams API over DynamoDB's change records (read through
`services/dynamodb/public.py`). A stream's shards follow one another (about every four
hours, `dynamodb/stream_shards.py`), each child naming its parent; a shard is closed,
with its last sequence number, once its child opens or the stream is disabled or its
table deleted; records are kept 24 hours."""
import base64
import re
from datetime import datetime, timezone

from lakebox.services.dynamodb import public as dynamodb
from lakebox.services.dynamodbstreams.errors import (
    ExpiredIteratorException, ResourceNotFoundException, TrimmedDataAccessException, ValidationException)

_STREAM_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:([^:]+):(\d{12}):table/([a-zA-Z0-9_.-]+)/stream/(.+)$")
ITERATOR_LIFETIME_MS = 15 * 60 * 1000
LIST_DEFAULT_LIMIT = 100
GET_RECORDS_DEFAULT_LIMIT = 1000
GET_RECORDS_MAX_LIMIT = 1000        # "The upper limit is 1000" (the model itself sets only the minimum)
GET_RECORDS_MAX_BYTES = 1024 * 1024  # "a maximum of 1 MB of data or 1000 stream records, whichever comes first"


def sequence_text(seq: int) -> str:
    return f"{seq:021d}"


def shard_id(stream, opened_ms: int) -> str:
    return f"shardId-{opened_ms:020d}-{stream['uid']:08x}"


def _listed_shards(ctx, stream) -> list[dict]:
    """The shards DescribeStream lists: those still holding records kept (a closed shard
    whose records were all trimmed is gone), each with its StartingSequenceNumber."""
    first_kept = dynamodb.first_sequence(ctx.state, stream["uid"])
    floor = first_kept if first_kept is not None else stream["last_seq"] + 1
    listed = []
    for shard in dynamodb.shards(ctx.state, stream):
        if shard["last_seq"] is not None and shard["last_seq"] < floor and shard["last_seq"] >= shard["first_seq"]:
            continue
        listed.append({**shard, "start": max(shard["first_seq"], floor)})
    return listed


def _shard(ctx, stream, wanted: str) -> dict:
    for shard in _listed_shards(ctx, stream):
        if shard_id(stream, shard["opened_ms"]) == wanted:
            return shard
    raise ResourceNotFoundException("Requested resource not found: Shard does not exist")


def _find(ctx, arn):
    match = _STREAM_ARN.match(arn)
    if match is None:
        raise ValidationException(f"Invalid StreamArn: {arn}")
    region, account, table_name, label = match.groups()
    stream = dynamodb.stream(ctx.state, account, region, table_name, label)
    if stream is None:
        raise ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")
    dynamodb.check_stream_access(ctx, stream)
    return stream


def list_streams(ctx, params):
    found = dynamodb.streams(ctx.state, ctx.account, ctx.region, params.get("TableName"))
    start = params.get("ExclusiveStartStreamArn")
    if start is not None and _STREAM_ARN.match(start) is None:
        raise ValidationException(f"Invalid StreamArn: {start}")
    if start is not None:
        arns = [s["arn"] for s in found]
        found = found[arns.index(start) + 1:] if start in arns else found
    limit = params.get("Limit") or LIST_DEFAULT_LIMIT
    result = {"Streams": [{"StreamArn": s["arn"], "TableName": s["table_name"], "StreamLabel": s["label"]}
                          for s in found[:limit]]}
    if len(found) > limit:
        result["LastEvaluatedStreamArn"] = found[limit - 1]["arn"]
    return result


def describe_stream(ctx, params):
    stream = _find(ctx, params["StreamArn"])
    shards = []
    for shard in _listed_shards(ctx, stream):
        described = {"ShardId": shard_id(stream, shard["opened_ms"]),
                     "SequenceNumberRange": {"StartingSequenceNumber": sequence_text(shard["start"])}}
        if shard["last_seq"] is not None:
            described["SequenceNumberRange"]["EndingSequenceNumber"] = sequence_text(shard["last_seq"])
        if shard["parent_ms"] is not None:
            described["ParentShardId"] = shard_id(stream, shard["parent_ms"])
        shards.append(described)
    shards = _filtered(shards, params.get("ShardFilter"))
    after = params.get("ExclusiveStartShardId")
    if after is not None:
        # Shard IDs sort as the shards opened: the page starts past the given ID, whether
        # or not a shard of that ID exists (an unknown one past them all lists none).
        shards = [shard for shard in shards if shard["ShardId"] > after]
    limit = params.get("Limit") or LIST_DEFAULT_LIMIT
    description = {
        "StreamArn": stream["arn"], "StreamLabel": stream["label"],
        "StreamStatus": "ENABLED" if stream["disabled_ms"] is None else "DISABLED",
        "StreamViewType": stream["view_type"],
        "CreationRequestDateTime": datetime.fromtimestamp(stream["created_ms"] / 1000, tz=timezone.utc),
        "TableName": stream["table_name"], "KeySchema": stream["key_schema"], "Shards": shards[:limit]}
    if len(shards) > limit:
        description["LastEvaluatedShardId"] = shards[limit - 1]["ShardId"]
    return {"StreamDescription": description}


def _filtered(shards, shard_filter):
    """ShardFilter CHILD_SHARDS (the filter's only type): the children of its ShardId,
    how a reader at a shard's end finds where to go next (the DynamoDB Streams Kinesis
    Adapter's describeStreamWithFilter)."""
    if not shard_filter:
        return shards
    parent = shard_filter.get("ShardId")
    if parent is None:
        raise ValidationException("ShardId must be provided with the ShardFilter type CHILD_SHARDS")
    return [shard for shard in shards if shard.get("ParentShardId") == parent]


def get_shard_iterator(ctx, params):
    stream = _find(ctx, params["StreamArn"])
    shard = _shard(ctx, stream, params["ShardId"])
    # The shard's end: its last record, or for the open shard the stream's newest one.
    end = shard["last_seq"] if shard["last_seq"] is not None else stream["last_seq"]
    kind, number = params["ShardIteratorType"], params.get("SequenceNumber")
    if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        if number is None or not number.isdigit():
            raise ValidationException("Sequence number must be provided with the AT_SEQUENCE_NUMBER or "
                                      "AFTER_SEQUENCE_NUMBER iterator types")
        if int(number) > end or int(number) < shard["first_seq"]:
            raise ValidationException(f"Invalid SequenceNumber for ShardIteratorType: {kind}, SequenceNumber: "
                                      f"{number}")
        if int(number) < shard["start"]:
            raise TrimmedDataAccessException("The requested data has been trimmed")
        position = int(number) + (1 if kind == "AFTER_SEQUENCE_NUMBER" else 0)
    elif number is not None:
        raise ValidationException("Sequence number must not be provided with the TRIM_HORIZON or LATEST "
                                  "iterator types")
    elif kind == "TRIM_HORIZON":
        position = shard["start"]
    else:
        position = end + 1
    return {"ShardIterator": _iterator(stream, shard["opened_ms"], position, int(ctx.now * 1000))}


def _iterator(stream, opened_ms, position, issued_ms) -> str:
    text = f"{stream['uid']}|{opened_ms}|{position}|{issued_ms}|{stream['arn']}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def _read_iterator(ctx, iterator):
    try:
        uid, opened_ms, position, issued_ms, arn = \
            base64.urlsafe_b64decode(iterator.encode()).decode().split("|", 4)
        uid, opened_ms, position, issued_ms = int(uid), int(opened_ms), int(position), int(issued_ms)
    except ValueError:
        raise ValidationException("Invalid ShardIterator") from None
    stream = dynamodb.stream_by_uid(ctx.state, uid)
    if stream is None or stream["arn"] != arn:
        raise ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")
    if int(ctx.now * 1000) - issued_ms > ITERATOR_LIFETIME_MS:
        raise ExpiredIteratorException("Iterator expired. The iterator was created at time "
                                       f"{_clock_text(issued_ms)} while right now it is {_clock_text(ctx.now * 1000)} "
                                       "which is further in the future than the tolerated delay of 900000 "
                                       "milliseconds.")
    dynamodb.check_stream_access(ctx, stream)
    shard = next((s for s in dynamodb.shards(ctx.state, stream) if s["opened_ms"] == opened_ms), None)
    if shard is None:
        raise ResourceNotFoundException("Requested resource not found: Shard does not exist")
    return stream, shard, position


def _clock_text(ms) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")


def get_records(ctx, params):
    if params.get("Limit") is not None and params["Limit"] > GET_RECORDS_MAX_LIMIT:
        raise ValidationException(f"1 validation error detected: Value '{params['Limit']}' at 'limit' failed to "
                                  f"satisfy constraint: Member must have value less than or equal to "
                                  f"{GET_RECORDS_MAX_LIMIT}")
    stream, shard, position = _read_iterator(ctx, params["ShardIterator"])
    first = dynamodb.first_sequence(ctx.state, stream["uid"])
    if first is not None and position < first and position <= stream["last_seq"]:
        raise TrimmedDataAccessException("The requested data has been trimmed")
    limit = params.get("Limit") or GET_RECORDS_DEFAULT_LIMIT
    end = shard["last_seq"]
    found = dynamodb.change_records(ctx.state, stream["uid"], position, stream["last_seq"] if end is None else end,
                                    limit)
    records, size = [], 0
    for seq, change in found:
        size += change["dynamodb"]["SizeBytes"]
        if records and size > GET_RECORDS_MAX_BYTES:
            found = found[:len(records)]            # the page is full: the rest is for the next call
            break
        change["dynamodb"]["SequenceNumber"] = sequence_text(seq)
        records.append(change)
    next_position = found[-1][0] + 1 if found else position
    result = {"Records": records}
    if end is None or next_position <= end:         # a closed shard read to its end has no next iterator
        result["NextShardIterator"] = _iterator(stream, shard["opened_ms"], next_position, int(ctx.now * 1000))
    return result
