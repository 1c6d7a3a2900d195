"""Change records: what DynamoDB Streams delivers for each item change (INSERT, MODIFY,
REMOVE), with the images the stream's view type asks for. A write that changes nothing
writes no record, as on DynamoDB: equal means equal as DynamoDB compares values, so a
set written again with its members in another order is no change."""
import uuid

from lakebox.services.dynamodb import destinations, stream_shards
from lakebox.services.dynamodb import values as av

TTL_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


def record(ctx, table, old, new, identity=None):
    if old == new or (old is not None and new is not None and av.equal({"M": old}, {"M": new})):
        return
    event = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    keys = table.key_attributes(new if new is not None else old)
    if destinations.active(table):
        destinations.deliver(ctx, table, event, keys, old, new, identity, ctx.now)
    stream = table.spec.get("Stream")
    if not stream or not stream.get("StreamEnabled"):
        return
    view = stream["StreamViewType"]
    body = {"ApproximateCreationDateTime": int(ctx.now), "Keys": keys, "StreamViewType": view}
    if new is not None and view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
        body["NewImage"] = new
    if old is not None and view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        body["OldImage"] = old
    body["SizeBytes"] = sum(av.item_size(body[k]) for k in ("Keys", "NewImage", "OldImage") if k in body)
    change = {"eventID": uuid.uuid4().hex, "eventName": event, "eventVersion": "1.1",
              "eventSource": "aws:dynamodb", "awsRegion": table.region, "dynamodb": body}
    if identity is not None:
        change["userIdentity"] = identity
    stream_shards.append(ctx, stream["uid"], change)
