"""Glue Data Quality evaluation runs stopped by CancelDataQualityRulesetEvaluationRun:
the run ends STOPPED with no results (the work over the table's files is cancelled)."""
import time
from concurrent.futures import ThreadPoolExecutor

RULES = "Rules = [ " + ", ".join(f'ColumnValues "a" between {n} and 100000' for n in range(-40, 0)) + " ]"


def test_a_cancelled_run_ends_stopped(glue, s3, bucket, database):
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: s3.put_object(Bucket=bucket, Key=f"big/f{i}.csv", Body=f"{i},x\n"), range(300)))
    glue.create_table(DatabaseName=database, TableInput={"Name": "big", "StorageDescriptor": {
        "Columns": [{"Name": "a", "Type": "int"}, {"Name": "b", "Type": "string"}], "Location": f"s3://{bucket}/big/",
        "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                      "Parameters": {"field.delim": ","}}}})
    glue.create_data_quality_ruleset(Name=f"{database}-many", Ruleset=RULES)
    run_id = glue.start_data_quality_ruleset_evaluation_run(
        DataSource={"GlueTable": {"DatabaseName": database, "TableName": "big"}}, Role="r",
        RulesetNames=[f"{database}-many"])["RunId"]
    glue.cancel_data_quality_ruleset_evaluation_run(RunId=run_id)
    deadline = time.monotonic() + 30
    while glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)["Status"] in ("RUNNING", "STOPPING") and \
            time.monotonic() < deadline:
        time.sleep(0.2)
    run = glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)
    assert run["Status"] == "STOPPED" and "ResultIds" not in run
    assert [r["Status"] for r in glue.list_data_quality_ruleset_evaluation_runs(Filter={"DataSource": {
        "GlueTable": {"DatabaseName": database, "TableName": "big"}}})["Runs"]] == ["STOPPED"]
    glue.delete_data_quality_ruleset(Name=f"{database}-many")


def test_rules_over_an_empty_table(glue, bucket, database):
    """Over no rows a count is 0, but a share or an average has no value: the rule ends in
    ERROR with no metric (never a NaN in the reply)."""
    glue.create_table(DatabaseName=database, TableInput={"Name": "empty", "StorageDescriptor": {
        "Columns": [{"Name": "a", "Type": "int"}], "Location": f"s3://{bucket}/empty/",
        "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"}}})
    glue.create_data_quality_ruleset(Name=f"{database}-empty", Ruleset=(
        'Rules = [ RowCount = 0, Completeness "a" > 0.5, IsUnique "a", Mean "a" > 1, DistinctValuesCount "a" = 0 ]'))
    run_id = glue.start_data_quality_ruleset_evaluation_run(
        DataSource={"GlueTable": {"DatabaseName": database, "TableName": "empty"}}, Role="r",
        RulesetNames=[f"{database}-empty"])["RunId"]
    deadline = time.monotonic() + 30
    while glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)["Status"] == "RUNNING" and \
            time.monotonic() < deadline:
        time.sleep(0.2)
    result_id = glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)["ResultIds"][0]
    rules = glue.get_data_quality_result(ResultId=result_id)["RuleResults"]
    assert [(r["Result"], r["EvaluatedMetrics"]) for r in rules] == [
        ("PASS", {"Dataset.*.RowCount": 0.0}), ("ERROR", {}), ("ERROR", {}), ("ERROR", {}),
        ("PASS", {"Column.a.DistinctValuesCount": 0.0})]
    assert {r.get("EvaluationMessage") for r in rules if r["Result"] == "ERROR"} == {
        "Metric could not be computed: the data has no rows to compute it over"}
    glue.delete_data_quality_ruleset(Name=f"{database}-empty")
