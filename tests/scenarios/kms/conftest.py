"""Shared fixtures for KMS scenarios: a client that shows every error as the server sent
it (no retries), and keys that are scheduled for deletion afterwards."""
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
