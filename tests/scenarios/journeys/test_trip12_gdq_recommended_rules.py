"""A data engineer who does not yet know what to check asks Glue Data Quality for rule
recommendations on a sensor readings table, keeps them as a ruleset (CreatedRulesetName),
evaluates it (everything recommended holds on the data it was learned from), then a
bad batch lands and the same ruleset catches it."""
from gdq_helpers import ROLE, csv_table, evaluated, first_result
from trip_helpers import wait_for


def finished(getter, run_id):
    wait_for(lambda: getter(RunId=run_id)["Status"] == "SUCCEEDED")
    return getter(RunId=run_id)


def test_recommended_rules_become_the_gate(client, bucket, database):
    glue, s3 = client("glue"), client("s3")
    glue.create_table(DatabaseName=database, TableInput=csv_table(
        bucket, "readings", [("sensor", "string"), ("site", "string"), ("celsius", "double")]))
    s3.put_object(Bucket=bucket, Key="readings/a.csv",
                  Body=b"t-01,north,20.5\nt-02,north,21.0\nt-03,south,19.5\nt-04,south,22.0\n")
    source = {"GlueTable": {"DatabaseName": database, "TableName": "readings"}}
    name = f"{database}-recommended"

    run_id = glue.start_data_quality_rule_recommendation_run(
        DataSource=source, Role=ROLE, CreatedRulesetName=name)["RunId"]
    assert run_id.startswith("dqrun-") and len(run_id) == 46
    run = finished(glue.get_data_quality_rule_recommendation_run, run_id)
    assert (run["DataSource"], run["Role"], run["CreatedRulesetName"]) == (source, ROLE, name)
    assert run["RecommendedRuleset"] == "\n".join([
        "Rules = [",
        "    RowCount between 2 and 8,",
        '    IsComplete "sensor",',
        '    Uniqueness "sensor" > 0.95,',
        '    ColumnLength "sensor" between 3 and 5,',
        '    IsComplete "site",',
        '    ColumnValues "site" in ["north","south"],',
        '    ColumnLength "site" between 4 and 6,',
        '    IsComplete "celsius",',
        '    Uniqueness "celsius" > 0.95,',
        '    ColumnValues "celsius" <= 22,',
        '    StandardDeviation "celsius" between 0.85 and 0.95',
        "]"])
    listed = glue.list_data_quality_rule_recommendation_runs(Filter={"DataSource": source})["Runs"]
    assert [(r["RunId"], r["Status"]) for r in listed] == [(run_id, "SUCCEEDED")]

    ruleset = glue.get_data_quality_ruleset(Name=name)
    assert (ruleset["Ruleset"], ruleset["RecommendationRunId"], ruleset["TargetTable"]) == (
        run["RecommendedRuleset"], run_id, {"DatabaseName": database, "TableName": "readings"})

    result = first_result(glue, evaluated(glue, database, "readings", name))
    assert [r["Result"] for r in result["RuleResults"]] == ["PASS"] * 11 and result["Score"] == 1.0

    # a batch from a broken sensor: an unknown (shorter) site, a missing reading, a reading far off
    s3.put_object(Bucket=bucket, Key="readings/b.csv", Body=b"t-05,east,85.0\nt-06,north,\n")
    failed = {r["Description"]: (r.get("EvaluationMessage"), r["EvaluatedMetrics"])
              for r in first_result(glue, evaluated(glue, database, "readings", name))["RuleResults"]
              if r["Result"] != "PASS"}
    share = 0.8333333333333334          # 5 of 6 rows
    broken = "Value: {} does not meet the constraint requirement!"
    assert failed == {
        'ColumnValues "site" in ["north","south"]': (broken.format(share),
                                                     {"Column.site.ColumnValues.Compliance": share}),
        'ColumnLength "site" between 4 and 6': (broken.format(4.0), {"Column.site.MaximumLength": 5.0,
                                                                     "Column.site.MinimumLength": 4.0}),
        'IsComplete "celsius"': (broken.format(share), {"Column.celsius.Completeness": share}),
        'Uniqueness "celsius" > 0.95': (broken.format(share), {"Column.celsius.Uniqueness": share}),
        'ColumnValues "celsius" <= 22': (broken.format(85.0), {"Column.celsius.Maximum": 85.0}),
        'StandardDeviation "celsius" between 0.85 and 0.95': (
            broken.format(25.712642804659346), {"Column.celsius.StandardDeviation": 25.712642804659346}),
    }
    glue.delete_data_quality_ruleset(Name=name)
