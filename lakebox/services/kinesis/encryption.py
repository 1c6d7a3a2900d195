"""Stream encryption at rest (StartStreamEncryption): the payload bytes of records
written while a stream's EncryptionType is KMS are ciphertext in its shard log.

Records are encrypted under data keys that the stream's KMS key wraps (encryption
context {"aws:kinesis:arn": stream ARN}); the wrapped keys are rows of
`kinesis_data_keys` and each chunk names the one its bytes were sealed with (NULL:
stored in the clear). A data key serves many calls (`kit.logcipher` positions the
keystream by where the bytes sit in the log), so a PutRecords costs one check of the
KMS key's state, not a KMS call per record; a fresh data key is made when the stream's
KMS key changes and after every start. Reads unwrap each data key they meet once per
call, through KMS, so a disabled or deleted key fails GetRecords as it fails PutRecord.
"""
from lakebox.kit import calls, logcipher
from lakebox.services.kinesis import errors, lookup, store
from lakebox.services.kms import public as kms

_CACHE = "data-keys"
CHANGES_PER_DAY = 25             # "25 times in a rolling 24-hour period", each of Start and Stop
DAY_MS = 24 * 3_600_000
# KMS's refusals, as Kinesis answers them (the message is KMS's own).
_AS_KINESIS = {"DisabledException": errors.KMSDisabledException,
               "KMSInvalidStateException": errors.KMSInvalidStateException,
               "NotFoundException": errors.KMSNotFoundException,
               "AccessDeniedException": errors.KMSAccessDeniedException,
               "ThrottlingException": errors.KMSThrottlingException,
               "InvalidCiphertextException": errors.KMSAccessDeniedException}

KMS_ERRORS = tuple(set(_AS_KINESIS.values()) - {errors.InvalidArgumentException})


def kinesis_error(failure: kms.KmsFailure):
    return _AS_KINESIS.get(failure.code, errors.InvalidArgumentException)(failure.message)


def _kms(state, stream, operation: str):
    return calls.system_context(state, "kms", operation, stream["account"], stream["region"])


def _context(stream) -> dict:
    return {"aws:kinesis:arn": lookup.arn_of(stream)}


def check_change_limit(ctx, stream, operation: str, now_ms: int):
    """Start/StopStreamEncryption succeed at most 25 times each per stream in a rolling
    24 hours (the operations' API limits), with `--limits aws`."""
    if ctx.limits_on and store.encryption_changes_since(ctx.state.db, stream["uid"], operation,
                                                        now_ms - DAY_MS) >= CHANGES_PER_DAY:
        raise errors.LimitExceededException(
            f"{operation} has succeeded {CHANGES_PER_DAY} times for stream {stream['name']} under account "
            f"{stream['account']} in the last 24 hours, the most allowed.")


def check_key(ctx, key_id: str):
    """StartStreamEncryption's check: the key must be an enabled symmetric encryption key."""
    try:
        kms.check_usable(calls.on_behalf(ctx, "kms", "DescribeKey"), key_id, "kinesis")
    except kms.KmsFailure as failure:
        raise kinesis_error(failure) from None


def sealer(state, stream):
    """None for a stream stored in the clear, else (data key id, a function sealing bytes
    at (segment, offset)). Raises Kinesis's KMS errors when the stream's key is unusable."""
    if stream["encryption_type"] != "KMS":
        return None
    try:
        key_arn = kms.check_usable(_kms(state, stream, "GenerateDataKey"), stream["key_id"], "kinesis")
        cache = state.cache("kinesis").setdefault(_CACHE, {})
        current = cache.get(stream["uid"])
        if current is None or current[0] != key_arn:
            plaintext, wrapped, _ = kms.generate_data_key(_kms(state, stream, "GenerateDataKey"), key_arn,
                                                          _context(stream), "kinesis")
            current = cache[stream["uid"]] = (key_arn, store.add_data_key(state.db, stream["uid"], wrapped),
                                              plaintext)
    except kms.KmsFailure as failure:
        raise kinesis_error(failure) from None
    _, key_ref, plaintext = current
    return key_ref, lambda segment, offset, data: logcipher.crypt(plaintext, segment, offset, data)


class Opener:
    """Decrypts the chunks one read meets, unwrapping each data key once."""

    def __init__(self, state, stream):
        self.state, self.stream, self.keys = state, stream, {}

    def plain(self, key_ref, segment: int, offset: int, payload: bytes) -> bytes:
        if key_ref is None:
            return payload
        key = self.keys.get(key_ref)
        if key is None:
            wrapped = store.data_key(self.state.db, key_ref)
            try:
                key, _ = kms.decrypt(_kms(self.state, self.stream, "Decrypt"), wrapped, _context(self.stream))
            except kms.KmsFailure as failure:
                raise kinesis_error(failure) from None
            self.keys[key_ref] = key
        return logcipher.crypt(key, segment, offset, payload)
