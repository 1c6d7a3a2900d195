"""KMS pure logic: key references, the ciphertext blob header, encryption context bytes."""
import os
import uuid

from lakebox.services.kms import model


def test_key_refs_of_every_accepted_form():
    key_id = str(uuid.uuid4())
    assert model.parse_key_ref(key_id) == model.KeyRef("key", key_id)
    assert model.parse_key_ref(f"arn:aws:kms:eu-west-1:123456789012:key/{key_id}") == \
        model.KeyRef("key", key_id, "eu-west-1", "123456789012")
    assert model.parse_key_ref("alias/orders") == model.KeyRef("alias", "alias/orders")
    assert model.parse_key_ref("arn:aws:kms:us-east-1:123456789012:alias/a/b") == \
        model.KeyRef("alias", "alias/a/b", "us-east-1", "123456789012")


def test_key_ids_are_uuids_or_multi_region_ids():
    assert model.is_key_id(model.new_key_id(False))
    assert model.new_key_id(True).startswith("mrk-") and model.is_key_id(model.new_key_id(True))
    assert not model.is_key_id("fake-key-id")
    assert not model.is_key_id("134f2428cec14b25a1ae9048164dba47")


def test_blob_header_round_trips_key_id_and_version():
    for key_id in (model.new_key_id(False), model.new_key_id(True)):
        blob = model.blob_header(key_id, 7) + b"n" * model.NONCE_BYTES + b"body and tag....."
        sealed = model.open_blob(blob)
        assert (sealed.key_id, sealed.version) == (key_id, 7)
        assert sealed.nonce == b"n" * model.NONCE_BYTES and sealed.body == b"body and tag....."


def test_short_or_unknown_blobs_are_not_ours():
    assert model.open_blob(b"short") is None
    assert model.open_blob(b"\x09" + b"x" * 80) is None


def test_random_bytes_with_a_current_format_byte_are_not_ours():
    # An RSA ciphertext is random bytes: its first byte names a format one time in 64.
    for kind in (model.UUID_FORMAT, model.MRK_FORMAT):
        assert all(model.open_blob(bytes([kind]) + os.urandom(255)) is None for _ in range(200))


def test_a_blob_whose_header_was_altered_is_not_ours():
    blob = bytearray(model.blob_header(model.new_key_id(False), 1) + b"n" * 12 + b"t" * 20)
    blob[5] ^= 1
    assert model.open_blob(bytes(blob)) is None


def test_blobs_written_before_the_check_value_still_open_as_legacy():
    key_id = model.new_key_id(False)
    old = bytes([1]) + uuid.UUID(key_id).bytes + (3).to_bytes(4, "big") + b"n" * 12 + b"body and tag....."
    sealed = model.open_blob(old)
    assert (sealed.key_id, sealed.version, sealed.legacy) == (key_id, 3, True)
    assert sealed.header == old[:21] and sealed.body == b"body and tag....."
    assert not model.open_blob(model.blob_header(key_id, 3) + b"n" * 12 + b"body and tag.....").legacy


def test_context_bytes_ignore_order_and_tell_pairs_apart():
    assert model.context_bytes({"a": "1", "b": "2"}) == model.context_bytes({"b": "2", "a": "1"})
    assert model.context_bytes({"ab": "c"}) != model.context_bytes({"a": "bc"})
    assert model.context_bytes(None) == model.context_bytes({}) == b""


def test_default_policy_names_the_account_root():
    assert '"AWS" : "arn:aws:iam::123456789012:root"' in model.default_policy("123456789012", "us-east-1")
    assert "arn:aws-cn:iam::123456789012:root" in model.default_policy("123456789012", "cn-north-1")
