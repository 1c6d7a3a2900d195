"""Symmetric encryption under a KMS key: AES-256-GCM with the key's current material,
in the blob format of `model`, the encryption context bound in as associated data.

AESGCM objects (and asymmetric private keys) are cached per (key uid, material version)
in a bounded LRU: material never changes once written, and uids are never reused, so a
cached entry can never be stale. The key row itself (its state) is read on every call."""
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lakebox.services.kms import lookup, model, store
from lakebox.storage.lru import Lru
from lakebox.services.kms.errors import IncorrectKeyException, InvalidCiphertextException, NotFoundException

MATERIAL_CACHE_CAP = 4_096


def seal(state, key, plaintext: bytes, context: dict | None) -> tuple[bytes, str]:
    """(ciphertext blob, material id) of `plaintext` under the key's current material."""
    version = key["current_version"]
    cipher, material_id = _cipher(state, key["uid"], version)
    header = model.blob_header(key["key_id"], version)
    nonce = os.urandom(model.NONCE_BYTES)
    body = cipher.encrypt(nonce, plaintext, header + model.context_bytes(context))
    return header + nonce + body, material_id


def unseal(ctx, blob: bytes, context: dict | None, key_id_param: str | None, operation: str):
    """(plaintext, key row, material id) of a blob made by `seal`. The key comes from the
    blob; a KeyId parameter must name that same key."""
    sealed = model.open_blob(blob)
    if sealed is None:
        raise InvalidCiphertextException()
    return open_sealed(ctx.state, blob_key(ctx, sealed, key_id_param, operation), sealed, context)


def blob_key(ctx, sealed, key_id_param: str | None, operation: str):
    """The key row that can open `sealed` now: it exists, is enabled, and is a symmetric
    encryption key with the blob's material version (Decrypt's checks, in its order)."""
    if key_id_param is None:
        key = _named_key(ctx, sealed)
    else:
        # A KeyId (possibly another account's key ARN) must name the blob's key.
        key = lookup.find_key(ctx, key_id_param)
        if key["key_id"] != sealed.key_id:
            raise IncorrectKeyException(
                "The key ID in the request does not identify a CMK that can perform this operation.")
    lookup.check_enabled(ctx, key)
    lookup.check_usage(key, "ENCRYPT_DECRYPT", operation)
    if key["key_spec"] != model.DEFAULT_SPEC or sealed.version > key["current_version"]:
        raise InvalidCiphertextException()
    return key


def _named_key(ctx, sealed):
    try:
        return lookup.key_in_region(ctx, sealed.key_id)
    except NotFoundException:
        if sealed.legacy:       # no check value: the bytes may only look like one of our blobs
            raise InvalidCiphertextException() from None
        raise


def open_sealed(state, key, sealed, context):
    cipher, material_id = _cipher(state, key["uid"], sealed.version)
    try:
        plaintext = cipher.decrypt(sealed.nonce, sealed.body, sealed.header + model.context_bytes(context))
    except InvalidTag:
        raise InvalidCiphertextException() from None
    return plaintext, key, material_id


def material_cache(state) -> Lru:
    cache = state.cache("kms")
    if "materials" not in cache:
        cache["materials"] = Lru(MATERIAL_CACHE_CAP)
    return cache["materials"]


def _cipher(state, uid: int, version: int):
    cache = material_cache(state)
    found = cache.get((uid, version))
    if found is None:
        row = store.material(state.db, uid, version)
        if row is None:
            raise InvalidCiphertextException()
        found = (AESGCM(row["material"]), row["material_id"])
        cache.put((uid, version), found)
    return found
