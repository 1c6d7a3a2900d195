"""Job runs: StartJobRun, GetJobRun, GetJobRuns, BatchStopJobRun.

A Python shell job (`Command.Name` "pythonshell") really runs: its script, read from S3,
is run by the server's own Python as a subprocess acting as the job's Role
(`job_process.py`). Spark (glueetl, gluestreaming) and Ray jobs have no runtime here:
their runs are accepted and fail at once, saying so. A run's JobRun document is kept in
`glue_job_runs`; its ends (SUCCEEDED, FAILED, STOPPED) are written by the process's
watcher, TIMEOUT and the end of runs a restart cut short by the scheduler job below.
Beyond the job's MaxConcurrentRuns a run is refused, or, with JobRunQueuingEnabled,
queued (WAITING) until a run of the job ends.
"""
import asyncio
import secrets

from lakebox.services.glue import catalog, job_definitions, job_process, store
from lakebox.services.glue.errors import (
    ConcurrentRunsExceededException, EntityNotFoundException, InvalidInputException)

LIST_MAX = 200                      # GetJobRuns MaxResults (model: 1..200)
PYTHON_SHELL = "pythonshell"
PYTHON_SHELL_DPU = 0.0625           # the default MaxCapacity of a Python shell job
SPARK_DPU = 10                      # the default MaxCapacity of a Spark job without a WorkerType
LONG_TIMEOUT, SHORT_TIMEOUT = 2880, 480     # default minutes: Glue 4.0 and earlier, 5.0 and later
ENDED = ("STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "EXPIRED")
INTERRUPTED = ("The job run was interrupted: lakebox stopped while it was running, and a run "
               "does not survive a restart of the server")


def _not_python_shell(kind: str) -> str:
    return (f"lakebox runs Python shell jobs only (Command.Name \"{PYTHON_SHELL}\"): a \"{kind}\" job "
            "needs a Spark or Ray runtime, which lakebox does not have")


def start_job_run(ctx, params):
    return {"JobRunId": start_run(ctx, params)["Id"]}


def start_run(ctx, params, marks: dict | None = None) -> dict:
    """Start a run of the job: `marks` are written into it (a trigger's TriggerName and
    PredecessorRuns, the workflow run it belongs to). Returns the run."""
    name = params["JobName"]
    job = store.get_object(ctx.state.db, ctx.account, ctx.region, job_definitions.KIND, "", name)
    if job is None:
        raise EntityNotFoundException("Failed to start job run due to missing metadata.")
    queuing = params.get("JobRunQueuingEnabled", job.get("JobRunQueuingEnabled")) is True
    full = _free_slots(ctx.state, ctx.account, ctx.region, job) <= 0
    if full and not queuing:
        raise ConcurrentRunsExceededException("Concurrent runs exceeded.")
    kind = (job.get("Command") or {}).get("Name", "")
    run = _new_run(ctx, job, params, kind)
    if queuing:
        run["JobRunQueuingEnabled"] = True
    run.update(marks or {})
    if kind != PYTHON_SHELL:
        run.update(JobRunState="FAILED", CompletedOn=ctx.now, ErrorMessage=_not_python_shell(kind))
    elif full:
        run["JobRunState"] = "WAITING"             # queued: it starts when a run of the job ends
    store.put_job_run(ctx.state.db, ctx.account, ctx.region, run)
    if run["JobRunState"] == "STARTING":
        job_process.launch(ctx.state, ctx.account, ctx.region, job, run)
        ctx.state.scheduler.poke("glue")          # the timeout job learns of the new deadline
    else:
        _announce(ctx.state, ctx.account, ctx.region, run, later=True)
    return run


def _announce(state, account, region, run: dict, later: bool = False):
    """Tell the triggers watching the job that one of its runs reached a state; `later`:
    at the loop's next turn (a run that failed as it started: its trigger may start it again)."""
    from lakebox.services.glue import trigger_events

    if later:
        asyncio.get_running_loop().call_soon(trigger_events.on_job_run, state, account, region, dict(run))
    else:
        trigger_events.on_job_run(state, account, region, run)


def _free_slots(state, account, region, job) -> int:
    """How many more runs of the job may start: MaxConcurrentRuns (default 1) less the runs
    going (queued ones do not count)."""
    most = (job.get("ExecutionProperty") or {}).get("MaxConcurrentRuns", 1)
    going = [run for _, _, run in store.active_job_runs(state.db, account, region, job["Name"])
             if run["JobRunState"] != "WAITING"]
    return most - len(going)


def _start_waiting(state, account, region, name: str):
    """Start queued (WAITING) runs of the job, oldest first, while it has free slots."""
    job = store.get_object(state.db, account, region, job_definitions.KIND, "", name)
    waiting = sorted((run for _, _, run in store.active_job_runs(state.db, account, region, name)
                      if run["JobRunState"] == "WAITING"), key=lambda run: run["StartedOn"])
    if job is None or not waiting:
        return
    now = state.clock.now()
    for run in waiting[:max(_free_slots(state, account, region, job), 0)]:
        run.update(JobRunState="STARTING", StartedOn=now, LastModifiedOn=now)
        store.put_job_run(state.db, account, region, run)
        job_process.launch(state, account, region, job, run)
    state.scheduler.poke("glue")


def _new_run(ctx, job, params, kind) -> dict:
    glue_version = job.get("GlueVersion")
    default_timeout = SHORT_TIMEOUT if _version(glue_version) >= 5 else LONG_TIMEOUT
    run = {
        "Id": "jr_" + secrets.token_hex(32), "Attempt": 0, "JobName": job["Name"],
        "JobMode": job.get("JobMode") or "SCRIPT",
        "JobRunQueuingEnabled": params.get("JobRunQueuingEnabled", job.get("JobRunQueuingEnabled")) is True,
        "StartedOn": ctx.now, "LastModifiedOn": ctx.now, "JobRunState": "STARTING",
        # The JobRun shows the run's own Arguments (none when StartJobRun passed none, as
        # boto/boto3#3506 records); the script gets the job's DefaultArguments under them,
        # and its NonOverridableArguments over them.
        "Arguments": params.get("Arguments") or None,
        "_arguments": {**(job.get("DefaultArguments") or {}), **(params.get("Arguments") or {}),
                       **(job.get("NonOverridableArguments") or {})},
        "PredecessorRuns": [], "AllocatedCapacity": 0,
        "Timeout": params.get("Timeout") or job.get("Timeout") or default_timeout,
        "LogGroupName": "/aws-glue/python-jobs" if kind == PYTHON_SHELL else "/aws-glue/jobs",
    }
    if kind == PYTHON_SHELL:
        run["MaxCapacity"] = params.get("MaxCapacity") or job.get("MaxCapacity") or PYTHON_SHELL_DPU
    else:
        workers = {key: params.get(key) or job.get(key) for key in ("WorkerType", "NumberOfWorkers")}
        if workers["WorkerType"]:
            run.update(workers)
        else:
            run["MaxCapacity"] = params.get("MaxCapacity") or job.get("MaxCapacity") or SPARK_DPU
            run["AllocatedCapacity"] = int(run["MaxCapacity"])
    if glue_version:
        run["GlueVersion"] = glue_version
    elif kind == PYTHON_SHELL:      # what a recorded Python shell run reports (job_definitions.job_view)
        run["GlueVersion"] = "6.0"
    for key in ("SecurityConfiguration", "NotificationProperty", "ExecutionClass"):
        if params.get(key) or job.get(key):
            run[key] = params.get(key) or job.get(key)
    return run


def _version(glue_version) -> float:
    try:
        return float(glue_version)
    except (TypeError, ValueError):
        return 0.0


def shown(run: dict, now: float) -> dict:
    """The JobRun as Glue answers it: ExecutionTime in whole seconds, so far or in all."""
    shown = {key: value for key, value in run.items() if not key.startswith("_")}
    end = run.get("CompletedOn", now)
    shown["ExecutionTime"] = max(int(end - run["StartedOn"]), 0)
    return shown


def get_job_run(ctx, params):
    run = store.get_job_run(ctx.state.db, ctx.account, ctx.region, params["JobName"], params["RunId"])
    if run is None:
        # No recorded reply from AWS gives these words: the shape of "Job with name: ... not found."
        raise EntityNotFoundException(f"Job Run with id: {params['RunId']} not found.")
    return {"JobRun": shown(run, ctx.now)}


def get_job_runs(ctx, params):
    runs = [shown(run, ctx.now) for run in store.job_runs(ctx.state.db, ctx.account, ctx.region, params["JobName"])]
    page, token = catalog.list_page(runs, params, LIST_MAX)
    return {"JobRuns": page, "NextToken": token}


def batch_stop_job_run(ctx, params):
    name = params["JobName"]
    stopped, errors = [], []
    for run_id in params["JobRunIds"]:
        run = store.get_job_run(ctx.state.db, ctx.account, ctx.region, name, run_id)
        if run is None or run["JobRunState"] in ENDED:
            error = (EntityNotFoundException(f"Job Run with id: {run_id} not found.") if run is None else
                     InvalidInputException(f"Job Run {run_id} is already in a final state: {run['JobRunState']}."))
            errors.append({"JobName": name, "JobRunId": run_id,
                           "ErrorDetail": {"ErrorCode": error.code, "ErrorMessage": error.message}})
            continue
        if run["JobRunState"] == "WAITING":       # queued: nothing runs yet
            run.update(JobRunState="STOPPED", LastModifiedOn=ctx.now, CompletedOn=ctx.now)
            store.put_job_run(ctx.state.db, ctx.account, ctx.region, run)
            _announce(ctx.state, ctx.account, ctx.region, run)
        elif run["JobRunState"] != "STOPPING":
            run.update(JobRunState="STOPPING", LastModifiedOn=ctx.now)
            store.put_job_run(ctx.state.db, ctx.account, ctx.region, run)
            job_process.stop(ctx.state, ctx.account, ctx.region, run["Id"])
        stopped.append({"JobName": name, "JobRunId": run_id})
    return {"SuccessfulSubmissions": stopped, "Errors": errors}


def record_end(state, account, region, job, run_id, outcome: str, message: str | None = None):
    """Called by the process watcher when the script's process has ended: the run's last
    state, unless it already has one (a run that timed out was ended by the job below)."""
    run = store.get_job_run(state.db, account, region, job, run_id)
    if run is None or run["JobRunState"] in ENDED:
        return
    now = state.clock.now()
    if run["JobRunState"] == "STOPPING":
        outcome, message = "STOPPED", None
    run.update(JobRunState=outcome, LastModifiedOn=now, CompletedOn=now)
    if message:
        run["ErrorMessage"] = message
    store.put_job_run(state.db, account, region, run)
    if outcome == "FAILED":
        _retry(state, account, region, run, now)
    _start_waiting(state, account, region, job)
    _announce(state, account, region, run)


def _retry(state, account, region, failed: dict, now: float):
    """A failed run is tried again while the job's MaxRetries allow: a new run
    `<first id>_attempt_<n>`, its Attempt n and PreviousRunId the run that failed, as
    Glue's own retries show."""
    job = store.get_object(state.db, account, region, job_definitions.KIND, "", failed["JobName"])
    attempt = failed["Attempt"] + 1
    if job is None or attempt > (job.get("MaxRetries") or 0):
        return
    first = failed["Id"].split("_attempt_")[0]
    run = {key: value for key, value in failed.items() if key not in ("CompletedOn", "ErrorMessage", "_pid")}
    run.update(Id=f"{first}_attempt_{attempt}", Attempt=attempt, PreviousRunId=failed["Id"],
               StartedOn=now, LastModifiedOn=now, JobRunState="STARTING")
    store.put_job_run(state.db, account, region, run)
    job_process.launch(state, account, region, job, run)
    state.scheduler.poke("glue")


def record_running(state, account, region, job, run_id, pid: int):
    """The process has started; its pid is kept (not shown) so that a restart can end it."""
    run = store.get_job_run(state.db, account, region, job, run_id)
    if run is not None and run["JobRunState"] == "STARTING":
        run.update(JobRunState="RUNNING", LastModifiedOn=state.clock.now(), _pid=pid)
        store.put_job_run(state.db, account, region, run)
        _announce(state, account, region, run)


def job_run_deadlines(state, now: float) -> float | None:
    """Scheduler job: a run past its Timeout ends as TIMEOUT (its process is killed); a run
    with no process behind it (a restart came between) ends as FAILED, saying so. The next
    deadline is the earliest timeout of the runs still going. Queued runs start when the
    runs that end here leave room for them."""
    deadlines, queues, ended = [], set(), []
    for account, region, run in store.active_job_runs(state.db):
        ends_at = run["StartedOn"] + run["Timeout"] * 60
        if run["JobRunState"] == "WAITING":
            queues.add((account, region, run["JobName"]))
            continue
        if not job_process.is_live(state, account, region, run["Id"]):
            run.update(JobRunState="FAILED", LastModifiedOn=now, CompletedOn=now, ErrorMessage=INTERRUPTED)
            job_process.end_orphan(run)
        elif now >= ends_at:
            run.update(JobRunState="TIMEOUT", LastModifiedOn=now, CompletedOn=ends_at)
            job_process.stop(state, account, region, run["Id"])
        else:
            deadlines.append(ends_at)
            continue
        store.put_job_run(state.db, account, region, run)
        queues.add((account, region, run["JobName"]))
        ended.append((account, region, run))
    for account, region, name in queues:       # a run ended here, or a restart left runs queued
        _start_waiting(state, account, region, name)
    for account, region, run in ended:
        _announce(state, account, region, run)
    return min(deadlines, default=None)
