"""An analytics engineer checks a customer table written as Parquet by awswrangler (a
catalog table partitioned by country) with Glue Data Quality rules over strings and
numbers: lengths, a pattern, value sets with a threshold, a filtered rule (`where`),
spread, sums, distinct counts and a CustomSql count over `primary`. Each metric is the
one Glue reports for the rule type, computed over every partition's files."""
import pandas as pd

from gdq_helpers import ROLE, evaluated, first_result
RULES = """Rules = [
    ColumnLength "email" between 5 and 30,
    ColumnValues "email" matches "[a-z]+@[a-z]+\\.com",
    ColumnValues "tier" in ["gold", "silver"] with threshold > 0.5,
    ColumnValues "tier" in ["gold", "silver"],
    IsComplete "age" where "tier = 'gold'",
    StandardDeviation "age" < 10,
    Sum "spend" between 100 and 1000,
    DistinctValuesCount "country" = 2,
    Uniqueness "tier" > 0.1,
    CustomSql "select count(*) from primary where spend > 100" = 2
]"""


def run_rules(glue, database, name):
    run = evaluated(glue, database, "customers", name, NumberOfWorkers=2, Timeout=30)
    assert (run["Status"], run["NumberOfWorkers"], run["Timeout"], run["Role"]) == ("SUCCEEDED", 2, 30, ROLE)
    assert run["CompletedOn"] >= run["StartedOn"] and isinstance(run["ExecutionTime"], int)
    return first_result(glue, run)


def test_customer_profile_rules(client, wr, session, bucket, database):
    glue = client("glue")
    frame = pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5],
        "email": ["ann@shop.com", "bo@shop.com", "cy@mail.com", "NOT-AN-EMAIL", "di@shop.com"],
        "tier": ["gold", "gold", "silver", "bronze", "silver"],
        "age": [30.0, 40.0, None, 35.0, 25.0],
        "spend": [120.0, 80.5, 99.5, 300.0, 50.0],
        "country": ["de", "de", "fr", "fr", "fr"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/customers/", dataset=True, partition_cols=["country"],
                     database=database, table="customers", boto3_session=session)
    name = f"{database}-profile"
    glue.create_data_quality_ruleset(Name=name, Ruleset=RULES,
                                     TargetTable={"DatabaseName": database, "TableName": "customers"})

    result = run_rules(glue, database, name)
    assert [(r["Name"], r["Result"], r.get("EvaluationMessage"), r["EvaluatedMetrics"])
            for r in result["RuleResults"]] == [
        ("Rule_1", "PASS", None, {"Column.email.MaximumLength": 12.0, "Column.email.MinimumLength": 11.0}),
        ("Rule_2", "FAIL", "Value: 0.8 does not meet the constraint requirement!", {"Column.email.PatternMatch": 0.8}),
        ("Rule_3", "PASS", None, {"Column.tier.ColumnValues.Compliance": 0.8}),
        ("Rule_4", "FAIL", "Value: 0.8 does not meet the constraint requirement!",
         {"Column.tier.ColumnValues.Compliance": 0.8}),
        ("Rule_5", "PASS", None, {"Column.age.Completeness": 1.0}),
        ("Rule_6", "PASS", None, {"Column.age.StandardDeviation": 5.5901699437494745}),
        ("Rule_7", "PASS", None, {"Column.spend.Sum": 650.0}),
        ("Rule_8", "PASS", None, {"Column.country.DistinctValuesCount": 2.0}),
        ("Rule_9", "PASS", None, {"Column.tier.Uniqueness": 0.2}),
        ("Rule_10", "PASS", None, {"Dataset.*.CustomSQL": 2.0}),
    ]
    assert [r["Description"] for r in result["RuleResults"]][2:5] == [
        'ColumnValues "tier" in ["gold","silver"] with threshold > 0.5',
        'ColumnValues "tier" in ["gold","silver"]',
        'IsComplete "age" where "tier = \'gold\'"']
    assert result["Score"] == 0.8

    # the bronze customer is upgraded and the bad e-mail corrected: the rules pass, but for the
    # uniqueness of tiers, which now has no tier held by one customer alone
    frame.loc[3, ["email", "tier"]] = ["ed@shop.com", "silver"]
    wr.s3.to_parquet(frame, f"s3://{bucket}/customers/", dataset=True, partition_cols=["country"],
                     database=database, table="customers", mode="overwrite_partitions", boto3_session=session)
    again = run_rules(glue, database, name)
    assert [r["Result"] for r in again["RuleResults"]] == ["PASS"] * 8 + ["FAIL", "PASS"]
    assert again["RuleResults"][3]["EvaluatedMetrics"] == {"Column.tier.ColumnValues.Compliance": 1.0}
    assert (again["RuleResults"][8]["EvaluationMessage"], again["RuleResults"][8]["EvaluatedMetrics"]) == (
        "Value: 0.0 does not meet the constraint requirement!", {"Column.tier.Uniqueness": 0.0})
    assert again["Score"] == 0.9
    glue.delete_data_quality_ruleset(Name=name)
