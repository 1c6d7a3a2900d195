"""Ed25519ph as RFC 8032 defines it: the RFC's own test vector (section 7.3, "abc"), and
verification refusing what was not signed."""
from lakebox.services.kms import ed25519ph

SECRET = bytes.fromhex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42")
PUBLIC = bytes.fromhex("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf")
SIGNATURE = bytes.fromhex("98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41"
                          "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406")


def test_rfc_8032_vector():
    assert ed25519ph.public_key(SECRET) == PUBLIC
    assert ed25519ph.sign(SECRET, b"abc") == SIGNATURE
    assert ed25519ph.verify(PUBLIC, b"abc", SIGNATURE)


def test_verification_refuses_other_messages_keys_and_malformed_signatures():
    assert not ed25519ph.verify(PUBLIC, b"abd", SIGNATURE)
    assert not ed25519ph.verify(ed25519ph.public_key(b"\x01" * 32), b"abc", SIGNATURE)
    assert not ed25519ph.verify(PUBLIC, b"abc", SIGNATURE[:-1])
    assert not ed25519ph.verify(PUBLIC, b"abc", SIGNATURE[:32] + b"\xff" * 32)        # S not below L
    assert not ed25519ph.verify(b"\xff" * 32, b"abc", SIGNATURE)                      # not a point
