"""One scheduler for work that is due at a time rather than on a request.

A job is `fn(state, now) -> next_deadline | None`, declared by a service's `jobs.py`.
Deadlines are in lakebox-clock time and come from stored timestamps, so nothing is lost
when the server restarts: each job is simply asked again at start.

Jobs run on the event loop, so each run must be short: a job does a bounded slice of its
work (a budget of rows), keeps a cursor, and returns a deadline of `now` while work
remains; the loop serves requests between slices. `poke(service)` wakes that service's
jobs after a request stored new work for them; `poke()` wakes every job (the clock
moved, or state was reset). A job that walks its data in slices starts its walk over
when `generation(service)` changed: what it passed may have changed. `catch_up()` runs
slices until nothing is due, yielding between them: the clock endpoint awaits it so that
what fell due is done before the caller looks.
"""
import asyncio
import logging

log = logging.getLogger("lakebox.scheduler")
IDLE_CHECK_SECONDS = 5.0   # re-ask idle jobs now and then: a request may have made new work


class Scheduler:
    def __init__(self, state):
        self.state = state
        self.jobs = {}            # "service:name" -> fn
        self.services = {}        # "service:name" -> service
        self.deadlines = {}       # "service:name" -> next deadline, in clock time
        self.generations = {}     # service -> how many times it was poked
        self._wake = None
        self._task = None

    def register(self, service: str, name: str, fn):
        key = f"{service}:{name}"
        self.jobs[key] = fn
        self.services[key] = service
        self.deadlines[key] = 0.0
        self._wake_up()

    def poke(self, service: str | None = None):
        """Run `service`'s jobs soon (every job when None): new work was stored for
        them, or the clock moved."""
        poked = set(self.services.values()) if service is None else {service}
        for name in poked:
            self.generations[name] = self.generations.get(name, 0) + 1
        for key, owner in self.services.items():
            if owner in poked:
                self.deadlines[key] = 0.0
        self._wake_up()

    def generation(self, service: str) -> int:
        """Changes whenever `service` is poked: a job's walk started under another
        generation may have passed new work, or used an old clock."""
        return self.generations.get(service, 0)

    def run_due(self) -> float:
        """Run one slice of every job whose deadline has passed; returns the earliest next
        deadline."""
        now = self.state.clock.now()
        for key, fn in self.jobs.items():
            if self.deadlines[key] <= now:
                try:
                    deadline = fn(self.state, now)
                except Exception:
                    log.exception("scheduled job %s failed", key)
                    deadline = None
                # A job with nothing pending is asked again later: requests add work.
                self.deadlines[key] = deadline if deadline is not None else now + IDLE_CHECK_SECONDS
        return min(self.deadlines.values(), default=now + IDLE_CHECK_SECONDS)

    async def catch_up(self):
        """Run slices until no job has work due now, letting requests in between."""
        while self.run_due() <= self.state.clock.now():
            await asyncio.sleep(0)

    def start(self):
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self):
        if self._task:
            self._task.cancel()

    def _wake_up(self):
        if self._wake is not None:
            self._wake.set()

    async def _loop(self):
        while True:
            delay = self.run_due() - self.state.clock.now()
            self._wake.clear()
            if delay <= 0:
                await asyncio.sleep(0)       # more slices are due: serve requests first
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except asyncio.TimeoutError:
                pass
