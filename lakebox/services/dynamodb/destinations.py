"""Kinesis Data Streams as a destination of a table's changes: every item change is put
into the stream, as JSON in the form DynamoDB writes (both images, the table's name,
`recordFormat`), keyed by the item's key so one item's changes stay in order."""
import hashlib
import uuid

import orjson

from lakebox.services.dynamodb import lookup, store
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ValidationException
from lakebox.services.kinesis import public as kinesis

LIVE = ("ENABLING", "ACTIVE", "UPDATING", "DISABLING")      # at most one such entry per table
_NOT_VALID = "Table is not in a valid state to enable Kinesis Streaming Destination: "
# The description DynamoDB gives a destination whose stream it cannot write to (recorded).
_NO_STREAM = "User does not have a permission to use kinesis stream"
# ... and to a stream of another region (recorded by the ack-api-quirks lab, DDB-TABLE-318).
_OTHER_REGION = ("The kinesis Arn used to enable kinesis replication belongs to a stream which is not in the "
                 "current region")
# ... and to another account's stream or a Firehose stream (the same record).
_NOT_ACTIVE = "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in Active state"


def _destinations(table) -> list:
    return table.spec.setdefault("KinesisDestinations", [])


def _find(table, arn):
    return next((d for d in table.spec.get("KinesisDestinations", []) if d["StreamArn"] == arn), None)


def enable_kinesis_streaming_destination(ctx, params):
    """Enable: refused while any destination of the table is live; a stream that cannot
    be written to is not refused but ends ENABLE_FAILED (DynamoDB checks it after the
    call, recorded replies). A destination enabled again is the same entry, flipped."""
    table = lookup.find(ctx, params["TableName"], named_error=True)
    arn = params["StreamArn"]
    if any(d["DestinationStatus"] in LIVE for d in table.spec.get("KinesisDestinations", [])):
        raise ValidationException(_NOT_VALID + "EnableKinesisStreamingDestination must be DISABLED or ENABLE_FAILED "
                                               "to perform ENABLE operation.")
    config = params.get("EnableKinesisStreamingConfiguration") or {}
    current = _find(table, arn)
    if current is None:
        current = {"StreamArn": arn}
        _destinations(table).insert(0, current)                     # the newest is listed first
    current.pop("DestinationStatusDescription", None)
    current.pop("ApproximateCreationDateTimePrecision", None)
    parts = arn.split(":")
    if parts[2:3] == ["kinesis"] and parts[3:4] != [table.region]:
        current.update(DestinationStatus="ENABLE_FAILED", DestinationStatusDescription=_OTHER_REGION)
    elif parts[2:3] == ["firehose"] or (parts[2:3] == ["kinesis"] and parts[4:5] != [table.account]):
        current.update(DestinationStatus="ENABLE_FAILED", DestinationStatusDescription=_NOT_ACTIVE)
    elif kinesis.stream_status(ctx.state, arn) is None:
        current.update(DestinationStatus="ENABLE_FAILED", DestinationStatusDescription=_NO_STREAM)
    else:
        current["DestinationStatus"] = "ACTIVE"
        if config.get("ApproximateCreationDateTimePrecision"):
            current["ApproximateCreationDateTimePrecision"] = config["ApproximateCreationDateTimePrecision"]
    lookup.save(ctx, table)
    return {"TableName": table.name, "StreamArn": arn, "DestinationStatus": "ENABLING",
            "EnableKinesisStreamingConfiguration": config}


def disable_kinesis_streaming_destination(ctx, params):
    """Disable an ACTIVE destination; its precision is forgotten (enabled again without
    one, it has none). A configuration is refused: it is Enable's (recorded replies of
    DynamoDB, the ack-api-quirks lab's DDB-TABLE-301)."""
    table = lookup.find(ctx, params["TableName"], named_error=True)
    if "EnableKinesisStreamingConfiguration" in params:
        raise ValidationException("Stream cannot be disabled using EnableKinesisStreamingConfiguration parameters")
    current = _find(table, params["StreamArn"])
    if current is None or current["DestinationStatus"] != "ACTIVE":
        raise ValidationException(_NOT_VALID + "KinesisStreamingDestination must be ACTIVE to perform DISABLE "
                                               "operation.")
    current["DestinationStatus"] = "DISABLED"
    current.pop("ApproximateCreationDateTimePrecision", None)
    lookup.save(ctx, table)
    return {"TableName": table.name, "StreamArn": params["StreamArn"], "DestinationStatus": "DISABLING"}


def update_kinesis_streaming_destination(ctx, params):
    """Change an ACTIVE destination's precision; asking for the one in force (MILLISECOND
    when none was set) is refused, in DynamoDB's words (recorded replies)."""
    table = lookup.find(ctx, params["TableName"], named_error=True)
    arn = params["StreamArn"]
    precision = (params.get("UpdateKinesisStreamingConfiguration") or {}).get("ApproximateCreationDateTimePrecision")
    if precision is None:
        raise ValidationException("Streaming destination cannot be updated with given parameters: "
                                  "UpdateKinesisStreamingConfiguration cannot be null or contain only null values")
    current = _find(table, arn)
    if current is None or current["DestinationStatus"] != "ACTIVE":
        raise ValidationException(_NOT_VALID + "Kinesis streaming is not in ACTIVE state. Updates are only allowed in "
                                               f"ACTIVE state. TableName: {table.name}, kdsArn: {arn}")
    if precision == precision_of(current):
        raise ValidationException(f"Invalid Request: Precision is already set to the desired value of {precision} "
                                  f"for tableId: {table.table_id}, kdsArn: {arn}")
    current["ApproximateCreationDateTimePrecision"] = precision
    lookup.save(ctx, table)
    return {"TableName": table.name, "StreamArn": arn, "DestinationStatus": "UPDATING",
            "UpdateKinesisStreamingConfiguration": {"ApproximateCreationDateTimePrecision": precision}}


def describe_kinesis_streaming_destination(ctx, params):
    """Each destination as DynamoDB lists it: a precision only once one was set."""
    table = lookup.find(ctx, params["TableName"], named_error=True)
    return {"TableName": table.name, "KinesisDataStreamDestinations": [
        {k: d[k] for k in ("StreamArn", "DestinationStatus", "DestinationStatusDescription",
                           "ApproximateCreationDateTimePrecision") if k in d}
        for d in table.spec.get("KinesisDestinations", [])]}


def precision_of(destination) -> str:
    return destination.get("ApproximateCreationDateTimePrecision", "MILLISECOND")


def active(table) -> list:
    return [d for d in table.spec.get("KinesisDestinations", []) if d["DestinationStatus"] == "ACTIVE"]


def deliver(ctx, table, event, keys, old, new, identity, now):
    """Put one change into every active destination stream; a stream that is gone
    takes nothing."""
    for destination in active(table):
        body = {"ApproximateCreationDateTime": _created(now, destination),
                "ApproximateCreationDateTimePrecision": precision_of(destination),
                "Keys": keys}
        if new is not None:
            body["NewImage"] = new
        if old is not None:
            body["OldImage"] = old
        body["SizeBytes"] = sum(av.item_size(body[k]) for k in ("Keys", "NewImage", "OldImage") if k in body)
        change = {"awsRegion": table.region, "eventID": str(uuid.uuid4()), "eventName": event,
                  "userIdentity": identity, "recordFormat": "application/json", "tableName": table.name,
                  "dynamodb": body, "eventSource": "aws:dynamodb"}
        partition_key = hashlib.md5(orjson.dumps(keys, default=store.binary_as_text, option=orjson.OPT_SORT_KEYS)).hexdigest()
        try:
            kinesis.put_records(ctx.state, destination["StreamArn"],
                                [(partition_key, orjson.dumps(change, default=store.binary_as_text))])
        except kinesis.StreamGone:
            continue


def _created(now, destination):
    if precision_of(destination) == "MICROSECOND":
        return int(now * 1_000_000)
    return int(now * 1000)

