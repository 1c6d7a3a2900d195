"""Kinesis Data Streams as a destination of a table's changes: every item change is put
into the stream, as JSON in the form DynamoDB writes (both images, the table's name,
`recordFormat`), keyed by the item's key so one item's changes stay in order."""
import hashlib
import uuid

import orjson

from lakebox.services.dynamodb import lookup, store
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ResourceInUseException, ResourceNotFoundException, ValidationException
from lakebox.services.kinesis import public as kinesis

def _destinations(table) -> list:
    return table.spec.setdefault("KinesisDestinations", [])


def _find(table, arn):
    return next((d for d in table.spec.get("KinesisDestinations", []) if d["StreamArn"] == arn), None)


def enable_kinesis_streaming_destination(ctx, params):
    table = lookup.find(ctx, params["TableName"], named_error=True)
    arn = params["StreamArn"]
    if kinesis.stream_status(ctx.state, arn) is None:
        raise ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")
    current = _find(table, arn)
    if current is not None and current["DestinationStatus"] == "ACTIVE":
        raise ResourceInUseException("Table is already streaming to the destination: " + arn)
    precision = (params.get("EnableKinesisStreamingConfiguration") or {}).get(
        "ApproximateCreationDateTimePrecision", "MILLISECOND")
    if current is None:
        current = {"StreamArn": arn}
        _destinations(table).append(current)
    current.update(DestinationStatus="ACTIVE", ApproximateCreationDateTimePrecision=precision)
    lookup.save(ctx, table)
    return {"TableName": table.name, "StreamArn": arn, "DestinationStatus": "ENABLING",
            "EnableKinesisStreamingConfiguration": {"ApproximateCreationDateTimePrecision": precision}}


def disable_kinesis_streaming_destination(ctx, params):
    table = lookup.find(ctx, params["TableName"], named_error=True)
    current = _find(table, params["StreamArn"])
    if current is None or current["DestinationStatus"] != "ACTIVE":
        raise ValidationException("Table is not in a valid state to disable Kinesis Data Streams Destination:"
                                  f"{params['StreamArn']}")
    current["DestinationStatus"] = "DISABLED"
    lookup.save(ctx, table)
    return {"TableName": table.name, "StreamArn": params["StreamArn"], "DestinationStatus": "DISABLING"}


def update_kinesis_streaming_destination(ctx, params):
    table = lookup.find(ctx, params["TableName"], named_error=True)
    current = _find(table, params["StreamArn"])
    if current is None or current["DestinationStatus"] != "ACTIVE":
        raise ValidationException("Table is not in a valid state to update Kinesis Data Streams Destination:"
                                  f"{params['StreamArn']}")
    update = params.get("UpdateKinesisStreamingConfiguration") or {}
    precision = update.get("ApproximateCreationDateTimePrecision", current["ApproximateCreationDateTimePrecision"])
    current["ApproximateCreationDateTimePrecision"] = precision
    lookup.save(ctx, table)
    return {"TableName": table.name, "StreamArn": params["StreamArn"], "DestinationStatus": "UPDATING",
            "UpdateKinesisStreamingConfiguration": {"ApproximateCreationDateTimePrecision": precision}}


def describe_kinesis_streaming_destination(ctx, params):
    table = lookup.find(ctx, params["TableName"], named_error=True)
    return {"TableName": table.name, "KinesisDataStreamDestinations": [
        {"StreamArn": d["StreamArn"], "DestinationStatus": d["DestinationStatus"],
         "ApproximateCreationDateTimePrecision": d["ApproximateCreationDateTimePrecision"]}
        for d in table.spec.get("KinesisDestinations", [])]}


def active(table) -> list:
    return [d for d in table.spec.get("KinesisDestinations", []) if d["DestinationStatus"] == "ACTIVE"]


def deliver(ctx, table, event, keys, old, new, identity, now):
    """Put one change into every active destination stream; a stream that is gone
    takes nothing."""
    for destination in active(table):
        body = {"ApproximateCreationDateTime": _created(now, destination),
                "ApproximateCreationDateTimePrecision": destination["ApproximateCreationDateTimePrecision"],
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
    if destination["ApproximateCreationDateTimePrecision"] == "MICROSECOND":
        return int(now * 1_000_000)
    return int(now * 1000)

