"""PutRecord and PutRecordBatch: records are buffered durably (committed before the
answer) and delivered by the flush job when the buffer is full or old enough.

A RecordId is opaque and unique per record, as AWS's are: the buffer chunk, the record's
place in it, and random text."""
import secrets

from lakebox.services.firehose import buffer, encryption, lookup, stages, throttle
from lakebox.services.firehose.errors import (
    InvalidArgumentException, InvalidSourceException, ResourceNotFoundException, ServiceUnavailableException)

BATCH_MAX_BYTES = 4 * 1024 * 1024        # PutRecordBatch: 4 MiB per call (records' data)
SLOW_DOWN = "Slow down."                 # AWS's words for a record over the stream's quotas
_PLACES = [f"{i:04d}" for i in range(500)]   # a record's place in its batch, as RecordIds spell it


def put_record(ctx, params):
    stream = _direct_put_stream(ctx, params["DeliveryStreamName"])
    data = params["Record"]["Data"]
    if not throttle.admit(ctx.state, stream, [len(data)], ctx.now):
        raise ServiceUnavailableException(SLOW_DOWN)
    chunk = _buffer(ctx, stream, [data])
    return {"RecordId": f"{chunk:016d}0000{secrets.token_hex(36)}", "Encrypted": encryption.enabled(stream)}


def put_record_batch(ctx, params):
    stream = _direct_put_stream(ctx, params["DeliveryStreamName"])
    datas = [record["Data"] for record in params["Records"]]
    total = sum(len(d) for d in datas)
    if total > BATCH_MAX_BYTES:
        # AWS's words, as a client logged them (https://github.com/osquery/osquery/issues/3568)
        raise InvalidArgumentException("Records size exceeds 4 MB limit")
    admitted = throttle.admit(ctx.state, stream, [len(d) for d in datas], ctx.now)
    responses = []
    if admitted:
        chunk = _buffer(ctx, stream, datas[:admitted])
        head, tail = f"{chunk:016d}", secrets.token_hex(36)
        responses = [{"RecordId": head + place + tail} for place in _PLACES[:admitted]]
    failed = len(datas) - admitted
    responses += [{"ErrorCode": "ServiceUnavailableException", "ErrorMessage": SLOW_DOWN}] * failed
    return {"FailedPutCount": failed, "Encrypted": encryption.enabled(stream), "RequestResponses": responses}


def _direct_put_stream(ctx, name):
    stream = lookup.active_stream_named(ctx, name, ResourceNotFoundException, "sending data")
    if stream["stream_type"] != "DirectPut":
        raise InvalidArgumentException(
            f"This operation is not permitted on {stream['stream_type']} delivery stream type.")
    if stages.decompressing(lookup.destination(stream)["config"]):
        raise InvalidSourceException(stages.LOGS_ONLY)
    return stream


def _buffer(ctx, stream, datas: list[bytes]) -> int:
    return buffer.append(ctx.state, stream, lookup.now_ms(ctx), datas)

