"""DryRun on the data plane (PutRecord, PutRecords, GetShardIterator, GetRecords,
SubscribeToShard): a request that carries `"DryRun": true` and would have succeeded is
answered DryRunOperationException and does nothing, as real Kinesis answered
(radkawar/stackd testdata/aws/kinesis/dry_run.json). The member is newer than many
botocore models, so it is read from the request's own document, and only when the body
names it (the write path pays one substring search)."""
import json

import cbor2

from lakebox.services.kinesis.errors import DryRunOperationException


def check(ctx, operation: str):
    """Raises DryRunOperationException when the request asks for a dry run; call it where
    the operation has passed every check AWS makes before answering a dry run."""
    body = ctx.request.body
    if not body or b"DryRun" not in body:
        return
    try:
        document = cbor2.loads(body) if "cbor" in ctx.headers.get("content-type", "") else json.loads(body)
    except (ValueError, cbor2.CBORDecodeError):
        return
    if isinstance(document, dict) and document.get("DryRun") is True:
        raise DryRunOperationException(
            f"DryRunOperation validation succeeded while calling {operation} operation.: "
            f"Request would have succeeded, but DryRun flag is set.")
