"""Where crawls run: on the frame's worker facility (`state.work`), off the event loop.

The work (`crawl.plan_crawl`) reads S3 and the catalog through its task's read-only
connection and returns what it found; the commit (`crawl.apply_crawl`) writes the
catalog on the loop in one transaction, or nothing. StopCrawler cancels the task. Which
crawls are live is kept in `state.cache("glue")`: after a restart none are, and the
scheduler job (`jobs.py`) picks up crawlers whose stored state says RUNNING or STOPPING.
"""
import asyncio
import logging

from lakebox.work import TaskCancelled

log = logging.getLogger("lakebox.glue")


def _runs(state) -> dict:
    return state.cache("glue").setdefault("runs", {})


def start(state, account: str, region: str, name: str, crawl_id: str, already_stopped: bool = False):
    """Queue the crawl (call on the event loop); `already_stopped` ends it as cancelled
    at once (a crawl that was stopping when the server went down)."""
    from lakebox.services.glue import crawl

    task = state.work.submit("glue", "StartCrawler", crawl.plan_crawl, state, account, region, name,
                             commit=lambda found: crawl.apply_crawl(state, account, region, name, crawl_id, found))
    if already_stopped:
        task.cancel()
    _runs(state)[(account, region, name)] = task
    asyncio.get_running_loop().create_task(_watch(state, account, region, name, crawl_id, task))


async def _watch(state, account, region, name, crawl_id, task):
    """Record a crawl that did not commit: stopped, or failed."""
    from lakebox.services.glue import crawl

    try:
        await task
    except TaskCancelled:
        _record_end(crawl, state, account, region, name, crawl_id, "STOPPED")
    except Exception as failed:
        log.warning("crawl %s of %s failed: %s", crawl_id, name, failed)
        _record_end(crawl, state, account, region, name, crawl_id, "FAILED",
                    f"Internal Service Exception: {type(failed).__name__}: {failed}")
    finally:
        if _runs(state).get((account, region, name)) is task:
            del _runs(state)[(account, region, name)]


def _record_end(crawl, state, account, region, name, crawl_id, status, error=None):
    try:
        crawl.end_crawl(state, account, region, name, crawl_id, status, error)
    except Exception:            # a reset wiped the catalog under the crawl: nothing to record
        log.exception("could not record the end of crawl %s of %s", crawl_id, name)


def cancel(state, account: str, region: str, name: str):
    task = _runs(state).get((account, region, name))
    if task is not None:
        task.cancel()


def is_live(state, account: str, region: str, name: str) -> bool:
    return (account, region, name) in _runs(state)
