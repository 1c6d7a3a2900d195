"""The DynamoDB Streams API over DynamoDB's change records (read through
`services/dynamodb/public.py`). Each stream has one shard, open while the stream is
enabled and closed, with its last sequence number, once the stream is disabled or its
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


def sequence_text(seq: int) -> str:
    return f"{seq:021d}"


def shard_id(stream) -> str:
    return f"shardId-{stream['created_ms']:020d}-{stream['uid']:08x}"


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
    first = dynamodb.first_sequence(ctx.state, stream["uid"])
    shard = {"ShardId": shard_id(stream),
             "SequenceNumberRange": {"StartingSequenceNumber": sequence_text(first or stream["last_seq"] + 1)}}
    if stream["disabled_ms"] is not None:
        shard["SequenceNumberRange"]["EndingSequenceNumber"] = sequence_text(stream["last_seq"])
    shards = [shard] if params.get("ExclusiveStartShardId") != shard["ShardId"] else []
    return {"StreamDescription": {
        "StreamArn": stream["arn"], "StreamLabel": stream["label"],
        "StreamStatus": "ENABLED" if stream["disabled_ms"] is None else "DISABLED",
        "StreamViewType": stream["view_type"],
        "CreationRequestDateTime": datetime.fromtimestamp(stream["created_ms"] / 1000, tz=timezone.utc),
        "TableName": stream["table_name"], "KeySchema": stream["key_schema"], "Shards": shards}}


def get_shard_iterator(ctx, params):
    stream = _find(ctx, params["StreamArn"])
    if params["ShardId"] != shard_id(stream):
        raise ResourceNotFoundException(f"Requested resource not found: Shard does not exist")
    kind, number = params["ShardIteratorType"], params.get("SequenceNumber")
    if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        if number is None or not number.isdigit():
            raise ValidationException("Sequence number must be provided with the AT_SEQUENCE_NUMBER or "
                                      "AFTER_SEQUENCE_NUMBER iterator types")
        position = int(number) + (1 if kind == "AFTER_SEQUENCE_NUMBER" else 0)
        first = dynamodb.first_sequence(ctx.state, stream["uid"])
        if int(number) > stream["last_seq"]:
            raise ValidationException(f"Invalid SequenceNumber for ShardIteratorType: {kind}, SequenceNumber: "
                                      f"{number}")
        if first is not None and int(number) < first:
            raise TrimmedDataAccessException("The requested data has been trimmed")
    elif kind == "TRIM_HORIZON":
        position = dynamodb.first_sequence(ctx.state, stream["uid"]) or stream["last_seq"] + 1
    else:
        position = stream["last_seq"] + 1
    return {"ShardIterator": _iterator(stream, position, int(ctx.now * 1000))}


def _iterator(stream, position, issued_ms) -> str:
    text = f"{stream['uid']}|{position}|{issued_ms}|{stream['arn']}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def _read_iterator(ctx, iterator):
    try:
        uid, position, issued_ms, arn = base64.urlsafe_b64decode(iterator.encode()).decode().split("|", 3)
        uid, position, issued_ms = int(uid), int(position), int(issued_ms)
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
    return stream, position


def _clock_text(ms) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")


def get_records(ctx, params):
    stream, position = _read_iterator(ctx, params["ShardIterator"])
    first = dynamodb.first_sequence(ctx.state, stream["uid"])
    if first is not None and position < first and position <= stream["last_seq"]:
        raise TrimmedDataAccessException("The requested data has been trimmed")
    limit = params.get("Limit") or GET_RECORDS_DEFAULT_LIMIT
    found = dynamodb.change_records(ctx.state, stream["uid"], position, limit)
    records = []
    for seq, change in found:
        change["dynamodb"]["SequenceNumber"] = sequence_text(seq)
        records.append(change)
    next_position = found[-1][0] + 1 if found else position
    result = {"Records": records}
    closed = stream["disabled_ms"] is not None
    if not (closed and next_position > stream["last_seq"]):
        result["NextShardIterator"] = _iterator(stream, next_position, int(ctx.now * 1000))
    return result
