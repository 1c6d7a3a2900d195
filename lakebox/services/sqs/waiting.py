"""Long polling: a receive that found nothing awaits an asyncio event of its queue, set
by whatever makes a message receivable now (a send, a visibility change to 0, a
dead-letter move, a redrive), so it answers as soon as a message arrives. The event
loop is never blocked: the waiting receive is an awaiting coroutine."""
import asyncio

# A waiting receive also looks again this often: a delayed message or an expired
# visibility timeout becomes receivable with no event, and the clock can be moved.
RECHECK_S = 0.5


def _events(state) -> dict:
    return state.cache("sqs").setdefault("arrivals", {})


def notify(state, queue_uid: int):
    """Wake every receive waiting on the queue."""
    event = _events(state).pop(queue_uid, None)
    if event is not None:
        event.set()


async def wait(state, queue_uid: int, seconds: float):
    """Wait until the queue is notified or `seconds` pass (real time: WaitTimeSeconds)."""
    event = _events(state).setdefault(queue_uid, asyncio.Event())
    try:
        await asyncio.wait_for(event.wait(), timeout=max(0.0, seconds))
    except asyncio.TimeoutError:
        pass
