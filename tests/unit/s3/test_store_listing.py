"""Listing straight from SQLite at 100,000 keys: index use, pagination, roll-ups.

How fast a page is belongs to the benchmark (bench/s3_bench.py, part d), not here.
"""
import pytest

from lakebox.services.s3 import model, store
from lakebox.storage.db import Database

KEYS = 100_000


@pytest.fixture(scope="module")
def db():
    database = Database(None)
    database.migrate("s3", store.SCHEMA)
    store.insert_bucket(database, "big", "000000000000", "us-east-1", 0.0, False)
    rows = [("big", f"part={i % 100:03d}/file-{i:06d}.parquet", "null", 1, 0, None, 10, "etag", 1.0,
             "STANDARD", "000000000000", None, "{}") for i in range(KEYS)]
    database.executemany(
        "INSERT INTO s3_objects (bucket, key, version_id, is_latest, delete_marker, blob_id, size, etag, "
        "last_modified, storage_class, owner, parts_count, attrs) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    return database


def _page(db, after="", prefix="", delimiter=None, max_items=1000):
    upper = model.prefix_upper_bound(prefix) if prefix else None
    start, inclusive = (after, False) if after and after >= prefix else (prefix, True)
    return model.list_page(store.seek_current(db, "big", start, inclusive, upper),
                           lambda key: store.seek_current(db, "big", key, True, upper),
                           prefix, delimiter, max_items, marker=after or None)


def test_listing_uses_the_current_objects_index(db):
    plan = db.query("EXPLAIN QUERY PLAN SELECT key FROM s3_objects INDEXED BY s3_objects_current "
                    "WHERE bucket=? AND key>? AND is_latest=1 AND delete_marker=0 ORDER BY key LIMIT 5",
                    ("big", ""))
    assert "s3_objects_current" in " ".join(row["detail"] for row in plan)


def test_paging_through_100k_keys_sees_each_key_once_in_order(db):
    after, pages, keys = "", 0, []
    while True:
        page = _page(db, after)
        keys += [row["key"] for row in page.items]
        pages += 1
        if not page.truncated:
            break
        after = page.last
    assert pages == 100
    assert keys == sorted(f"part={i % 100:03d}/file-{i:06d}.parquet" for i in range(KEYS))


def test_delimiter_rolls_up_100k_keys_into_their_prefixes(db):
    page = _page(db, delimiter="/")
    assert page.prefixes == [f"part={i:03d}/" for i in range(100)]
    assert page.items == [] and not page.truncated


def test_prefix_listing_is_a_range_scan(db):
    page = _page(db, prefix="part=042/")
    assert len(page.items) == 1000
    assert all(row["key"].startswith("part=042/") for row in page.items)
    assert not page.truncated
