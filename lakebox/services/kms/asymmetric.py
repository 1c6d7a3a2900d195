"""Asymmetric and HMAC keys: RSA encryption, Sign/Verify, GetPublicKey, data key pairs,
GenerateMac/VerifyMac."""
import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from lakebox.aws.errors import ValidationError
from lakebox.services.kms import ed25519ph, keygen, lookup, model, sealing, store, usage
from lakebox.services.kms.errors import (
    InvalidCiphertextException, InvalidKeyUsageException, KMSInvalidMacException,
    KMSInvalidSignatureException, UnsupportedOperationException)

_HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
ED25519_MESSAGE_TYPES = {"ED25519_SHA_512": "RAW", "ED25519_PH_SHA_512": "DIGEST"}
_HMAC_DIGESTS = {"HMAC_SHA_224": hashlib.sha224, "HMAC_SHA_256": hashlib.sha256,
                 "HMAC_SHA_384": hashlib.sha384, "HMAC_SHA_512": hashlib.sha512}


# ---------------------------------------------------------------------------
# RSA encryption (Encrypt/Decrypt/ReEncrypt with RSAES_OAEP_*)


def rsa_encrypt(state, key, algorithm: str, plaintext: bytes) -> bytes:
    limit = model.RSA_MAX_PLAINTEXT[(key["key_spec"], algorithm)]
    if len(plaintext) > limit:
        raise ValidationError(f"Algorithm {algorithm} and key spec {key['key_spec']} cannot encrypt data "
                              f"larger than {limit} bytes.")
    return _private_key(state, key).public_key().encrypt(plaintext, _oaep(algorithm))


def rsa_decrypt(state, key, algorithm: str, blob: bytes) -> bytes:
    try:
        return _private_key(state, key).decrypt(blob, _oaep(algorithm))
    except ValueError:
        raise InvalidCiphertextException() from None


def _oaep(algorithm):
    digest = hashes.SHA1() if algorithm == "RSAES_OAEP_SHA_1" else hashes.SHA256()
    return padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)


# ---------------------------------------------------------------------------
# Signing


def sign(ctx, params):
    key = lookup.usable_key(ctx, params["KeyId"], "SIGN_VERIFY", "Sign", params=params)
    algorithm = params["SigningAlgorithm"]
    signed, chosen = _signed_bytes(key, algorithm, params["Message"], params.get("MessageType", "RAW"))
    lookup.check_dry_run(params)
    private_key = _private_key(ctx.state, key)
    if chosen is None:
        signature = _ed25519_sign(private_key, algorithm, signed)
    elif algorithm.startswith("ECDSA"):
        signature = private_key.sign(signed, ec.ECDSA(utils.Prehashed(chosen)))
    else:
        signature = private_key.sign(signed, _rsa_padding(algorithm, chosen), utils.Prehashed(chosen))
    usage.note(ctx, key)
    return {"KeyId": lookup.arn_of(key), "Signature": signature, "SigningAlgorithm": algorithm}


def verify(ctx, params):
    key = lookup.usable_key(ctx, params["KeyId"], "SIGN_VERIFY", "Verify", params=params)
    algorithm = params["SigningAlgorithm"]
    signed, chosen = _signed_bytes(key, algorithm, params["Message"], params.get("MessageType", "RAW"))
    public_key = _private_key(ctx.state, key).public_key()
    signature = params["Signature"]
    try:
        if chosen is None:
            _ed25519_verify(public_key, algorithm, signed, signature)
        elif algorithm.startswith("ECDSA"):
            public_key.verify(signature, signed, ec.ECDSA(utils.Prehashed(chosen)))
        else:
            public_key.verify(signature, signed, _rsa_padding(algorithm, chosen), utils.Prehashed(chosen))
    except (InvalidSignature, ValueError):
        raise KMSInvalidSignatureException() from None
    # KMS checks the signature before it answers a DryRun (an invalid one is refused as such)
    lookup.check_dry_run(params)
    usage.note(ctx, key)
    return {"KeyId": lookup.arn_of(key), "SignatureValid": True, "SigningAlgorithm": algorithm}


def _signed_bytes(key, algorithm, message, message_type):
    """(what the algorithm signs, its hash algorithm) after checking the algorithm suits
    the key and the message its type. Ed25519 signs the message itself (hash None):
    ED25519_SHA_512 a RAW message, ED25519_PH_SHA_512 a 64-byte DIGEST, which KMS
    prehashes once more (the Sign API reference: the input is hashed twice)."""
    allowed = model.usage_algorithms(key["key_spec"], key["key_usage"]).get("SigningAlgorithms", [])
    if algorithm not in allowed:
        raise InvalidKeyUsageException(f"Algorithm {algorithm} is incompatible with key spec {key['key_spec']}.")
    chosen = _HASHES[algorithm[-3:]]()
    if message_type == "EXTERNAL_MU":       # ML-DSA's alone, which lakebox does not make
        raise ValidationError(f"Message type EXTERNAL_MU is incompatible with key spec {key['key_spec']}.")
    if algorithm in ED25519_MESSAGE_TYPES:
        needed = ED25519_MESSAGE_TYPES[algorithm]
        if message_type != needed:
            raise ValidationError(f"Message type {message_type} is incompatible with algorithm {algorithm}.")
        if needed == "DIGEST" and len(message) != chosen.digest_size:
            raise ValidationError(f"Digest is invalid length for algorithm {algorithm}.")
        return message, None
    if message_type == "DIGEST":
        if len(message) != chosen.digest_size:
            raise ValidationError(f"Digest is invalid length for algorithm {algorithm}.")
        return message, chosen
    if message_type != "RAW":
        raise ValidationError(f"MessageType {message_type} is not valid for algorithm {algorithm}.")
    hasher = hashes.Hash(chosen)
    hasher.update(message)
    return hasher.finalize(), chosen


def _ed25519_sign(private_key, algorithm, message) -> bytes:
    if algorithm == "ED25519_SHA_512":
        return private_key.sign(message)
    seed = private_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                     serialization.NoEncryption())
    return ed25519ph.sign(seed, message)


def _ed25519_verify(public_key, algorithm, message, signature):
    if algorithm == "ED25519_SHA_512":
        public_key.verify(signature, message)
    elif not ed25519ph.verify(public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
                              message, signature):
        raise InvalidSignature()


def _rsa_padding(algorithm, chosen):
    if "PSS" in algorithm:
        # AWS KMS signs RSASSA-PSS with a salt as long as the digest.
        return padding.PSS(mgf=padding.MGF1(chosen), salt_length=chosen.digest_size)
    return padding.PKCS1v15()


def get_public_key(ctx, params):
    key = lookup.authorized_key(ctx, params["KeyId"], "GetPublicKey", params)
    # A disabled key still gives its public key (stackd testdata/aws/kms/rsa.json disabled_public_key)
    lookup.check_not_pending(ctx, key)
    if key["key_spec"] == model.DEFAULT_SPEC:
        raise UnsupportedOperationException("")     # recorded with an empty message (rsa.json)
    if model.material_size(key["key_spec"]) is not None:
        raise UnsupportedOperationException(
            f"{lookup.arn_of(key)} key spec is {key['key_spec']} which is not valid for GetPublicKey.")
    return {"KeyId": lookup.arn_of(key), "PublicKey": keygen.public_key_der(_private_key(ctx.state, key)),
            "CustomerMasterKeySpec": key["key_spec"], "KeySpec": key["key_spec"], "KeyUsage": key["key_usage"],
            **model.usage_algorithms(key["key_spec"], key["key_usage"])}


def derive_shared_secret(ctx, params):
    """ECDH between the key's private key and the peer's public key (DER SubjectPublicKeyInfo)."""
    key = lookup.usable_key(ctx, params["KeyId"], "KEY_AGREEMENT", "DeriveSharedSecret", params=params)
    private_key = _private_key(ctx.state, key)
    try:
        peer = serialization.load_der_public_key(params["PublicKey"])
    except ValueError:
        peer = None
    if not isinstance(peer, ec.EllipticCurvePublicKey) or peer.curve.name != private_key.curve.name:
        # KMS says nothing more (stackd testdata/aws/kms/ecc.json invalid_public_key, wrong_curve)
        raise ValidationError("")
    lookup.refuse_recipient(params)
    lookup.check_dry_run(params)
    usage.note(ctx, key)
    return {"KeyId": lookup.arn_of(key), "SharedSecret": private_key.exchange(ec.ECDH(), peer),
            "KeyAgreementAlgorithm": params["KeyAgreementAlgorithm"], "KeyOrigin": key["origin"]}


# ---------------------------------------------------------------------------
# Data key pairs: a fresh key pair, its private key sealed under a symmetric key


async def generate_data_key_pair(ctx, params):
    answer, private_der = await _data_key_pair(ctx, params, "GenerateDataKeyPair")
    return {**answer, "PrivateKeyPlaintext": private_der}


async def generate_data_key_pair_without_plaintext(ctx, params):
    answer, _ = await _data_key_pair(ctx, params, "GenerateDataKeyPairWithoutPlaintext")
    return answer


async def _data_key_pair(ctx, params, operation):
    spec = params["KeyPairSpec"]
    if spec not in keygen.CURVES and not spec.startswith("RSA_") and spec != "ECC_NIST_EDWARDS25519":
        raise UnsupportedOperationException(f"lakebox does not support KeyPairSpec {spec}.")
    _pair_wrapping_key(ctx, params, operation)
    lookup.refuse_recipient(params)
    lookup.check_dry_run(params)
    private_key = await keygen.new_private_key_off_loop(ctx.state, spec)
    key = _pair_wrapping_key(ctx, params, operation)      # again: the key may have changed meanwhile
    private_der = keygen.private_key_der(private_key)
    blob, material_id = sealing.seal(ctx.state, key, private_der, params.get("EncryptionContext"))
    usage.note(ctx, key)
    return {"PrivateKeyCiphertextBlob": blob, "PublicKey": keygen.public_key_der(private_key),
            "KeyId": lookup.arn_of(key), "KeyPairSpec": spec, "KeyMaterialId": material_id}, private_der


def _pair_wrapping_key(ctx, params, operation):
    key = lookup.usable_key(ctx, params["KeyId"], "ENCRYPT_DECRYPT", operation, params=params,
                            context=params.get("EncryptionContext"))
    if key["key_spec"] != model.DEFAULT_SPEC:
        raise InvalidKeyUsageException(
            f"{lookup.arn_of(key)} key spec is {key['key_spec']} which is not valid for {operation}.")
    return key


# ---------------------------------------------------------------------------
# HMAC


def generate_mac(ctx, params):
    key = lookup.usable_key(ctx, params["KeyId"], "GENERATE_VERIFY_MAC", "GenerateMac", params=params)
    algorithm = params["MacAlgorithm"]
    mac = _mac(ctx.state, key, algorithm, params["Message"])
    lookup.check_dry_run(params)
    usage.note(ctx, key)
    return {"Mac": mac, "MacAlgorithm": algorithm, "KeyId": lookup.arn_of(key)}


def verify_mac(ctx, params):
    key = lookup.usable_key(ctx, params["KeyId"], "GENERATE_VERIFY_MAC", "VerifyMac", params=params)
    algorithm = params["MacAlgorithm"]
    mac = _mac(ctx.state, key, algorithm, params["Message"])
    if not hmac.compare_digest(mac, params["Mac"]):
        raise KMSInvalidMacException()
    # KMS checks the MAC before it answers a DryRun (a wrong one is refused as such)
    lookup.check_dry_run(params)
    usage.note(ctx, key)
    return {"KeyId": lookup.arn_of(key), "MacValid": True, "MacAlgorithm": algorithm}


def _mac(state, key, algorithm, message) -> bytes:
    if algorithm not in model.usage_algorithms(key["key_spec"], key["key_usage"])["MacAlgorithms"]:
        raise InvalidKeyUsageException(f"Algorithm {algorithm} is incompatible with key spec {key['key_spec']}.")
    secret = store.material(state.db, key["uid"], key["current_version"])["material"]
    return hmac.new(secret, message, _HMAC_DIGESTS[algorithm]).digest()


# ---------------------------------------------------------------------------


def _private_key(state, key):
    """The key's private key object, cached: material never changes once written."""
    cache = sealing.material_cache(state)
    slot = ("private", key["uid"], key["current_version"])
    found = cache.get(slot)
    if found is None:
        material = store.material(state.db, key["uid"], key["current_version"])["material"]
        found = keygen.load_private_key(material)
        cache.put(slot, found)
    return found
