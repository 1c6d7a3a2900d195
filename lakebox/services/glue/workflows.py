"""Workflows and their runs. A workflow is the triggers that name it (WorkflowName), the
jobs and crawlers those triggers start and watch, and its graph of them. A run starts
with the workflow's starting triggers (StartWorkflowRun fires every trigger of the
workflow that is not CONDITIONAL; a scheduled one fires it from `trigger_events.py`);
its conditional triggers then fire on the run's own job runs and crawls
(`trigger_events.py`), and the run is COMPLETED when none of its actions is still going.

A run is kept in `glue_objects` (kind "workflow_run", scope the workflow's name) with
what it started (`_actions`), the triggers it fired (`_fired`) and the conditions met so
far (`_satisfied`); its Statistics are counted from its actions' current states.

A missing workflow or run is "Entity not found", a second CreateWorkflow of a name "Workflow
with given name already Exists", and UpdateWorkflow replaces the settings (radkawar/stackd
testdata/aws/glue/controls_native.json); MaxConcurrentRuns's refusal has no recorded words
and follows job runs' "Concurrent runs exceeded for <job>".
"""
import hashlib
import secrets

from lakebox.services.glue import catalog, crawlers, job_runs, store, tagging, triggers
from lakebox.services.glue.errors import (
    AlreadyExistsException, ConcurrentRunsExceededException, CrawlerNotRunningException, CrawlerStoppingException,
    EntityNotFoundException, IllegalWorkflowStateException)

KIND = triggers.WORKFLOW_KIND
RUN_KIND = "workflow_run"
LIST_MAX = 25                 # ListWorkflows MaxResults (OrchestrationPageSize25)
RUNS_MAX = 1000               # GetWorkflowRuns MaxResults (PageSize)
_SETTINGS = ("Description", "DefaultRunProperties", "MaxConcurrentRuns")
_GOING = ("RUNNING", "STOPPING")
_JOB_COUNTS = {"STARTING": "RunningActions", "RUNNING": "RunningActions", "STOPPING": "RunningActions",
               "WAITING": "WaitingActions", "SUCCEEDED": "SucceededActions", "FAILED": "FailedActions",
               "STOPPED": "StoppedActions", "TIMEOUT": "TimeoutActions", "ERROR": "ErroredActions",
               "EXPIRED": "ErroredActions"}
_CRAWL_STATES = {"RUNNING": "RUNNING", "COMPLETED": "SUCCEEDED", "STOPPED": "CANCELLED", "FAILED": "FAILED"}
_CRAWL_COUNTS = {"RUNNING": "RunningActions", "SUCCEEDED": "SucceededActions", "CANCELLED": "StoppedActions",
                 "FAILED": "FailedActions"}


def _workflow_or_error(db, account, region, name: str) -> dict:
    found = store.get_object(db, account, region, KIND, "", name)
    if found is None:
        raise EntityNotFoundException("Entity not found")
    return found


def run_doc(state, account, region, workflow: str, run_id: str) -> dict | None:
    return store.get_object(state.db, account, region, RUN_KIND, workflow, run_id)


def _run_or_error(ctx, workflow: str, run_id: str) -> dict:
    _workflow_or_error(ctx.state.db, ctx.account, ctx.region, workflow)
    found = run_doc(ctx.state, ctx.account, ctx.region, workflow, run_id)
    if found is None:
        raise EntityNotFoundException("Entity not found")
    return found


def _runs(state, account, region, workflow: str) -> list[dict]:
    """The workflow's runs, newest first."""
    docs = [doc for _, _, doc in store.objects(state.db, account, region, RUN_KIND, workflow)]
    return sorted(docs, key=lambda doc: doc["StartedOn"], reverse=True)


# ---------------------------------------------------------------------------
# Workflows


def create_workflow(ctx, params):
    name = params["Name"]
    db = ctx.state.db
    if store.get_object(db, ctx.account, ctx.region, KIND, "", name) is not None:
        raise AlreadyExistsException("Workflow with given name already Exists")
    tagging.check_tags(params.get("Tags") or {})
    doc = {"Name": name, **{key: params[key] for key in _SETTINGS if params.get(key) is not None},
           "CreatedOn": ctx.now, "LastModifiedOn": ctx.now}
    with db.transaction():
        store.put_object(db, ctx.account, ctx.region, KIND, "", name, doc)
        tagging.tag_new(ctx, catalog.arn(ctx, "workflow", name), params.get("Tags"))
    return {"Name": name}


def _view(state, account, region, doc: dict, now: float, graph: bool) -> dict:
    view = dict(doc)
    runs = _runs(state, account, region, doc["Name"])
    if runs:
        view["LastRun"] = _run_view(state, account, region, runs[0], now, False)
    if graph:
        view["Graph"] = _graph(state, account, region, doc["Name"], now)
    return view


def get_workflow(ctx, params):
    doc = _workflow_or_error(ctx.state.db, ctx.account, ctx.region, params["Name"])
    return {"Workflow": _view(ctx.state, ctx.account, ctx.region, doc, ctx.now, params.get("IncludeGraph") is True)}


def list_workflows(ctx, params):
    names = [name for _, name, _ in store.objects(ctx.state.db, ctx.account, ctx.region, KIND, "")]
    page, token = catalog.list_page(names, params, LIST_MAX, key=str)
    return {"Workflows": page, "NextToken": token}


def batch_get_workflows(ctx, params):
    graph = params.get("IncludeGraph") is True
    found, missing = catalog.batch_get(ctx, KIND, params["Names"],
                                       lambda doc: _view(ctx.state, ctx.account, ctx.region, doc, ctx.now, graph))
    return {"Workflows": found, "MissingWorkflows": missing}


def update_workflow(ctx, params):
    doc = _workflow_or_error(ctx.state.db, ctx.account, ctx.region, params["Name"])
    for key in _SETTINGS:       # the update replaces the settings: one left out is gone
        if params.get(key) is not None:
            doc[key] = params[key]
        else:
            doc.pop(key, None)
    doc["LastModifiedOn"] = ctx.now
    store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", doc["Name"], doc)
    return {"Name": doc["Name"]}


def delete_workflow(ctx, params):
    """The workflow with its triggers and runs (its jobs and crawlers stay); one that does
    not exist is not an error (the model gives DeleteWorkflow no EntityNotFoundException)."""
    name = params["Name"]
    db = ctx.state.db
    with db.transaction():
        for doc in triggers.all_triggers(ctx.state, ctx.account, ctx.region, name):
            store.delete_object(db, ctx.account, ctx.region, triggers.KIND, "", doc["Name"])
            store.drop_tags(db, ctx.account, ctx.region, catalog.arn(ctx, "trigger", doc["Name"]))
        for run in _runs(ctx.state, ctx.account, ctx.region, name):
            store.delete_object(db, ctx.account, ctx.region, RUN_KIND, name, run["WorkflowRunId"])
        store.delete_object(db, ctx.account, ctx.region, KIND, "", name)
        store.drop_tags(db, ctx.account, ctx.region, catalog.arn(ctx, "workflow", name))
    return {"Name": name}


# ---------------------------------------------------------------------------
# Runs


def start_workflow_run(ctx, params):
    return {"RunId": start_run(ctx.state, ctx.account, ctx.region, params["Name"], params.get("RunProperties"),
                               ctx.now)}


def start_run(state, account, region, name: str, properties, now: float, starting: list | None = None) -> str:
    """A new run of the workflow, its starting triggers fired (`starting`: those given,
    else every trigger of the workflow that is not CONDITIONAL). Returns its id."""
    workflow = _workflow_or_error(state.db, account, region, name)
    most = workflow.get("MaxConcurrentRuns")
    going = [run for run in _runs(state, account, region, name) if run["Status"] in _GOING]
    if most is not None and most > 0 and len(going) >= most:
        raise ConcurrentRunsExceededException(f"Concurrent runs exceeded for workflow: {name}")
    run = {"Name": name, "WorkflowRunId": "wr_" + secrets.token_hex(32),
           "WorkflowRunProperties": {**(workflow.get("DefaultRunProperties") or {}), **(properties or {})},
           "StartedOn": now, "Status": "RUNNING", "_actions": [], "_fired": [], "_satisfied": {}, "_predecessors": {}}
    if starting is None:
        starting = [doc for doc in triggers.all_triggers(state, account, region, name) if doc["Type"] != "CONDITIONAL"]
    store.put_object(state.db, account, region, RUN_KIND, name, run["WorkflowRunId"], run)
    for doc in starting:
        run["_fired"].append(doc["Name"])
        run["_actions"] += triggers.fire(state, account, region, doc, now, (), run)
    settle(state, account, region, run, now)
    return run["WorkflowRunId"]


def _action_state(state, account, region, action: dict) -> str | None:
    """The job run's JobRunState, or the crawl's Crawl State, of one of a run's actions."""
    if action["Type"] == "JOB":
        run = store.get_job_run(state.db, account, region, action["Name"], action["Id"])
        return run["JobRunState"] if run else None
    crawl = _crawl(state, account, region, action)
    return _CRAWL_STATES.get(crawl["State"]) if crawl else None


def _crawl(state, account, region, action: dict) -> dict | None:
    return next((c for c in store.crawls(state.db, account, region, action["Name"])
                 if c["CrawlId"] == action["Id"]), None)


def _statistics(state, account, region, run: dict) -> dict:
    counts = dict.fromkeys(("TotalActions", "TimeoutActions", "FailedActions", "StoppedActions", "SucceededActions",
                            "RunningActions", "ErroredActions", "WaitingActions"), 0)
    for action in run["_actions"]:
        reached = _action_state(state, account, region, action)
        table = _JOB_COUNTS if action["Type"] == "JOB" else _CRAWL_COUNTS
        counts["TotalActions"] += 1
        if reached in table:
            counts[table[reached]] += 1
    return counts


def settle(state, account, region, run: dict, now: float):
    """Store the run; a run none of whose actions is still going has ended: COMPLETED
    (STOPPED when StopWorkflowRun asked)."""
    if run["Status"] in _GOING:
        counts = _statistics(state, account, region, run)
        if not counts["RunningActions"] and not counts["WaitingActions"]:
            run.update(Status="COMPLETED" if run["Status"] == "RUNNING" else "STOPPED", CompletedOn=now)
    store.put_object(state.db, account, region, RUN_KIND, run["Name"], run["WorkflowRunId"], run)


def _run_view(state, account, region, run: dict, now: float, graph: bool) -> dict:
    view = {key: value for key, value in run.items() if not key.startswith("_")}
    view["Statistics"] = _statistics(state, account, region, run)
    if graph:
        view["Graph"] = _graph(state, account, region, run["Name"], now, run)
    return view


def get_workflow_run(ctx, params):
    run = _run_or_error(ctx, params["Name"], params["RunId"])
    return {"Run": _run_view(ctx.state, ctx.account, ctx.region, run, ctx.now, params.get("IncludeGraph") is True)}


def get_workflow_runs(ctx, params):
    _workflow_or_error(ctx.state.db, ctx.account, ctx.region, params["Name"])
    runs = _runs(ctx.state, ctx.account, ctx.region, params["Name"])
    page, token = catalog.list_page(runs, params, RUNS_MAX)
    graph = params.get("IncludeGraph") is True
    return {"Runs": [_run_view(ctx.state, ctx.account, ctx.region, run, ctx.now, graph) for run in page],
            "NextToken": token}


def get_workflow_run_properties(ctx, params):
    return {"RunProperties": _run_or_error(ctx, params["Name"], params["RunId"])["WorkflowRunProperties"]}


def put_workflow_run_properties(ctx, params):
    """Properties given replace those of the same name; the others stay."""
    with ctx.state.db.transaction():
        run = _run_or_error(ctx, params["Name"], params["RunId"])
        run["WorkflowRunProperties"].update(params["RunProperties"])
        store.put_object(ctx.state.db, ctx.account, ctx.region, RUN_KIND, run["Name"], run["WorkflowRunId"], run)
    return {}


def stop_workflow_run(ctx, params):
    """The run's job runs and crawls still going are stopped; no trigger of the run fires
    any more, and the run is STOPPED once they have ended."""
    run = _run_or_error(ctx, params["Name"], params["RunId"])
    if run["Status"] != "RUNNING":
        raise IllegalWorkflowStateException(f"Workflow run {run['WorkflowRunId']} is not running.")
    run["Status"] = "STOPPING"
    store.put_object(ctx.state.db, ctx.account, ctx.region, RUN_KIND, run["Name"], run["WorkflowRunId"], run)
    for action in run["_actions"]:
        if _action_state(ctx.state, ctx.account, ctx.region, action) not in ("STARTING", "RUNNING", "WAITING"):
            continue
        if action["Type"] == "JOB":
            job_runs.batch_stop_job_run(ctx, {"JobName": action["Name"], "JobRunIds": [action["Id"]]})
        else:
            try:
                crawlers.stop_crawler(ctx, {"Name": action["Name"]})
            except (CrawlerNotRunningException, CrawlerStoppingException):      # it ended meanwhile
                pass
    run = run_doc(ctx.state, ctx.account, ctx.region, run["Name"], run["WorkflowRunId"])
    settle(ctx.state, ctx.account, ctx.region, run, ctx.now)
    return {}


# ---------------------------------------------------------------------------
# Graph


def _node_id(workflow: str, kind: str, name: str) -> str:
    return "wnode_" + hashlib.sha256(f"{workflow}\0{kind}\0{name}".encode()).hexdigest()[:48]


def _graph(state, account, region, workflow: str, now: float, run: dict | None = None) -> dict:
    """Nodes: the workflow's triggers, and the jobs and crawlers they start or watch (in a
    run's graph, with the run's job runs and crawls); edges from a watched job or crawler
    to its trigger, and from a trigger to what it starts."""
    nodes, edges = {}, []

    def node(kind, name):
        key = (kind, name)
        if key not in nodes:
            nodes[key] = {"Type": kind, "Name": name, "UniqueId": _node_id(workflow, kind, name)}
        return nodes[key]["UniqueId"]

    for doc in triggers.all_triggers(state, account, region, workflow):
        trigger_id = node("TRIGGER", doc["Name"])
        nodes["TRIGGER", doc["Name"]]["TriggerDetails"] = {"Trigger": triggers.public_view(doc, now)}
        for condition in (doc.get("Predicate") or {}).get("Conditions") or []:
            kind, name = ("JOB", condition["JobName"]) if condition.get("JobName") else ("CRAWLER",
                                                                                          condition.get("CrawlerName"))
            edges.append({"SourceId": node(kind, name), "DestinationId": trigger_id})
        for action in doc.get("Actions") or []:
            kind, name = ("JOB", action["JobName"]) if action.get("JobName") else ("CRAWLER", action.get("CrawlerName"))
            edges.append({"SourceId": trigger_id, "DestinationId": node(kind, name)})
    for (kind, name), entry in nodes.items():
        if kind == "JOB":
            entry["JobDetails"] = {"JobRuns": _job_runs_of(state, account, region, name, run, now)}
        elif kind == "CRAWLER":
            entry["CrawlerDetails"] = {"Crawls": _crawls_of(state, account, region, name, run)}
    return {"Nodes": list(nodes.values()), "Edges": edges}


def _job_runs_of(state, account, region, name, run, now) -> list:
    if run is None:
        return []
    ids = [a["Id"] for a in run["_actions"] if a["Type"] == "JOB" and a["Name"] == name]
    found = [store.get_job_run(state.db, account, region, name, run_id) for run_id in ids]
    return [job_runs.shown(doc, now) for doc in found if doc]


def _crawls_of(state, account, region, name, run) -> list:
    if run is None:
        return []
    shown = []
    for action in run["_actions"]:
        crawl = _crawl(state, account, region, action) if action["Type"] == "CRAWLER" and action["Name"] == name \
            else None
        if crawl:
            entry = {"State": _CRAWL_STATES.get(crawl["State"], crawl["State"]), "StartedOn": crawl["StartTime"],
                     "LogGroup": crawl.get("LogGroup"), "LogStream": crawl.get("LogStream")}
            if crawl.get("EndTime"):
                entry["CompletedOn"] = crawl["EndTime"]
            if crawl.get("ErrorMessage"):
                entry["ErrorMessage"] = crawl["ErrorMessage"]
            shown.append(entry)
    return shown
