"""Provisioned throughput increases and decreases of a table or a global index, and the
daily limit on decreases, as recorded against DynamoDB (radkawar/stackd
testdata/aws/dynamodb/decrease_limits.json): four decreases in a UTC day, then at most one
an hour; the table and each index count their own."""
from lakebox.services.dynamodb import lookup
from lakebox.services.dynamodb.errors import LimitExceededException

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
FREE_DECREASES = 4


def today(spec: dict, now: int) -> int:
    """NumberOfDecreasesToday: the decreases since the start of the UTC day."""
    last = spec.get("last_decrease_ms")
    if not last or last // DAY_MS != now // DAY_MS:
        return 0
    return spec.get("decreases_today", 0)


def is_decrease(current, asked) -> bool:
    return bool(current) and any(asked[k] < current[k] for k in asked if k in current)


def check(spec: dict, current, asked, now: int):
    """Refuses a decrease past the day's allowance, before anything changes (call 303 for
    the table, 306 for an index)."""
    if not is_decrease(current, asked):
        return
    count, last = today(spec, now), spec.get("last_decrease_ms")
    if count >= FREE_DECREASES and now < last + HOUR_MS:
        raise LimitExceededException(
            "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After "
            f"the first {FREE_DECREASES} decreases, each subsequent decrease in the same UTC day can be performed at "
            f"most once every 3600 seconds. Number of decreases today: {count}. Last decrease at {_long_date(last)}. "
            f"Next decrease can be made at {_long_date(last + HOUR_MS)}")


def note(spec: dict, current, asked, now: int):
    """Records the times of an increase and of a decrease (both, when one unit goes up and
    the other down) and counts the day's decreases."""
    if any(asked[k] > current.get(k, 0) for k in asked) or sum(asked.values()) > sum(current.values()):
        spec["last_increase_ms"] = now
    if is_decrease(current, asked):
        spec["decreases_today"] = today(spec, now) + 1
        spec["last_decrease_ms"] = now


def _long_date(ms: int) -> str:
    """Java's FULL date and time style in UTC: 'Friday, September 18, 2026 at 8:15:44 AM
    Coordinated Universal Time'."""
    moment = lookup.timestamp(ms)
    hour = moment.hour % 12 or 12
    return (f"{moment:%A}, {moment:%B} {moment.day}, {moment.year} at {hour}:{moment:%M:%S} {moment:%p} "
            "Coordinated Universal Time")
