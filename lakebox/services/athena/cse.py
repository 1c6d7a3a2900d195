"""CSE_KMS: objects encrypted on the client side, in the Amazon S3 Encryption Client's
format (V2 envelope, kms+context), as Athena writes query results, CTAS/INSERT/UNLOAD
data files and manifests when a query's EncryptionConfiguration asks for CSE_KMS, and
as it reads the objects of a table whose `has_encrypted_data` property is 'true'.

Each object gets its own 256-bit data key from KMS (GenerateDataKey under the query's
KmsKey, with the encryption context `{"aws:x-amz-cek-alg": "AES/GCM/NoPadding"}`), the
bytes are AES-256-GCM with a random 12-byte IV and the 16-byte tag appended, and the
envelope is the object's user metadata (S3 shows it as `x-amz-meta-<name>` headers):
x-amz-key-v2 (the wrapped key, base64), x-amz-iv (base64), x-amz-cek-alg, x-amz-wrap-alg,
x-amz-matdesc (the encryption context as JSON), x-amz-tag-len (128) and
x-amz-unencrypted-content-length. Any client holding the KMS key (the S3 Encryption
Client, or boto3 with kms.decrypt) opens them.

Readers in place get a decrypted copy in the blob temp area, made once per stored
version and kept while it is among the last `COPIES_CAP` used (a restart sweeps the temp
area); the wrapped key is unwrapped through KMS on every read, so a disabled or deleted
key fails the read at once.
"""
import base64
import contextlib
import json
import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from lakebox.kit.calls import system_context
from lakebox.services.athena import errors
from lakebox.services.kms import public as kms

CEK_ALGORITHM = "AES/GCM/NoPadding"
WRAP_ALGORITHM = "kms+context"
CONTEXT = {"aws:x-amz-cek-alg": CEK_ALGORITHM}
TAG_BYTES = 16
IV_BYTES = 12
COPIES_CAP = 256
_SLICE = 1 << 20

KmsFailure = kms.KmsFailure


def seal_file(state, account: str, region: str, key_id: str, path: str, temp_path) -> tuple[str, dict]:
    """Encrypt the file at `path` under a fresh data key wrapped by `key_id`: (the path of
    the encrypted file, which replaces `path`, the object metadata to store it with).
    Raises KmsFailure when the key cannot be used."""
    caller = system_context(state, "kms", "GenerateDataKey", account, region)
    data_key, wrapped, _ = kms.generate_data_key(caller, key_id, CONTEXT, "s3")
    iv = os.urandom(IV_BYTES)
    encryptor = Cipher(algorithms.AES(data_key), modes.GCM(iv)).encryptor()
    sealed, size = temp_path(), 0
    with open(path, "rb") as source, open(sealed, "wb") as out:
        while piece := source.read(_SLICE):
            size += len(piece)
            out.write(encryptor.update(piece))
        out.write(encryptor.finalize() + encryptor.tag)
    os.unlink(path)
    return sealed, {"x-amz-key-v2": base64.b64encode(wrapped).decode(), "x-amz-iv": base64.b64encode(iv).decode(),
                    "x-amz-cek-alg": CEK_ALGORITHM, "x-amz-wrap-alg": WRAP_ALGORITHM,
                    "x-amz-matdesc": json.dumps(CONTEXT, separators=(",", ":")), "x-amz-tag-len": "128",
                    "x-amz-unencrypted-content-length": str(size)}


def is_sealed(metadata: dict) -> bool:
    """Whether an object's user metadata is a kms+context envelope."""
    return "x-amz-key-v2" in metadata and metadata.get("x-amz-wrap-alg") == WRAP_ALGORITHM


def plain_path(state, account: str, region: str, found) -> str | None:
    """A file holding the plaintext of `found` (an s3 ObjectFile): its own path when it
    is not client-side encrypted. Raises KmsFailure when its key cannot unwrap it, and
    ValueError when its bytes are not what the envelope says."""
    metadata = found.metadata
    if not is_sealed(metadata):
        return found.path
    caller = system_context(state, "kms", "Decrypt", account, region)
    context = json.loads(metadata.get("x-amz-matdesc") or "{}")
    data_key, _ = kms.decrypt(caller, base64.b64decode(metadata["x-amz-key-v2"]), context)
    copies = _copies(state)
    entry = (found.bucket, found.key, found.etag, found.last_modified)
    known = copies.pop(entry, None)
    if known is None or not os.path.exists(known):
        known = _open_copy(found.path, data_key, base64.b64decode(metadata["x-amz-iv"]), state.blobs.temp_path())
    copies[entry] = known                   # insertion order is use order: least recent first
    while len(copies) > COPIES_CAP:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(copies.pop(next(iter(copies))))
    return known


def _open_copy(path: str | None, data_key: bytes, iv: bytes, target: str) -> str:
    size = os.path.getsize(path) if path else 0
    if size < TAG_BYTES:
        raise ValueError("the object is shorter than its authentication tag")
    with open(path, "rb") as source:
        source.seek(size - TAG_BYTES)
        tag = source.read(TAG_BYTES)
        source.seek(0)
        decryptor = Cipher(algorithms.AES(data_key), modes.GCM(iv, tag)).decryptor()
        left = size - TAG_BYTES
        try:
            with open(target, "wb") as out:
                while left:
                    piece = source.read(min(_SLICE, left))
                    left -= len(piece)
                    out.write(decryptor.update(piece))
                decryptor.finalize()
        except Exception:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            raise ValueError("the object's authentication tag does not match its bytes") from None
    return target


def _copies(state) -> dict:
    """(bucket, key, etag, last modified) -> decrypted copy, least recently used first."""
    return state.cache("athena").setdefault("cse_copies", {})


def result_path(ctx, found, uri: str) -> str | None:
    """The plaintext file of a query's result object, for GetQueryResults (Athena
    decrypts CSE_KMS results for the caller): refused as Athena refuses results it
    cannot read when their key cannot be used."""
    try:
        return plain_path(ctx.state, ctx.account, ctx.region, found)
    except (KmsFailure, ValueError) as error:
        message = error.message if isinstance(error, KmsFailure) else str(error)
        raise errors.InvalidRequestException(f"Unable to decrypt the query results at {uri}: {message}",
                                             AthenaErrorCode="INVALID_INPUT") from None
