"""Glue Data Quality ruleset evaluation runs and their results. A run reads its catalog
table with Athena's engine (each rule one query, planned when the run starts and run on
the worker facility), judges each rule (`dq_checks`) and keeps one result per ruleset:
its RuleResults ("Rule_1", ...), and the Score, the share of rules that passed. The run
is RUNNING until the work's commit records it SUCCEEDED (or FAILED, or STOPPED)."""
import asyncio
import logging
import secrets

from lakebox.services.athena import public as athena
from lakebox.services.glue import store
from lakebox.services.glue.catalog import fold, list_page, table_or_error
from lakebox.services.glue.dq_checks import Check, shown_metrics
from lakebox.services.glue.dq_rulesets import parsed, ruleset_or_error
from lakebox.services.glue.errors import EntityNotFoundException
from lakebox.work import TaskCancelled

log = logging.getLogger("lakebox.glue")
RUN, RESULT = "dq_run", "dq_result"


def _glue_table(data_source: dict) -> dict:
    table = dict(data_source.get("GlueTable") or data_source.get("DataQualityGlueTable") or {})
    return table


def start_data_quality_ruleset_evaluation_run(ctx, params):
    source = _glue_table(params["DataSource"])
    table = table_or_error(ctx, source["DatabaseName"], source["TableName"])
    rulesets = [ruleset_or_error(ctx, name) for name in params["RulesetNames"]]
    plans = []
    for ruleset in rulesets:
        checks = []
        for rule in parsed(ruleset["Ruleset"]):
            checks.append(_planned(ctx, rule, table))
        plans.append((ruleset["Name"], checks))
    run_id = "dqrun-" + secrets.token_hex(20)
    doc = {"RunId": run_id, "DataSource": params["DataSource"], "Role": params["Role"],
           "NumberOfWorkers": params.get("NumberOfWorkers", 5), "Timeout": params.get("Timeout", 2880),
           "Status": "RUNNING", "StartedOn": ctx.now, "LastModifiedOn": ctx.now,
           "RulesetNames": params["RulesetNames"]}
    for key in ("AdditionalRunOptions", "AdditionalDataSources"):
        if params.get(key):
            doc[key] = params[key]
    store.put_object(ctx.state.db, ctx.account, ctx.region, RUN, "", run_id, doc)
    state, account, region = ctx.state, ctx.account, ctx.region
    task = state.work.submit("glue", "StartDataQualityRulesetEvaluationRun", _evaluate, plans,
                             commit=lambda outcome: _commit(state, account, region, run_id, outcome))
    state.cache("glue").setdefault("dq_runs", {})[run_id] = task
    asyncio.get_running_loop().create_task(_watch(state, account, region, run_id, task))
    return {"RunId": run_id}


def _planned(ctx, rule, table):
    """(check, [(check, runner or None, error or None)] for its parts)."""
    check = Check(rule, table)
    if rule.operator:
        return check, [_planned(ctx, part, table) for part in rule.parts]
    runner, error = None, check.error
    if check.sql is not None and error is None:
        try:
            runner = athena.plan_select(ctx, check.sql, table["DatabaseName"])
        except athena.SelectFailed as failed:
            error = failed.message
    return check, runner, error


# ---------------------------------------------------------------------------
# The work, on a worker thread


def _evaluate(task, plans) -> list:
    """[(ruleset name, [rule result, ...]), ...]"""
    return [(name, [_rule_result(task, index, plan) for index, plan in enumerate(checks, 1)])
            for name, checks in plans]


def _outcome(task, plan) -> tuple[str, str | None, dict]:
    if len(plan) == 2:          # a composite rule: its parts' outcomes, combined
        check, parts = plan
        outcomes = [_outcome(task, part) for part in parts]
        metrics = {}
        for _, _, found in outcomes:
            metrics.update(found)
        results = [result for result, _, _ in outcomes]
        if "ERROR" in results:
            return "ERROR", next(m for r, m, _ in outcomes if r == "ERROR"), metrics
        passed = all(r == "PASS" for r in results) if check.rule.operator == "and" else "PASS" in results
        if passed:
            return "PASS", None, metrics
        return "FAIL", next(m for r, m, _ in outcomes if r == "FAIL"), metrics
    check, runner, error = plan
    if error:
        return "ERROR", error, {}
    row = None
    if runner is not None:
        task.check()
        try:
            rows = runner()
        except athena.SelectFailed as failed:
            return "ERROR", failed.message, {}
        row = rows[0] if rows else None
    found = check.metrics(row)
    result, message = check.judge(found)
    return result, message, shown_metrics(found)


def _rule_result(task, index: int, plan) -> dict:
    result, message, metrics = _outcome(task, plan)
    found = {"Name": f"Rule_{index}", "Description": plan[0].rule.describe(), "Result": result,
             "EvaluatedMetrics": metrics}
    if message:
        found["EvaluationMessage"] = message
    return found


def _commit(state, account, region, run_id, outcome):
    doc = store.get_object(state.db, account, region, RUN, "", run_id)
    if doc is None:
        return
    now = state.clock.now()
    ids = []
    for name, rule_results in outcome:
        result_id = "dqresult-" + secrets.token_hex(20)
        passed = sum(1 for r in rule_results if r["Result"] == "PASS")
        store.put_object(state.db, account, region, RESULT, "", result_id, {
            "ResultId": result_id, "Score": passed / len(rule_results) if rule_results else 1.0,
            "DataSource": doc["DataSource"], "RulesetName": name, "StartedOn": doc["StartedOn"], "CompletedOn": now,
            "RulesetEvaluationRunId": run_id, "RuleResults": rule_results, "AnalyzerResults": [],
            "Observations": []})
        ids.append(result_id)
    doc["ResultIds"] = ids
    _end(state, account, region, doc, "SUCCEEDED")


def _end(state, account, region, doc, status, error=None):
    now = state.clock.now()
    doc.update(Status=status, CompletedOn=now, LastModifiedOn=now, ExecutionTime=int(max(now - doc["StartedOn"], 0)))
    if error:
        doc["ErrorString"] = error
    store.put_object(state.db, account, region, RUN, "", doc["RunId"], doc)


async def _watch(state, account, region, run_id, task):
    try:
        await task
    except BaseException as failed:
        try:
            doc = store.get_object(state.db, account, region, RUN, "", run_id)
            if doc is not None:
                if isinstance(failed, (TaskCancelled, asyncio.CancelledError)):
                    _end(state, account, region, doc, "STOPPED")
                else:
                    log.warning("data quality run %s failed: %s", run_id, failed)
                    _end(state, account, region, doc, "FAILED", f"{type(failed).__name__}: {failed}")
        except Exception:          # a reset wiped the catalog under the run
            log.exception("could not record the end of data quality run %s", run_id)
    finally:
        state.cache("glue").get("dq_runs", {}).pop(run_id, None)


# ---------------------------------------------------------------------------
# Reading runs and results


def _run_or_error(ctx, run_id):
    found = store.get_object(ctx.state.db, ctx.account, ctx.region, RUN, "", run_id)
    if found is None:
        raise EntityNotFoundException(f"Run {run_id} not found")
    return found


def get_data_quality_ruleset_evaluation_run(ctx, params):
    return _run_or_error(ctx, params["RunId"])


def _same_table(source: dict | None, wanted: dict | None) -> bool:
    if not wanted:
        return True
    have, want = _glue_table(source or {}), _glue_table(wanted)
    return (fold(have.get("DatabaseName", "")), fold(have.get("TableName", ""))) == \
        (fold(want.get("DatabaseName", "")), fold(want.get("TableName", "")))


def _in_window(moment, after, before) -> bool:
    return (after is None or moment > after.timestamp()) and (before is None or moment < before.timestamp())


def list_data_quality_ruleset_evaluation_runs(ctx, params):
    wanted = params.get("Filter") or {}
    runs = [doc for _, _, doc in store.objects(ctx.state.db, ctx.account, ctx.region, RUN, "")
            if _same_table(doc["DataSource"], wanted.get("DataSource"))
            and _in_window(doc["StartedOn"], wanted.get("StartedAfter"), wanted.get("StartedBefore"))
            and (not wanted.get("RulesetName") or wanted["RulesetName"] in doc["RulesetNames"])]
    runs.sort(key=lambda d: d["StartedOn"], reverse=True)
    page, token = list_page(runs, params, 1000)
    return {"Runs": [{key: doc[key] for key in ("RunId", "Status", "StartedOn", "DataSource")} for doc in page],
            "NextToken": token}


def cancel_data_quality_ruleset_evaluation_run(ctx, params):
    doc = _run_or_error(ctx, params["RunId"])
    if doc["Status"] in ("STARTING", "RUNNING"):
        task = ctx.state.cache("glue").get("dq_runs", {}).get(doc["RunId"])
        doc.update(Status="STOPPING", LastModifiedOn=ctx.now)
        store.put_object(ctx.state.db, ctx.account, ctx.region, RUN, "", doc["RunId"], doc)
        if task is not None:
            task.cancel()
        else:
            _end(ctx.state, ctx.account, ctx.region, doc, "STOPPED")
    return {}


def get_data_quality_result(ctx, params):
    found = store.get_object(ctx.state.db, ctx.account, ctx.region, RESULT, "", params["ResultId"])
    if found is None:
        raise EntityNotFoundException(f"Result {params['ResultId']} not found")
    return found


def batch_get_data_quality_result(ctx, params):
    found, missing = [], []
    for result_id in params["ResultIds"]:
        doc = store.get_object(ctx.state.db, ctx.account, ctx.region, RESULT, "", result_id)
        (found.append(doc) if doc is not None else missing.append(result_id))
    return {"Results": found, "ResultsNotFound": missing}


def list_data_quality_results(ctx, params):
    wanted = params.get("Filter") or {}
    results = [doc for _, _, doc in store.objects(ctx.state.db, ctx.account, ctx.region, RESULT, "")
               if _same_table(doc["DataSource"], wanted.get("DataSource"))
               and _in_window(doc["StartedOn"], wanted.get("StartedAfter"), wanted.get("StartedBefore"))
               and not wanted.get("JobName") and not wanted.get("JobRunId")]
    results.sort(key=lambda d: (d["StartedOn"], d["ResultId"]), reverse=True)
    page, token = list_page(results, params, 1000)
    return {"Results": [{key: doc[key] for key in ("ResultId", "DataSource", "StartedOn")} for doc in page],
            "NextToken": token}
