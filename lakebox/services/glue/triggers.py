"""Triggers: create, read, list, update, delete, start and stop, and what a trigger does
when it fires (starts its actions' job runs and crawls).

A trigger is ON_DEMAND (fired by StartTrigger, or by StartWorkflowRun in its workflow),
SCHEDULED (a `cron(...)` in UTC, fired by the scheduler job in `trigger_events.py` while
ACTIVATED) or CONDITIONAL (its Predicate over job runs' and crawls' states, watched in
`trigger_events.py` while ACTIVATED). EVENT triggers are kept but never fire: lakebox has
no EventBridge to deliver their events. A trigger's State is CREATED or ACTIVATED (StartOnCreation),
then ACTIVATED by StartTrigger and DEACTIVATED by StopTrigger; under the server's
`--transition-delay` it shows CREATING, ACTIVATING or DEACTIVATING that long first.

Where AWS's words are recorded (replies quoted in public issues, captures of real Glue) they
are used, and the place is named: GetTrigger of a missing trigger is "Trigger not found.", and
an action's job is not looked up at CreateTrigger (radkawar/stackd
testdata/aws/glue/controls_native.json).
"""
import logging

from lakebox.kit import calls
from lakebox.services.glue import catalog, crawlers, job_runs, schedules, store, tagging
from lakebox.services.glue.errors import (
    AlreadyExistsException, ConcurrentRunsExceededException, CrawlerRunningException, EntityNotFoundException,
    InvalidInputException)

log = logging.getLogger("lakebox.glue")

KIND = "trigger"
WORKFLOW_KIND = "workflow"
LIST_MAX = 200                 # GetTriggers / ListTriggers MaxResults (OrchestrationPageSize200)
_SETTINGS = ("WorkflowName", "Type", "Description", "Schedule", "Actions", "Predicate", "EventBatchingCondition")
_UPDATABLE = ("Description", "Schedule", "Actions", "Predicate", "EventBatchingCondition")
_SETTLING = {"CREATED": "CREATING", "ACTIVATED": "ACTIVATING", "DEACTIVATED": "DEACTIVATING"}


def trigger_or_error(ctx, name: str) -> dict:
    return catalog.object_or_error(ctx, KIND, "", name, "Trigger not found.")


def state_of(doc: dict, now: float) -> str:
    """The trigger's State: its stored one, or the state on the way to it while the
    server's transition delay has not passed."""
    if now < doc.get("_settles_at", 0.0):
        return _SETTLING.get(doc["State"], doc["State"])
    return doc["State"]


def public_view(doc: dict, now: float) -> dict:
    view = {key: value for key, value in doc.items() if not key.startswith("_")}
    view["State"] = state_of(doc, now)
    return view


def _set_state(ctx, doc: dict, wanted: str):
    doc["State"] = wanted
    doc.pop("_settles_at", None)
    delay = ctx.state.config.transition_delay
    if delay:
        doc["_settles_at"] = ctx.now + delay


def _check(ctx, doc: dict):
    """A trigger's settings as Glue accepts them."""
    kind = doc["Type"]
    if kind == "SCHEDULED":
        if not doc.get("Schedule"):
            raise InvalidInputException("Schedule is required for a SCHEDULED trigger.")
        schedules.parse(doc["Schedule"])
    if kind == "CONDITIONAL":
        conditions = (doc.get("Predicate") or {}).get("Conditions") or []
        if not conditions:
            raise InvalidInputException("Predicate is required for a CONDITIONAL trigger.")
        for condition in conditions:
            _check_condition(condition)
        watched = {c.get("JobName") for c in conditions} - {None}
        if any(action.get("JobName") in watched for action in doc.get("Actions") or []):
            raise InvalidInputException("Job cannot be a Predicate and Action for Conditional Trigger.")
    if not doc.get("Actions"):
        raise InvalidInputException("Actions must contain at least one action.")
    for action in doc["Actions"]:
        _check_action(ctx, action)


def _check_condition(condition: dict):
    """A condition names a job and its State, or a crawler and its CrawlState, with
    LogicalOperator EQUALS. The words of the LogicalOperator and crawler-state refusals
    are AWS's (aws/aws-cdk#34652 and #24575); the job's are their shape."""
    if not condition.get("LogicalOperator"):
        raise InvalidInputException("Logical operator cannot be null or empty")
    on_job = condition.get("JobName") is not None
    on_crawler = condition.get("CrawlerName") is not None
    if on_job == on_crawler:
        raise InvalidInputException("A condition must name either a job or a crawler.")
    if on_job and not condition.get("State"):
        raise InvalidInputException("State cannot be null or empty, choose from one of the following job state: "
                                    "[SUCCEEDED, STOPPED, FAILED, TIMEOUT]")
    if on_crawler and not condition.get("CrawlState"):
        raise InvalidInputException("State cannot be null or empty, choose from one of the following crawler "
                                    "state: [SUCCEEDED, FAILED, CANCELLED]")


def _check_action(ctx, action: dict):
    job, crawler = action.get("JobName"), action.get("CrawlerName")
    if (job is None) == (crawler is None):
        raise InvalidInputException("An action must name either a job or a crawler.")
    if crawler is not None:
        crawlers.crawler_or_error(ctx, crawler)


def create_trigger(ctx, params):
    name = params["Name"]
    db = ctx.state.db
    if store.get_object(db, ctx.account, ctx.region, KIND, "", name) is not None:
        raise AlreadyExistsException(f"Trigger with name {name} already exists.")
    doc = {key: params[key] for key in _SETTINGS if params.get(key) is not None}
    doc["Name"] = name
    if params.get("StartOnCreation") and doc["Type"] == "ON_DEMAND":
        raise InvalidInputException("Starting trigger on create is not supported for ON_DEMAND trigger type.")
    workflow = doc.get("WorkflowName")
    if workflow is not None and store.get_object(db, ctx.account, ctx.region, WORKFLOW_KIND, "", workflow) is None:
        raise EntityNotFoundException(f"Workflow with name: {workflow} not found.")
    _check(ctx, doc)
    tagging.check_tags(params.get("Tags") or {})
    # an EVENT trigger stays CREATED all its life (hashicorp/terraform-provider-aws#49407)
    _set_state(ctx, doc, "ACTIVATED" if params.get("StartOnCreation") and doc["Type"] != "EVENT" else "CREATED")
    doc["_scheduled_after"] = ctx.now
    with db.transaction():
        store.put_object(db, ctx.account, ctx.region, KIND, "", name, doc)
        tagging.tag_new(ctx, catalog.arn(ctx, "trigger", name), params.get("Tags"))
    ctx.state.scheduler.poke("glue")
    return {"Name": name}


def get_trigger(ctx, params):
    return {"Trigger": public_view(trigger_or_error(ctx, params["Name"]), ctx.now)}


def all_triggers(state, account, region, workflow: str | None = None) -> list[dict]:
    docs = [doc for _, _, doc in store.objects(state.db, account, region, KIND, "")]
    if workflow is not None:
        docs = [doc for doc in docs if doc.get("WorkflowName") == workflow]
    return docs


def _dependent(docs: list, job: str | None) -> list:
    """The triggers that can start the job; all of them when none can (the API reference's
    words for DependentJobName)."""
    if not job:
        return docs
    starting = [doc for doc in docs if any(a.get("JobName") == job for a in doc.get("Actions") or [])]
    return starting or docs


def get_triggers(ctx, params):
    docs = _dependent(all_triggers(ctx.state, ctx.account, ctx.region), params.get("DependentJobName"))
    page, token = catalog.list_page(docs, params, LIST_MAX, key=catalog.name_of)
    return {"Triggers": [public_view(doc, ctx.now) for doc in page], "NextToken": token}


def list_triggers(ctx, params):
    docs = _dependent(all_triggers(ctx.state, ctx.account, ctx.region), params.get("DependentJobName"))
    names = tagging.tagged(ctx, "trigger", [doc["Name"] for doc in docs], params.get("Tags"))
    page, token = catalog.list_page(names, params, LIST_MAX, key=str)
    return {"TriggerNames": page, "NextToken": token}


def batch_get_triggers(ctx, params):
    found, missing = catalog.batch_get(ctx, KIND, params["TriggerNames"], lambda doc: public_view(doc, ctx.now))
    return {"Triggers": found, "TriggersNotFound": missing}


def update_trigger(ctx, params):
    doc = trigger_or_error(ctx, params["Name"])
    update = params["TriggerUpdate"]
    for key in _UPDATABLE:
        if update.get(key) is not None:
            doc[key] = update[key]
    _check(ctx, doc)
    doc["_scheduled_after"] = ctx.now
    doc.pop("_satisfied", None)             # a new predicate starts over
    store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", doc["Name"], doc)
    ctx.state.scheduler.poke("glue")
    return {"Trigger": public_view(doc, ctx.now)}


def delete_trigger(ctx, params):
    """Deleting a trigger that does not exist is not an error (the model gives DeleteTrigger
    no EntityNotFoundException)."""
    name = params["Name"]
    with ctx.state.db.transaction():
        store.delete_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name)
        store.drop_tags(ctx.state.db, ctx.account, ctx.region, catalog.arn(ctx, "trigger", name))
    return {"Name": name}


def start_trigger(ctx, params):
    """An ON_DEMAND trigger fires now (in its workflow: a new run of the workflow); a
    SCHEDULED or CONDITIONAL one is activated."""
    doc = trigger_or_error(ctx, params["Name"])
    if doc["Type"] == "EVENT":         # AWS's words (hashicorp/terraform-provider-aws#49407)
        raise InvalidInputException("Trigger Type EVENT cannot be started")
    if doc["Type"] == "ON_DEMAND":
        if doc.get("WorkflowName"):
            from lakebox.services.glue import workflows
            workflows.start_run(ctx.state, ctx.account, ctx.region, doc["WorkflowName"], None, ctx.now, [doc])
        else:
            fire(ctx.state, ctx.account, ctx.region, doc, ctx.now)
        return {"Name": doc["Name"]}
    with ctx.state.db.transaction():
        doc = trigger_or_error(ctx, params["Name"])
        _set_state(ctx, doc, "ACTIVATED")
        doc["_scheduled_after"] = ctx.now
        doc.pop("_satisfied", None)
        store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", doc["Name"], doc)
    ctx.state.scheduler.poke("glue")
    return {"Name": doc["Name"]}


def stop_trigger(ctx, params):
    """Only an ACTIVATED trigger stops: AWS refuses one in CREATED, of any type, in these
    words (hashicorp/terraform-provider-aws#49407); other states are answered alike."""
    with ctx.state.db.transaction():
        doc = trigger_or_error(ctx, params["Name"])
        current = state_of(doc, ctx.now)
        if current != "ACTIVATED":
            raise InvalidInputException(f"The operation is not allowed when trigger is in state: {current}")
        _set_state(ctx, doc, "DEACTIVATED")
        doc.pop("_satisfied", None)
        store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", doc["Name"], doc)
    return {"Name": doc["Name"]}


# ---------------------------------------------------------------------------
# Firing


def fire(state, account, region, doc: dict, now: float, predecessors=(), workflow_run: dict | None = None) -> list:
    """Start the trigger's actions: a run of each job (with the action's Arguments and
    Timeout, TriggerName and PredecessorRuns), a crawl of each crawler that is not already
    crawling. In a workflow run, the job runs get --WORKFLOW_NAME and --WORKFLOW_RUN_ID
    and everything started is marked as the run's. Returns the actions started, as
    {"Type", "Name", "Id"}."""
    ctx = calls.system_context(state, "glue", "StartTrigger", account, region)
    started = []
    marks = {"_workflow_run": [workflow_run["Name"], workflow_run["WorkflowRunId"]]} if workflow_run else {}
    for action in doc.get("Actions") or []:
        if action.get("JobName"):
            params = {"JobName": action["JobName"]}
            for key in ("Arguments", "Timeout", "SecurityConfiguration", "NotificationProperty"):
                if action.get(key) is not None:
                    params[key] = action[key]
            if workflow_run:
                params["Arguments"] = {**(params.get("Arguments") or {}), "--WORKFLOW_NAME": workflow_run["Name"],
                                       "--WORKFLOW_RUN_ID": workflow_run["WorkflowRunId"]}
            try:
                run = job_runs.start_run(ctx, params, {"TriggerName": doc["Name"],
                                                       "PredecessorRuns": list(predecessors), **marks})
            except (EntityNotFoundException, ConcurrentRunsExceededException) as refused:
                log.warning("trigger %s could not start job %s: %s", doc["Name"], action["JobName"], refused.message)
                continue
            started.append({"Type": "JOB", "Name": action["JobName"], "Id": run["Id"]})
        elif action.get("CrawlerName"):
            crawl_id = _crawl(state, account, region, action["CrawlerName"], now, marks)
            if crawl_id is not None:
                started.append({"Type": "CRAWLER", "Name": action["CrawlerName"], "Id": crawl_id})
    return started


def _crawl(state, account, region, name: str, now: float, marks: dict) -> str | None:
    with state.db.transaction():
        crawler = store.get_named(state.db, "crawlers", account, region, name)
        if crawler is None or crawlers.state_of(crawler, now) != "READY":
            log.warning("a trigger could not start crawler %s: %s", name,
                        "it does not exist" if crawler is None else CrawlerRunningException.__name__)
            return None
        return crawlers.begin_crawl(state, account, region, crawler, now, marks)
