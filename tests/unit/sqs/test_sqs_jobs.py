"""The SQS jobs do a bounded slice of work per run and finish over several runs: the
retention walk deletes at most its budget of messages, resumes where it stopped, and
answers the next expiry once the walk is done."""
import asyncio

import pytest

from lakebox.aws.context import HttpRequest, RequestContext
from lakebox.config import Config
from lakebox.services.sqs import actions, jobs, public
from lakebox.state import AppState

ACCOUNT, REGION = "000000000000", "us-east-1"
BUDGET = 50


@pytest.fixture
def state(monkeypatch):
    monkeypatch.setattr(jobs, "BUDGET", BUDGET)
    return AppState(Config(data_dir=None, limits="off"))


def _ctx(state):
    return RequestContext(service="sqs", operation="x", account=ACCOUNT, region=REGION, access_key="test",
                          caller_arn=f"arn:aws:iam::{ACCOUNT}:root", now=state.clock.now(), state=state,
                          request=HttpRequest("POST", "/", [], {"host": "localhost"}))


def _messages(state) -> int:
    return state.db.one("SELECT count(*) FROM sqs_messages")[0]


def test_retention_runs_in_slices_and_answers_the_next_expiry(state):
    for name in ("a", "b", "c"):
        actions.create_queue(_ctx(state), {"QueueName": name, "Attributes": {"MessageRetentionPeriod": "60"}})
        for i in range(70):
            public.send_event(state, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}", f"old {i}")
    state.clock.advance(61)
    public.send_event(state, f"arn:aws:sqs:{REGION}:{ACCOUNT}:b", "fresh")
    sent_fresh = state.clock.now()
    runs = 0
    while True:
        before, now = _messages(state), state.clock.now()
        deadline = jobs.expire_messages(state, now)
        assert before - _messages(state) <= BUDGET
        runs += 1
        if deadline != now:
            break
    assert runs > 3
    assert _messages(state) == 1
    assert deadline == pytest.approx(sent_fresh + 60)


def test_expired_dedup_ids_are_dropped_a_budget_at_a_time(state):
    ctx = _ctx(state)
    url = actions.create_queue(ctx, {"QueueName": "f.fifo", "Attributes": {"FifoQueue": "true"}})["QueueUrl"]
    actions.send_message_batch(ctx, {"QueueUrl": url, "Entries": [
        {"Id": str(i), "MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": f"d{i}"}
        for i in range(10)]})
    for batch in range(1, 11):
        actions.send_message_batch(ctx, {"QueueUrl": url, "Entries": [
            {"Id": str(i), "MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": f"d{batch}-{i}"}
            for i in range(10)]})
    state.clock.advance(301)
    now = state.clock.now()
    assert jobs.forget_dedup_ids(state, now) == now
    assert state.db.one("SELECT count(*) FROM sqs_dedup")[0] == 110 - BUDGET
    jobs.forget_dedup_ids(state, now)
    assert jobs.forget_dedup_ids(state, now) is None
    assert state.db.one("SELECT count(*) FROM sqs_dedup")[0] == 0


def _data_keys(state) -> int:
    return state.db.one("SELECT count(*) FROM sqs_data_keys")[0]


def _receive_all(ctx, url) -> list:
    return asyncio.run(actions.receive_message(ctx, {"QueueUrl": url, "MaxNumberOfMessages": 10})).get("Messages", [])


def test_data_keys_are_pruned_once_no_message_uses_them_and_their_reuse_period_is_over(state):
    ctx = _ctx(state)
    url = actions.create_queue(ctx, {"QueueName": "sealed"})["QueueUrl"]      # SSE-SQS: a new key every 300 s
    actions.send_message(_ctx(state), {"QueueUrl": url, "MessageBody": "first"})
    state.clock.advance(301)
    actions.send_message(_ctx(state), {"QueueUrl": url, "MessageBody": "second"})
    assert _data_keys(state) == 2
    assert jobs.prune_data_keys(state, state.clock.now()) is not None
    assert _data_keys(state) == 2                       # both sealed a stored message
    first = next(m for m in _receive_all(_ctx(state), url) if m["Body"] == "first")
    actions.delete_message(_ctx(state), {"QueueUrl": url, "ReceiptHandle": first["ReceiptHandle"]})
    jobs.prune_data_keys(state, state.clock.now())
    assert _data_keys(state) == 1
    second = _receive_all(_ctx(state), url)
    assert [m["Body"] for m in second] == []            # still in flight: its key is kept
    state.clock.advance(31)
    second = _receive_all(_ctx(state), url)
    assert [m["Body"] for m in second] == ["second"]
    actions.delete_message(_ctx(state), {"QueueUrl": url, "ReceiptHandle": second[0]["ReceiptHandle"]})
    jobs.prune_data_keys(state, state.clock.now())
    assert _data_keys(state) == 1                       # unused, but senders may still seal with it
    actions.send_message(_ctx(state), {"QueueUrl": url, "MessageBody": "third"})
    state.clock.advance(301)
    jobs.prune_data_keys(state, state.clock.now())
    assert _data_keys(state) == 1
    assert [m["Body"] for m in _receive_all(_ctx(state), url)] == ["third"]


def test_data_keys_are_pruned_a_budget_at_a_time(state):
    ctx = _ctx(state)
    url = actions.create_queue(ctx, {"QueueName": "rotating"})["QueueUrl"]
    for _ in range(BUDGET + 10):
        actions.send_message(_ctx(state), {"QueueUrl": url, "MessageBody": "x"})
        state.clock.advance(301)
    actions.purge_queue(_ctx(state), {"QueueUrl": url})
    now = state.clock.now()
    assert jobs.prune_data_keys(state, now) == now
    assert _data_keys(state) == 10
    assert jobs.prune_data_keys(state, now) == now + jobs.KEY_WALK_INTERVAL_S
    assert _data_keys(state) == 0
