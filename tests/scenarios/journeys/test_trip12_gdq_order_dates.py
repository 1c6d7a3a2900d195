"""An order-management team checks the dates of an orders extract with DQDL's date
conditions: quoted dates (`between` excluding its bounds), `now()` and a window
`(now() - 30 days)`, over a date column and a timestamp written as text; a ruleset's
comments (`#`) are skipped, but not a `#` inside a CustomSql statement."""
import datetime

from gdq_helpers import csv_table, evaluated, first_result

RULES = """# dates of the 2024 orders extract
Rules = [
    ColumnValues "order_date" between "2024-01-01" and "2024-12-31",   # the year's orders only
    ColumnValues "order_date" <= now(),
    ColumnValues "shipped_at" > (now() - 30 days),
    CustomSql "select count(*) from primary where note = '#1'" = 1
]"""


def test_order_dates_are_checked(client, bucket, database):
    glue, s3 = client("glue"), client("s3")
    glue.create_table(DatabaseName=database, TableInput=csv_table(
        bucket, "orders", [("order_date", "date"), ("shipped_at", "string"), ("note", "string")]))
    recent = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=2)).strftime(
        "%Y-%m-%d %H:%M:%S")
    s3.put_object(Bucket=bucket, Key="orders/extract.csv", Body=(
        f"2024-03-10,{recent},#1\n2024-07-01,{recent},ok\n2024-01-01,2023-01-05 10:00:00,ok\n"
        f"2024-11-30,,late\n").encode())
    name = f"{database}-dates"
    glue.create_data_quality_ruleset(Name=name, Ruleset=RULES)
    result = first_result(glue, evaluated(glue, database, "orders", name))
    assert [(r["Description"], r["Result"], r.get("EvaluationMessage"), r["EvaluatedMetrics"])
            for r in result["RuleResults"]] == [
        ('ColumnValues "order_date" between "2024-01-01" and "2024-12-31"', "FAIL",
         "Value: 0.75 does not meet the constraint requirement!", {"Column.order_date.ColumnValues.Compliance": 0.75}),
        ('ColumnValues "order_date" <= now()', "PASS", None, {"Column.order_date.ColumnValues.Compliance": 1.0}),
        # the old shipment and the order not shipped yet (blank) are outside the window
        ('ColumnValues "shipped_at" > (now() - 30 days)', "FAIL",
         "Value: 0.5 does not meet the constraint requirement!", {"Column.shipped_at.ColumnValues.Compliance": 0.5}),
        ("CustomSql \"select count(*) from primary where note = '#1'\" = 1", "PASS", None,
         {"Dataset.*.CustomSQL": 1.0}),
    ]
    glue.delete_data_quality_ruleset(Name=name)
