"""KMS's interface for other services, against an in-memory server state: data keys
wrapped and unwrapped, the AWS managed key created once, KMS errors as KmsFailure."""
import pytest

from lakebox.services.kms import public
from lakebox.config import Config
from lakebox.state import AppState


@pytest.fixture
def scope():
    state = AppState(Config(data_dir=None, limits="off"))
    return public.scope_of(state, "000000000000", "us-east-1")


def test_managed_key_is_created_once_and_wraps_data_keys(scope):
    plaintext, blob, arn = public.generate_data_key(scope, None, {"aws:s3:arn": "arn:aws:s3:::b/k"})
    assert len(plaintext) == 32 and plaintext not in blob
    assert public.generate_data_key(scope, None, None)[2] == arn
    assert public.decrypt(scope, blob, {"aws:s3:arn": "arn:aws:s3:::b/k"}) == (plaintext, arn)
    metadata = public.describe(scope, "alias/aws/s3")
    assert (metadata["Arn"], metadata["KeyManager"]) == (arn, "AWS")
    assert metadata["Description"] == "Default key that protects my S3 objects when no other key is defined"


def test_failures_carry_kms_codes(scope):
    _, blob, _ = public.generate_data_key(scope, None, {"a": "1"})
    with pytest.raises(public.KmsFailure) as failure:
        public.decrypt(scope, blob, {"a": "2"})
    assert failure.value.code == "InvalidCiphertextException"
    with pytest.raises(public.KmsFailure) as failure:
        public.check_usable(scope, "alias/none")
    assert (failure.value.code, failure.value.message) == (
        "NotFoundException", "Alias arn:aws:kms:us-east-1:000000000000:alias/none is not found.")


def test_encrypt_has_no_size_limit_for_services(scope):
    blob, arn = public.encrypt(scope, None, b"r" * 100_000, None, service="kinesis")
    assert public.decrypt(scope, blob, None) == (b"r" * 100_000, arn)
    assert public.describe(scope, None, service="kinesis")["Arn"] == arn
