"""What the Glue Data Quality journeys share: a CSV catalog table, and a ruleset
evaluation run started, waited for and its results read, as a data engineer's script
does it."""
from trip_helpers import wait_for

ROLE = "arn:aws:iam::123456789012:role/dq-evaluator"
FINAL = ("SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT")


def csv_table(bucket, name, columns, **fields) -> dict:
    """TableInput of a comma-delimited text table of (name, type) columns under s3://bucket/name/."""
    return {"Name": name, "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "csv"},
            "StorageDescriptor": {
                "Columns": [{"Name": c, "Type": t} for c, t in columns], "Location": f"s3://{bucket}/{name}/",
                "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                              "Parameters": {"field.delim": ","}}}, **fields}


def evaluated(glue, database, table, *rulesets, **options) -> dict:
    """The finished run of the rulesets over the table (GetDataQualityRulesetEvaluationRun)."""
    run_id = glue.start_data_quality_ruleset_evaluation_run(
        DataSource={"GlueTable": {"DatabaseName": database, "TableName": table}}, Role=options.pop("Role", ROLE),
        RulesetNames=list(rulesets), **options)["RunId"]
    wait_for(lambda: glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)["Status"] in FINAL)
    return glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)


def first_result(glue, run) -> dict:
    return glue.get_data_quality_result(ResultId=run["ResultIds"][0])
