"""Glue Data Quality ruleset evaluation runs and their results. A run reads its catalog
table with Athena's engine (each rule one query, planned when the run starts and run on
the worker facility), judges each rule (`dq_checks`) and keeps one result per ruleset:
its RuleResults ("Rule_1", ...), and the Score, the share of rules that passed. The run
is RUNNING until the work's commit records it SUCCEEDED (or FAILED, or STOPPED)."""
import secrets

from lakebox.services.athena import public as athena
from lakebox.services.glue import dq_work, store
from lakebox.services.glue.catalog import list_page, table_or_error
from lakebox.services.glue.dq_checks import Check, shown_metrics
from lakebox.services.glue.dq_rules import Rule
from lakebox.services.glue.dq_rulesets import parsed, ruleset_or_error
from lakebox.services.glue.errors import EntityNotFoundException

RUN, RESULT = "dq_run", "dq_result"


def start_data_quality_ruleset_evaluation_run(ctx, params):
    earlier, table = dq_work.earlier_or_table(ctx, RUN, params)
    if earlier is not None:
        return {"RunId": earlier["RunId"]}
    rulesets = [ruleset_or_error(ctx, name) for name in params["RulesetNames"]]
    references = {}
    for alias, source in (params.get("AdditionalDataSources") or {}).items():
        other = dq_work.glue_table(source)
        references[alias] = table_or_error(ctx, other["DatabaseName"], other["TableName"])
    options = dq_work.glue_table(params["DataSource"]).get("AdditionalOptions") or {}
    pushdown = options.get("pushDownPredicate") or options.get("catalogPartitionPredicate")
    plans = [(ruleset["Name"], [_planned(ctx, rule, table, references, pushdown)
                                for rule in parsed(ruleset["Ruleset"])]) for ruleset in rulesets]
    doc = dq_work.new_run(ctx, params, RulesetNames=params["RulesetNames"])
    for key in ("AdditionalRunOptions", "AdditionalDataSources"):
        if params.get(key):
            doc[key] = params[key]
    counting = _planned(ctx, Rule("RowCount", []), table, references, pushdown)
    return dq_work.submit(ctx, RUN, doc, "StartDataQualityRulesetEvaluationRun", _evaluate, (plans, counting),
                          _commit)


def _planned(ctx, rule, table, references, pushdown):
    """(check, runner or None, error or None); a composite rule: (check, [its parts planned])."""
    check = Check(rule, table, ctx.now, references, pushdown)
    if rule.operator:
        return check, [_planned(ctx, part, table, references, pushdown) for part in rule.parts]
    runner, error = None, check.error
    if check.sql is not None and error is None:
        try:
            runner = athena.plan_select(ctx, check.sql, table["DatabaseName"])
        except athena.SelectFailed as failed:
            error = failed.message
    return check, runner, error


# ---------------------------------------------------------------------------
# The work, on a worker thread


def _evaluate(task, plans, counting) -> tuple:
    """(the rows read, [(ruleset name, [rule result, ...]), ...])"""
    _, runner, _ = counting
    try:
        rows = float(runner()[0][0]) if runner is not None else None
    except athena.SelectFailed:
        rows = None
    return rows, [
        (name, [_rule_result(task, index, plan) for index, plan in enumerate(checks, 1)]) for name, checks in plans]


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


def _commit(state, account, region, doc, outcome):
    now = state.clock.now()
    ids = []
    rows, rulesets = outcome
    for name, rule_results in rulesets:
        result_id = "dqresult-" + secrets.token_hex(20)
        passed = sum(1 for r in rule_results if r["Result"] == "PASS")
        # the rule counts and the rows read (rows passed/failed need row-level results: left out)
        totals = {"TotalRulesProcessed": float(len(rule_results)), "TotalRulesPassed": float(passed),
                  "TotalRulesFailed": float(len(rule_results) - passed)}
        if rows is not None:
            totals["TotalRowsProcessed"] = rows
        store.put_object(state.db, account, region, RESULT, "", result_id, {
            "ResultId": result_id, "Score": passed / len(rule_results) if rule_results else 1.0,
            "DataSource": doc["DataSource"], "RulesetName": name, "StartedOn": doc["StartedOn"], "CompletedOn": now,
            "RulesetEvaluationRunId": doc["RunId"], "RuleResults": rule_results, "AnalyzerResults": [],
            "Observations": [], "AggregatedMetrics": totals})
        ids.append(result_id)
    doc["ResultIds"] = ids
    dq_work.end(state, account, region, RUN, doc, "SUCCEEDED")


# ---------------------------------------------------------------------------
# Reading runs and results


def get_data_quality_ruleset_evaluation_run(ctx, params):
    return dq_work.shown(dq_work.run_or_error(ctx, RUN, params["RunId"]))


def list_data_quality_ruleset_evaluation_runs(ctx, params):
    return dq_work.list_runs(ctx, RUN, params, lambda doc, wanted: (
        not wanted.get("RulesetName") or wanted["RulesetName"] in doc["RulesetNames"]))


def cancel_data_quality_ruleset_evaluation_run(ctx, params):
    return dq_work.cancel(ctx, RUN, params["RunId"])


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
               if dq_work.same_table(doc["DataSource"], wanted.get("DataSource"))
               and dq_work.in_window(doc["StartedOn"], wanted.get("StartedAfter"), wanted.get("StartedBefore"))
               and not wanted.get("JobName") and not wanted.get("JobRunId")]
    results.sort(key=lambda d: (d["StartedOn"], d["ResultId"]), reverse=True)
    page, token = list_page(results, params, 1000)
    return {"Results": [{key: doc[key] for key in ("ResultId", "DataSource", "StartedOn")} for doc in page],
            "NextToken": token}
