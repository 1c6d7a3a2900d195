"""How a query's objects are written: its ResultConfiguration's EncryptionConfiguration
(SSE_S3; SSE_KMS with its KmsKey, else S3's aws/s3 key) and AclConfiguration
(BUCKET_OWNER_FULL_CONTROL) become the PutObject parameters of every object the query
writes (result, metadata, manifest, CTAS and UNLOAD data files), and its
ExpectedBucketOwner is checked against the output bucket. All of it is judged when the
query is submitted, so a query that could not write its results fails before it runs
and leaves nothing behind.
"""
from lakebox.aws.errors import ServiceError
from lakebox.services.athena import model
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


def write_failure(state, result_config: dict, result_uri: str) -> tuple[str, dict] | None:
    """(StateChangeReason, AthenaError) when the query's objects cannot be written as
    configured; None when they can. The output bucket is known to exist."""
    encryption = result_config.get("EncryptionConfiguration") or {}
    if encryption.get("EncryptionOption") == "CSE_KMS":
        return model.user_error("NOT_SUPPORTED", "Client-side encryption of query results (CSE_KMS) is not supported")
    bucket = s3.parse_s3_uri(result_uri)[0]
    expected = result_config.get("ExpectedBucketOwner")
    reason = (f"Access denied when writing output to url: {result_uri} . Please ensure you are allowed to access "
              f"the S3 bucket. If you are encrypting query results with KMS key, please ensure you are allowed to "
              f"access your KMS key")
    denied = reason, model.athena_error(model.USER, model.ERROR_TYPES["WRITE"], reason)
    if expected and s3.bucket_owner(state, bucket) != expected:
        return denied
    try:
        s3.check_write_request(state, bucket, put_request(result_config))
    except ServiceError:
        return denied
    return None
