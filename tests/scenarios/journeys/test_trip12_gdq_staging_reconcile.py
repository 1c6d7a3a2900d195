"""Before promoting a staging load, a data engineer reconciles it with the production
table and the customer master through the run's AdditionalDataSources: the row counts
match (RowCountMatch), every order's customer exists (ReferentialIntegrity), the schemas
agree (SchemaMatch); the load itself must be fresh (DataFreshness), typed as promised
(ColumnDataType), well named (ColumnNamesMatchPattern), spread as expected (Entropy,
UniqueValueRatio, ColumnCorrelation), free of rows a row-level CustomSql rejects, and
its amounts in proportion to production's (AggregateMatch), its orders alike production's
by key (DatasetMatch, which a key that is not unique cannot run)."""
import datetime

from gdq_helpers import csv_table, evaluated, first_result

RULES = """Rules = [
    RowCountMatch "prod" >= 0.9,
    ReferentialIntegrity "customer_id" "customers.{id}" = 1.0,
    SchemaMatch "prod" = 1.0,
    DataFreshness "loaded_at" <= 24 hours,
    ColumnDataType "code" = "INTEGER",
    ColumnNamesMatchPattern "[a-z_]+",
    Entropy "region" > 1.0,
    UniqueValueRatio "region" < 0.5,
    ColumnCorrelation "qty" "amount" between -0.5 and 0.5,
    CustomSql "select * from primary where amount > 0",
    AggregateMatch "sum(amount)" "sum(prod.amount)" between 1.5 and 2.5,
    DatasetMatch "prod" "order_id" "customer_id,region" >= 0.4,
    DatasetMatch "prod" "customer_id" "region" >= 0.5
]"""


def test_staging_load_is_reconciled_before_promotion(client, bucket, database):
    glue, s3 = client("glue"), client("s3")
    columns = [("order_id", "bigint"), ("customer_id", "bigint"), ("region", "string"), ("code", "string"),
               ("qty", "int"), ("amount", "double"), ("loaded_at", "timestamp")]
    glue.create_table(DatabaseName=database, TableInput=csv_table(bucket, "staging_orders", columns))
    glue.create_table(DatabaseName=database, TableInput=csv_table(bucket, "orders", columns))
    glue.create_table(DatabaseName=database, TableInput=csv_table(bucket, "customers", [("id", "bigint")]))
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    fresh, stale = (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"), "2020-01-01 00:00:00"
    s3.put_object(Bucket=bucket, Key="customers/c.csv", Body=b"1\n2\n3\n")
    s3.put_object(Bucket=bucket, Key="orders/o.csv", Body="".join(
        f"{i},1,north,7,1,10.0,{stale}\n" for i in range(1, 6)).encode())
    s3.put_object(Bucket=bucket, Key="staging_orders/s.csv", Body=(
        f"1,1,north,10,1,10.0,{fresh}\n2,2,south,11,2,20.0,{fresh}\n3,3,east,12,3,30.0,{fresh}\n"
        f"4,9,north,x1,4,40.0,{stale}\n5,2,south,14,5,-1.0,{fresh}\n").encode())
    name = f"{database}-promote"
    glue.create_data_quality_ruleset(Name=name, Ruleset=RULES)

    run = evaluated(glue, database, "staging_orders", name, AdditionalDataSources={
        "prod": {"GlueTable": {"DatabaseName": database, "TableName": "orders"}},
        "customers": {"GlueTable": {"DatabaseName": database, "TableName": "customers"}}})
    assert run["Status"] == "SUCCEEDED" and sorted(run["AdditionalDataSources"]) == ["customers", "prod"]
    result = first_result(glue, run)
    outcome = [(r["Name"], r["Result"], r["EvaluatedMetrics"]) for r in result["RuleResults"]]
    assert outcome[:6] == [
        ("Rule_1", "PASS", {"Dataset.*.RowCountMatch": 1.0}),
        ("Rule_2", "FAIL", {"Column.customers.ReferentialIntegrity": 0.8}),
        ("Rule_3", "PASS", {"Dataset.*.SchemaMatch": 1.0}),
        ("Rule_4", "FAIL", {"Column.loaded_at.DataFreshness.Compliance": 0.8}),
        ("Rule_5", "FAIL", {"Column.code.ColumnDataType.Compliance": 0.8}),
        ("Rule_6", "PASS", {"Dataset.*.ColumnNamesPatternMatchRatio": 1.0}),
    ]
    entropy = outcome[6][2]["Column.region.Entropy"]
    assert abs(entropy - 1.0549201679861442) < 1e-12 and outcome[6][1] == "PASS"
    assert outcome[7] == ("Rule_8", "PASS", {"Column.region.UniqueValueRatio": 1 / 3})
    # the refund row (-1.0) breaks the otherwise perfect link of quantity and amount
    assert outcome[8][1] == "PASS"
    assert abs(outcome[8][2]["Multicolumn.qty,amount.ColumnCorrelation"] - -0.01960407493444558) < 1e-12
    assert outcome[9] == ("Rule_10", "FAIL", {"Dataset.*.CustomSQL.Compliance": 0.8})
    assert [r.get("EvaluationMessage") for r in result["RuleResults"] if r["Result"] == "FAIL"] == [
        "Value: 0.8 does not meet the constraint requirement!"] * 4 + [
        "Value: 0.2 does not meet the constraint requirement!"]
    # the staging load's amounts (99.0) are twice production's (50.0)
    assert outcome[10] == ("Rule_11", "PASS", {"Column.amount.AggregateMatch": 1.98})
    # of the five staged orders only order 1 keeps production's customer and region
    assert outcome[11] == ("Rule_12", "FAIL", {"Dataset.*.DatasetMatch": 0.2})
    # customer 2 has two staged orders (and customer 1 all of production's): no key of a row
    assert result["RuleResults"][12]["Result"] == "ERROR"
    assert result["RuleResults"][12]["EvaluationMessage"] == "Provided key map not suitable for given data frames"
    assert result["Score"] == 7 / 13
    glue.delete_data_quality_ruleset(Name=name)
