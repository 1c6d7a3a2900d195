"""Finding keys from a KeyId parameter (key id, key ARN, alias name or alias ARN), with
AWS's errors, checking they may be used, and describing them as KeyMetadata."""
from lakebox.aws.errors import ValidationError
from lakebox.services.kms import access, managed, model, store
from lakebox.services.kms.errors import (
    DisabledException, DryRunOperationException, InvalidKeyUsageException, KMSInvalidStateException,
    NotFoundException)

ENABLED, DISABLED, PENDING_DELETION, PENDING_IMPORT = "Enabled", "Disabled", "PendingDeletion", "PendingImport"
PENDING_REPLICA_DELETION = "PendingReplicaDeletion"
DELETION_STATES = (PENDING_DELETION, PENDING_REPLICA_DELETION)


def now_ms(ctx) -> int:
    return int(ctx.now * 1000)


def state_of(key, at_ms: int) -> str | None:
    """Enabled / Disabled / PendingDeletion / PendingImport, or None once its deletion
    date has passed. Imported material that expired is gone: the key awaits an import."""
    wait_days = key["replica_wait_days"]
    if wait_days is not None and (key["deletion_ms"] is None
                                  or at_ms < key["deletion_ms"] - wait_days * model.DAY_S * 1000):
        return PENDING_REPLICA_DELETION
    if key["deletion_ms"] is not None:
        return PENDING_DELETION if at_ms < key["deletion_ms"] else None
    if not key["material_present"] or (key["valid_to_ms"] is not None and at_ms >= key["valid_to_ms"]):
        return PENDING_IMPORT
    return ENABLED if key["enabled"] else DISABLED


def arn_of(key) -> str:
    return model.key_arn(key["account"], key["region"], key["key_id"])


def find_key(ctx, text: str, allow_alias: bool = True):
    """The live key `text` names in the caller's region (any account, for ARNs)."""
    ref = model.parse_key_ref(text)
    if ref.region is not None and ref.region != ctx.region:
        raise NotFoundException(f"Invalid arn {ref.region}")
    account = ref.account or ctx.account
    db = ctx.state.db
    if ref.kind == "alias":
        if not allow_alias:
            raise NotFoundException(f"Invalid keyId '{text}'")
        row = store.alias(db, account, ctx.region, ref.name)
        if row is None and account == ctx.account and managed.service_of(ref.name):
            return managed.managed_key(ctx, managed.service_of(ref.name))
        key = store.key_by_uid(db, row["key_uid"]) if row else None
        if key is None or state_of(key, now_ms(ctx)) is None:
            raise NotFoundException(f"Alias {model.alias_arn(account, ctx.region, ref.name)} is not found.")
        return key
    if not model.is_key_id(ref.name):
        raise NotFoundException(f"Invalid keyId '{text}'")
    return key_by_id(ctx, account, ref.name)


def key_by_id(ctx, account: str, key_id: str):
    key = _key_row(ctx.state, account, ctx.region, key_id)
    if key is None or state_of(key, now_ms(ctx)) is None:
        raise NotFoundException(f"Key '{model.key_arn(account, ctx.region, key_id)}' does not exist")
    return key


def _key_row(state, account: str, region: str, key_id: str):
    """`store.key_by_id` through the service's cache: Encrypt, Decrypt and every GET of an
    SSE-KMS object read their key's row. It holds rows (or their absence) read since the
    last write of any key row, outside transactions (which may yet roll back); the
    count of writes is read before the row, so a row read while a write lands is dropped.
    The key's state is still judged from the row on every call (`state_of`), so a
    disabled or deleted key fails at once. A reset empties the cache."""
    cache = state.cache("kms")
    writes = store.key_writes()
    held = cache.get(_KEY_ROWS)
    if held is None or held[0] != writes or len(held[1]) >= MAX_CACHED_KEYS:
        held = cache[_KEY_ROWS] = (writes, {})
    where = (account, region, key_id)
    row = held[1].get(where, _ABSENT)
    if row is _ABSENT:
        db = state.db
        row = store.key_by_id(db, account, region, key_id)
        if not db.conn.in_transaction:
            held[1][where] = row
    return row


_KEY_ROWS = "key-rows"
MAX_CACHED_KEYS = 4_096
_ABSENT = object()


def usable_key(ctx, text: str, usage: str, operation: str, allow_alias: bool = True, params=None,
               context: dict | None = None):
    """A key for a cryptographic operation: enabled, and made for `usage`; with the
    request's `params`, one the caller may use for `operation` (`authorized_key`)."""
    if params is None:
        key = find_key(ctx, text, allow_alias)
    else:
        key = authorized_key(ctx, text, operation, params, context, allow_alias)
    check_enabled(ctx, key)
    check_usage(key, usage, operation)
    return key


def authorized_key(ctx, text: str, operation: str, params, context: dict | None = None, allow_alias: bool = True):
    """The key `text` names, once the request's grant tokens are well formed and its key
    policy or grants let the caller run `operation` with this encryption `context`."""
    access.check_tokens(params)
    key = find_key(ctx, text, allow_alias)
    access.check(ctx, key, operation, context, params if operation == "CreateGrant" else None)
    return key


def managed_key_of(ctx, text: str):
    """The key (by id or ARN) that a key management operation (`ctx.operation`: tags,
    policy, description, rotation, enabling, deletion) acts on, once its key policy lets
    the caller."""
    return authorized_key(ctx, text, ctx.operation, {}, allow_alias=False)


def key_in_region(ctx, key_id: str):
    """The live key of this id in the caller's region, the caller's own or, failing that,
    another account's (a ciphertext names its key by id alone; AWS's names its ARN)."""
    key = _key_row(ctx.state, ctx.account, ctx.region, key_id)
    if key is None:
        key = store.key_in_region(ctx.state.db, ctx.region, key_id)
    if key is None or state_of(key, now_ms(ctx)) is None:
        raise NotFoundException(f"Key '{model.key_arn(ctx.account, ctx.region, key_id)}' does not exist")
    return key


def check_enabled(ctx, key):
    state = state_of(key, now_ms(ctx))
    if state == DISABLED:
        raise DisabledException(f"{arn_of(key)} is disabled.")
    if state == PENDING_DELETION:
        raise KMSInvalidStateException(f"{arn_of(key)} is pending deletion.")
    if state == PENDING_REPLICA_DELETION:
        raise KMSInvalidStateException(f"{arn_of(key)} is pending replica deletion.")
    if state == PENDING_IMPORT:
        raise KMSInvalidStateException(f"{arn_of(key)} is pending import.")


def check_not_pending(ctx, key):
    """Enable and disable need a key that is neither pending deletion nor pending import."""
    state = state_of(key, now_ms(ctx))
    if state in (PENDING_DELETION, PENDING_REPLICA_DELETION, PENDING_IMPORT):
        pending = {PENDING_DELETION: "deletion", PENDING_REPLICA_DELETION: "replica deletion"}.get(state, "import")
        raise KMSInvalidStateException(f"{arn_of(key)} is pending {pending}.")


def check_not_pending_deletion(ctx, key):
    state = state_of(key, now_ms(ctx))
    if state in DELETION_STATES:
        pending = "deletion" if state == PENDING_DELETION else "replica deletion"
        raise KMSInvalidStateException(f"{arn_of(key)} is pending {pending}.")


def check_usage(key, usage: str, operation: str):
    if key["key_usage"] != usage:
        raise InvalidKeyUsageException(
            f"{arn_of(key)} key usage is {key['key_usage']} which is not valid for {operation}.")


def metadata(ctx, key) -> dict:
    """KeyMetadata as DescribeKey, CreateKey and ReplicateKey return it."""
    state = state_of(key, now_ms(ctx))
    arn = arn_of(key)
    described = {
        "AWSAccountId": key["account"], "KeyId": key["key_id"], "Arn": arn,
        "CreationDate": key["created_ms"] / 1000, "Enabled": state == ENABLED,
        "Description": key["description"], "KeyUsage": key["key_usage"], "KeyState": state,
        "Origin": key["origin"], "KeyManager": key["key_manager"],
        "CustomerMasterKeySpec": key["key_spec"], "KeySpec": key["key_spec"],
        **model.usage_algorithms(key["key_spec"], key["key_usage"]),
        "MultiRegion": bool(key["multi_region"]),
    }
    if state == PENDING_DELETION:
        described["DeletionDate"] = key["deletion_ms"] / 1000
    elif state == PENDING_REPLICA_DELETION:
        described["PendingDeletionWindowInDays"] = key["replica_wait_days"]
    if key["multi_region"]:
        described["MultiRegionConfiguration"] = multi_region_configuration(ctx, key)
    # A key waiting on material names neither the model nor ValidTo; one whose material
    # expired (not deleted) still names its current material
    # (stackd testdata/aws/kms/imports_rotation_expiry.json after_expired_rotation_metadata)
    expired = state == PENDING_IMPORT and key["material_present"]
    # a replica of imported material names its current material before it is imported
    # (stackd testdata/aws/kms/imports_multi_region.json replica_pending_poll)
    waiting_replica = state == PENDING_IMPORT and key["multi_region"] and primary_region(key) != key["region"]
    if key["expiration_model"] and state != PENDING_IMPORT:
        described["ExpirationModel"] = key["expiration_model"]
    if key["valid_to_ms"] is not None and state != PENDING_IMPORT:
        described["ValidTo"] = key["valid_to_ms"] / 1000
    if key["key_spec"] == model.DEFAULT_SPEC and (state != PENDING_IMPORT or expired or waiting_replica):
        current = store.material(ctx.state.db, key["uid"], key["current_version"])
        described["CurrentKeyMaterialId"] = current["material_id"]
    return described


def primary_region(key) -> str:
    return key["primary_region"] or key["region"]


def multi_region_configuration(ctx, key) -> dict:
    primary = primary_region(key)
    replicas = [r["region"] for r in store.related_keys(ctx.state.db, key) if r["region"] != primary]
    return {"MultiRegionKeyType": "PRIMARY" if key["region"] == primary else "REPLICA",
            "PrimaryKey": {"Arn": model.key_arn(key["account"], primary, key["key_id"]), "Region": primary},
            "ReplicaKeys": [{"Arn": model.key_arn(key["account"], region, key["key_id"]), "Region": region}
                            for region in replicas]}


def check_dry_run(params):
    """After every check passed: DryRun asks only whether the call would succeed."""
    if params.get("DryRun"):
        raise DryRunOperationException()


def refuse_recipient(params):
    """A Recipient names a signed attestation document of a Nitro enclave or NitroTPM,
    which KMS verifies before it answers with CiphertextForRecipient in place of the
    plaintext (KMS Developer Guide, "Cryptographic attestation support in AWS KMS").
    Outside an enclave no document verifies, so every attested call is refused, never
    answered in plaintext. (The refusal's words are not on record.)"""
    if params.get("Recipient") is not None:
        raise ValidationError("The attestation document in the Recipient parameter is not valid.")
