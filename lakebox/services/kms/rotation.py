"""Key rotation: automatic rotation on a period (a job on the lakebox clock) and
RotateKeyOnDemand. A rotation adds key material and makes it current; ciphertexts carry
their material version, so old ones keep decrypting while new ones use the new material.

RotateKeyOnDemand only starts a rotation, as KMS does ("KMS uses a background process
to perform rotations", API reference, GetKeyRotationStatus): until it is done
GetKeyRotationStatus shows its OnDemandRotationStartDate, ListKeyRotations does not list
the new material and the key keeps encrypting with its current one (imported material
stays PENDING_ROTATION); the job (jobs.py) finishes it ON_DEMAND_ROTATION_S after the
stored start, dated when it finished."""
from lakebox.aws.errors import ValidationError
from lakebox.services.kms import keygen, lookup, model, store
from lakebox.services.kms.errors import (
    InvalidArnException, InvalidMarkerException, KMSInvalidStateException, LimitExceededException,
    UnsupportedOperationException)

LIST_DEFAULT_LIMIT = 100
# KMS took 100 to 130 seconds (stackd testdata/aws/kms/rotation.json: OnDemandRotationStartDate
# 09:41:26.967, RotationDate 09:43:06.503; 09:45:29.575 / 09:47:21.404; 09:49:17.395 /
# 09:51:28.355). lakebox takes a short while: long enough that the answers right after the
# call show the rotation in progress, short enough that a poll loop ends after a poll or two.
ON_DEMAND_ROTATION_S = 2


def enable_key_rotation(ctx, params):
    key = _rotatable(ctx, params["KeyId"])
    # Enabled again with its own period (or none named) the rotation keeps its period and
    # date; a new period sets a new date (stackd testdata/aws/kms/rotation.json
    # enable_default, reenabled_same_period, enable_2560).
    days = params.get("RotationPeriodInDays", key["rotation_days"] or model.DEFAULT_ROTATION_DAYS)
    if days == key["rotation_days"]:
        return {}
    # The period counts from the last rotation (or creation), as on AWS.
    last = store.material(ctx.state.db, key["uid"], key["current_version"])["created_ms"]
    store.update_key(ctx.state.db, key["uid"], rotation_days=days, next_rotation_ms=last + days * model.DAY_S * 1000)
    ctx.state.scheduler.poke("kms")
    return {}


def disable_key_rotation(ctx, params):
    key = _rotatable(ctx, params["KeyId"], mac_too=True)   # an HMAC key: nothing to disable (rotation.json)
    store.update_key(ctx.state.db, key["uid"], rotation_days=None, next_rotation_ms=None)
    return {}


def get_key_rotation_status(ctx, params):
    key = _key_of(ctx, params["KeyId"])
    # a replica answers its primary's settings (stackd testdata/aws/kms/multi_region.json replica_initial_rotation)
    settings = key
    if key["multi_region"] and lookup.primary_region(key) != key["region"]:
        settings = next((r for r in store.related_keys(ctx.state.db, key)
                         if r["region"] == lookup.primary_region(key)), key)
    # a key pending deletion answers that it does not rotate (rotation.json deleting_get-key-rotation-status)
    enabled = (settings["rotation_days"] is not None
               and lookup.state_of(key, lookup.now_ms(ctx)) not in lookup.DELETION_STATES)
    answer = {"KeyRotationEnabled": enabled, "KeyId": lookup.arn_of(key)}
    if enabled:
        answer["RotationPeriodInDays"] = settings["rotation_days"]
        answer["NextRotationDate"] = settings["next_rotation_ms"] / 1000
    # shown while the rotation runs, also for a key pending deletion (rotation.json deleting_pending)
    if settings["on_demand_started_ms"] is not None:
        answer["OnDemandRotationStartDate"] = settings["on_demand_started_ms"] / 1000
    return answer


def rotate_key_on_demand(ctx, params):
    """Starts a rotation: a new material, or for a key with imported material the material
    imported with ImportType NEW_KEY_MATERIAL (PENDING_ROTATION), becomes current when
    the rotation job finishes it (finish_on_demand)."""
    key = _rotatable(ctx, params["KeyId"], imported_too=True)
    if key["on_demand_started_ms"] is not None:
        # a rotation in progress: the repeat is accepted and starts no other (rotation.json
        # rotate_immediate_repeat: one ON_DEMAND rotation listed after two calls)
        return {"KeyId": lookup.arn_of(key)}
    if key["on_demand_rotations"] >= model.MAX_ON_DEMAND_ROTATIONS:
        raise LimitExceededException(
            f"{lookup.arn_of(key)} has reached the limit of {model.MAX_ON_DEMAND_ROTATIONS} on-demand rotations.")
    if key["origin"] == "EXTERNAL":
        _check_pending_material(ctx, key)
    store.update_key(ctx.state.db, key["uid"], on_demand_started_ms=lookup.now_ms(ctx),
                     on_demand_rotations=key["on_demand_rotations"] + 1)
    ctx.state.scheduler.poke("kms")
    return {"KeyId": lookup.arn_of(key)}


def _check_pending_material(ctx, key):
    waiting = next((r for r in store.materials(ctx.state.db, key["uid"]) if r["pending"]), None)
    if waiting is None:
        # stackd testdata/aws/kms/imports_rotation_replacement.json rotate_third
        raise KMSInvalidStateException(
            f"No available key material pending rotation for the key: {lookup.arn_of(key)}.")
    if waiting["version"] in _awaiting_replicas(ctx, key):      # imports_multi_region.json
        raise KMSInvalidStateException("Cannot perform key material rotation: Key material has not been imported "
                                       "for replicas of the Multi-Region key.")


def _awaiting_replicas(ctx, key) -> set:
    """Versions of imported material pending rotation that some key of a multi-Region key
    (primary or replica) has not had imported yet."""
    if not key["multi_region"] or key["origin"] != "EXTERNAL":
        return set()
    db = ctx.state.db
    awaiting = set()
    for related in store.related_keys(db, key):
        awaiting |= {row["version"] for row in store.materials(db, related["uid"])
                     if row["pending"] and not row["material"]}
    return awaiting


def list_key_rotations(ctx, params):
    key = _key_of(ctx, params["KeyId"])
    if "IncludeKeyMaterial" in params and key["key_spec"] != model.DEFAULT_SPEC:
        # stackd testdata/aws/kms/imports_families.json *_history (HMAC, RSA, ECC keys)
        raise ValidationError("Input parameter includeKeyMaterial can only be used with symmetric keys.")
    _check_symmetric(key, imported_too=True, mac_too=True)      # an HMAC key lists none (rotation.json)
    include_first = params.get("IncludeKeyMaterial", "ROTATIONS_ONLY") == "ALL_KEY_MATERIAL"
    rows = [r for r in store.materials(ctx.state.db, key["uid"]) if include_first or r["rotation_type"]]
    start = _start(params.get("Marker"), len(rows))
    limit = params.get("Limit") or LIST_DEFAULT_LIMIT
    page = rows[start:start + limit]
    awaiting = _awaiting_replicas(ctx, key)
    answer = {"Rotations": [_rotation(key, row, awaiting) for row in page], "Truncated": start + limit < len(rows)}
    if answer["Truncated"]:
        answer["NextMarker"] = str(start + limit)
    return answer


def _rotation(key, row, awaiting) -> dict:
    # new material a multi-Region key's replicas still need (imports_multi_region.json)
    pending = "PENDING_MULTI_REGION_IMPORT_AND_ROTATION" if row["version"] in awaiting else "PENDING_ROTATION"
    state = (pending if row["pending"] else
             "CURRENT" if row["version"] == key["current_version"] else "NON_CURRENT")
    entry = {"KeyId": lookup.arn_of(key), "KeyMaterialId": row["material_id"]}
    # material past its ValidTo is still listed IMPORTED with its model and ValidTo, pending
    # or current (stackd testdata/aws/kms/imports_expiry.json, imports_rotation_expiry.json:
    # for more than 15 minutes); only deleted material is PENDING_IMPORT
    present = bool(row["material"])
    if key["origin"] == "EXTERNAL":         # these four are only for imported material
        if row["description"] is not None:
            entry["KeyMaterialDescription"] = row["description"]
        entry["ImportState"] = "IMPORTED" if present else "PENDING_IMPORT"
    entry["KeyMaterialState"] = state
    if key["origin"] == "EXTERNAL" and present and row["expiration_model"]:
        entry["ExpirationModel"] = row["expiration_model"]       # each material's own
        if row["valid_to_ms"] is not None:
            entry["ValidTo"] = row["valid_to_ms"] / 1000
    if row["rotation_type"]:
        entry.update(RotationDate=row["created_ms"] / 1000, RotationType=row["rotation_type"])
    return entry


def finish_on_demand(state, key):
    """The new material of an on-demand rotation started ON_DEMAND_ROTATION_S ago
    becomes current, its RotationDate when it finished (rotation.json list_rotated)."""
    done_ms = key["on_demand_started_ms"] + ON_DEMAND_ROTATION_S * 1000
    if key["origin"] != "EXTERNAL":
        add_material(state, key, done_ms, "ON_DEMAND", on_demand_started_ms=None)
        return
    # Imported material: what is pending when the rotation finishes becomes current, also
    # material imported after the call in place of a deleted one (stackd testdata/aws/kms/
    # imports_rotation_replacement.json delete_second, third_import_without_rotate,
    # after_first_request_history). With none left the rotation ends with no change (not recorded).
    waiting = next((r for r in store.materials(state.db, key["uid"]) if r["pending"] and r["material"]), None)
    if waiting is None:
        store.update_key(state.db, key["uid"], on_demand_started_ms=None)
    else:
        store.promote_material(state.db, key, waiting["version"], done_ms, on_demand_started_ms=None)


def add_material(state, key, now_ms, rotation_type, **columns):
    material = keygen.new_material(key["key_spec"])
    store.rotate(state.db, key, material, keygen.material_id(material), now_ms, rotation_type, **columns)


def _key_of(ctx, text):
    """The key of a rotation call, which takes no alias (rotation.json alias_* cases)."""
    if model.parse_key_ref(text).kind == "alias":
        raise InvalidArnException("Key Aliases are not supported for this operation.")
    return lookup.managed_key_of(ctx, text)


def _rotatable(ctx, text, imported_too=False, mac_too=False):
    """A symmetric encryption key the caller manages, enabled (with imported material
    only for on-demand rotation)."""
    key = _key_of(ctx, text)
    if key["key_manager"] == "AWS":
        # AWS rotates its managed keys itself, yearly: their rotation is not configurable
        # (API reference, GetKeyRotationStatus); the words are those of DisableKey's refusal
        raise UnsupportedOperationException(f"{lookup.arn_of(key)} is an AWS managed key.")
    if key["origin"] == "EXTERNAL" and not imported_too:
        # the origin is refused before a pending import (stackd testdata/aws/kms/imports.json
        # pending_enable-key-rotation)
        _check_symmetric(key, imported_too, mac_too)
    lookup.check_enabled(ctx, key)
    _check_symmetric(key, imported_too, mac_too)
    if key["multi_region"] and lookup.primary_region(key) != key["region"]:
        # A replica rotates with its primary, which holds the rotation settings.
        raise UnsupportedOperationException(f"{lookup.arn_of(key)} is a multi-Region replica key.")
    return key


def _check_symmetric(key, imported_too=False, mac_too=False):
    if mac_too and key["key_usage"] == "GENERATE_VERIFY_MAC":
        return
    if key["key_usage"] == "GENERATE_VERIFY_MAC":
        raise UnsupportedOperationException("")     # recorded with no message (rotation.json hmac_*)
    if key["origin"] not in (("AWS_KMS", "EXTERNAL") if imported_too else ("AWS_KMS",)):
        raise UnsupportedOperationException(
            f"{lookup.arn_of(key)} origin is {key['origin']} which is not valid for this operation.")
    if key["key_spec"] != model.DEFAULT_SPEC:
        raise UnsupportedOperationException(
            f"{lookup.arn_of(key)} key spec is {key['key_spec']} which is not valid for key rotation.")


def _start(marker, size) -> int:
    if marker is None:
        return 0
    if not marker.isdigit() or int(marker) > size:
        raise InvalidMarkerException("")      # recorded with no message (rotation.json invalid_marker)
    return int(marker)
