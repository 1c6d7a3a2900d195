"""KMS's interface for other services, against an in-memory server state: data keys
wrapped and unwrapped, the AWS managed key created once, KMS errors as KmsFailure."""
import pytest

from lakebox.config import Config
from lakebox.kit.calls import system_context
from lakebox.services.kms import public
from lakebox.state import AppState


@pytest.fixture
def ctx():
    state = AppState(Config(data_dir=None, limits="off"))
    return system_context(state, "kms", "GenerateDataKey", "000000000000", "us-east-1")


def test_managed_key_is_created_once_and_wraps_data_keys(ctx):
    plaintext, blob, arn = public.generate_data_key(ctx, None, {"aws:s3:arn": "arn:aws:s3:::b/k"})
    assert len(plaintext) == 32 and plaintext not in blob
    assert public.generate_data_key(ctx, None, None)[2] == arn
    assert public.decrypt(ctx, blob, {"aws:s3:arn": "arn:aws:s3:::b/k"}) == (plaintext, arn)
    metadata = public.describe(ctx, "alias/aws/s3")
    assert (metadata["Arn"], metadata["KeyManager"]) == (arn, "AWS")
    assert metadata["Description"] == "Default key that protects my S3 objects when no other key is defined"


def test_failures_carry_kms_codes(ctx):
    _, blob, _ = public.generate_data_key(ctx, None, {"a": "1"})
    with pytest.raises(public.KmsFailure) as failure:
        public.decrypt(ctx, blob, {"a": "2"})
    assert failure.value.code == "InvalidCiphertextException"
    with pytest.raises(public.KmsFailure) as failure:
        public.check_usable(ctx, "alias/none")
    assert (failure.value.code, failure.value.message) == (
        "NotFoundException", "Alias arn:aws:kms:us-east-1:000000000000:alias/none is not found.")


def test_encrypt_has_no_size_limit_for_services(ctx):
    blob, arn = public.encrypt(ctx, None, b"r" * 100_000, None, service="kinesis")
    assert public.decrypt(ctx, blob, None) == (b"r" * 100_000, arn)
    assert public.describe(ctx, None, service="kinesis")["Arn"] == arn


def test_a_cached_data_key_still_answers_to_its_key_state(ctx):
    from lakebox.services.kms import lookup, store
    context = {"aws:s3:arn": "arn:aws:s3:::b/k"}
    plaintext, blob, arn = public.generate_data_key(ctx, None, context)
    assert public.decrypt(ctx, blob, context) == (plaintext, arn)
    assert public.decrypt(ctx, blob, context) == (plaintext, arn)      # from the cache
    with pytest.raises(public.KmsFailure) as failure:       # another context never hits the cached entry
        public.decrypt(ctx, blob, {"aws:s3:arn": "arn:aws:s3:::b/other"})
    assert failure.value.code == "InvalidCiphertextException"
    key = lookup.find_key(ctx, arn)
    store.update_key(ctx.state.db, key["uid"], enabled=0)
    with pytest.raises(public.KmsFailure) as failure:
        public.decrypt(ctx, blob, context)
    assert (failure.value.code, failure.value.message) == ("DisabledException", f"{arn} is disabled.")


def test_a_cached_key_row_answers_to_deletion_and_to_the_clock(ctx):
    from lakebox.services.kms import lookup, store
    plaintext, blob, arn = public.generate_data_key(ctx, None, None)
    key = lookup.find_key(ctx, arn)
    store.update_key(ctx.state.db, key["uid"], deletion_ms=int(ctx.now * 1000) + 60_000)
    with pytest.raises(public.KmsFailure) as failure:
        public.decrypt(ctx, blob, None)
    assert (failure.value.code, failure.value.message) == ("KMSInvalidStateException", f"{arn} is pending deletion.")
    ctx.now += 61          # the deletion date passed: the key is gone, though its row was read before
    with pytest.raises(public.KmsFailure) as failure:
        public.decrypt(ctx, blob, None)
    assert (failure.value.code, failure.value.message) == ("NotFoundException", f"Key '{arn}' does not exist")
    ctx.now -= 61
    store.update_key(ctx.state.db, key["uid"], deletion_ms=None)
    assert public.decrypt(ctx, blob, None) == (plaintext, arn)
    store.delete_key(ctx.state.db, key["uid"])
    with pytest.raises(public.KmsFailure) as failure:
        public.decrypt(ctx, blob, None)
    assert failure.value.code == "NotFoundException"


def test_a_key_row_read_in_a_rolled_back_transaction_is_not_kept(ctx):
    from lakebox.services.kms import lookup, store
    plaintext, blob, arn = public.generate_data_key(ctx, None, None)
    uid = lookup.find_key(ctx, arn)["uid"]
    with pytest.raises(RuntimeError), ctx.state.db.transaction():
        store.update_key(ctx.state.db, uid, enabled=0)
        with pytest.raises(public.KmsFailure):
            public.decrypt(ctx, blob, None)
        raise RuntimeError("rolled back")
    assert public.decrypt(ctx, blob, None) == (plaintext, arn)


def test_a_service_acting_for_the_keys_account_is_stopped_only_by_a_deny(ctx):
    """Deliveries and stream encryption act as the service for the resource's account: a
    key policy that names only a role of the account does not stop them, a Deny does."""
    import asyncio
    import json
    from lakebox.services.kms import keys
    role_only = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:role/admin"}, "Action": "kms:*",
         "Resource": "*"}]}
    arn = asyncio.run(keys.create_key(ctx, {"Policy": json.dumps(role_only), "BypassPolicyLockoutSafetyCheck": True}))[
        "KeyMetadata"]["Arn"]
    plaintext, blob, _ = public.generate_data_key(ctx, arn, None, service="kinesis")
    assert public.decrypt(ctx, blob, None) == (plaintext, arn)
    role_only["Statement"].append({"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"})
    keys.put_key_policy(ctx, {"KeyId": arn, "Policy": json.dumps(role_only), "BypassPolicyLockoutSafetyCheck": True})
    with pytest.raises(public.KmsFailure) as failure:
        public.decrypt(ctx, blob, None)
    assert failure.value.code == "AccessDeniedException"
