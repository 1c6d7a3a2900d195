"""The retention job does a bounded slice of work per run, however much has expired, and
finishes the job over several runs."""
import pytest

from lakebox.aws.context import HttpRequest, RequestContext
from lakebox.config import Config
from lakebox.services.kinesis import actions, jobs, public, store
from lakebox.state import AppState

ACCOUNT, REGION = "000000000000", "us-east-1"
BUDGET = 50


@pytest.fixture
def state(monkeypatch):
    monkeypatch.setattr(jobs, "ROW_BUDGET", BUDGET)
    monkeypatch.setattr(jobs, "SHARD_PAGE", 7)          # pages end inside and across streams
    return AppState(Config(data_dir=None, limits="off"))


def _ctx(state):
    return RequestContext(service="kinesis", operation="x", account=ACCOUNT, region=REGION, access_key="test",
                          caller_arn=f"arn:aws:iam::{ACCOUNT}:root", now=state.clock.now(), state=state,
                          request=HttpRequest("POST", "/", [], {}))


def _arn(name):
    return f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name}"


def _chunks(state) -> int:
    return state.db.one("SELECT count(*) FROM kinesis_chunks")[0]


def _count_rows(monkeypatch):
    """Rows the job reads or deletes: shards listed and chunks trimmed."""
    seen = []
    shards_from, trim_chunks = store.shards_from, store.trim_chunks

    def counting_shards(*args):
        rows = shards_from(*args)
        seen.append(len(rows))
        return rows

    def counting_trim(*args):
        deleted = trim_chunks(*args)
        seen.append(deleted)
        return deleted

    monkeypatch.setattr(store, "shards_from", counting_shards)
    monkeypatch.setattr(store, "trim_chunks", counting_trim)
    return seen


def test_a_run_deletes_at_most_its_budget_of_chunks(state, monkeypatch):
    actions.create_stream(_ctx(state), {"StreamName": "busy", "ShardCount": 1})
    for i in range(1000):                                # one chunk per call
        public.put_records(state, _arn("busy"), [("k", b"x")])
    state.clock.advance(25 * 3600)
    public.put_records(state, _arn("busy"), [("k", b"fresh")])
    seen = _count_rows(monkeypatch)
    runs = 0
    while True:
        before = _chunks(state)
        seen.clear()
        now = state.clock.now()
        deadline = jobs.trim_expired(state, now)
        runs += 1
        assert sum(seen) <= 2 * BUDGET                   # shards read + chunks deleted
        assert before - _chunks(state) <= BUDGET
        if deadline != now:
            break
    assert runs >= 1000 // BUDGET
    assert _chunks(state) == 1                           # only the fresh record is left
    assert deadline == pytest.approx(state.clock.now() + 24 * 3600, abs=5)


def test_a_run_visits_at_most_its_budget_of_shards(state, monkeypatch):
    for name in ("a", "b", "c"):
        actions.create_stream(_ctx(state), {"StreamName": name, "ShardCount": 60})
    seen = _count_rows(monkeypatch)
    visited = []
    oldest_chunk = store.oldest_chunk
    monkeypatch.setattr(store, "oldest_chunk", lambda *args: visited.append(args[1:]) or oldest_chunk(*args))
    runs = 0
    while True:
        seen.clear()
        now = state.clock.now()
        deadline = jobs.trim_expired(state, now)
        runs += 1
        assert sum(seen) <= BUDGET + 7                   # the last page may overshoot
        if deadline != now:
            break
    assert deadline is None                              # no records anywhere
    assert runs == -(-180 // BUDGET)
    assert len(visited) == len(set(visited)) == 180      # every shard once, none twice


def test_a_poke_starts_the_walk_over(state):
    actions.create_stream(_ctx(state), {"StreamName": "a", "ShardCount": 120})
    now = state.clock.now()
    assert jobs.trim_expired(state, now) == now
    passed = state.cache("kinesis")["retention-walk"].position
    state.scheduler.poke("kinesis")
    jobs.trim_expired(state, now)
    assert state.cache("kinesis")["retention-walk"].position == passed   # not twice as far


def test_a_deleted_streams_records_are_purged_in_slices(state, monkeypatch):
    for name in ("gone", "kept"):
        actions.create_stream(_ctx(state), {"StreamName": name, "ShardCount": 1})
    for i in range(300):
        public.put_records(state, _arn("gone"), [("k", b"x")])
    public.put_records(state, _arn("kept"), [("k", b"y")])
    actions.delete_stream(_ctx(state), {"StreamName": "gone"})
    assert _chunks(state) == 301                         # DeleteStream itself left them
    runs = 0
    while True:
        before = _chunks(state)
        now = state.clock.now()
        deadline = jobs.trim_expired(state, now)
        runs += 1
        assert before - _chunks(state) <= BUDGET
        if deadline != now:
            break
    assert runs >= 300 // BUDGET
    assert _chunks(state) == 1
    records, _ = public.read_new_records(state, _arn("kept"), {})
    assert [r["Data"] for r in records] == [b"y"]
