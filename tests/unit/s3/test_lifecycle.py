"""Lifecycle expiration against a real S3 store: what goes, what stays, and when."""
import calendar
import datetime
from types import SimpleNamespace

import pytest

from lakebox.services.s3 import lifecycle, store, upload_store
from lakebox.storage.db import Database
from lakebox.storage.scheduler import Scheduler

DAY = 86400
ACCOUNT = "000000000000"


def at(text: str) -> float:
    return float(calendar.timegm(time_tuple(text)))


def time_tuple(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").timetuple()


class Blobs:
    def __init__(self, tmp):
        self.deleted = []
        self.tmp = tmp          # where decrypted copies of blobs would be (none are made here)

    def delete(self, blob_id):
        self.deleted.append(blob_id)


class Clock:
    def __init__(self):
        self.value = 0.0

    def now(self):
        return self.value


@pytest.fixture(params=[lifecycle.ROW_BUDGET, lifecycle.MIN_SLICE], ids=["budget", "tiny-budget"])
def state(request, monkeypatch, tmp_path):
    """Every test runs twice: a tiny budget splits its work into many slices, which must
    come to the same end."""
    monkeypatch.setattr(lifecycle, "ROW_BUDGET", request.param)
    db = Database(None)
    db.migrate("s3", store.SCHEMA)
    caches = {}
    state = SimpleNamespace(db=db, blobs=Blobs(str(tmp_path)), clock=Clock(), cache=lambda name: caches.setdefault(name, {}))
    state.scheduler = Scheduler(state)
    return state


def expire(state, when: float):
    """The scheduler's calls at `when` on the lakebox clock, until the pass is done."""
    state.clock.value = when
    while True:
        deadline = lifecycle.expire_due(state, when)
        if deadline != when:
            return deadline


def make_bucket(state, name="b", versioning=None, rules=()):
    store.insert_bucket(state.db, name, ACCOUNT, "us-east-1", 0.0, False)
    if versioning:
        store.set_versioning(state.db, name, versioning, None)
    if rules:
        store.put_config(state.db, name, "lifecycle", {"Rules": list(rules)})


def put(state, key, when, bucket="b", size=10, tags=None, version_id=None):
    row = {"version_id": version_id or "null", "blob_id": f"blob-{key}-{when}", "size": size, "etag": "e",
           "last_modified": when, "owner": ACCOUNT,
           "attrs": {"TagSet": [{"Key": k, "Value": v} for k, v in (tags or {}).items()]}}
    store.write_version(state.db, bucket, key, row)


def keys(state, bucket="b"):
    return [key for key, _ in store.seek_current(state.db, bucket, "", True, None)]


def versions(state, key, bucket="b"):
    return [(r["version_id"], bool(r["delete_marker"])) for _, r in
            store.seek_versions(state.db, bucket, key, 1 << 62, key + "\0")]


def rule(**fields):
    return {"ID": "r", "Status": "Enabled", **fields}


def test_days_round_up_to_the_next_midnight():
    """AWS's own example: written 14 Aug 19:57:04, 60 days -> expires 14 Oct 00:00 UTC."""
    config = {"Rules": [rule(ID="60d", Filter={"Prefix": ""}, Expiration={"Days": 60})]}
    written = at("2018-08-14 19:57:04")
    assert lifecycle.object_expiration(config, "k", 1, {}, written) == (at("2018-10-14 00:00:00"), "60d")


def test_expired_objects_go_at_midnight(state):
    make_bucket(state, rules=[rule(Filter={"Prefix": "logs/"}, Expiration={"Days": 1})])
    written = at("2024-03-01 10:00:00")
    put(state, "logs/old", written)
    put(state, "logs/new", written + DAY)
    put(state, "data/old", written)
    due = at("2024-03-03 00:00:00")
    assert expire(state, due - 1) == due
    assert keys(state) == ["data/old", "logs/new", "logs/old"]
    assert expire(state, due) == due + DAY
    assert keys(state) == ["data/old", "logs/new"]
    assert state.blobs.deleted == [f"blob-logs/old-{written}"]


def test_tag_and_size_filters(state):
    make_bucket(state, rules=[rule(Filter={"And": {"Prefix": "", "Tags": [{"Key": "tmp", "Value": "yes"}],
                                                    "ObjectSizeGreaterThan": 100}},
                                   Expiration={"Days": 1})])
    written = at("2024-03-01 10:00:00")
    put(state, "tagged-big", written, size=1000, tags={"tmp": "yes"})
    put(state, "tagged-small", written, size=5, tags={"tmp": "yes"})
    put(state, "untagged-big", written, size=1000)
    expire(state, written + 10 * DAY)
    assert keys(state) == ["tagged-small", "untagged-big"]


def test_single_tag_filter_and_legacy_prefix(state):
    make_bucket(state, rules=[rule(Filter={"Tag": {"Key": "a", "Value": "1"}}, Expiration={"Days": 1}),
                              rule(Prefix="old/", Expiration={"Days": 1})])
    written = at("2024-03-01 10:00:00")
    put(state, "x", written, tags={"a": "1"})
    put(state, "y", written, tags={"a": "2"})
    put(state, "old/z", written)
    expire(state, written + 10 * DAY)
    assert keys(state) == ["y"]


def test_date_rule(state):
    make_bucket(state, rules=[rule(Filter={}, Expiration={"Date": datetime.datetime(
        2024, 6, 1, tzinfo=datetime.timezone.utc)})])
    put(state, "k", at("2024-01-01 00:00:00"))
    expire(state, at("2024-05-31 23:59:59"))
    assert keys(state) == ["k"]
    expire(state, at("2024-06-01 00:00:00"))
    assert keys(state) == []


def test_disabled_rules_and_buckets_without_rules(state):
    make_bucket(state, rules=[{**rule(Filter={}, Expiration={"Days": 1}), "Status": "Disabled"}])
    make_bucket(state, name="other")
    put(state, "k", 0.0)
    put(state, "k", 0.0, bucket="other")
    expire(state, 1e9)
    assert keys(state) == ["k"] and keys(state, "other") == ["k"]


def test_no_lifecycle_anywhere_asks_to_be_called_again(state):
    make_bucket(state)
    assert expire(state, 1e9) is None


def test_versioned_bucket_gets_a_delete_marker_then_loses_old_versions(state):
    make_bucket(state, versioning="Enabled", rules=[
        rule(Filter={}, Expiration={"Days": 1}, NoncurrentVersionExpiration={"NoncurrentDays": 1})])
    written = at("2024-03-01 10:00:00")
    put(state, "k", written, version_id="v1")
    expire(state, at("2024-03-03 00:00:00"))
    assert keys(state) == []
    history = versions(state, "k")
    assert [is_marker for _, is_marker in history] == [True, False]
    # v1 became noncurrent when the marker was written (3 Mar): gone from 5 Mar 00:00.
    expire(state, at("2024-03-04 23:59:59"))
    assert len(versions(state, "k")) == 2
    expire(state, at("2024-03-05 00:00:00"))
    # v1 is gone, which leaves the marker alone and old enough for the Days rule: gone too.
    assert versions(state, "k") == []


def test_newer_noncurrent_versions_are_kept(state):
    make_bucket(state, versioning="Enabled", rules=[
        rule(Filter={}, NoncurrentVersionExpiration={"NoncurrentDays": 1, "NewerNoncurrentVersions": 2})])
    start = at("2024-03-01 10:00:00")
    for number in range(1, 6):
        put(state, "k", start + number, version_id=f"v{number}")
    expire(state, start + 30 * DAY)
    assert [v for v, _ in versions(state, "k")] == ["v5", "v4", "v3"]


def test_lone_delete_markers_are_removed(state):
    make_bucket(state, versioning="Enabled", rules=[rule(Filter={}, Expiration={"ExpiredObjectDeleteMarker": True})])
    marker = {"version_id": "m1", "delete_marker": True, "last_modified": 5.0, "owner": ACCOUNT}
    store.write_version(state.db, "b", "gone", marker)
    put(state, "kept", 5.0, version_id="v1")
    store.write_version(state.db, "b", "kept", {**marker, "version_id": "m2"})
    expire(state, 10 * DAY)
    assert versions(state, "gone") == []
    assert len(versions(state, "kept")) == 2


def test_days_rule_clears_old_lone_delete_markers(state):
    make_bucket(state, versioning="Enabled", rules=[rule(Filter={}, Expiration={"Days": 2})])
    marker = {"delete_marker": True, "owner": ACCOUNT}
    store.write_version(state.db, "b", "old", {**marker, "version_id": "m1", "last_modified": at("2024-03-01 10:00:00")})
    store.write_version(state.db, "b", "young", {**marker, "version_id": "m2", "last_modified": at("2024-03-03 10:00:00")})
    expire(state, at("2024-03-04 00:00:00"))
    assert versions(state, "old") == [] and versions(state, "young") == [("m2", True)]


def test_suspended_bucket_gets_a_null_delete_marker(state):
    make_bucket(state, versioning="Suspended", rules=[rule(Filter={}, Expiration={"Days": 1})])
    put(state, "k", 0.0)
    expire(state, 10 * DAY)
    assert versions(state, "k") == [("null", True)]
    assert state.blobs.deleted == ["blob-k-0.0"]


def test_stale_multipart_uploads_are_aborted(state):
    make_bucket(state, rules=[rule(Filter={"Prefix": "up/"}, AbortIncompleteMultipartUpload={"DaysAfterInitiation": 2})])
    started = at("2024-03-01 10:00:00")
    for upload_id, key in [("u1", "up/a"), ("u2", "other/b")]:
        upload_store.insert_upload(state.db, upload_id, "b", key, started, ACCOUNT, "STANDARD", {})
        upload_store.put_part(state.db, upload_id, 1, f"part-{upload_id}", 5, "e", started, {})
    expire(state, at("2024-03-03 23:59:59"))
    assert upload_store.get_upload(state.db, "u1") is not None
    expire(state, at("2024-03-04 00:00:00"))
    assert upload_store.get_upload(state.db, "u1") is None
    assert upload_store.get_upload(state.db, "u2") is not None
    assert state.blobs.deleted == ["part-u1"]


def test_a_run_reads_at_most_its_budget_of_rows(state, monkeypatch):
    monkeypatch.setattr(lifecycle, "ROW_BUDGET", 25)
    make_bucket(state, name="a", rules=[rule(Filter={}, Expiration={"Days": 1})])
    make_bucket(state, name="v", versioning="Enabled", rules=[
        rule(Filter={}, NoncurrentVersionExpiration={"NoncurrentDays": 1}, Expiration={"Days": 1},
             AbortIncompleteMultipartUpload={"DaysAfterInitiation": 1})])
    for number in range(300):
        put(state, f"k{number:04}", 0.0, bucket="a")
        put(state, f"k{number % 50:04}", float(number), bucket="v", version_id=f"v{number}")
        upload_store.insert_upload(state.db, f"u{number}", "v", f"k{number:04}", 0.0, ACCOUNT, "STANDARD", {})
    rows = _count_listed_rows(monkeypatch)
    runs, now = 0, 10 * DAY
    state.clock.value = now
    while True:
        rows.clear()
        deadline = lifecycle.expire_due(state, now)
        runs += 1
        assert sum(rows) <= 25
        if deadline != now:
            break
    assert deadline == lifecycle.next_midnight(now)
    assert runs >= 1000 // 25                            # over 1,000 rows in all
    assert keys(state, "a") == [] and keys(state, "v") == []
    assert state.db.one("SELECT count(*) FROM s3_uploads")[0] == 0


def _count_listed_rows(monkeypatch) -> list:
    """Rows the job's listings hand it, one entry per row."""
    rows = []

    def counting(seek):
        def wrapper(*args):
            for item in seek(*args):
                rows.append(1)
                yield item
        return wrapper

    for module, name in ((store, "seek_current"), (store, "seek_versions"), (upload_store, "seek_uploads")):
        monkeypatch.setattr(module, name, counting(getattr(module, name)))
    return rows


def test_a_poke_or_a_new_day_starts_the_pass_over(state, monkeypatch):
    monkeypatch.setattr(lifecycle, "ROW_BUDGET", 5)
    make_bucket(state, rules=[rule(Filter={}, Expiration={"Days": 1})])
    for number in range(20):
        put(state, f"k{number:02}", 10 * DAY)
    now = 10 * DAY + 5
    assert lifecycle.expire_due(state, now) == now
    first = state.cache("s3")["lifecycle-walk"]
    assert lifecycle.expire_due(state, now) == now and state.cache("s3")["lifecycle-walk"] is first
    state.scheduler.poke("s3")
    lifecycle.expire_due(state, now)
    assert state.cache("s3")["lifecycle-walk"] is not first
    second = state.cache("s3")["lifecycle-walk"]
    assert expire(state, now + 2 * DAY) == lifecycle.next_midnight(now + 2 * DAY)   # a pass for the new day
    assert keys(state) == [] and "lifecycle-walk" not in state.cache("s3") and second.day == 10
