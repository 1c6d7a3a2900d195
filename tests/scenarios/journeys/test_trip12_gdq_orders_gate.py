"""A data engineer gates a daily orders feed with Glue Data Quality: a DQDL ruleset is
written against the catalog table (TargetTable), evaluated by a ruleset evaluation run,
and the result read back rule by rule (Rule_1..., the rule as written, PASS/FAIL, the
metrics Glue reports and the "Value: ... does not meet the constraint requirement!"
message of a failed rule) with the Score; a blank customer in the CSV is an empty
string, complete as the DQDL reference says. The bad rows are fixed in S3 and a second run
passes every rule; both results are listed for the table, newest first."""
from gdq_helpers import csv_table, evaluated
RULES = """Rules = [
    RowCount between 3 and 10,
    IsComplete "order_id",
    IsUnique "order_id",
    Completeness "customer" > 0.9,
    ColumnValues "status" in ["NEW", "SHIPPED", "CANCELLED"],
    ColumnValues "amount" > 0,
    Mean "amount" between 10 and 100
]"""


def evaluate(glue, database, ruleset):
    run = evaluated(glue, database, "orders", ruleset)
    return run["RunId"], run


def test_orders_feed_is_gated_then_fixed(client, bucket, database):
    glue, s3 = client("glue"), client("s3")
    glue.create_table(DatabaseName=database, TableInput=csv_table(
        bucket, "orders", [("order_id", "bigint"), ("customer", "string"), ("status", "string"), ("amount", "double")]))
    s3.put_object(Bucket=bucket, Key="orders/day1.csv", Body=(
        b"1,alice,NEW,20.0\n2,bob,SHIPPED,30.0\n2,,LOST,-5.0\n4,dora,CANCELLED,15.0\n"))

    ruleset = f"orders-gate-{database}"
    assert glue.create_data_quality_ruleset(
        Name=ruleset, Description="daily orders gate", Ruleset=RULES,
        TargetTable={"DatabaseName": database, "TableName": "orders"})["Name"] == ruleset
    stored = glue.get_data_quality_ruleset(Name=ruleset)
    assert (stored["Name"], stored["Description"], stored["Ruleset"], stored["TargetTable"]) == (
        ruleset, "daily orders gate", RULES, {"DatabaseName": database, "TableName": "orders"})

    run_id, run = evaluate(glue, database, ruleset)
    assert run["Status"] == "SUCCEEDED"
    assert run["RulesetNames"] == [ruleset]
    assert run["DataSource"] == {"GlueTable": {"DatabaseName": database, "TableName": "orders"}}
    assert len(run["ResultIds"]) == 1 and run["ResultIds"][0].startswith("dqresult-")

    result = glue.get_data_quality_result(ResultId=run["ResultIds"][0])
    assert (result["RulesetName"], result["RulesetEvaluationRunId"]) == (ruleset, run_id)
    assert [(r["Name"], r["Description"], r["Result"], r.get("EvaluationMessage"), r["EvaluatedMetrics"])
            for r in result["RuleResults"]] == [
        ("Rule_1", "RowCount between 3 and 10", "PASS", None, {"Dataset.*.RowCount": 4.0}),
        ("Rule_2", 'IsComplete "order_id"', "PASS", None, {"Column.order_id.Completeness": 1.0}),
        ("Rule_3", 'IsUnique "order_id"', "FAIL", "Value: 0.5 does not meet the constraint requirement!",
         {"Column.order_id.Uniqueness": 0.5}),
        # a blank field of a string column in CSV is an empty string, which is complete (DQDL reference,
        # Completeness: "Null behavior")
        ("Rule_4", 'Completeness "customer" > 0.9', "PASS", None, {"Column.customer.Completeness": 1.0}),
        ("Rule_5", 'ColumnValues "status" in ["NEW","SHIPPED","CANCELLED"]', "FAIL",
         "Value: 0.75 does not meet the constraint requirement!", {"Column.status.ColumnValues.Compliance": 0.75}),
        ("Rule_6", 'ColumnValues "amount" > 0', "FAIL", "Value: -5.0 does not meet the constraint requirement!",
         {"Column.amount.Minimum": -5.0}),
        ("Rule_7", 'Mean "amount" between 10 and 100', "PASS", None, {"Column.amount.Mean": 15.0}),
    ]
    assert result["Score"] == 4 / 7
    assert result["AggregatedMetrics"] == {"TotalRowsProcessed": 4.0, "TotalRulesProcessed": 7.0,
                                           "TotalRulesPassed": 4.0, "TotalRulesFailed": 3.0}

    # the bad row is replaced; the same ruleset now passes every rule
    s3.put_object(Bucket=bucket, Key="orders/day1.csv", Body=(
        b"1,alice,NEW,20.0\n2,bob,SHIPPED,30.0\n3,carol,NEW,25.0\n4,dora,CANCELLED,15.0\n"))
    second_id, second = evaluate(glue, database, ruleset)
    fixed = glue.get_data_quality_result(ResultId=second["ResultIds"][0])
    assert [r["Result"] for r in fixed["RuleResults"]] == ["PASS"] * 7
    assert fixed["Score"] == 1.0
    assert [r.get("EvaluationMessage") for r in fixed["RuleResults"]] == [None] * 7
    assert fixed["RuleResults"][6]["EvaluatedMetrics"] == {"Column.amount.Mean": 22.5}

    listed = glue.list_data_quality_results(
        Filter={"DataSource": {"GlueTable": {"DatabaseName": database, "TableName": "orders"}}})["Results"]
    assert [r["ResultId"] for r in listed] == [second["ResultIds"][0], run["ResultIds"][0]]
    runs = glue.list_data_quality_ruleset_evaluation_runs(
        Filter={"DataSource": {"GlueTable": {"DatabaseName": database, "TableName": "orders"}}})["Runs"]
    assert [(r["RunId"], r["Status"]) for r in runs] == [(second_id, "SUCCEEDED"), (run_id, "SUCCEEDED")]
    glue.delete_data_quality_ruleset(Name=ruleset)
