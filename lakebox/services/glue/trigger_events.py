"""When triggers fire with no request: a job run or a crawl reached a state that an
ACTIVATED conditional trigger watches (`on_job_run`, `on_crawl`, called by `job_runs.py`
and `crawl.py`), or an ACTIVATED scheduled trigger's cron came due (`trigger_schedules`,
a scheduler job: the firings are derived from stored timestamps and the lakebox clock).

A conditional trigger outside a workflow keeps which of its conditions have been met
since it last fired: with Logical ANY one is enough, with AND (the default) all are,
and it then starts over. Inside a workflow, only the job runs and crawls of a run of
that workflow count, each trigger fires at most once per run, and the run ends
(COMPLETED, or STOPPED after StopWorkflowRun) when none of its actions is still going.
"""
import logging

from lakebox.services.glue import schedules, store, triggers, workflows

log = logging.getLogger("lakebox.glue")


def on_job_run(state, account, region, run: dict):
    predecessor = {"JobName": run["JobName"], "RunId": run["Id"]}
    action = {"Type": "JOB", "Name": run["JobName"], "Id": run["Id"]}
    _on_event(state, account, region, ("JobName", "State"), run["JobName"], run["JobRunState"],
              predecessor, action, run.get("_workflow_run"))


def on_crawl(state, account, region, crawler: str, crawl_id: str, crawl_state: str, marks: dict):
    action = {"Type": "CRAWLER", "Name": crawler, "Id": crawl_id}
    _on_event(state, account, region, ("CrawlerName", "CrawlState"), crawler, crawl_state, None, action,
              marks.get("_workflow_run"))


def _on_event(state, account, region, keys, name, reached, predecessor, action, workflow_run):
    try:
        _evaluate(state, account, region, keys, name, reached, predecessor, action, workflow_run)
    except Exception:            # a reset wiped the state under the event: nothing to fire
        log.exception("could not evaluate the triggers watching %s", name)


def _matching(doc: dict, keys, name, reached) -> set:
    """The indexes of the trigger's conditions that the event meets (EQUALS, the one
    LogicalOperator there is)."""
    name_key, state_key = keys
    conditions = (doc.get("Predicate") or {}).get("Conditions") or []
    return {i for i, c in enumerate(conditions) if (c.get(name_key), c.get(state_key)) == (name, reached)}


def _satisfied(doc: dict, met: set) -> bool:
    conditions = (doc.get("Predicate") or {}).get("Conditions") or []
    if (doc.get("Predicate") or {}).get("Logical") == "ANY":
        return bool(met)
    return met >= set(range(len(conditions)))


def _evaluate(state, account, region, keys, name, reached, predecessor, action, workflow_run):
    now = state.clock.now()
    watching = [doc for doc in triggers.all_triggers(state, account, region)
                if doc["Type"] == "CONDITIONAL" and triggers.state_of(doc, now) == "ACTIVATED"]
    for doc in watching:
        if doc.get("WorkflowName"):
            continue
        matched = _matching(doc, keys, name, reached)
        if not matched:
            continue
        met = set(doc.get("_satisfied") or []) | matched
        predecessors = (doc.get("_predecessors") or []) + ([predecessor] if predecessor else [])
        fires = _satisfied(doc, met)
        doc.pop("_satisfied", None)
        doc.pop("_predecessors", None)
        if not fires:
            doc.update(_satisfied=sorted(met), _predecessors=predecessors)
        store.put_object(state.db, account, region, triggers.KIND, "", doc["Name"], doc)
        if fires:
            triggers.fire(state, account, region, doc, now, predecessors)
    if workflow_run:
        _in_workflow_run(state, account, region, watching, keys, name, reached, predecessor, action, workflow_run, now)


def _in_workflow_run(state, account, region, watching, keys, name, reached, predecessor, action, marks, now):
    workflow, run_id = marks
    run = workflows.run_doc(state, account, region, workflow, run_id)
    if run is None:
        return
    if action["Id"] not in {a["Id"] for a in run["_actions"]}:
        run["_actions"].append(action)          # a retry of a run the workflow started
    if run["Status"] == "RUNNING":
        for doc in watching:
            if doc.get("WorkflowName") != workflow or doc["Name"] in run["_fired"]:
                continue
            matched = _matching(doc, keys, name, reached)
            if not matched:
                continue
            met = set(run["_satisfied"].get(doc["Name"], [])) | matched
            predecessors = run["_predecessors"].get(doc["Name"], []) + ([predecessor] if predecessor else [])
            run["_satisfied"][doc["Name"]] = sorted(met)
            run["_predecessors"][doc["Name"]] = predecessors
            if _satisfied(doc, met):
                run["_fired"].append(doc["Name"])
                run["_actions"] += triggers.fire(state, account, region, doc, now, predecessors, run)
    workflows.settle(state, account, region, run, now)


# ---------------------------------------------------------------------------
# Schedules


def trigger_schedules(state, now: float) -> float | None:
    """Scheduler job: each ACTIVATED scheduled trigger fires when its cron comes due after
    it was last activated, updated or fired (a firing the clock jumped over fires once);
    in a workflow, the firing is a new run of the workflow. The next deadline is the
    earliest next firing."""
    deadlines = []
    for account, region, _, name, doc in store.every_object(state.db, triggers.KIND):
        if doc["Type"] != "SCHEDULED" or doc["State"] != "ACTIVATED" or not doc.get("Schedule"):
            continue
        fires, upcoming = schedules.due(doc["Schedule"], doc.get("_scheduled_after", now), now)
        if fires:
            doc["_scheduled_after"] = now
            store.put_object(state.db, account, region, triggers.KIND, "", name, doc)
            _fire_scheduled(state, account, region, doc, now)
        if upcoming is not None:
            deadlines.append(upcoming)
    return min(deadlines, default=None)


def _fire_scheduled(state, account, region, doc, now):
    try:
        if doc.get("WorkflowName"):
            workflows.start_run(state, account, region, doc["WorkflowName"], None, now, [doc])
        else:
            triggers.fire(state, account, region, doc, now)
    except Exception as failed:        # a workflow at its MaxConcurrentRuns: this firing is skipped
        log.warning("scheduled trigger %s did not fire: %s", doc["Name"], failed)
