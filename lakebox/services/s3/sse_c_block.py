"""Whether a bucket takes new SSE-C objects: a rule's BlockedEncryptionTypes in its default
encryption ("NONE" admits SSE-C, "SSE-C" blocks it). Since April 2026 S3 blocks SSE-C
unless the configuration names NONE: on a new bucket, after DeleteBucketEncryption, and
when a configuration leaves BlockedEncryptionTypes out (S3 User Guide, "Blocking or
unblocking SSE-C for a general purpose bucket"; radkawar/stackd
testdata/aws/s3/customer_encryption_control_replay.json). A blocked write is AccessDenied
before its key is looked at; existing SSE-C objects stay readable."""
from lakebox.services.s3 import errors, store

CUSTOMER_KEY_PARAMS = ("SSECustomerAlgorithm", "SSECustomerKey", "SSECustomerKeyMD5")
BLOCKED_BY_DEFAULT = {"EncryptionType": ["SSE-C"]}


def check_write(ctx, bucket, params: dict):
    """A write naming a customer key (any of its three headers) to a bucket blocking SSE-C is
    refused, in S3's words (as CloudTrail recorded them: radkawar/stackd
    customer_encryption_audit_replay.json, audit blocked write)."""
    if any(params.get(name) is not None for name in CUSTOMER_KEY_PARAMS) and _blocked(ctx, bucket):
        resource = f"arn:aws:s3:::{bucket['name']}/{params.get('Key', '')}"
        raise errors.error("AccessDenied", f"User: {ctx.caller_arn} is not authorized to perform: s3:PutObject on "
                           f'resource: "{resource}" because this bucket has blocked upload requests that specify '
                           "Server Side Encryption with Customer provided keys (SSE-C). Please specify a different "
                           "server-side encryption type.")


def _blocked(ctx, bucket) -> bool:
    config = store.bucket_config(ctx.state, bucket, "encryption") or {}
    return not any("NONE" in ((rule.get("BlockedEncryptionTypes") or {}).get("EncryptionType") or [])
                   for rule in config.get("Rules") or [])


def check_config(config: dict):
    """BlockedEncryptionTypes names NONE or SSE-C, once: an empty list, a type named twice,
    or NONE beside SSE-C is InvalidArgument (the capture's 'empty after NONE', 'duplicate
    NONE', 'mixed NONE SSE-C'; S3's words were not recorded: these are lakebox's)."""
    for rule in config.get("Rules") or []:
        blocked = rule.get("BlockedEncryptionTypes")
        if blocked is None:
            continue
        types = blocked.get("EncryptionType") or []
        if not types:
            raise errors.error("InvalidArgument", "BlockedEncryptionTypes must name an encryption type.")
        if len(set(types)) != len(types):
            raise errors.error("InvalidArgument", "BlockedEncryptionTypes must not name an encryption type twice.")
        if "NONE" in types and len(types) > 1:
            raise errors.error("InvalidArgument", "BlockedEncryptionTypes NONE cannot be combined with another "
                               "encryption type.")


def shown(config: dict) -> dict:
    """GetBucketEncryption's view: each rule with its default (SSE-S3 when the rule gave only
    BlockedEncryptionTypes: the capture's 'blocked-only NONE'), its BlockedEncryptionTypes
    (SSE-C when none was given) and BucketKeyEnabled (false when not set)."""
    rules = [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, **rule,
              "BucketKeyEnabled": rule.get("BucketKeyEnabled", False),
              "BlockedEncryptionTypes": rule.get("BlockedEncryptionTypes") or BLOCKED_BY_DEFAULT}
             for rule in config.get("Rules") or []]
    return {**config, "Rules": rules}
