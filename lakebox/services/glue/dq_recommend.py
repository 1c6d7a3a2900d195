"""Glue Data Quality rule recommendation runs: the table profiled with Athena's engine
(row count; each column's completeness, distinct values, bounds, lengths and spread) and
a DQDL ruleset recommended from it, in the shape of Glue's recommendations ("RowCount
between <half> and <twice> the rows", IsComplete or Completeness, Uniqueness,
ColumnValues in the few values seen, ColumnLength and StandardDeviation bands). Every
recommended rule holds for the data it was made from. With CreatedRulesetName the
ruleset is also stored, with the run as its RecommendationRunId."""
import math

from lakebox.services.athena import public as athena
from lakebox.services.glue import dq_work, store
from lakebox.services.glue.dq_checks import ident
from lakebox.services.glue.dq_rules import parse
from lakebox.services.glue.dq_rulesets import KIND as RULESET

RUN = "dq_recommendation_run"
_NUMERIC = ("tinyint", "smallint", "int", "integer", "bigint", "float", "double", "real", "decimal")
_FEW = 10          # a column with at most this many distinct values gets a value set


def start_data_quality_rule_recommendation_run(ctx, params):
    earlier, table = dq_work.earlier_or_table(ctx, RUN, params)
    if earlier is not None:
        return {"RunId": earlier["RunId"]}
    sd = table.get("StorageDescriptor") or {}
    columns = [(c["Name"], (c.get("Type") or "string").lower())
               for c in (sd.get("Columns") or []) + (table.get("PartitionKeys") or [])]
    where = f"FROM {ident(table['DatabaseName'])}.{ident(table['Name'])}"
    plans = [("rows", None, athena.plan_select(ctx, f"SELECT count(*) {where}", table["DatabaseName"]))]
    for name, type_ in columns:
        if type_.startswith(("array", "map", "struct")):       # DQDL has no rules for nested data
            continue
        column = ident(name)
        numeric = type_.startswith(_NUMERIC)
        extra = (f", stddev_pop(CAST({column} AS double)), max(CAST({column} AS double))" if numeric else
                 f", min(length(CAST({column} AS varchar))), max(length(CAST({column} AS varchar)))")
        plans.append(("profile", (name, numeric), athena.plan_select(
            ctx, f"SELECT count({column}), count(DISTINCT {column}){extra} {where}", table["DatabaseName"])))
        plans.append(("values", (name, numeric), athena.plan_select(
            ctx, f"SELECT DISTINCT CAST({column} AS varchar) {where} WHERE {column} IS NOT NULL "
                 f"ORDER BY 1 LIMIT {_FEW + 1}", table["DatabaseName"])))
    doc = dq_work.new_run(ctx, params)
    for key in ("CreatedRulesetName", "DataQualitySecurityConfiguration"):
        if params.get(key):
            doc[key] = params[key]
    doc["_table"] = {"DatabaseName": table["DatabaseName"], "TableName": table["Name"]}
    return dq_work.submit(ctx, RUN, doc, "StartDataQualityRuleRecommendationRun", _profile, (plans,), _commit)


def _profile(task, plans) -> dict:
    found = {"columns": {}}
    for kind, column, run in plans:
        task.check()
        rows = run()
        if kind == "rows":
            found["rows"] = rows[0][0]
        else:
            found["columns"].setdefault(column, {})[kind] = rows if kind == "values" else rows[0]
    return found


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def recommend(profile: dict) -> str:
    rows = profile["rows"]
    rules = [f"RowCount between {rows // 2} and {rows * 2}"]
    for (name, numeric), stats in profile["columns"].items():
        present, distinct, spread, top = stats["profile"]
        values = [row[0] for row in stats["values"]]
        quoted = f'"{name}"'
        if rows and present == rows:
            rules.append(f"IsComplete {quoted}")
        elif rows and present:
            rules.append(f"Completeness {quoted} >= {math.floor(present / rows * 100) / 100:.2f}")
        if rows and distinct == rows:
            rules.append(f"Uniqueness {quoted} > 0.95")
        if present and present == rows and distinct <= _FEW and distinct < rows and \
                not any('"' in v for v in values):
            rules.append(f"ColumnValues {quoted} in [{','.join(chr(34) + v + chr(34) for v in values)}]")
        if numeric and top is not None and present == rows:
            rules.append(f"ColumnValues {quoted} <= {_number(top)}")
        if numeric and spread:
            rules.append(f"StandardDeviation {quoted} between {_number(math.floor(spread * 95) / 100)} and "
                         f"{_number(math.ceil(spread * 105) / 100)}")
        if not numeric and spread is not None and present == rows:
            rules.append(f"ColumnLength {quoted} between {max(spread - 1, 0)} and {top + 1}")
    return "Rules = [\n" + ",\n".join(f"    {rule}" for rule in rules) + "\n]"


def _commit(state, account, region, doc, profile):
    text = recommend(profile)
    doc["RecommendedRuleset"] = text
    name = doc.get("CreatedRulesetName")
    if name and store.get_object(state.db, account, region, RULESET, "", name) is None:
        now = state.clock.now()
        store.put_object(state.db, account, region, RULESET, "", name, {
            "Name": name, "Ruleset": text, "CreatedOn": now, "LastModifiedOn": now, "RuleCount": len(parse(text)),
            "TargetTable": doc["_table"], "RecommendationRunId": doc["RunId"]})
    dq_work.end(state, account, region, RUN, doc, "SUCCEEDED")


def get_data_quality_rule_recommendation_run(ctx, params):
    return dq_work.shown(dq_work.run_or_error(ctx, RUN, params["RunId"]))


def list_data_quality_rule_recommendation_runs(ctx, params):
    return dq_work.list_runs(ctx, RUN, params)


def cancel_data_quality_rule_recommendation_run(ctx, params):
    return dq_work.cancel(ctx, RUN, params["RunId"])
