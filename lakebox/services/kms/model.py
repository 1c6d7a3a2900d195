"""KMS pure logic: key specs and what each may do, ids and ARNs, the ciphertext blob
format, the default key policy. No state, no I/O."""
import hashlib
import re
import struct
import uuid
from dataclasses import dataclass

from lakebox.kit import arns

DEFAULT_SPEC = "SYMMETRIC_DEFAULT"
# In the order AWS lists them (DescribeKey's example of an RSA signing key).
RSA_SIGNING = ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
               "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"]
RSA_ENCRYPTION = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
ECDH = {"KeyAgreementAlgorithms": ["ECDH"]}

# KeySpec -> {KeyUsage: {KeyMetadata member: algorithms}}: what AWS lets each spec do.
KEY_SPECS = {
    "SYMMETRIC_DEFAULT": {"ENCRYPT_DECRYPT": {"EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"]}},
    "RSA_2048": {"ENCRYPT_DECRYPT": {"EncryptionAlgorithms": RSA_ENCRYPTION},
                 "SIGN_VERIFY": {"SigningAlgorithms": RSA_SIGNING}},
    "RSA_3072": {"ENCRYPT_DECRYPT": {"EncryptionAlgorithms": RSA_ENCRYPTION},
                 "SIGN_VERIFY": {"SigningAlgorithms": RSA_SIGNING}},
    "RSA_4096": {"ENCRYPT_DECRYPT": {"EncryptionAlgorithms": RSA_ENCRYPTION},
                 "SIGN_VERIFY": {"SigningAlgorithms": RSA_SIGNING}},
    "ECC_NIST_P256": {"SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_256"]}, "KEY_AGREEMENT": ECDH},
    "ECC_NIST_P384": {"SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_384"]}, "KEY_AGREEMENT": ECDH},
    "ECC_NIST_P521": {"SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_512"]}, "KEY_AGREEMENT": ECDH},
    "ECC_SECG_P256K1": {"SIGN_VERIFY": {"SigningAlgorithms": ["ECDSA_SHA_256"]}},
    "ECC_NIST_EDWARDS25519": {"SIGN_VERIFY": {"SigningAlgorithms": ["ED25519_SHA_512", "ED25519_PH_SHA_512"]}},
    "HMAC_224": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_224"]}},
    "HMAC_256": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_256"]}},
    "HMAC_384": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_384"]}},
    "HMAC_512": {"GENERATE_VERIFY_MAC": {"MacAlgorithms": ["HMAC_SHA_512"]}},
}

# RSA OAEP: the largest plaintext a modulus takes (AWS's figures, see LIMITS.md).
RSA_MAX_PLAINTEXT = {("RSA_2048", "RSAES_OAEP_SHA_1"): 214, ("RSA_2048", "RSAES_OAEP_SHA_256"): 190,
                     ("RSA_3072", "RSAES_OAEP_SHA_1"): 342, ("RSA_3072", "RSAES_OAEP_SHA_256"): 318,
                     ("RSA_4096", "RSAES_OAEP_SHA_1"): 470, ("RSA_4096", "RSAES_OAEP_SHA_256"): 446}

MIN_DELETION_DAYS, MAX_DELETION_DAYS, DEFAULT_DELETION_DAYS = 7, 30, 30
MIN_ROTATION_DAYS, MAX_ROTATION_DAYS, DEFAULT_ROTATION_DAYS = 90, 2560, 365
MAX_ON_DEMAND_ROTATIONS = 25
DAY_S = 86_400

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_MRK = re.compile(r"^mrk-[0-9a-f]{32}$")
_ARN = re.compile(r"^arn:aws[a-z-]*:kms:([^:]*):(\d{12}):(key|alias)/(.+)$")
ALIAS_NAME = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")
RESERVED_ALIAS_PREFIX = "alias/aws/"


def key_arn(account: str, region: str, key_id: str) -> str:
    return arns.build("kms", region, account, f"key/{key_id}")


def alias_arn(account: str, region: str, alias_name: str) -> str:
    return arns.build("kms", region, account, alias_name)


def new_key_id(multi_region: bool) -> str:
    return "mrk-" + uuid.uuid4().hex if multi_region else str(uuid.uuid4())


def is_key_id(text: str) -> bool:
    return bool(_UUID.match(text) or _MRK.match(text))


@dataclass(frozen=True)
class KeyRef:
    """What a KeyId parameter names: a key by id, or an alias by name; `region` and
    `account` are set when it was given as an ARN."""
    kind: str                 # "key" or "alias"
    name: str                 # key id, or alias name ("alias/...")
    region: str | None = None
    account: str | None = None


def parse_key_ref(text: str) -> KeyRef | None:
    """A key id, key ARN, alias name or alias ARN; None when it is none of them."""
    if text.startswith("alias/"):
        return KeyRef("alias", text)
    found = _ARN.match(text)
    if found:
        region, account, kind, rest = found.groups()
        name = "alias/" + rest if kind == "alias" else rest
        return KeyRef(kind, name, region, account)
    return KeyRef("key", text)


def usage_algorithms(spec: str, usage: str) -> dict:
    return KEY_SPECS[spec][usage]


def default_policy(account: str, region: str) -> str:
    """The key policy AWS writes when CreateKey is given none, in AWS's own layout."""
    return ('{\n  "Version" : "2012-10-17",\n  "Id" : "key-default-1",\n  "Statement" : [ {\n'
            '    "Sid" : "Enable IAM User Permissions",\n    "Effect" : "Allow",\n    "Principal" : {\n'
            f'      "AWS" : "arn:{arns.partition(region)}:iam::{account}:root"\n    }},\n'
            '    "Action" : "kms:*",\n    "Resource" : "*"\n  } ]\n}')


def material_size(spec: str) -> int | None:
    """Bytes of secret material of a symmetric or HMAC spec (None for asymmetric specs)."""
    if spec == "SYMMETRIC_DEFAULT":
        return 32
    if spec.startswith("HMAC_"):
        return int(spec[5:]) // 8
    return None


# ---------------------------------------------------------------------------
# The ciphertext blob of symmetric keys (lakebox's own format: AWS's is opaque too).
#
#   1 byte   format: 3 = key id is a UUID, 4 = a multi-Region "mrk-" id
#   16 bytes the key id
#   4 bytes  key material version (big-endian), so rotated keys still decrypt old blobs
#   4 bytes  check value: a 32-bit digest of the 21 bytes before it
#   12 bytes AES-GCM nonce
#   rest     AES-256-GCM ciphertext and 16-byte tag
#
# The check value tells our blobs from other bytes (an RSA ciphertext, say) before any
# key is looked up: without it, one random blob in 128 began with a valid format byte and
# was answered as naming a missing key. Formats 1 and 2 are the same header without the
# check value, written before it existed; they are still read (their data may be stored),
# and a missing key under them means "not ours" rather than "not found".
#
# The header and the encryption context are the GCM associated data: a blob opened with
# another context, or whose header was altered, fails authentication.

_HEADER = struct.Struct(">B16sI")
_CHECK = struct.Struct(">I")
NONCE_BYTES, TAG_BYTES = 12, 16
UUID_FORMAT, MRK_FORMAT = 3, 4
_LEGACY_FORMATS = {1: UUID_FORMAT, 2: MRK_FORMAT}


@dataclass(frozen=True)
class Sealed:
    key_id: str
    version: int
    nonce: bytes
    body: bytes
    header: bytes
    legacy: bool = False       # formats 1 and 2: no check value


def blob_header(key_id: str, version: int) -> bytes:
    if key_id.startswith("mrk-"):
        header = _HEADER.pack(MRK_FORMAT, bytes.fromhex(key_id[4:]), version)
    else:
        header = _HEADER.pack(UUID_FORMAT, bytes.fromhex(key_id.replace("-", "")), version)
    return header + _check_value(header)


def open_blob(blob: bytes) -> Sealed | None:
    """The parts of a blob, or None when it is not one of ours."""
    if len(blob) < _HEADER.size + NONCE_BYTES + TAG_BYTES:
        return None
    kind, raw_id, version = _HEADER.unpack_from(blob)
    legacy = kind in _LEGACY_FORMATS
    if legacy:
        start, kind = _HEADER.size, _LEGACY_FORMATS[kind]
    elif kind in (UUID_FORMAT, MRK_FORMAT) and len(blob) >= _HEADER.size + _CHECK.size + NONCE_BYTES + TAG_BYTES:
        start = _HEADER.size + _CHECK.size
        if blob[_HEADER.size:start] != _check_value(blob[:_HEADER.size]):
            return None
    else:
        return None
    key_id = str(uuid.UUID(bytes=raw_id)) if kind == UUID_FORMAT else "mrk-" + raw_id.hex()
    return Sealed(key_id, version, blob[start:start + NONCE_BYTES], blob[start + NONCE_BYTES:], blob[:start],
                  legacy)


def _check_value(header: bytes) -> bytes:
    return hashlib.blake2b(header, digest_size=_CHECK.size, person=b"lakebox-kms").digest()


def context_bytes(context: dict | None) -> bytes:
    """An encryption context as bytes that do not depend on the order of its pairs."""
    out = bytearray()
    for key, value in sorted((context or {}).items()):
        for text in (key, value):
            raw = text.encode()
            out += struct.pack(">I", len(raw)) + raw
    return bytes(out)
