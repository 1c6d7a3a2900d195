"""What every object request goes through in store.py: the bucket-row and
bucket-configuration caches never serve a stale copy, attrs JSON round-trips, a new version is the one current one."""
import datetime

import pytest

from lakebox.services.s3 import store
from lakebox.storage.db import Database


@pytest.fixture
def db():
    database = Database(None)
    database.migrate("s3", store.SCHEMA)
    store.insert_bucket(database, "b", "123456789012", "us-east-1", 1.0, False)
    return database


def configs(cache, db, name="b"):
    return store.cached_configs(cache, db, store.get_bucket(db, name))


def test_the_bucket_row_is_read_once_until_a_bucket_write(db):
    cache = {}
    first = store.cached_bucket(cache, db, "b")
    assert store.cached_bucket(cache, db, "b") is first
    store.set_versioning(db, "b", "Enabled", None)
    assert store.cached_bucket(cache, db, "b")["versioning"] == "Enabled"
    store.put_config(db, "b", "cors", {"CORSRules": []})
    assert store.cached_bucket(cache, db, "b")["config_version"] == first["config_version"] + 1
    store.set_object_lock(db, "b", True)
    assert store.cached_bucket(cache, db, "b")["object_lock"] == 1


def test_a_bucket_created_or_deleted_is_seen_at_once(db):
    cache = {}
    assert store.cached_bucket(cache, db, "new") is None
    store.insert_bucket(db, "new", "123456789012", "us-east-1", 2.0, False)
    assert store.cached_bucket(cache, db, "new")["name"] == "new"
    store.delete_bucket(db, "new")
    assert store.cached_bucket(cache, db, "new") is None


def test_a_bucket_row_read_in_a_rolled_back_transaction_is_not_kept(db):
    cache = {}
    with pytest.raises(RuntimeError), db.transaction():
        store.set_versioning(db, "b", "Enabled", None)
        assert store.cached_bucket(cache, db, "b")["versioning"] == "Enabled"
        raise RuntimeError("rolled back")
    assert store.cached_bucket(cache, db, "b")["versioning"] is None


def test_a_configuration_write_is_seen_at_once(db):
    cache = {}
    assert configs(cache, db) == {}
    store.put_config(db, "b", "lifecycle", {"Rules": [{"ID": "one"}]})
    assert configs(cache, db) == {"lifecycle": {"Rules": [{"ID": "one"}]}}
    store.put_config(db, "b", "lifecycle", {"Rules": [{"ID": "two"}]})
    store.put_config(db, "b", "encryption", {"Rules": []})
    assert configs(cache, db) == {"lifecycle": {"Rules": [{"ID": "two"}]}, "encryption": {"Rules": []}}
    assert store.delete_config(db, "b", "lifecycle")
    assert configs(cache, db) == {"encryption": {"Rules": []}}


def test_the_cache_is_read_once_per_configuration_change(db):
    cache = {}
    store.put_config(db, "b", "lifecycle", {"Rules": []})
    first = configs(cache, db)
    assert configs(cache, db) is first
    assert not store.delete_config(db, "b", "cors")          # nothing deleted: nothing changed
    assert configs(cache, db) is first


def test_per_id_configurations_stay_out(db):
    cache = {}
    store.put_config(db, "b", "metrics", {"Id": "m"}, "m")
    assert configs(cache, db) == {}


def test_a_recreated_bucket_does_not_inherit_the_old_one(db):
    cache = {}
    store.put_config(db, "b", "lifecycle", {"Rules": []})
    assert "lifecycle" in configs(cache, db)
    store.delete_bucket(db, "b")
    store.forget_configs(cache, "b")
    store.insert_bucket(db, "b", "123456789012", "us-east-1", 1.0, False)     # even at the same instant
    assert configs(cache, db) == {}


@pytest.mark.parametrize("value", [
    {"ContentType": "text/plain", "Metadata": {"k": "v\u00e9\u4e2d"}},
    {"Expires": datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)},
    {"Raw": b"\x00\xff"},
    {"Odd": "\ud800"},                 # a lone surrogate: only the json module writes it
    {"Big": 1 << 70},
    {"Text": '"$datetime" is just text'},
])
def test_attrs_round_trip(value):
    assert store.loads(store.dumps(value)) == value


def _write(db, version_id, blob_id):
    return store.write_version(db, "b", "k", {"version_id": version_id, "blob_id": blob_id, "owner": "o",
                                              "last_modified": 1.0, "attrs": {}})


def current(db):
    return [(r["version_id"], r["blob_id"]) for r in db.query(
        "SELECT version_id, blob_id FROM s3_objects WHERE is_latest=1")]


def test_replacing_the_current_null_version(db):
    assert _write(db, "null", "blob1") == []
    assert _write(db, "null", "blob2") == ["blob1"]
    assert current(db) == [("null", "blob2")]


def test_replacing_a_null_version_that_is_not_current(db):
    # null written, then versioning enabled (v2 current), then suspended: a new null
    # version replaces the old one and v2 stops being current.
    _write(db, "null", "blob1")
    _write(db, "v2" * 16, "blob2")
    assert _write(db, "null", "blob3") == ["blob1"]
    assert current(db) == [("null", "blob3")]


def parts_of_current(db):
    row = store.latest(db, "b", "k")
    return [(p["part_number"], p["size"]) for p in store.object_parts(db, row["id"])]


def test_an_overwrite_drops_the_parts_of_a_multipart_object_and_keeps_new_ones(db):
    store.write_version(db, "b", "k", {"version_id": "null", "blob_id": "m", "owner": "o", "last_modified": 1.0,
                                       "parts_count": 2, "attrs": {}}, [(1, 0, 5, None), (2, 5, 3, None)])
    assert parts_of_current(db) == [(1, 5), (2, 3)]
    assert _write(db, "null", "plain") == ["m"]
    assert parts_of_current(db) == []
    assert db.one("SELECT COUNT(*) FROM s3_object_parts")[0] == 0
    store.write_version(db, "b", "k", {"version_id": "null", "blob_id": "m2", "owner": "o", "last_modified": 2.0,
                                       "parts_count": 1, "attrs": {}}, [(1, 0, 9, None)])
    assert parts_of_current(db) == [(1, 9)]


def _put_in_row(db, key, data: bytes) -> bool:
    return store.put_null_version(db, "b", key, {"blob_id": "row-" + data.hex(), "content": data, "size": len(data),
                                                 "etag": "e", "owner": "o", "last_modified": 2.0, "attrs": {}})


def test_the_one_statement_write_adds_a_key_then_rewrites_it_where_it_is(db):
    assert _put_in_row(db, "k", b"one")
    first = store.latest(db, "b", "k")
    assert (first["version_id"], first["is_latest"], first["delete_marker"], first["content"]) == ("null", 1, 0, b"one")
    assert _put_in_row(db, "k", b"two")
    row = store.latest(db, "b", "k")
    assert (row["id"], row["content"], row["blob_id"]) == (first["id"], b"two", "row-" + b"two".hex())
    assert db.one("SELECT COUNT(*) FROM s3_objects")[0] == 1


def test_the_one_statement_write_leaves_a_version_with_parts_or_a_blob_file_to_write_version(db):
    # What it would replace leaves something to clean up: it writes nothing, and
    # write_version (which returns the blob to delete and drops the parts) does the write.
    store.write_version(db, "b", "k", {"version_id": "null", "blob_id": "m", "owner": "o", "last_modified": 1.0,
                                       "parts_count": 2, "attrs": {}}, [(1, 0, 5, None), (2, 5, 3, None)])
    assert not _put_in_row(db, "k", b"small")
    assert current(db) == [("null", "m")] and parts_of_current(db) == [(1, 5), (2, 3)]
    _write(db, "null", "file-blob")
    assert not _put_in_row(db, "k", b"small")
    assert current(db) == [("null", "file-blob")]
    _write(db, "null", None)              # an empty object: no bytes anywhere, nothing to clean up
    assert _put_in_row(db, "k", b"small")
    assert current(db) == [("null", "row-" + b"small".hex())]


def test_a_null_delete_marker_replaces_the_current_null_version(db):
    _write(db, "null", "blob1")
    assert store.write_version(db, "b", "k", {"version_id": "null", "delete_marker": True, "owner": "o",
                                              "last_modified": 2.0, "attrs": {}}) == ["blob1"]
    row = store.latest(db, "b", "k")
    assert (row["delete_marker"], row["blob_id"], row["is_latest"]) == (1, None, 1)
    assert list(store.seek_current(db, "b", "", True, None)) == []      # listings skip it


def test_a_newer_version_keeps_the_newest_id(db):
    _write(db, "null", "blob1")
    _write(db, "v1" * 16, "blob2")
    _write(db, "null", "blob3")           # suspended again: the null version moves to the top
    ids = {r["version_id"]: r["id"] for r in db.query("SELECT id, version_id FROM s3_objects")}
    assert ids["null"] > ids["v1" * 16]


def test_a_worker_reader_never_keeps_a_bucket_row_past_a_bucket_write(tmp_path):
    path = str(tmp_path / "lakebox.db")
    before_restart = Database(path)
    before_restart.migrate("s3", store.SCHEMA)
    store.insert_bucket(before_restart, "b", "123456789012", "us-east-1", 1.0, False)
    writer = Database(path)                # a restarted server: it has written nothing yet
    reader, cache = writer.reader(), {}
    assert store.cached_bucket(cache, reader, "b")["versioning"] is None
    store.put_config(writer, "b", "encryption", {"Rules": []})
    store.set_versioning(writer, "b", "Enabled", None)
    row = store.cached_bucket(cache, reader, "b")
    assert row["versioning"] == "Enabled"
    assert store.cached_configs(cache, reader, row) == {"encryption": {"Rules": []}}
    assert store.cached_bucket(cache, writer, "b")["versioning"] == "Enabled"
