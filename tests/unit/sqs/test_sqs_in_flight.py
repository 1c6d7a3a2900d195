"""The in-flight quota (SQS Developer Guide, standard and FIFO queue quotas): 120,000
messages received and not yet deleted per queue. At the quota a standard queue refuses
a short poll with OverLimit (403) and answers a long poll with no messages; a FIFO
queue answers no messages. Below it, a receive gets no more than the room left."""
import asyncio

import pytest

from lakebox.aws.context import HttpRequest, RequestContext
from lakebox.config import Config
from lakebox.services.sqs import actions
from lakebox.services.sqs.errors import OverLimit
from lakebox.state import AppState

ACCOUNT, REGION = "000000000000", "us-east-1"
QUOTA = 120_000


@pytest.fixture
def state():
    return AppState(Config(data_dir=None, limits="off"))


def _ctx(state):
    return RequestContext(service="sqs", operation="ReceiveMessage", account=ACCOUNT, region=REGION,
                          access_key="test", caller_arn=f"arn:aws:iam::{ACCOUNT}:root", now=state.clock.now(),
                          state=state, request=HttpRequest("POST", "/", [], {"host": "localhost"}))


def _queue_in_flight(state, name, attributes=None) -> str:
    """A queue holding QUOTA messages in flight (written directly: receiving 120,000 one
    call at a time is not what is under test) and 20 waiting messages."""
    ctx = _ctx(state)
    url = actions.create_queue(ctx, {"QueueName": name, "Attributes": attributes or {}})["QueueUrl"]
    fifo = name.endswith(".fifo")
    for batch in range(2):
        actions.send_message_batch(ctx, {"QueueUrl": url, "Entries": [
            dict({"Id": str(i), "MessageBody": "waiting"},
                 **({"MessageGroupId": f"g{batch}-{i}", "MessageDeduplicationId": f"w{batch}-{i}"} if fifo else {}))
            for i in range(10)]})
    uid = state.db.one("SELECT uid FROM sqs_queues WHERE name=?", (name,))[0]
    now = state.clock.now()
    state.db.executemany(
        "INSERT INTO sqs_messages (queue_uid, message_id, body, sent_at, visible_at, receive_count, token, group_id) "
        "VALUES (?, ?, 'held', ?, ?, 1, 't', ?)",
        [(uid, f"held-{i}", now, now + 600, f"h{i}" if fifo else None) for i in range(QUOTA)])
    return url


def _receive(state, url, **params) -> list:
    answer = asyncio.run(actions.receive_message(_ctx(state), dict(QueueUrl=url, **params)))
    return answer.get("Messages", [])


def _release_one(state):
    """One in-flight message's visibility timeout ends (as ChangeMessageVisibility 0 does)."""
    state.db.execute("UPDATE sqs_messages SET visible_at=? WHERE message_id='held-0'", (state.clock.now(),))


def test_a_standard_queue_at_the_quota_refuses_a_short_poll_with_over_limit(state):
    url = _queue_in_flight(state, "full")
    with pytest.raises(OverLimit) as refused:
        _receive(state, url, MaxNumberOfMessages=10)
    assert (refused.value.code, refused.value.status, refused.value.query_code) == ("OverLimit", 403, "OverLimit")
    assert refused.value.message == ("Too many messages have been received without being deleted.\nPlease delete "
                                     "your received messages or let them timeout before receiving more.")
    assert _receive(state, url, MaxNumberOfMessages=10, WaitTimeSeconds=1) == []


def test_below_the_quota_a_receive_gets_only_the_room_left(state):
    url = _queue_in_flight(state, "nearly")
    _release_one(state)
    state.clock.advance(0.001)
    taken = _receive(state, url, MaxNumberOfMessages=10)
    assert len(taken) == 1
    with pytest.raises(OverLimit):
        _receive(state, url)
    waiting = state.db.one("SELECT count(*) FROM sqs_messages WHERE receive_count=0")[0]
    assert waiting == 20 - sum(1 for message in taken if message["Body"] == "waiting")


def test_deleting_in_flight_messages_makes_room_again(state):
    url = _queue_in_flight(state, "drained")
    with pytest.raises(OverLimit):
        _receive(state, url)
    state.db.execute("DELETE FROM sqs_messages WHERE message_id IN ('held-1', 'held-2', 'held-3')")
    assert len(_receive(state, url, MaxNumberOfMessages=10)) == 3


def test_a_fifo_queue_at_the_quota_answers_no_messages(state):
    url = _queue_in_flight(state, "full.fifo", {"FifoQueue": "true", "ContentBasedDeduplication": "false"})
    assert _receive(state, url, MaxNumberOfMessages=10) == []
    _release_one(state)
    state.clock.advance(0.001)
    assert len(_receive(state, url, MaxNumberOfMessages=10)) == 1
