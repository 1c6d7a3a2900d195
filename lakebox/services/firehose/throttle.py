"""Direct PUT quotas per delivery stream (`--limits aws`), from the Firehose quotas page
(https://docs.aws.amazon.com/firehose/latest/dev/limits.html): 500,000 records/s,
2,000 requests/s and 5 MiB/s in us-east-1, us-west-2 and eu-west-1; 100,000 records/s,
1,000 requests/s and 1 MiB/s elsewhere.

Each stream has token buckets holding one second of each rate, refilled on the lakebox
clock. A PutRecordBatch takes what the buckets allow, in order; the records past that
fail one by one with `ServiceUnavailableException` "Slow down." (as AWS answers them) and
are not buffered. A PutRecord that does not fit fails as a whole.
"""
BIG_REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
MIB = 1024 * 1024


def rates(region: str) -> tuple[int, int, int]:
    """(records/s, requests/s, bytes/s) of a region's streams."""
    if region in BIG_REGIONS:
        return 500_000, 2_000, 5 * MIB
    return 100_000, 1_000, MIB


class Meter:
    """Token buckets of one stream: records, requests, bytes."""

    def __init__(self, region: str, now: float):
        self.rates = rates(region)
        self.tokens = list(self.rates)
        self.at = now

    def admit(self, sizes: list[int], now: float) -> int:
        """How many of the records (their sizes, in order) fit now; takes their tokens."""
        elapsed, self.at = max(now - self.at, 0.0), max(now, self.at)
        self.tokens = [min(rate, tokens + rate * elapsed) for rate, tokens in zip(self.rates, self.tokens)]
        records, requests, size = self.tokens
        if requests < 1:
            return 0
        taken, used = 0, 0
        for length in sizes:
            if taken + 1 > records or used + length > size:
                break
            taken, used = taken + 1, used + length
        self.tokens = [records - taken, requests - 1, size - used]
        return taken


def admit(state, stream, sizes: list[int], now: float) -> int:
    """How many leading records of a put may go in (all of them with `--limits off`)."""
    if not state.config.limits_on:
        return len(sizes)
    meters = state.cache("firehose").setdefault("meters", {})
    meter = meters.get(stream["uid"])
    if meter is None:
        meter = meters[stream["uid"]] = Meter(stream["region"], now)
    return meter.admit(sizes, now)
