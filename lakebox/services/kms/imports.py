"""Imported key material (keys created with Origin EXTERNAL): GetParametersForImport
hands out an RSA wrapping key and a token, ImportKeyMaterial unwraps the material with
them, DeleteImportedKeyMaterial takes it away again."""
import secrets

from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from lakebox.aws.errors import ValidationError
from lakebox.services.kms import keygen, lookup, model, store
from lakebox.services.kms.errors import (
    ExpiredImportTokenException, IncorrectKeyMaterialException, InvalidCiphertextException,
    InvalidImportTokenException, KMSInvalidStateException, NotFoundException, UnsupportedOperationException)

PARAMETERS_VALID_MS = 24 * 3_600_000          # AWS: import parameters are valid for 24 hours
MAX_VALID_TO_MS = 365 * 86_400_000             # ImportKeyMaterial: ValidTo at most 365 days ahead
# Imported symmetric and HMAC material, (fewest, most) bytes (KMS Developer Guide, "Importing key material").
MATERIAL_BYTES = {"SYMMETRIC_DEFAULT": (32, 32), "HMAC_224": (28, 64), "HMAC_256": (32, 64), "HMAC_384": (48, 128),
                  "HMAC_512": (64, 128)}
_NOT_UNDER_RSA_2048 = ("ECC_NIST_P521", "ECC_NIST_EDWARDS25519")
_PARAMETER_NAMES = {"ImportType": "importType", "KeyMaterialId": "keyMaterialId",
                    "KeyMaterialDescription": "keyMaterialDescription"}
_OAEP_HASH = {"RSAES_OAEP_SHA_1": hashes.SHA1, "RSA_AES_KEY_WRAP_SHA_1": hashes.SHA1,
              "RSAES_OAEP_SHA_256": hashes.SHA256, "RSA_AES_KEY_WRAP_SHA_256": hashes.SHA256}


async def get_parameters_for_import(ctx, params):
    key = _external_key(ctx, params["KeyId"])
    lookup.check_not_pending_deletion(ctx, key)
    spec, algorithm = params["WrappingKeySpec"], params["WrappingAlgorithm"]
    if spec == "SM2" or algorithm == "SM2PKE":
        raise UnsupportedOperationException("SM2 wrapping is only available in China Regions.")
    if algorithm == "RSAES_PKCS1_V1_5" or (algorithm.startswith("RSAES_OAEP") and (
            key["key_spec"].startswith("RSA_") or (spec == "RSA_2048" and key["key_spec"] in _NOT_UNDER_RSA_2048))):
        # stackd testdata/aws/kms/imports.json deprecated_wrapping; imports_families.json *_direct_2048:
        # an RSA private key is wrapped with RSA_AES only, P-521 and Ed25519 material not directly under RSA_2048
        raise ValidationError(f"Wrapping algorithm {algorithm} and wrapping key spec {spec} cannot be used to "
                              f"import a {key['key_spec']} key.")
    wrapping = await keygen.new_private_key_off_loop(ctx.state, spec)
    key = _external_key(ctx, params["KeyId"])            # again: it may have changed meanwhile
    lookup.check_not_pending_deletion(ctx, key)
    token = secrets.token_bytes(64)
    valid_to_ms = lookup.now_ms(ctx) + PARAMETERS_VALID_MS
    store.put_import_parameters(ctx.state.db, key["uid"], keygen.private_key_der(wrapping), algorithm, token,
                                valid_to_ms)
    return {"KeyId": lookup.arn_of(key), "ImportToken": token, "PublicKey": keygen.public_key_der(wrapping),
            "ParametersValidTo": valid_to_ms / 1000}


def import_key_material(ctx, params):
    key = _external_key(ctx, params["KeyId"])
    lookup.check_not_pending_deletion(ctx, key)
    if _is_replica(key):          # stackd testdata/aws/kms/imports_multi_region.json
        if "KeyMaterialDescription" in params:
            raise ValidationError("Key material description can only be specified on primary Multi-Region keys")
        if params.get("ImportType") == "NEW_KEY_MATERIAL":
            raise ValidationError("Input parameter ImportType NEW_KEY_MATERIAL cannot be used on replica "
                                  "Multi-Region keys")
    now_ms = lookup.now_ms(ctx)
    expiration_model, valid_to_ms = _expiration(params, now_ms)
    rows = store.materials(ctx.state.db, key["uid"])
    import_type = _import_type(key, params, rows)
    wanted = store.import_parameters(ctx.state.db, key["uid"])
    if wanted is None or not secrets.compare_digest(wanted["token"], params["ImportToken"]):
        # recorded with no message (stackd testdata/aws/kms/imports_edges.json token_other_key, token_corrupt)
        raise InvalidImportTokenException("")
    if now_ms >= wanted["valid_to_ms"]:
        raise ExpiredImportTokenException("Import token has expired.")
    material = _unwrap(wanted, params["EncryptedKeyMaterial"])
    _check_material(key, material)
    material_id = keygen.material_id(material)
    version, pending = _place(key, rows, import_type, material_id, params.get("KeyMaterialId"))
    store.import_material(ctx.state.db, key["uid"], version, material, material_id, now_ms, expiration_model,
                          valid_to_ms, params.get("KeyMaterialDescription"), pending)
    if pending and key["multi_region"] and not _is_replica(key):
        store.add_replica_slots(ctx.state.db, key, version, material_id, now_ms, params.get("KeyMaterialDescription"))
    return _answer(key, material_id)


def _is_replica(key) -> bool:
    return bool(key["multi_region"]) and lookup.primary_region(key) != key["region"]


def _answer(key, material_id) -> dict:
    """Only symmetric encryption keys name their key material: HMAC and asymmetric keys are
    answered with their ARN alone (stackd testdata/aws/kms/imports_families.json,
    imports_data_plane.json)."""
    if key["key_spec"] != model.DEFAULT_SPEC:
        return {"KeyId": lookup.arn_of(key)}
    return {"KeyId": lookup.arn_of(key), "KeyMaterialId": material_id}


def delete_imported_key_material(ctx, params):
    """Deletes the named material, or the current one."""
    key = _external_key(ctx, params["KeyId"])
    lookup.check_not_pending_deletion(ctx, key)
    rows = store.materials(ctx.state.db, key["uid"])
    named = params.get("KeyMaterialId")
    row = next((r for r in rows if (r["material_id"] == named if named else r["version"] == key["current_version"])),
               None)
    if named and row is None:
        # The words are not on record; the API reference names NotFoundException for an unknown id.
        raise NotFoundException(f"Key material {named} is not associated with {lookup.arn_of(key)}.")
    if row is not None and row["pending"] and key["multi_region"]:
        store.forget_pending(ctx.state.db, key, row["version"], everywhere=not _is_replica(key))
    else:
        store.forget_material(ctx.state.db, key["uid"], row["version"] if row else None)
    return _answer(key, row["material_id"] if row else None)


def _import_type(key, params, rows) -> str:
    """ImportType, by default NEW_KEY_MATERIAL for a key that never had material and
    EXISTING_KEY_MATERIAL after (API reference). It, KeyMaterialId and KeyMaterialDescription
    are for symmetric encryption keys only (stackd testdata/aws/kms/imports_families.json)."""
    given = [name for name in ("ImportType", "KeyMaterialId", "KeyMaterialDescription") if name in params]
    if given and key["key_spec"] != model.DEFAULT_SPEC:
        raise ValidationError(f"Input parameter {_PARAMETER_NAMES[given[0]]} cannot be used with {key['key_spec']} "
                              "imported keys.")
    import_type = params.get("ImportType") or ("EXISTING_KEY_MATERIAL" if rows else "NEW_KEY_MATERIAL")
    if import_type == "NEW_KEY_MATERIAL" and params.get("KeyMaterialId"):
        raise ValidationError("You cannot specify a key material ID with ImportType set to NEW_KEY_MATERIAL.")
    return import_type


def _place(key, rows, import_type, material_id, named_id) -> tuple[int, bool]:
    """(material version, pending) the imported material takes: the version it already
    has (a re-import), the first, or the next, pending until RotateKeyOnDemand."""
    same = next((r for r in rows if r["material_id"] == material_id), None)
    if named_id is not None and named_id != material_id:
        raise IncorrectKeyMaterialException(
            f"The key material being imported does not match the key material ID {named_id}.")
    if import_type == "EXISTING_KEY_MATERIAL":
        if same is None:
            expected = named_id or next((r["material_id"] for r in rows if r["version"] == key["current_version"]),
                                        None)
            raise IncorrectKeyMaterialException(      # imports.json wrong_existing_material
                f"Imported key material does not have the expected identifier ({expected}).")
        return same["version"], bool(same["pending"])
    if not rows:
        return 1, False
    if same is not None:
        raise IncorrectKeyMaterialException(      # imports_edges.json pending_after_expiry_new
            f"Key material (id: {material_id}) being imported as NEW_KEY_MATERIAL is already associated with "
            f"KMS key {lookup.arn_of(key)}.")
    waiting = next((r for r in rows if r["pending"]), None)
    if waiting is not None:
        raise KMSInvalidStateException(
            f"{lookup.arn_of(key)} already has key material {waiting['material_id']} pending rotation.")
    return rows[-1]["version"] + 1, True


def _external_key(ctx, text):
    key = lookup.find_key(ctx, text, allow_alias=False)
    if key["origin"] != "EXTERNAL":
        raise UnsupportedOperationException(
            f"{lookup.arn_of(key)} origin is {key['origin']} which is not valid for this operation.")
    return key


def _expiration(params, now_ms):
    """(ExpirationModel, ValidTo in ms) of an import. The model defaults to
    KEY_MATERIAL_EXPIRES (API reference, ImportKeyMaterial), so an import naming neither
    needs a ValidTo; a ValidTo lies in the future, at most 365 days ahead."""
    valid_to = params.get("ValidTo")
    expiration_model = params.get("ExpirationModel") or "KEY_MATERIAL_EXPIRES"
    if expiration_model == "KEY_MATERIAL_EXPIRES" and valid_to is None:
        raise ValidationError("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
    if expiration_model == "KEY_MATERIAL_DOES_NOT_EXPIRE" and valid_to is not None:
        raise ValidationError("A validTo date cannot be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE")
    if valid_to is None:
        return expiration_model, None
    valid_to_ms = int(valid_to.timestamp() * 1000)
    # stackd testdata/aws/kms/imports.json expired_valid_to, excessive_valid_to
    if valid_to_ms <= now_ms:
        raise ValidationError("ValidTo must be in the future")
    if valid_to_ms > now_ms + MAX_VALID_TO_MS:
        raise ValidationError("ValidTo must be less than 365 days in the future")
    return expiration_model, valid_to_ms


def _unwrap(parameters, wrapped: bytes) -> bytes:
    """The material, unwrapped with the private half of the wrapping key."""
    wrapping = keygen.load_private_key(parameters["wrapping_key"])
    algorithm = parameters["algorithm"]
    try:
        oaep = padding.OAEP(mgf=padding.MGF1(_OAEP_HASH[algorithm]()), algorithm=_OAEP_HASH[algorithm](), label=None)
        if algorithm.startswith("RSAES_OAEP"):
            return wrapping.decrypt(wrapped, oaep)
        # RSA_AES_KEY_WRAP: an ephemeral AES key wrapped with RSA-OAEP, then the material
        # wrapped with that key (AES key wrap with padding, RFC 5649).
        split = wrapping.key_size // 8
        ephemeral = wrapping.decrypt(wrapped[:split], oaep)
        return keywrap.aes_key_unwrap_with_padding(ephemeral, wrapped[split:])
    except (ValueError, keywrap.InvalidUnwrap):
        raise InvalidCiphertextException() from None


def _check_material(key, material: bytes):
    """Symmetric material is 32 bytes, HMAC material of the lengths AWS documents per
    spec, asymmetric material a PKCS#8 private key of the key's spec. Material of another
    length, or that does not parse, is InvalidCiphertextException with no message
    (stackd testdata/aws/kms/imports.json short_material; imports_families.json HMAC_*_length_*,
    ECC_NIST_EDWARDS25519_ber_reimport)."""
    sizes = MATERIAL_BYTES.get(key["key_spec"])
    if sizes is not None:
        if not sizes[0] <= len(material) <= sizes[1]:
            raise InvalidCiphertextException()
        return
    try:
        private_key = serialization.load_der_private_key(material, password=None)
    except ValueError:
        raise InvalidCiphertextException() from None
    if keygen.spec_of(private_key) != key["key_spec"]:
        raise IncorrectKeyMaterialException(
            f"The key material is not a PKCS#8 private key of key spec {key['key_spec']}.")
