"""Where crawls run: a thread per crawl, off the event loop, cancellable.

The frame's shared worker facility (`lakebox/work.py`) has not landed yet; when it
does, `start` and `cancel` move onto it and nothing else changes. Which crawls are live
is kept in `state.cache("glue")`: after a restart none are, and the scheduler job
(`jobs.py`) picks up crawlers whose stored state says RUNNING or STOPPING.
"""
import logging
import threading

log = logging.getLogger("lakebox.glue")


def _runs(state) -> dict:
    return state.cache("glue").setdefault("runs", {})


def start(state, account: str, region: str, name: str, crawl_id: str, already_stopped: bool = False):
    """Run the crawl on a thread; `already_stopped` ends it as cancelled at once (a crawl
    that was stopping when the server went down)."""
    from lakebox.services.glue import crawl

    stop = threading.Event()
    if already_stopped:
        stop.set()
    _runs(state)[(account, region, name)] = stop

    def work():
        try:
            crawl.run(state, account, region, name, crawl_id, stop.is_set)
        except Exception:         # the server must go on; the crawl records what it can
            log.exception("crawl %s of %s failed", crawl_id, name)
        finally:
            if _runs(state).get((account, region, name)) is stop:
                del _runs(state)[(account, region, name)]

    threading.Thread(target=work, name=f"glue-crawl-{name}", daemon=True).start()


def cancel(state, account: str, region: str, name: str):
    stop = _runs(state).get((account, region, name))
    if stop is not None:
        stop.set()


def is_live(state, account: str, region: str, name: str) -> bool:
    return (account, region, name) in _runs(state)
