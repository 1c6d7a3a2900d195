"""What other services may ask of KMS: S3 (SSE-KMS), Kinesis and Firehose (stream
encryption) wrap data keys with a KMS key and unwrap them when reading.

Every function takes a request context, as actions do: `kit.calls.on_behalf(ctx, "kms",
operation)` inside a client's request, `kit.calls.system_context(state, "kms", operation,
account, region)` in a job or a delivery. Keys are named as users name them (key id, key
ARN, alias name or alias ARN), or None for the AWS managed key of the calling `service`
(`alias/aws/s3`, ...), created on first use as on AWS. Failures raise `KmsFailure` with
KMS's own error code and message (S3 answers them as `KMS.<code>`)."""
import os

from lakebox.aws.errors import ServiceError
from lakebox.services.kms import access, lookup, model, sealing, usage
from lakebox.services.kms.managed import managed_key
from lakebox.storage.lru import Lru

UNWRAPPED_CACHE_CAP = 4_096


class KmsFailure(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def generate_data_key(ctx, key_id: str | None, context: dict | None, service: str = "s3"):
    """(plaintext data key of 32 bytes, its ciphertext blob, the key's ARN)."""
    with _as_failure():
        key = _usable(ctx, key_id, service, "GenerateDataKey")
        access.check(ctx, key, "GenerateDataKey", context)
        plaintext = os.urandom(32)
        blob, _ = sealing.seal(ctx.state, key, plaintext, context)
        usage.note(ctx, key)
        return plaintext, blob, lookup.arn_of(key)


def encrypt(ctx, key_id: str | None, plaintext: bytes, context: dict | None, service: str = "s3"):
    """(ciphertext blob, the key's ARN), as Encrypt would make them (no size limit)."""
    with _as_failure():
        key = _usable(ctx, key_id, service, "Encrypt")
        access.check(ctx, key, "Encrypt", context)
        blob, _ = sealing.seal(ctx.state, key, plaintext, context)
        usage.note(ctx, key)
        return blob, lookup.arn_of(key)


def decrypt(ctx, blob: bytes, context: dict | None):
    """(plaintext, the key's ARN) of a blob made by KMS, as Decrypt would give them.

    Unwrapped data keys are kept in memory only (a bounded LRU keyed by blob and
    context, with the blob's parts and the key's ARN), so a GET of an SSE-KMS object
    skips parsing the blob and the AES-GCM opening; the key is still looked up and
    checked on every call, so a disabled or deleted key fails at once. The context
    enters the cache's key as a frozenset of its pairs: equal whatever their order, as
    the blob's associated data is, at a fraction of the cost of serializing it."""
    cache = _unwrapped_cache(ctx.state)
    blob = bytes(blob)
    entry = (blob, frozenset(context.items()) if context else _NO_CONTEXT)
    with _as_failure():
        found, key = cache.get(entry), None
        if found is not None:
            plaintext, uid, sealed, arn = found
            key = sealing.blob_key(ctx, sealed, None, "Decrypt")
            if key["uid"] != uid:       # the blob's key id now names another key: open it afresh
                key = None
        if key is None:
            plaintext, key, _ = sealing.unseal(ctx, blob, context, None, "Decrypt")
            arn = lookup.arn_of(key)
            cache.put(entry, (plaintext, key["uid"], model.open_blob(blob), arn))
        access.check(ctx, key, "Decrypt", context)
        usage.note(ctx, key)
        return plaintext, arn


_NO_CONTEXT = frozenset()


def _unwrapped_cache(state) -> Lru:
    cache = state.cache("kms")
    if "unwrapped" not in cache:
        cache["unwrapped"] = Lru(UNWRAPPED_CACHE_CAP)
    return cache["unwrapped"]


def describe(ctx, key_id: str | None, service: str = "s3") -> dict:
    """KeyMetadata of the key, as DescribeKey returns it."""
    with _as_failure():
        key = managed_key(ctx, service) if key_id is None else lookup.find_key(ctx, key_id)
        return lookup.metadata(ctx, key)


def check_usable(ctx, key_id: str | None, service: str = "s3") -> str:
    """The ARN of an enabled symmetric encryption key (what SSE-KMS and stream encryption
    need before they accept a key)."""
    with _as_failure():
        return lookup.arn_of(_usable(ctx, key_id, service, "GenerateDataKey"))


def _usable(ctx, key_id, service, operation):
    key = managed_key(ctx, service) if key_id is None else lookup.find_key(ctx, key_id)
    lookup.check_enabled(ctx, key)
    lookup.check_usage(key, "ENCRYPT_DECRYPT", operation)
    if key["key_spec"] != model.DEFAULT_SPEC:
        raise KmsFailure("InvalidKeyUsageException",
                         f"{lookup.arn_of(key)} key spec is {key['key_spec']} which is not valid for {operation}.")
    return key


class _as_failure:
    """KMS's own errors leave this module as KmsFailure, so callers need not know them."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if isinstance(error, ServiceError):
            raise KmsFailure(error.code, error.message or "") from None
        return False
