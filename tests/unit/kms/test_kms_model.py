"""KMS pure logic: key references, the ciphertext blob header, encryption context bytes."""
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


def test_context_bytes_ignore_order_and_tell_pairs_apart():
    assert model.context_bytes({"a": "1", "b": "2"}) == model.context_bytes({"b": "2", "a": "1"})
    assert model.context_bytes({"ab": "c"}) != model.context_bytes({"a": "bc"})
    assert model.context_bytes(None) == model.context_bytes({}) == b""


def test_default_policy_names_the_account_root():
    assert '"AWS" : "arn:aws:iam::123456789012:root"' in model.default_policy("123456789012", "us-east-1")
    assert "arn:aws-cn:iam::123456789012:root" in model.default_policy("123456789012", "cn-north-1")
