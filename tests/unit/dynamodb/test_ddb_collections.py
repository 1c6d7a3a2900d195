"""Item collections of tables with local secondary indexes: their size is kept per
partition key value, and a write that takes one past the limit is refused."""
import pytest

from lakebox.services.dynamodb import store, writes
from lakebox.services.dynamodb.errors import ItemCollectionSizeLimitExceededException
from lakebox.storage.db import Database


class _Table:
    uid = 1
    has_local_indexes = True


@pytest.fixture
def db():
    database = Database(None)
    database.migrate("dynamodb", store.SCHEMA)
    return database


def test_collection_grows_and_shrinks(db):
    key = (7, b"device", b"")
    writes._grow_collection(db, _Table(), key, None, {"a": {"S": "x" * 100}}, None)
    assert store.collection_bytes(db, 1, 7, b"device") == 101
    writes._grow_collection(db, _Table(), key, {"a": {"S": "x" * 100}}, None, None)
    assert store.collection_bytes(db, 1, 7, b"device") == 0


def test_write_past_the_limit_is_refused(db, monkeypatch):
    monkeypatch.setattr(writes, "MAX_COLLECTION_BYTES", 150)
    key = (7, b"device", b"")
    writes._grow_collection(db, _Table(), key, None, {"a": {"S": "x" * 100}}, None)
    with pytest.raises(ItemCollectionSizeLimitExceededException) as refused:
        writes._grow_collection(db, _Table(), key, None, {"b": {"S": "y" * 100}}, None)
    assert refused.value.message == "Item collection size limit exceeded"
    assert store.collection_bytes(db, 1, 7, b"device") == 101
