"""One scheduler for work that is due at a time rather than on a request.

A job is `fn(state, now) -> next_deadline | None`. Deadlines are in lakebox-clock time
and come from stored timestamps, so nothing is lost when the server restarts: each
job is simply asked again at start. Moving the clock wakes the scheduler at once.
"""
import asyncio
import logging

log = logging.getLogger("lakebox.scheduler")
IDLE_CHECK_SECONDS = 5.0   # re-ask idle jobs now and then: a request may have made new work


class Scheduler:
    def __init__(self, state):
        self.state = state
        self.jobs = {}            # name -> fn
        self.deadlines = {}       # name -> next deadline, in clock time
        self._wake = None
        self._task = None

    def register(self, name: str, fn):
        self.jobs[name] = fn
        self.deadlines[name] = 0.0
        self.poke()

    def poke(self):
        """Run due jobs soon: after the clock moves or new work was stored."""
        for name in self.deadlines:
            self.deadlines[name] = 0.0
        if self._wake is not None:
            self._wake.set()

    def run_due(self) -> float:
        """Run every job whose deadline has passed; returns the earliest next deadline."""
        now = self.state.clock.now()
        for name, fn in self.jobs.items():
            if self.deadlines[name] <= now:
                try:
                    deadline = fn(self.state, now)
                except Exception:
                    log.exception("scheduled job %s failed", name)
                    deadline = None
                # A job with nothing pending is asked again later: requests add work.
                self.deadlines[name] = deadline if deadline is not None else now + IDLE_CHECK_SECONDS
        return min(self.deadlines.values(), default=now + IDLE_CHECK_SECONDS)

    def start(self):
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self):
        if self._task:
            self._task.cancel()

    async def _loop(self):
        while True:
            delay = self.run_due() - self.state.clock.now()
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=max(delay, 0.0))
            except asyncio.TimeoutError:
                pass
