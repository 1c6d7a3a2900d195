"""Small objects kept in their version's row: every reader finds their bytes there."""
import os

import pytest

from lakebox.aws.body import FileRange
from lakebox.services.s3 import public, store, stored

from s3_unit_helpers import lake_state


@pytest.fixture
def state(tmp_path):
    return lake_state(tmp_path)


def write(state, key: str, data: bytes) -> str:
    """A version whose bytes are kept in its row, as PutObject stores a small body."""
    blob_id = stored.new_blob_id()
    store.write_version(state.db, "lake", key, {
        "version_id": "null", "blob_id": blob_id, "content": data, "size": len(data), "etag": "e",
        "last_modified": 1.0, "owner": "123456789012", "attrs": {}})
    return blob_id


def test_bytes_in_the_row_are_read_there_and_never_need_a_blob_file(state):
    blob_id = write(state, "t/rows.csv", b"a,b\n1,2\n")
    row = store.latest(state.db, "lake", "t/rows.csv")
    assert stored.is_inline(row) and not os.path.exists(state.blobs.path(blob_id))
    assert stored.body_range(state.blobs, row, 2, 3) == b"b\n1"
    with stored.open_stored(state.blobs, row) as f:
        f.seek(4)
        assert f.read() == b"1,2\n"
    assert public.get_object(state, "lake", "t/rows.csv") == b"a,b\n1,2\n"


def test_readers_in_place_get_a_file_of_the_bytes_removed_with_the_version(state):
    write(state, "t/rows.csv", b"a,b\n1,2\n")
    found = public.resolve(state, "s3://lake/t/")[0]
    with open(found.path, "rb") as f:
        assert f.read() == b"a,b\n1,2\n"
    public.delete_object(state, "lake", "t/rows.csv")
    assert not os.path.exists(found.path)


def test_an_overwrite_with_a_blob_leaves_no_bytes_in_the_row(state):
    write(state, "k", b"small")
    path = public.temp_path(state)
    with open(path, "wb") as f:
        f.write(b"from a file")
    public.put_file(state, "lake", "k", path)
    row = store.latest(state.db, "lake", "k")
    assert not stored.is_inline(row)
    body = stored.body_range(state.blobs, row, 0, row["size"])
    body.file.close()
    assert isinstance(body, FileRange)
    assert public.get_object(state, "lake", "k") == b"from a file"
