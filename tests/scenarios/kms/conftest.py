"""Shared fixtures for KMS scenarios: a client that shows every error as the server sent
it (no retries), and keys that are scheduled for deletion afterwards."""
import botocore.session
import pytest
from botocore.config import Config

NO_RETRIES = Config(retries={"total_max_attempts": 1}, parameter_validation=False)


@pytest.fixture
def kms(lakebox_server):
    return lakebox_server.client("kms", config=NO_RETRIES)


@pytest.fixture
def make_key(kms):
    """make_key(**create_args) -> KeyMetadata of a new key, scheduled for deletion at the end."""
    made = []

    def make(**args):
        metadata = kms.create_key(**args)["KeyMetadata"]
        made.append(metadata["KeyId"])
        return metadata

    yield make
    for key_id in made:
        try:
            kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        except (kms.exceptions.KMSInvalidStateException, kms.exceptions.NotFoundException):
            pass


@pytest.fixture
def sdk_session(lakebox_server, monkeypatch):
    """A botocore session whose KMS clients reach the server under test (for the AWS
    Encryption SDK, which makes its own clients)."""
    if lakebox_server.endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", lakebox_server.endpoint)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return botocore.session.Session()
