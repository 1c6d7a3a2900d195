"""Direct PUT quotas: one second of each rate, refilled on the clock."""
from lakebox.services.firehose import throttle

MIB = 1024 * 1024


def test_bytes_per_second_cut_a_batch_and_refill():
    meter = throttle.Meter("us-east-1", now=0.0)
    assert meter.admit([MIB] * 8, 0.0) == 5                  # 5 MiB/s
    assert meter.admit([MIB], 0.0) == 0
    assert meter.admit([MIB] * 3, 0.5) == 2                  # half a second refills 2.5 MiB


def test_requests_per_second_elsewhere():
    meter = throttle.Meter("ap-south-1", now=0.0)
    admitted = [meter.admit([1], 0.0) for _ in range(1_001)]
    assert admitted.count(1) == 1_000 and admitted[-1] == 0
    assert meter.admit([1], 0.01) == 1                       # 1,000 requests/s: 10 refill in 10 ms
