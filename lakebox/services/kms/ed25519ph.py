"""Ed25519ph (HashEdDSA over edwards25519 with SHA-512, RFC 8032 section 5.1, empty
context): KMS's ED25519_PH_SHA_512. The `cryptography` package signs pure Ed25519 only,
so the prehash variant is computed here from the RFC's definitions: points in extended
coordinates on -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19). Signing is deterministic,
as Ed25519 is; it is not constant-time, which is no concern for lakebox's keys."""
import hashlib

P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
# dom2(phflag=1, context=""): what separates Ed25519ph signatures from pure Ed25519 ones.
DOM2 = b"SigEd25519 no Ed25519 collisions" + bytes([1, 0])


def _recover_x(y: int, sign: int) -> int | None:
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    return P - x if (x & 1) != sign else x


_BY = 4 * pow(5, P - 2, P) % P
_BX = _recover_x(_BY, 0)
BASE = (_BX, _BY, 1, _BX * _BY % P)
IDENTITY = (0, 1, 1, 0)


def _add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    e1, e2 = (y1 - x1) * (y2 - x2) % P, (y1 + x1) * (y2 + x2) % P
    c, dd = 2 * D * t1 * t2 % P, 2 * z1 * z2 % P
    e, f, g, h = e2 - e1, dd - c, dd + c, e2 + e1
    return e * f % P, g * h % P, f * g % P, e * h % P


def _multiply(scalar: int, point):
    result = IDENTITY
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _encode(point) -> bytes:
    x, y, z, _ = point
    inverse = pow(z, P - 2, P)
    x, y = x * inverse % P, y * inverse % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _decode(data: bytes):
    if len(data) != 32:
        return None
    value = int.from_bytes(data, "little")
    y, sign = value & ((1 << 255) - 1), value >> 255
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


def _hash_int(*parts: bytes) -> int:
    return int.from_bytes(hashlib.sha512(b"".join(parts)).digest(), "little") % L


def _expand(seed: bytes) -> tuple[int, bytes]:
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    return scalar, digest[32:]


def public_key(seed: bytes) -> bytes:
    return _encode(_multiply(_expand(seed)[0], BASE))


def sign(seed: bytes, message: bytes) -> bytes:
    """The 64-byte Ed25519ph signature of `message` by the key whose 32-byte seed is given."""
    scalar, prefix = _expand(seed)
    prehash = hashlib.sha512(message).digest()
    encoded_a = _encode(_multiply(scalar, BASE))
    r = _hash_int(DOM2, prefix, prehash)
    encoded_r = _encode(_multiply(r, BASE))
    k = _hash_int(DOM2, encoded_r, encoded_a, prehash)
    return encoded_r + ((r + k * scalar) % L).to_bytes(32, "little")


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    if len(signature) != 64:
        return False
    a, r = _decode(public), _decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L:
        return False
    k = _hash_int(DOM2, signature[:32], public, hashlib.sha512(message).digest())
    return _encode(_multiply(s, BASE)) == _encode(_add(r, _multiply(k, a)))
