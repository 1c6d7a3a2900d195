"""What Glue Data Quality's runs share (ruleset evaluation runs and rule recommendation
runs): a run document kept by RunId ("dqrun-" and 40 hex digits, as Glue's run ids are),
its work on the worker facility, its end (SUCCEEDED when the work's commit lands, FAILED
or STOPPED otherwise), cancelling, ClientToken idempotency and the list filters."""
import asyncio
import logging
import secrets

from lakebox.services.glue import store
from lakebox.services.glue.catalog import fold, list_page, table_or_error
from lakebox.services.glue.errors import EntityNotFoundException, InvalidInputException
from lakebox.work import TaskCancelled

log = logging.getLogger("lakebox.glue")
KINDS = ("dq_run", "dq_recommendation_run")
ACTIVE = ("STARTING", "RUNNING", "STOPPING")
INTERRUPTED = ("The run was interrupted: lakebox stopped while it was running, and a run does not survive a "
               "restart of the server")


def glue_table(data_source: dict) -> dict:
    return dict(data_source.get("GlueTable") or data_source.get("DataQualityGlueTable") or {})


def by_token(ctx, kind: str, token: str | None) -> dict | None:
    """The run an earlier request with this ClientToken started (the API reference: the
    token is "used for idempotency")."""
    if not token:
        return None
    return next((doc for _, _, doc in store.objects(ctx.state.db, ctx.account, ctx.region, kind, "")
                 if doc.get("_token") == token), None)


def earlier_or_table(ctx, kind: str, params: dict) -> tuple[dict | None, dict | None]:
    """(the run an earlier request with this ClientToken started, None), or (None, the
    catalog table of the DataSource: EntityNotFoundException when there is none)."""
    earlier = by_token(ctx, kind, params.get("ClientToken"))
    if earlier is not None:
        return earlier, None
    source = glue_table(params["DataSource"])
    if not source:                  # lakebox's words: no recorded AWS reply
        raise InvalidInputException("DataSource must name a GlueTable")
    return None, table_or_error(ctx, source["DatabaseName"], source["TableName"])


def new_run(ctx, params: dict, **fields) -> dict:
    doc = {"RunId": "dqrun-" + secrets.token_hex(20), "DataSource": params["DataSource"], "Role": params["Role"],
           "NumberOfWorkers": params.get("NumberOfWorkers", 5), "Timeout": params.get("Timeout", 2880),
           "Status": "RUNNING", "StartedOn": ctx.now, "LastModifiedOn": ctx.now, **fields}
    if params.get("ClientToken"):
        doc["_token"] = params["ClientToken"]
    return doc


def submit(ctx, kind: str, doc: dict, operation: str, fn, args: tuple, commit):
    """Store the run and start its work: `fn(task, *args)` on a worker, then
    `commit(state, account, region, doc, outcome)` (which ends the run) in the writer."""
    store.put_object(ctx.state.db, ctx.account, ctx.region, kind, "", doc["RunId"], doc)
    state, account, region, run_id = ctx.state, ctx.account, ctx.region, doc["RunId"]

    def committed(outcome):
        current = store.get_object(state.db, account, region, kind, "", run_id)
        if current is not None and current["Status"] in ACTIVE:
            commit(state, account, region, current, outcome)
    task = state.work.submit("glue", operation, fn, *args, commit=committed)
    state.cache("glue").setdefault("dq_runs", {})[run_id] = task
    state.scheduler.poke("glue")                  # its Timeout is a deadline of `run_deadlines`
    asyncio.get_running_loop().create_task(_watch(state, account, region, kind, run_id, task))
    return {"RunId": run_id}


def end(state, account, region, kind: str, doc: dict, status: str, error: str | None = None):
    now = state.clock.now()
    doc.update(Status=status, CompletedOn=now, LastModifiedOn=now, ExecutionTime=int(max(now - doc["StartedOn"], 0)))
    if error:
        doc["ErrorString"] = error
    store.put_object(state.db, account, region, kind, "", doc["RunId"], doc)


async def _watch(state, account, region, kind, run_id, task):
    try:
        await task
    except BaseException as failed:
        try:
            doc = store.get_object(state.db, account, region, kind, "", run_id)
            if doc is not None and doc["Status"] in ACTIVE:
                if isinstance(failed, (TaskCancelled, asyncio.CancelledError)):
                    end(state, account, region, kind, doc, "STOPPED")
                else:
                    log.warning("data quality run %s failed: %s", run_id, failed)
                    end(state, account, region, kind, doc, "FAILED", f"{type(failed).__name__}: {failed}")
        except Exception:          # a reset wiped the catalog under the run
            log.exception("could not record the end of data quality run %s", run_id)
    finally:
        state.cache("glue").get("dq_runs", {}).pop(run_id, None)


def run_or_error(ctx, kind: str, run_id: str) -> dict:
    """The run, or EntityNotFoundException (lakebox's words: no recorded AWS reply)."""
    found = store.get_object(ctx.state.db, ctx.account, ctx.region, kind, "", run_id)
    if found is None:
        raise EntityNotFoundException(f"Run {run_id} not found")
    return found


def shown(doc: dict) -> dict:
    return {key: value for key, value in doc.items() if not key.startswith("_")}


def cancel(ctx, kind: str, run_id: str):
    doc = run_or_error(ctx, kind, run_id)
    if doc["Status"] in ("STARTING", "RUNNING"):
        task = ctx.state.cache("glue").get("dq_runs", {}).get(run_id)
        doc.update(Status="STOPPING", LastModifiedOn=ctx.now)
        store.put_object(ctx.state.db, ctx.account, ctx.region, kind, "", run_id, doc)
        if task is not None:
            task.cancel()
        else:                      # nothing runs it any more (a restart): it simply stops
            end(ctx.state, ctx.account, ctx.region, kind, doc, "STOPPED")
    return {}


def same_table(source: dict | None, wanted: dict | None) -> bool:
    if not wanted:
        return True
    have, want = glue_table(source or {}), glue_table(wanted)
    return (fold(have.get("DatabaseName", "")), fold(have.get("TableName", ""))) == \
        (fold(want.get("DatabaseName", "")), fold(want.get("TableName", "")))


def in_window(moment, after, before) -> bool:
    return (after is None or moment > after.timestamp()) and (before is None or moment < before.timestamp())


def list_runs(ctx, kind: str, params: dict, keep=lambda doc, wanted: True) -> dict:
    """A page of runs matching the Filter (DataSource, StartedAfter/Before), newest first."""
    wanted = params.get("Filter") or {}
    runs = [doc for _, _, doc in store.objects(ctx.state.db, ctx.account, ctx.region, kind, "")
            if same_table(doc["DataSource"], wanted.get("DataSource"))
            and in_window(doc["StartedOn"], wanted.get("StartedAfter"), wanted.get("StartedBefore"))
            and keep(doc, wanted)]
    runs.sort(key=lambda d: (d["StartedOn"], d["RunId"]), reverse=True)
    page, token = list_page(runs, params, 1000)
    return {"Runs": [{key: doc[key] for key in ("RunId", "Status", "StartedOn", "DataSource")} for doc in page],
            "NextToken": token}


def run_deadlines(state, now: float) -> float | None:
    """Scheduler job: a run past its Timeout (minutes) ends as TIMEOUT, its work cancelled;
    a run nothing works on any more (a restart came between) ends as FAILED, saying so.
    The next deadline is the earliest Timeout of the runs still going."""
    deadlines, tasks = [], state.cache("glue").get("dq_runs", {})
    for kind in KINDS:
        for account, region, _, run_id, doc in store.every_object(state.db, kind):
            if doc["Status"] not in ACTIVE:
                continue
            ends_at = doc["StartedOn"] + doc["Timeout"] * 60
            task = tasks.get(run_id)
            if task is None:
                end(state, account, region, kind, doc, "FAILED", INTERRUPTED)
            elif now >= ends_at:
                end(state, account, region, kind, doc, "TIMEOUT")
                task.cancel()
            else:
                deadlines.append(ends_at)
    return min(deadlines, default=None)
