"""Finding delivery streams, their ARNs and states: shared by the resource modules."""
import json

from lakebox.services.firehose import store
from lakebox.services.firehose.errors import ResourceNotFoundException


def now_ms(ctx) -> int:
    return int(ctx.now * 1000)


def arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:firehose:{region}:{account}:deliverystream/{name}"


def arn_of(stream) -> str:
    return arn(stream["account"], stream["region"], stream["name"])


def not_found(name: str, account: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Firehose {name} under account {account} not found.")


def stream_named(ctx, name: str):
    stream = store.stream_by_name(ctx.state.db, ctx.account, ctx.region, name)
    if stream is None:
        raise not_found(name, ctx.account)
    return stream


def status_of(stream, at_ms: int) -> str:
    return "ACTIVE" if at_ms >= stream["active_ms"] else "CREATING"


def destination(stream) -> dict:
    return json.loads(stream["destination"])


def source(stream) -> dict:
    return json.loads(stream["source"])


def source_arn(stream) -> str | None:
    """The Kinesis stream a KinesisStreamAsSource delivery stream reads, else None."""
    return ((source(stream) or {}).get("KinesisStreamSourceDescription") or {}).get("KinesisStreamARN")


def active_stream_named(ctx, name: str, error, doing: str):
    """A stream that must be ACTIVE for `doing`; `error` is the class AWS answers with
    while it is still CREATING ("Attempts to send data to a delivery stream that is not
    in the ACTIVE state cause an exception", CreateDeliveryStream's reference)."""
    stream = stream_named(ctx, name)
    status = status_of(stream, now_ms(ctx))
    if status != "ACTIVE":
        raise error(f"Firehose {name} under account {ctx.account} is in {status} state: {doing} needs an ACTIVE "
                    f"delivery stream.")
    return stream
