"""New key material for each key spec, and the objects that use it. Symmetric and HMAC
material is random bytes; asymmetric material is a PKCS#8 DER private key."""
import hashlib
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from lakebox.services.kms import model

CURVES = {"ECC_NIST_P256": ec.SECP256R1, "ECC_NIST_P384": ec.SECP384R1, "ECC_NIST_P521": ec.SECP521R1,
          "ECC_SECG_P256K1": ec.SECP256K1}


def new_material(spec: str) -> bytes:
    size = model.material_size(spec)
    if size is not None:
        return secrets.token_bytes(size)
    return private_key_der(new_private_key(spec))


async def new_material_off_loop(state, spec: str) -> bytes:
    """Material for a new key; asymmetric key pairs are made on a worker thread."""
    if model.material_size(spec) is not None:
        return new_material(spec)
    return private_key_der(await new_private_key_off_loop(state, spec))


async def new_private_key_off_loop(state, spec: str):
    """A new private key, made on a worker (`state.work`): an RSA 4096 key takes a second
    or more, which the event loop must not wait for."""
    return await state.work.submit("kms", "GenerateKeyPair", _generate, spec)


def _generate(task, spec):
    return new_private_key(spec)


def new_private_key(spec: str):
    if spec.startswith("RSA_"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(spec[4:]))
    if spec == "ECC_NIST_EDWARDS25519":
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(CURVES[spec]())


def private_key_der(private_key) -> bytes:
    return private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())


def public_key_der(private_key) -> bytes:
    """The public key as a DER SubjectPublicKeyInfo, as GetPublicKey returns it."""
    return private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(material: bytes):
    return serialization.load_der_private_key(material, password=None)


def material_id(material: bytes) -> str:
    """A key material's id: 64 hex digits, the same for the same material, revealing nothing."""
    return hashlib.sha256(b"lakebox-kms-material-id" + material).hexdigest()


def spec_of(private_key) -> str | None:
    """The key spec of a private key object, or None for one KMS keys cannot hold."""
    if isinstance(private_key, rsa.RSAPrivateKey):
        return f"RSA_{private_key.key_size}"
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return "ECC_NIST_EDWARDS25519"
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return next((spec for spec, curve in CURVES.items() if curve.name == private_key.curve.name), None)
    return None
