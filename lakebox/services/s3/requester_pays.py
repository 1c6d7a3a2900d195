"""Requester Pays, as S3 was recorded answering it (stackd's requester_*_replay.json):
another account is answered only when it agrees to pay with exactly
`x-amz-request-payer: requester` (the value is case-sensitive: `Requester` is refused),
and every answer to such a request, success or error after the check (NoSuchKey, an
explicit Deny), carries `x-amz-request-charged: requester`. A presigned URL may name the
payer in its query instead. The bucket owner's requests
are never charged, whatever header they send; anonymous requests are refused."""
from lakebox.services.s3 import errors, store

CHARGED = "_s3_request_charged"        # a mark on the request, read when its answer is sent


def unpaid(ctx, bucket) -> bool:
    """Whether a caller of another account (or none) is refused for not agreeing to pay;
    one that agrees is marked charged."""
    config = store.bucket_config(ctx.state, bucket, "request-payment") or {}
    if config.get("Payer") != "Requester":
        return False
    if ctx.anonymous or _payer(ctx) != "requester":
        return True
    ctx.request.__dict__[CHARGED] = True
    return False


def _payer(ctx) -> str | None:
    """The payer a request names: its header, or a presigned URL's query parameter (one
    that names it in both is InvalidArgument, as recorded from S3)."""
    header = ctx.headers.get("x-amz-request-payer")
    query = ctx.request.query_dict().get("x-amz-request-payer")
    if header is not None and query is not None:
        raise errors.error("InvalidArgument", "x-amz-request-payer is given both as a header and a query parameter",
                           ArgumentName="x-amz-request-payer", ArgumentValue=header)
    return header if header is not None else query


def response_headers(req) -> tuple:
    return (("x-amz-request-charged", "requester"),) if req.__dict__.get(CHARGED) else ()

