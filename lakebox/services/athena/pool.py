"""Queries off the event loop, on worker threads, until the frame's worker facility
(`state.work`) is on main: `submit(state, name, fn, *args, commit=, discard=)` has the
same shape as `state.work.submit`, so moving to it is a one-line change.
"""
import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger("lakebox.athena")

_WORKERS = 4


class Task:
    def __init__(self, task_id: str):
        self.id = task_id
        self.cancelled = False

    def cancel(self):
        self.cancelled = True


def _executor(state) -> ThreadPoolExecutor:
    cache = state.cache("athena")
    if "pool" not in cache:
        cache["pool"] = ThreadPoolExecutor(_WORKERS, thread_name_prefix="lakebox-athena")
    return cache["pool"]


def submit(state, name: str, fn, *args, commit=None, discard=None) -> Task:
    """Run `fn(task, *args)` on a worker; then `commit(result)` on the event loop inside
    one transaction, or `discard(result_or_None)` if the work failed or the commit did."""
    task = Task(name)
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_executor(state), lambda: fn(task, *args))

    def finished(done):
        error = done.exception()
        if error is not None:
            log.error("athena task %s failed: %r", name, error)
            if discard:
                discard(None)
            return
        try:
            if commit:
                with state.db.transaction():
                    commit(done.result())
        except Exception:
            log.exception("athena task %s could not commit", name)
            if discard:
                discard(done.result())

    future.add_done_callback(finished)
    return task
