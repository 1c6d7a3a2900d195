"""Encryption operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext),
GenerateRandom. Symmetric keys use `sealing`; RSA keys use `asymmetric`."""
import os

from lakebox.aws.errors import ValidationError
from lakebox.services.kms import access, asymmetric, lookup, model, sealing, usage
from lakebox.services.kms.errors import (
    InvalidCiphertextException, InvalidKeyUsageException)

DATA_KEY_BYTES = {"AES_256": 32, "AES_128": 16}


def encrypt(ctx, params):
    key = lookup.usable_key(ctx, params["KeyId"], "ENCRYPT_DECRYPT", "Encrypt", params=params,
                            context=params.get("EncryptionContext"))
    algorithm = params.get("EncryptionAlgorithm", model.DEFAULT_SPEC)
    check_algorithm(key, algorithm, params.get("EncryptionContext"))
    lookup.check_dry_run(params)
    if algorithm == model.DEFAULT_SPEC:
        blob, _ = sealing.seal(ctx.state, key, params["Plaintext"], params.get("EncryptionContext"))
    else:
        blob = asymmetric.rsa_encrypt(ctx.state, key, algorithm, params["Plaintext"])
    usage.note(ctx, key)
    return {"CiphertextBlob": blob, "KeyId": lookup.arn_of(key), "EncryptionAlgorithm": algorithm}


def decrypt(ctx, params):
    algorithm = params.get("EncryptionAlgorithm", model.DEFAULT_SPEC)
    plaintext, key, material_id = _decrypt(ctx, params, _ciphertext(params), params.get("EncryptionContext"),
                                           params.get("KeyId"), algorithm, "Decrypt")
    lookup.refuse_recipient(params)
    lookup.check_dry_run(params)
    usage.note(ctx, key)
    answer = {"KeyId": lookup.arn_of(key), "Plaintext": plaintext, "EncryptionAlgorithm": algorithm}
    if material_id:
        answer["KeyMaterialId"] = material_id
    return answer


def re_encrypt(ctx, params):
    source_algorithm = params.get("SourceEncryptionAlgorithm", model.DEFAULT_SPEC)
    plaintext, source, source_material = _decrypt(
        ctx, params, _ciphertext(params), params.get("SourceEncryptionContext"), params.get("SourceKeyId"),
        source_algorithm, "ReEncryptFrom")
    destination = lookup.usable_key(ctx, params["DestinationKeyId"], "ENCRYPT_DECRYPT", "ReEncryptTo",
                                    params=params, context=params.get("DestinationEncryptionContext"))
    destination_algorithm = params.get("DestinationEncryptionAlgorithm", model.DEFAULT_SPEC)
    check_algorithm(destination, destination_algorithm, params.get("DestinationEncryptionContext"))
    lookup.check_dry_run(params)
    destination_material = None
    if destination_algorithm == model.DEFAULT_SPEC:
        blob, destination_material = sealing.seal(ctx.state, destination, plaintext,
                                                  params.get("DestinationEncryptionContext"))
    else:
        blob = asymmetric.rsa_encrypt(ctx.state, destination, destination_algorithm, plaintext)
    usage.note(ctx, source)
    usage.note(ctx, destination)
    answer = {"CiphertextBlob": blob, "SourceKeyId": lookup.arn_of(source), "KeyId": lookup.arn_of(destination),
              "SourceEncryptionAlgorithm": source_algorithm, "DestinationEncryptionAlgorithm": destination_algorithm}
    if source_material:
        answer["SourceKeyMaterialId"] = source_material
    if destination_material:
        answer["DestinationKeyMaterialId"] = destination_material
    return answer


def generate_data_key(ctx, params):
    plaintext, blob, key, material_id = _data_key(ctx, params, "GenerateDataKey")
    return {"CiphertextBlob": blob, "Plaintext": plaintext, "KeyId": lookup.arn_of(key), "KeyMaterialId": material_id}


def generate_data_key_without_plaintext(ctx, params):
    _, blob, key, material_id = _data_key(ctx, params, "GenerateDataKeyWithoutPlaintext")
    return {"CiphertextBlob": blob, "KeyId": lookup.arn_of(key), "KeyMaterialId": material_id}


def generate_random(ctx, params):
    size = params.get("NumberOfBytes")
    if size is None:
        raise ValidationError("NumberOfBytes is required.")
    lookup.refuse_recipient(params)
    return {"Plaintext": os.urandom(size)}


# ---------------------------------------------------------------------------


def check_algorithm(key, algorithm: str, context=None):
    """The algorithm must be one the key's spec supports, and an encryption context goes
    with symmetric encryption only: "The standard asymmetric encryption algorithms ... do
    not support an encryption context" (API reference, Encrypt EncryptionContext)."""
    allowed = model.usage_algorithms(key["key_spec"], key["key_usage"]).get("EncryptionAlgorithms", [])
    if algorithm not in allowed:
        raise InvalidKeyUsageException(f"Algorithm {algorithm} is incompatible with key spec {key['key_spec']}.")
    if context and algorithm != model.DEFAULT_SPEC:
        raise ValidationError("EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.")


def _ciphertext(params) -> bytes:
    # The model leaves CiphertextBlob optional; KMS itself refuses a call without it.
    if params.get("CiphertextBlob") is None:
        raise ValidationError("1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy "
                              "constraint: Member must not be null")
    return params["CiphertextBlob"]


def _decrypt(ctx, params, blob, context, key_id_param, algorithm, operation):
    """(plaintext, key, material id or None) of a ciphertext made by Encrypt or a data key
    call, once the caller may use its key for `operation` (Decrypt, ReEncryptFrom)."""
    access.check_tokens(params)
    if algorithm == model.DEFAULT_SPEC:
        sealed = model.open_blob(blob)
        if sealed is None:
            raise InvalidCiphertextException()
        key = sealing.blob_key(ctx, sealed, key_id_param, operation)
        # the caller is judged (its grants against the request's context) before the blob is opened
        access.check(ctx, key, operation, context)
        return sealing.open_sealed(ctx.state, key, sealed, context)
    if key_id_param is None:
        # An RSA ciphertext carries no key id: KMS needs KeyId to decrypt it, and says so
        # (stackd testdata/aws/kms/rsa.json decrypt_no_key); ReEncrypt's wording is unrecorded.
        if operation == "Decrypt":
            raise ValidationError("KeyId must not be null")
        raise InvalidCiphertextException()
    key = lookup.usable_key(ctx, key_id_param, "ENCRYPT_DECRYPT", operation, params=params, context=context)
    check_algorithm(key, algorithm, context)
    return asymmetric.rsa_decrypt(ctx.state, key, algorithm, blob), key, None


def _data_key(ctx, params, operation):
    size = _data_key_size(params)
    key = lookup.usable_key(ctx, params["KeyId"], "ENCRYPT_DECRYPT", operation, params=params,
                            context=params.get("EncryptionContext"))
    check_symmetric(key, operation)
    lookup.refuse_recipient(params)
    lookup.check_dry_run(params)
    plaintext = os.urandom(size)
    blob, material_id = sealing.seal(ctx.state, key, plaintext, params.get("EncryptionContext"))
    usage.note(ctx, key)
    return plaintext, blob, key, material_id


def check_symmetric(key, operation):
    if key["key_spec"] != model.DEFAULT_SPEC:
        raise InvalidKeyUsageException(
            f"{lookup.arn_of(key)} key spec is {key['key_spec']} which is not valid for {operation}.")


def _data_key_size(params) -> int:
    spec, size = params.get("KeySpec"), params.get("NumberOfBytes")
    if (spec is None) == (size is None):
        raise ValidationError("Please specify either number of bytes or key spec.")
    return DATA_KEY_BYTES[spec] if spec else size
