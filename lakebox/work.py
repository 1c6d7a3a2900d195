"""Long work off the event loop: queries, crawls, conversions, backups, big S3 copies.

`state.work.submit(service, name, fn, *args, commit=..., discard=...) -> Task` queues
`fn(task, *args)` for a worker thread. The work function:

- reads the database only through `task.reader`, a read-only connection of its own
  (never `state.db`, which belongs to the event loop: the single writer);
- writes only files of its own (temp files from `blobs.temp_path()`);
- checks `task.cancelled` (or calls `task.check()`) between steps, so a Stop* operation
  ends it soon (cancellation is cooperative: a thread cannot be stopped from outside);
- may say how far it got with `task.report(fraction)`.

Its return value is handed back to the event loop. There `commit(result)`, if given,
runs inside one `db.transaction()`: results land through the single writer, all at once
or not at all. A task that fails, is cancelled, or whose commit raises ends FAILED or
CANCELLED, with `discard(result)` called on whatever the work made, so nothing is left
half-committed. The event loop never waits on a worker: it learns of a finished task
through `call_soon_threadsafe`.

A task is findable by id while it is queued or running (`work.get(id)`), and can be
awaited by an async action (`await task` gives the commit's return value, or raises the
work's error, or `TaskCancelled`). Awaiting never cancels the work: an action that gives
up on it calls `task.cancel()`. Once finished a task is forgotten: a service keeps what
its users may ask about later (a query's state and figures) in its own tables, written
by the commit.

Workers are threads, at most `WORKERS`, started when work arrives and ended when none is
left, so an idle server holds none. One service runs at most `PER_SERVICE` tasks at once
and queued tasks start in submission order among the services below that limit, so a
service's long queries never hold every worker while another's copies wait. Threads suit
the work in view: file copies, hashing, SQLite reads, DuckDB and Arrow all release the
GIL while they work. Pure-Python CPU work (a converter written in Python) would hold it:
such work should move to processes, which this interface allows (the work function and
its arguments would have to be picklable, and its reader opened in the process).
"""
import asyncio
import collections
import itertools
import logging
import threading

log = logging.getLogger("lakebox.work")

WORKERS = 4                   # threads at most: lakebox targets machines of a few cores
PER_SERVICE = 2               # tasks of one service running at once; more wait in its queue

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"


class TaskCancelled(Exception):
    """The task was cancelled: what awaiting it raises, and what `task.check()` raises
    inside the work to stop it."""


class Task:
    """One piece of long work. Its fields are written by one side only: `state` and
    `progress` by the worker, then the loop; `cancelled` by the loop."""

    def __init__(self, task_id: str, service: str, name: str, future: asyncio.Future):
        self.id = task_id
        self.service = service
        self.name = name
        self.state = QUEUED
        self.progress = 0.0           # 0..1, as the work reports it
        self.error = None             # the exception a FAILED task ended with
        self.cancelled = False        # asked to stop: the work should end soon
        self._future = future
        self._reader = None
        self._open_reader = None

    @property
    def reader(self):
        """The task's read-only database connection, opened on first use and closed when
        the work ends. `reader.execute`/`query`/`one` as on `state.db`; writes fail."""
        if self._reader is None:
            self._reader = self._open_reader()
        return self._reader

    def report(self, fraction: float):
        self.progress = min(max(float(fraction), 0.0), 1.0)

    def check(self):
        """Raise TaskCancelled if the task was asked to stop: call it between steps."""
        if self.cancelled:
            raise TaskCancelled(f"{self.service} {self.name} task {self.id} was cancelled")

    def cancel(self):
        """Ask the work to stop. A queued task never starts; a running one stops at its
        next check. Either way nothing it made is committed."""
        self.cancelled = True

    @property
    def done(self) -> bool:
        return self.state in (SUCCEEDED, FAILED, CANCELLED)

    def __await__(self):
        # Shielded: an awaiting action that is itself cancelled leaves the work alone.
        return asyncio.shield(self._future).__await__()

    def __repr__(self):
        return f"<Task {self.service}:{self.name} {self.id} {self.state} {self.progress:.0%}>"


class Work:
    """The worker facility of one server (`state.work`)."""

    def __init__(self, db, workers: int = WORKERS, per_service: int = PER_SERVICE):
        self.db = db
        self.workers = workers
        self.per_service = per_service
        self.tasks = {}                       # id -> Task, while queued or running
        self._queues = {}                     # service -> deque of (seq, loop, task, fn, args, commit, discard)
        self._active = collections.Counter()  # service -> tasks running
        self._lock = threading.Lock()         # guards the queues and counts (loop + workers)
        self._threads = 0
        self._ids = itertools.count(1)

    def submit(self, service: str, name: str, fn, *args, commit=None, discard=None) -> Task:
        """Queue `fn(task, *args)` for a worker; call from the event loop (an action or a
        job). `commit(result)` and `discard(result)` run on the loop (see module doc)."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        future.add_done_callback(_retrieve)
        number = next(self._ids)
        task = Task(f"{service}-{number}", service, name, future)
        task._open_reader = self.db.reader
        self.tasks[task.id] = task
        with self._lock:
            self._queues.setdefault(service, collections.deque()).append(
                (number, loop, task, fn, args, commit, discard))
            start = self._threads < self.workers and self._active[service] < self.per_service
            if start:
                self._threads += 1
        if start:
            threading.Thread(target=self._worker, name=f"lakebox-work-{task.id}", daemon=True).start()
        return task

    def get(self, task_id: str) -> Task | None:
        """The queued or running task of that id (None once it has finished)."""
        return self.tasks.get(task_id)

    def running(self, service: str) -> list[Task]:
        return [task for task in self.tasks.values() if task.service == service]

    def cancel_all(self):
        """Stop every task (a reset wipes what they read and would commit into)."""
        for task in list(self.tasks.values()):
            task.cancel()

    # ---- worker side ---------------------------------------------------------------

    def _worker(self):
        """Take queued work until none may start, then end (an idle server has no workers)."""
        service = None
        while True:
            with self._lock:
                if service is not None:
                    self._active[service] -= 1
                entry = self._next()
                if entry is None:
                    self._threads -= 1
                    return
                _, loop, task, fn, args, commit, discard = entry
                service = task.service
                self._active[service] += 1
            outcome = _run(task, fn, args)
            try:
                loop.call_soon_threadsafe(self._finish, task, outcome, commit, discard)
            except RuntimeError:           # the loop is closed: the server stopped
                _discard_quietly(discard, outcome[0])

    def _next(self):
        """The earliest queued task of a service below its limit (None: none may start)."""
        ready = [queue for service, queue in self._queues.items()
                 if queue and self._active[service] < self.per_service]
        if not ready:
            return None
        return min(ready, key=lambda queue: queue[0][0]).popleft()

    # ---- loop side -----------------------------------------------------------------

    def _finish(self, task: Task, outcome, commit, discard):
        """On the loop: commit or discard what the work made, then settle the task."""
        self.tasks.pop(task.id, None)
        made, error = outcome
        if error is None and task.cancelled:
            error = TaskCancelled(f"{task.service} {task.name} task {task.id} was cancelled")
        value = made.value if made is not None else None
        if error is None and commit is not None:
            try:
                with self.db.transaction():
                    value = commit(value)
            except Exception as commit_error:     # rolled back: nothing of it landed
                error = commit_error
        if error is not None:
            _discard_quietly(discard, made)
            task.state, task.error = (CANCELLED, None) if isinstance(error, TaskCancelled) else (FAILED, error)
            task._future.set_exception(error)
            return
        task.state, task.progress = SUCCEEDED, 1.0
        task._future.set_result(value)


class _Made:
    """What a work function returned (a wrapper, so that None is a result too)."""

    def __init__(self, value):
        self.value = value


def _run(task: Task, fn, args) -> tuple[_Made | None, BaseException | None]:
    """Run the work on this worker thread: (what it made, None) or (None, its error)."""
    if task.cancelled:
        return None, TaskCancelled(f"{task.service} {task.name} task {task.id} was cancelled")
    task.state = RUNNING
    try:
        return _Made(fn(task, *args)), None
    except BaseException as error:        # handed to the loop: the awaiting action decides
        return None, error
    finally:
        if task._reader is not None:
            task._reader.close()


def _discard_quietly(discard, made: _Made | None):
    if discard is None or made is None:
        return
    try:
        discard(made.value)
    except Exception:
        log.exception("discarding the result of abandoned work failed")


def _retrieve(future: asyncio.Future):
    """A task nobody awaits may fail: its error is on the task, not lost to asyncio's log."""
    if not future.cancelled():
        future.exception()
