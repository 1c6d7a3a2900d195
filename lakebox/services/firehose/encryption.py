"""Server-side encryption of buffered records (Start/StopDeliveryStreamEncryption).

While a stream's encryption is ENABLED, the bytes PutRecord(Batch) buffers are
ciphertext in its buffer log: AES-256-CTR under a data key (`kit.logcipher`, positioned
by where the bytes sit in the log), wrapped either by the customer managed KMS key
(encryption context {"aws:firehose:arn": stream ARN}) or, for AWS_OWNED_CMK, by a key
Firehose holds itself (`firehose_master_key`, as AWS-owned keys live outside the
account: no key appears in the user's KMS). Wrapped data keys are rows of
`firehose_data_keys`; each chunk names the one its bytes were sealed with.

A data key serves many calls, so a put costs one check of the KMS key's state (a
disabled or deleted key fails it with InvalidKMSResourceException), not a KMS call per
record. A flush unwraps the data keys of what it delivers through KMS on the loop; when
the customer key cannot be used the records stay buffered and the stream's
FailureDescription says why (`DISABLED_KMS_KEY`, `KMS_KEY_NOT_FOUND`, ...), as does its
DeliveryStreamEncryptionConfiguration.
"""
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lakebox.kit import calls, logcipher
from lakebox.services.firehose import lookup, store
from lakebox.services.firehose.errors import InvalidArgumentException, InvalidKMSResourceException
from lakebox.services.kms import public as kms

_CACHE = "data-keys"
_MASTER = "master-key"
# KMS's refusals as DeliveryStreamFailureType names them.
FAILURE_TYPES = {"DisabledException": "DISABLED_KMS_KEY", "NotFoundException": "KMS_KEY_NOT_FOUND",
                 "AccessDeniedException": "KMS_ACCESS_DENIED", "KMSInvalidStateException": "INVALID_KMS_KEY",
                 "InvalidKeyUsageException": "INVALID_KMS_KEY", "KMSOptInRequired": "KMS_OPT_IN_REQUIRED"}


class KeyUnusable(Exception):
    """The customer managed key of a stream cannot be used; `failure` is the
    FailureDescription that says why."""

    def __init__(self, failure: dict):
        super().__init__(failure["Details"])
        self.failure = failure


def settings_from(ctx, given: dict) -> dict:
    """The stored DeliveryStreamEncryptionConfiguration for a request's
    DeliveryStreamEncryptionConfigurationInput (a customer key must be usable now)."""
    key_type = given["KeyType"]
    if key_type == "CUSTOMER_MANAGED_CMK" and not given.get("KeyARN"):
        raise InvalidArgumentException("KeyARN is required when KeyType is CUSTOMER_MANAGED_CMK.")
    if key_type == "AWS_OWNED_CMK" and given.get("KeyARN"):
        raise InvalidArgumentException("KeyARN must not be specified when KeyType is AWS_OWNED_CMK.")
    found = {"KeyType": key_type, "Status": "ENABLED"}
    if given.get("KeyARN"):
        try:
            kms.check_usable(calls.on_behalf(ctx, "kms", "DescribeKey"), given["KeyARN"], "firehose")
        except kms.KmsFailure as failure:
            raise _refusal(failure) from None
        found["KeyARN"] = given["KeyARN"]
    return found


def _refusal(failure: kms.KmsFailure) -> InvalidKMSResourceException:
    return InvalidKMSResourceException(f"{failure.code}: {failure.message}", code=failure.code)


def settings(stream) -> dict:
    return store.loads(stream["encryption"]) or {"Status": "DISABLED"}


def enabled(stream) -> bool:
    return settings(stream).get("Status") == "ENABLED"


def described(state, stream) -> dict:
    """DeliveryStreamEncryptionConfiguration as Describe shows it: with a FailureDescription
    while the customer managed key cannot be used."""
    found = settings(stream)
    if found.get("Status") == "ENABLED" and found.get("KeyARN"):
        try:
            kms.check_usable(_kms(state, stream, "DescribeKey"), found["KeyARN"], "firehose")
        except kms.KmsFailure as failure:
            found = dict(found, FailureDescription=_failure(failure))
    return found


def _failure(failure: kms.KmsFailure) -> dict:
    return {"Type": FAILURE_TYPES.get(failure.code, "UNKNOWN_ERROR"), "Details": f"{failure.code}: {failure.message}"}


def _kms(state, stream, operation: str):
    return calls.system_context(state, "kms", operation, stream["account"], stream["region"])


def _context(stream) -> dict:
    return {"aws:firehose:arn": lookup.arn_of(stream)}


# ---------------------------------------------------------------------------
# Writing

def sealer(state, stream):
    """None while encryption is off, else (data key id, a function sealing bytes at
    (segment, offset)); a customer key that cannot be used is refused as AWS does."""
    found = settings(stream)
    if found.get("Status") != "ENABLED":
        return None
    key_arn = found.get("KeyARN")
    cache = state.cache("firehose").setdefault(_CACHE, {})
    current = cache.get(stream["uid"])
    try:
        if key_arn is not None:
            kms.check_usable(_kms(state, stream, "GenerateDataKey"), key_arn, "firehose")
        if current is None or current[0] != key_arn:
            plaintext, wrapped = _new_data_key(state, stream, key_arn)
            current = cache[stream["uid"]] = (key_arn, store.add_data_key(state.db, stream["uid"], key_arn, wrapped),
                                              plaintext)
    except kms.KmsFailure as failure:
        raise _refusal(failure) from None
    _, key_ref, plaintext = current
    return key_ref, lambda segment, offset, data: logcipher.crypt(plaintext, segment, offset, data)


def _new_data_key(state, stream, key_arn):
    if key_arn is not None:
        plaintext, wrapped, _ = kms.generate_data_key(_kms(state, stream, "GenerateDataKey"), key_arn,
                                                      _context(stream), "firehose")
        return plaintext, wrapped
    plaintext, nonce = os.urandom(32), os.urandom(12)
    return plaintext, nonce + AESGCM(_master_key(state)).encrypt(nonce, plaintext, None)


def _master_key(state) -> bytes:
    """Firehose's own key for AWS_OWNED_CMK, made on first use."""
    cache = state.cache("firehose")
    if _MASTER not in cache:
        state.db.execute("INSERT OR IGNORE INTO firehose_master_key (id, material) VALUES (1, ?)", (os.urandom(32),))
        cache[_MASTER] = bytes(state.db.one("SELECT material FROM firehose_master_key WHERE id=1")["material"])
    return cache[_MASTER]


# ---------------------------------------------------------------------------
# Reading (on the loop, before a flush)

def data_keys(state, stream) -> dict:
    """{data key id: plaintext key} of every data key the stream's buffered chunks were
    sealed with. Raises KeyUnusable when KMS refuses to unwrap one."""
    found = {}
    for row in store.data_keys_in_use(state.db, stream["uid"]):
        wrapped = bytes(row["wrapped"])
        if row["key_arn"] is None:
            found[row["id"]] = AESGCM(_master_key(state)).decrypt(wrapped[:12], wrapped[12:], None)
            continue
        try:
            found[row["id"]], _ = kms.decrypt(_kms(state, stream, "Decrypt"), wrapped, _context(stream))
        except kms.KmsFailure as failure:
            raise KeyUnusable(_failure(failure)) from None
    return found


def opener(keys: dict):
    """A function (key id or None, segment, offset, bytes) -> plaintext, over `keys`."""
    def plain(key_ref, segment: int, offset: int, data: bytes) -> bytes:
        return data if key_ref is None else logcipher.crypt(keys[key_ref], segment, offset, data)
    return plain
