"""How a query's objects are written: its ResultConfiguration's EncryptionConfiguration
(SSE_S3; SSE_KMS with its KmsKey, else S3's aws/s3 key; CSE_KMS with its KmsKey, the
objects then encrypted on the client side: `cse.py`) and AclConfiguration
(BUCKET_OWNER_FULL_CONTROL) become the PutObject parameters of every object the query
writes (result, metadata, manifest, CTAS and UNLOAD data files), and its
ExpectedBucketOwner is checked against the output bucket. All of it is judged when the
query is submitted, so a query that could not write its results fails before it runs
and leaves nothing behind.
"""
from lakebox.aws.errors import ServiceError
from lakebox.kit import sessions
from lakebox.kit.calls import system_context
from lakebox.services.athena import model
from lakebox.services.kms import public as kms
from lakebox.services.s3 import public as s3

_SSE = {"SSE_S3": "AES256", "SSE_KMS": "aws:kms"}
_ACL = {"BUCKET_OWNER_FULL_CONTROL": "bucket-owner-full-control"}


def put_request(result_config: dict) -> dict:
    """The PutObject parameters of the query's objects."""
    request = {}
    encryption = result_config.get("EncryptionConfiguration") or {}
    option = encryption.get("EncryptionOption")
    if option in _SSE:
        request["ServerSideEncryption"] = _SSE[option]
        if option == "SSE_KMS" and encryption.get("KmsKey"):
            request["SSEKMSKeyId"] = encryption["KmsKey"]
    acl = (result_config.get("AclConfiguration") or {}).get("S3AclOption")
    if acl in _ACL:
        request["ACL"] = _ACL[acl]
    return request


def cse_key(result_config: dict) -> str | None:
    """The KMS key the query's objects are encrypted with on the client side (CSE_KMS),
    or None when they are not."""
    encryption = result_config.get("EncryptionConfiguration") or {}
    if encryption.get("EncryptionOption") != "CSE_KMS":
        return None
    return encryption.get("KmsKey") or ""


def denied_reason(result_uri: str) -> str:
    """Athena's reason for a query whose results could not be written (the bucket, or
    the KMS key that encrypts them)."""
    return (f"Access denied when writing output to url: {result_uri} . Please ensure you are allowed to access "
            f"the S3 bucket. If you are encrypting query results with KMS key, please ensure you are allowed to "
            f"access your KMS key")


def write_failure(ctx, result_config: dict, result_uri: str) -> tuple[str, dict] | None:
    """(StateChangeReason, AthenaError) when the query's objects cannot be written as
    configured; None when they can. The output bucket is known to exist. Athena writes
    them with the caller's own permissions, so a caller whose STS session policies do
    not allow s3:PutObject there is refused as a bucket that refuses the write."""
    state, account, region = ctx.state, ctx.account, ctx.region
    bucket, key = s3.parse_s3_uri(result_uri)
    expected = result_config.get("ExpectedBucketOwner")
    reason = denied_reason(result_uri)
    denied = reason, model.athena_error(model.USER, model.ERROR_TYPES["WRITE"], reason)
    if expected and s3.bucket_owner(state, bucket) != expected:
        return denied
    if sessions.refusal(ctx, "s3:PutObject", f"arn:aws:s3:::{bucket}/{key}") is not None:
        return denied
    try:
        s3.check_write_request(state, bucket, put_request(result_config))
    except ServiceError:
        return denied
    key = cse_key(result_config)
    if key is None:
        return None
    if not key:                     # client-side encryption needs a customer managed key
        return denied
    try:
        kms.check_usable(system_context(state, "kms", "GenerateDataKey", account, region), key, "s3")
    except kms.KmsFailure:
        return denied
    return None
