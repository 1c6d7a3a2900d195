"""The scheduler: a poke wakes one service's jobs (or all), and catching up runs a
job's slices until nothing is due, letting other work run in between."""
import asyncio
from types import SimpleNamespace

import pytest

from lakebox.storage.scheduler import IDLE_CHECK_SECONDS, Scheduler


class Clock:
    def __init__(self):
        self.value = 1000.0

    def now(self):
        return self.value


@pytest.fixture
def scheduler():
    return Scheduler(SimpleNamespace(clock=Clock()))


def recording(calls, name, deadline):
    def job(state, now):
        calls.append(name)
        return deadline(now)
    return job


def test_a_poke_wakes_only_that_services_jobs(scheduler):
    calls = []
    scheduler.register("s3", "lifecycle", recording(calls, "s3", lambda now: now + 3600))
    scheduler.register("kinesis", "retention", recording(calls, "kinesis", lambda now: now + 3600))
    scheduler.run_due()
    assert sorted(calls) == ["kinesis", "s3"]
    calls.clear()
    scheduler.run_due()
    assert calls == []                                  # nothing due
    scheduler.poke("kinesis")
    scheduler.run_due()
    assert calls == ["kinesis"]
    calls.clear()
    scheduler.poke()
    scheduler.run_due()
    assert sorted(calls) == ["kinesis", "s3"]


def test_a_poke_changes_only_that_services_generation(scheduler):
    scheduler.register("s3", "lifecycle", lambda state, now: None)
    scheduler.register("kinesis", "retention", lambda state, now: None)
    s3, kinesis = scheduler.generation("s3"), scheduler.generation("kinesis")
    scheduler.poke("s3")
    assert scheduler.generation("s3") != s3 and scheduler.generation("kinesis") == kinesis
    scheduler.poke()
    assert scheduler.generation("kinesis") != kinesis


def test_an_idle_job_is_asked_again_later(scheduler):
    scheduler.register("s3", "lifecycle", lambda state, now: None)
    assert scheduler.run_due() == scheduler.state.clock.now() + IDLE_CHECK_SECONDS


def test_catch_up_runs_slices_until_done_and_lets_others_in(scheduler):
    left, others = [5], []

    def sliced(state, now):
        left[0] -= 1
        return now if left[0] else now + 3600

    async def other():
        for _ in range(3):
            others.append(left[0])
            await asyncio.sleep(0)

    async def main():
        scheduler.register("kinesis", "retention", sliced)
        await asyncio.gather(scheduler.catch_up(), other())

    asyncio.run(main())
    assert left == [0]
    assert others[-1] > 0                              # it ran while slices were still left
