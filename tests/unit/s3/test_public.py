"""The interface other services use: write, read, list and resolve objects to files."""
import hashlib
import os

import pytest

from lakebox.services.s3 import public, store

from s3_unit_helpers import lake_state, raises_s3


@pytest.fixture
def state(tmp_path):
    return lake_state(tmp_path)


def test_put_get_and_resolve_in_place(state):
    public.put_object(state, "lake", "sales/dt=2024-01-01/part-0.csv", b"a,b\n1,2\n", content_type="text/csv")
    public.put_object(state, "lake", "sales/dt=2024-01-02/part-0.csv", b"a,b\n3,4\n")
    public.put_object(state, "lake", "sales/_SUCCESS", b"")
    assert public.get_object(state, "lake", "sales/dt=2024-01-01/part-0.csv") == b"a,b\n1,2\n"
    files = public.resolve(state, "s3://lake/sales/")
    assert [f.key for f in files] == ["sales/dt=2024-01-01/part-0.csv", "sales/dt=2024-01-02/part-0.csv"]
    with open(files[1].path, "rb") as f:
        assert f.read() == b"a,b\n3,4\n"
    assert public.list_common_prefixes(state, "lake", "sales/") == ["sales/dt=2024-01-01/", "sales/dt=2024-01-02/"]
    assert [o.key for o in public.list_objects(state, "lake", "sales/")][-1] == "sales/dt=2024-01-02/part-0.csv"


def test_put_file_moves_a_written_file(state):
    path = public.temp_path(state)
    with open(path, "wb") as f:
        f.write(b"result rows")
    answer = public.put_file(state, "lake", "results/q1.csv", path)
    assert answer["ETag"] == '"' + hashlib.md5(b"result rows").hexdigest() + '"'
    assert public.object_file(state, "lake", "results/q1.csv").size == 11


def test_overwrite_and_delete(state):
    public.put_object(state, "lake", "k", b"one")
    old_path = public.object_file(state, "lake", "k").path
    public.put_object(state, "lake", "k", b"two")
    assert public.get_object(state, "lake", "k") == b"two"
    public.delete_object(state, "lake", "k")
    with raises_s3("NoSuchKey"):
        public.get_object(state, "lake", "k")
    assert not os.path.exists(old_path)


def test_errors_and_uris(state):
    with raises_s3("NoSuchBucket"):
        public.put_object(state, "absent", "k", b"v")
    assert public.parse_s3_uri("s3://lake/a/b/") == ("lake", "a/b/")
    assert public.parse_s3_uri("s3a://lake") == ("lake", "")
    assert public.bucket_region(state, "lake") == "eu-west-1"
    assert public.bucket_exists(state, "lake") and not public.bucket_exists(state, "absent")
    with pytest.raises(ValueError):
        public.parse_s3_uri("/local/path")


SSE_S3_DEFAULT = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}


def test_objects_of_the_implicit_default_are_stored_as_sent_and_read_in_place(state):
    public.put_object(state, "lake", "t/data.csv", b"plain,rows\n" * 10)
    row = store.latest(state.db, "lake", "t/data.csv")
    found = public.resolve(state, "s3://lake/t/")[0]
    assert found.path == state.blobs.path(row["blob_id"])
    with open(found.path, "rb") as f:
        assert f.read() == b"plain,rows\n" * 10


def test_objects_are_encrypted_at_rest_and_read_in_place_decrypted(state):
    store.put_config(state.db, "lake", "encryption", SSE_S3_DEFAULT)
    public.put_object(state, "lake", "t/data.csv", b"secret,rows\n" * 100)
    row = store.latest(state.db, "lake", "t/data.csv")
    with open(state.blobs.path(row["blob_id"]), "rb") as f:
        assert b"secret" not in f.read()
    found = public.resolve(state, "s3://lake/t/")[0]
    with open(found.path, "rb") as f:
        assert f.read() == b"secret,rows\n" * 100
    assert public.get_object(state, "lake", "t/data.csv") == b"secret,rows\n" * 100
    public.delete_object(state, "lake", "t/data.csv")
    assert not os.path.exists(found.path)


def test_a_worker_reads_encrypted_objects_through_its_own_connection(state):
    store.put_config(state.db, "lake", "encryption", SSE_S3_DEFAULT)
    public.put_object(state, "lake", "w/part-0.csv", b"worker,rows\n" * 50)
    reader = state.db.reader()
    state.cache("s3").clear()            # the master key comes through the reader, not a cache
    found = public.reader_object_file(state, reader, "lake", "w/part-0.csv")
    listed = list(public.reader_list_objects(state, reader, "lake", "w/"))
    with open(found.path, "rb") as f:
        assert f.read() == b"worker,rows\n" * 50
    assert listed[0].path == found.path
    reader.close()
