"""A data producer publishes a shipments table and its consumers hold it to two rulesets,
evaluated together in one run: the schema contract (ColumnCount, ColumnExists, the
primary key) and the business rules (composite and/or rules, a rule on a column the
table does not have, which ends in ERROR). Each ruleset has its own result (read together
with BatchGetDataQualityResult, an unknown id coming back in ResultsNotFound); a run
over a table or ruleset that does not exist is refused when it is started."""
from gdq_helpers import ROLE, evaluated
from trip_helpers import error_of

CONTRACT = """Rules = [
    ColumnCount = 4,
    ColumnExists "shipment_id",
    ColumnExists "carrier_code",
    IsPrimaryKey "shipment_id"
]"""
BUSINESS = """Rules = [
    (ColumnValues "weight_kg" > 0) and (ColumnValues "weight_kg" <= 50),
    (RowCount > 100) or (IsComplete "carrier"),
    ColumnValues "carrier_code" in ["UPS"],
    Completeness "carrier" >= 0.5
]"""


def shipments(bucket):
    return {"Name": "shipments", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "json"},
            "StorageDescriptor": {
                "Columns": [{"Name": "shipment_id", "Type": "string"}, {"Name": "carrier", "Type": "string"},
                            {"Name": "weight_kg", "Type": "double"}],
                "Location": f"s3://{bucket}/shipments/",
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}},
            "PartitionKeys": [{"Name": "day", "Type": "string"}]}


def test_two_rulesets_in_one_run(client, bucket, database):
    glue, s3 = client("glue"), client("s3")
    glue.create_table(DatabaseName=database, TableInput=shipments(bucket))
    for day, body in (("2024-05-01", b'{"shipment_id":"s1","carrier":"ups","weight_kg":2.5}\n'
                                      b'{"shipment_id":"s2","carrier":"dhl","weight_kg":12}\n'),
                      ("2024-05-02", b'{"shipment_id":"s3","carrier":"ups","weight_kg":60}\n'
                                      b'{"shipment_id":"s3","weight_kg":1}\n')):
        s3.put_object(Bucket=bucket, Key=f"shipments/day={day}/part-0.json", Body=body)
        glue.create_partition(DatabaseName=database, TableName="shipments", PartitionInput={
            "Values": [day], "StorageDescriptor": {"Location": f"s3://{bucket}/shipments/day={day}/"}})
    contract, business = f"{database}-contract", f"{database}-business"
    glue.create_data_quality_ruleset(Name=contract, Ruleset=CONTRACT)
    glue.create_data_quality_ruleset(Name=business, Ruleset=BUSINESS)
    source = {"GlueTable": {"DatabaseName": database, "TableName": "shipments"}}

    assert error_of(lambda: glue.start_data_quality_ruleset_evaluation_run(
        DataSource={"GlueTable": {"DatabaseName": database, "TableName": "parcels"}}, Role=ROLE,
        RulesetNames=[contract]))[0] == "EntityNotFoundException"
    assert error_of(lambda: glue.start_data_quality_ruleset_evaluation_run(
        DataSource=source, Role=ROLE, RulesetNames=[contract, f"{database}-missing"]))[0] == \
        "EntityNotFoundException"

    run = evaluated(glue, database, "shipments", contract, business)
    run_id, result_ids = run["RunId"], run["ResultIds"]
    assert len(result_ids) == 2

    found = glue.batch_get_data_quality_result(ResultIds=result_ids + ["dqresult-" + "0" * 40])
    assert found["ResultsNotFound"] == ["dqresult-" + "0" * 40]
    by_ruleset = {r["RulesetName"]: r for r in found["Results"]}
    assert set(by_ruleset) == {contract, business}
    assert all(r["RulesetEvaluationRunId"] == run_id and r["DataSource"] == source for r in found["Results"])

    schema = by_ruleset[contract]
    assert [(r["Description"], r["Result"], r.get("EvaluationMessage"), r["EvaluatedMetrics"])
            for r in schema["RuleResults"]] == [
        ("ColumnCount = 4", "PASS", None, {"Dataset.*.ColumnCount": 4.0}),
        ('ColumnExists "shipment_id"', "PASS", None, {}),
        ('ColumnExists "carrier_code"', "FAIL", "Input data does not include column carrier_code!", {}),
        ('IsPrimaryKey "shipment_id"', "FAIL", "Value: 0.5 does not meet the constraint requirement!",
         {"Column.shipment_id.Completeness": 1.0, "Column.shipment_id.Uniqueness": 0.5}),
    ]
    assert schema["Score"] == 0.5

    rules = by_ruleset[business]
    assert [(r["Name"], r["Description"], r["Result"]) for r in rules["RuleResults"]] == [
        ("Rule_1", '(ColumnValues "weight_kg" > 0) and (ColumnValues "weight_kg" <= 50)', "FAIL"),
        ("Rule_2", '(RowCount > 100) or (IsComplete "carrier")', "FAIL"),
        ("Rule_3", 'ColumnValues "carrier_code" in ["UPS"]', "ERROR"),
        ("Rule_4", 'Completeness "carrier" >= 0.5', "PASS"),
    ]
    assert rules["RuleResults"][0]["EvaluatedMetrics"] == {"Column.weight_kg.Minimum": 1.0,
                                                           "Column.weight_kg.Maximum": 60.0}
    assert rules["RuleResults"][0]["EvaluationMessage"] == "Value: 60.0 does not meet the constraint requirement!"
    assert rules["RuleResults"][1]["EvaluatedMetrics"] == {"Dataset.*.RowCount": 4.0,
                                                           "Column.carrier.Completeness": 0.75}
    assert rules["RuleResults"][2]["EvaluationMessage"] == "Input data does not include column carrier_code!"
    assert rules["RuleResults"][3]["EvaluatedMetrics"] == {"Column.carrier.Completeness": 0.75}
    assert rules["Score"] == 0.25

    runs = glue.list_data_quality_ruleset_evaluation_runs(Filter={"DataSource": source, "RulesetName": business})
    assert [r["RunId"] for r in runs["Runs"]] == [run_id]
    for name in (contract, business):
        glue.delete_data_quality_ruleset(Name=name)
