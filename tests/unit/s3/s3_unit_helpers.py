"""Helpers shared by S3's unit tests."""
import contextlib
import types

import pytest

from lakebox.aws.errors import ServiceError
from lakebox.services.s3 import store
from lakebox.storage.blobs import BlobStore
from lakebox.storage.clock import Clock
from lakebox.storage.db import Database


@contextlib.contextmanager
def raises_s3(code: str, **match):
    """Like pytest.raises, for the S3 error coded `code` (S3's errors are data, not classes)."""
    with pytest.raises(ServiceError, **match) as caught:
        yield caught
    assert caught.value.code == code, caught.value.code


def lake_state(tmp_path):
    """An AppState enough for S3's public interface: an in-memory database with S3's
    tables, blobs under `tmp_path`, and the bucket `lake` (account 123456789012)."""
    db = Database(None)
    db.migrate("s3", store.SCHEMA)
    memory = {}
    state = types.SimpleNamespace(db=db, blobs=BlobStore(str(tmp_path / "blobs"), durable=False), clock=Clock(db),
                                  cache=lambda name: memory.setdefault(name, {}))
    store.insert_bucket(db, "lake", "123456789012", "eu-west-1", 0.0, False)
    return state
