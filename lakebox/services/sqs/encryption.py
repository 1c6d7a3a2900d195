"""Message bodies encrypted at rest: SSE-SQS (`SqsManagedSseEnabled`, every new queue's
default) and SSE-KMS (`KmsMasterKeyId`).

A body is sealed with AES-256-GCM under a data key (stored as nonce | ciphertext | tag,
the message id as associated data, so a sealed body cannot pass for another message's).
As on AWS, a data key serves one queue and one sending principal for the queue's data
key reuse period (`KmsDataKeyReusePeriodSeconds`; SSE-SQS: 300 s), then a new one is
made: for SSE-KMS by KMS's GenerateDataKey under the queue's key, with the encryption
context {"aws:sqs:arn": queue ARN}; for SSE-SQS wrapped by SQS's own master key
(`sqs_master_key`), never through KMS. Data keys are kept wrapped in `sqs_data_keys`
and a message row names its own, so a message keeps decrypting after its queue's
encryption changes or it moves to a dead-letter queue; a job prunes the keys no message
uses once their reuse period is over (jobs.py). Plaintext data keys live in memory only.

The KMS key is checked on every send and every receive that needs it, so a disabled or
deleted key refuses them at once with SQS's Kms* errors (query codes `KMS.<code>`) and
nothing changes (AWS itself may keep using a cached data key until its reuse period
ends). Message attributes and ids stay in the clear, as AWS documents for SSE."""
import json
import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lakebox.kit import calls, sessions
from lakebox.services.kms import public as kms
from lakebox.services.sqs import attributes, store
from lakebox.services.sqs.errors import (KmsAccessDenied, KmsDisabled, KmsInvalidKeyUsage, KmsInvalidState,
                                         KmsNotFound)
from lakebox.services.sqs.lookup import arn_of
from lakebox.storage.lru import Lru

REFUSALS = {"NotFoundException": KmsNotFound, "DisabledException": KmsDisabled,
            "KMSInvalidStateException": KmsInvalidState, "InvalidKeyUsageException": KmsInvalidKeyUsage,
            "AccessDeniedException": KmsAccessDenied}
SSE_SQS_REUSE_S = 300
NONCE_BYTES = 12
NONCES_DRAWN = 10
CACHE_CAP = 4_096


class Sealer:
    """Seals the bodies of one send under one data key."""

    def __init__(self, data_key_id: int, cipher: AESGCM):
        self.data_key_id = data_key_id
        self._cipher = cipher
        self._random = b""              # nonces drawn from the OS a batch at a time

    def seal(self, message_id: str, body: str) -> bytes:
        if not self._random:
            self._random = os.urandom(NONCE_BYTES * NONCES_DRAWN)
        nonce, self._random = self._random[:NONCE_BYTES], self._random[NONCE_BYTES:]
        return nonce + self._cipher.encrypt(nonce, body.encode(), message_id.encode())


def sealer(ctx, queue, queue_attrs: dict) -> Sealer | None:
    """The sealer of a send to `queue` by ctx's caller (None: the queue keeps bodies as
    sent). Refuses with SQS's Kms* error when the queue's KMS key cannot be used."""
    key_id = queue_attrs.get("KmsMasterKeyId")
    if key_id:
        key_arn = _usable_key(ctx, key_id)
        reuse = attributes.int_attribute(queue_attrs, "KmsDataKeyReusePeriodSeconds")
    elif queue_attrs.get("SqsManagedSseEnabled") == "true":
        key_arn, reuse = None, SSE_SQS_REUSE_S
    else:
        return None
    current = _cache(ctx.state, "current")
    slot = (queue["uid"], _scope(ctx), key_arn)
    found = current.get(slot)
    if found is None or found[1] <= ctx.now:
        found = (_new_data_key(ctx, queue, key_arn), ctx.now + reuse)
        current.put(slot, found)
    data_key_id = found[0]
    return Sealer(data_key_id, _cipher(ctx, data_key_id, set())[0])


def reusable_data_keys(state, now) -> set[int]:
    """The data keys senders may still seal new messages with (within their reuse period)."""
    return {data_key_id for data_key_id, reuse_until in _cache(state, "current").values() if reuse_until > now}


def stored_body(sealer: Sealer | None, message_id: str, body: str) -> tuple:
    """(the body as stored, its data key id or None)."""
    return (sealer.seal(message_id, body), sealer.data_key_id) if sealer else (body, None)


def open_bodies(ctx, rows) -> dict:
    """{seq: body} of message rows, sealed ones decrypted. Each KMS key involved is
    checked once; a refusal raises SQS's Kms* error."""
    bodies, checked = {}, set()
    for row in rows:
        if row["data_key"] is None:
            bodies[row["seq"]] = row["body"]
            continue
        cipher, key_arn = _cipher(ctx, row["data_key"], checked)
        if key_arn and key_arn not in checked:
            _usable_key(ctx, key_arn)
            checked.add(key_arn)
        sealed = row["body"]
        try:
            plain = cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], row["message_id"].encode())
        except InvalidTag:
            raise KmsInvalidState("The message body could not be decrypted.") from None
        bodies[row["seq"]] = plain.decode()
    return bodies


def resealed(ctx, row, message_id: str):
    """A stored body under a new message id (its AAD): decrypted and sealed again with the
    same data key; a body kept as sent stays as it is."""
    if row["data_key"] is None:
        return row["body"]
    plain = open_bodies(ctx, [row])[row["seq"]]
    cipher, _ = _cipher(ctx, row["data_key"], set())
    nonce = os.urandom(NONCE_BYTES)
    return nonce + cipher.encrypt(nonce, plain.encode(), message_id.encode())


def _usable_key(ctx, key_id: str) -> str:
    """The ARN of the KMS key, or SQS's Kms* refusal."""
    try:
        return kms.check_usable(calls.on_behalf(ctx, "kms", "GenerateDataKey"), key_id, service="sqs")
    except kms.KmsFailure as failure:
        raise _refusal(failure) from None


def _refusal(failure):
    """SQS's Kms* error for a KMS refusal. An access denial carries KMS's words followed
    by the service call's summary, as SQS answers (recorded from AWS: radkawar/stackd
    testdata/aws/sqs/forwarding.json kms_principal_send, cache_scope.json *_fresh_send)."""
    if failure.code == "AccessDeniedException":
        return _kms_denied(failure.message)
    return REFUSALS.get(failure.code, KmsInvalidState)(failure.message)


def _kms_denied(message: str):
    return KmsAccessDenied(f"{message} (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; "
                           f"Request ID: {uuid.uuid4()}; Proxy: null)")


def _on_behalf(ctx, operation: str, key_arn: str):
    """The caller's context for a KMS call SQS makes for it, refused as KMS would refuse
    it when the caller's session policies do not allow the call (cache_scope.json:
    inline_limited_fresh_send, inline_limited_receive)."""
    called = calls.on_behalf(ctx, "kms", operation)
    reason = sessions.refusal(called, f"kms:{operation}", key_arn)
    if reason is not None:
        raise _kms_denied(sessions.message(called, f"kms:{operation}", key_arn, reason))
    return called


def _new_data_key(ctx, queue, key_arn: str | None) -> int:
    queue_arn = arn_of(queue)
    if key_arn:
        try:
            plaintext, wrapped, _ = kms.generate_data_key(_on_behalf(ctx, "GenerateDataKey", key_arn), key_arn,
                                                          {"aws:sqs:arn": queue_arn}, "sqs")
        except kms.KmsFailure as failure:
            raise _refusal(failure) from None
    else:
        plaintext = os.urandom(32)
        nonce = os.urandom(NONCE_BYTES)
        wrapped = nonce + AESGCM(_master_key(ctx.state)).encrypt(nonce, plaintext, None)
    data_key_id = store.insert_data_key(ctx.state.db, key_arn, queue_arn, wrapped, ctx.now)
    _cache(ctx.state, "ciphers").put((data_key_id, _scope(ctx)), (AESGCM(plaintext), key_arn))
    return data_key_id


def _scope(ctx):
    """Whose data keys a caller may reuse without asking KMS again: its own (by ARN), or
    for an STS session its role's under the same session policies (the inline policy
    whitespace aside, the managed ones in order), whatever the session's name, tags or
    source identity, as SQS reused them (recorded from AWS: radkawar/stackd
    testdata/aws/sqs/cache_scope.json: a session of the same name but narrower session
    policies is refused by KMS on a queue another session had just used, one of another
    name with the same policies is not)."""
    session = ctx.session
    if not session:
        return ctx.caller_arn
    policy = session.get("policy")
    if policy:
        try:
            policy = json.dumps(json.loads(policy), separators=(",", ":"))
        except ValueError:
            pass
    return ctx.caller_arn.rsplit("/", 1)[0], policy or "", session.get("policy_arns") or ""


def _cipher(ctx, data_key_id: int, checked: set) -> tuple[AESGCM, str | None]:
    """(AESGCM of the data key, its KMS key ARN or None), unwrapped on first use (a KMS
    Decrypt for SSE-KMS, which also checks the key: noted in `checked`)."""
    ciphers = _cache(ctx.state, "ciphers")
    found = ciphers.get((data_key_id, _scope(ctx)))
    if found is not None:
        return found
    row = store.data_key(ctx.state.db, data_key_id)
    wrapped = row["wrapped"]
    if row["key_arn"]:
        try:
            plaintext, _ = kms.decrypt(_on_behalf(ctx, "Decrypt", row["key_arn"]), wrapped,
                                       {"aws:sqs:arn": row["queue_arn"]})
        except kms.KmsFailure as failure:
            raise _refusal(failure) from None
        checked.add(row["key_arn"])
    else:
        plaintext = AESGCM(_master_key(ctx.state)).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], None)
    found = (AESGCM(plaintext), row["key_arn"])
    ciphers.put((data_key_id, _scope(ctx)), found)
    return found


def _master_key(state) -> bytes:
    cache = state.cache("sqs")
    if "master_key" not in cache:
        cache["master_key"] = store.master_key(state.db) or store.put_master_key(state.db, os.urandom(32))
    return cache["master_key"]


def _cache(state, name: str) -> Lru:
    cache = state.cache("sqs")
    if name not in cache:
        cache[name] = Lru(CACHE_CAP)
    return cache[name]
