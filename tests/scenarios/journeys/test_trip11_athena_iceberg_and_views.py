"""An analytics engineer builds a catalog page for a partitioned Iceberg table and the
view over it from Athena's utility statements: DESCRIBE of the Iceberg table (Athena's
unpadded `# Table schema:` and `# Partition spec:` sections, a column without comment
ending in its tab, types spelt with a blank after each comma and colon), SHOW COLUMNS
(unpadded for Iceberg), DESCRIBE and SHOW COLUMNS of the view (UTILITY / DESC_VIEW:
`column` and `type` varchar columns, Trino's type names), SHOW CREATE VIEW (UTILITY /
SHOW_CREATE_VIEW, its one varchar column `create view`), SHOW VIEWS (varchar `views`)
and MSCK REPAIR TABLE on a Hive table (DDL / MSCK_REPAIR, its lines with no columns and
no UpdateCount). Facts: Athena's replies and `.txt` result objects as a public
measurement log of real Athena records them."""
import uuid

from trip_helpers import athena_execution


def test_catalog_page_of_an_iceberg_table_and_its_view(client, bucket, database):
    athena, s3 = client("athena"), client("s3")
    output = f"s3://{bucket}/catalog-{uuid.uuid4().hex[:6]}/"

    def body(execution):
        bucket_name, _, key = execution["ResultConfiguration"]["OutputLocation"][len("s3://"):].partition("/")
        return s3.get_object(Bucket=bucket_name, Key=key)["Body"].read().decode()

    def columns_of(execution):
        info = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])["ResultSet"]
        return [(c["Name"], c["Type"]) for c in info["ResultSetMetadata"]["ColumnInfo"]]

    athena_execution(athena, "CREATE TABLE orders (n int COMMENT 'abc', s string, ts timestamp) "
                     f"PARTITIONED BY (s, bucket(4, n), day(ts)) LOCATION 's3://{bucket}/warehouse/orders/' "
                     "TBLPROPERTIES ('table_type'='ICEBERG')", database, output)
    described = athena_execution(athena, "DESCRIBE orders", database, output)
    assert (described["StatementType"], described["SubstatementType"]) == ("UTILITY", "DESCRIBE_TABLE")
    assert body(described).split("\n") == [
        "# Table schema:\t\t", "# col_name\tdata_type\tcomment", "n\tint\tabc", "s\tstring\t", "ts\ttimestamp\t",
        "\t\t", "# Partition spec:\t\t", "# field_name\tfield_transform\tcolumn_name",
        "s\tidentity\ts", "n_bucket\tbucket[4]\tn", "ts_day\tday\tts"]
    assert columns_of(described) == [("col_name", "string"), ("data_type", "string"), ("comment", "string")]
    assert body(athena_execution(athena, "SHOW COLUMNS IN orders", database, output)) == "n\ns\nts"

    athena_execution(athena, "CREATE TABLE plain (id bigint, d decimal(10,2), st struct<a:int,b:string>) "
                     f"LOCATION 's3://{bucket}/warehouse/plain/' TBLPROPERTIES ('table_type'='ICEBERG')",
                     database, output)
    assert body(athena_execution(athena, "DESCRIBE plain", database, output)).split("\n") == [
        "# Table schema:\t\t", "# col_name\tdata_type\tcomment", "id\tbigint\t",
        "d\tdecimal(10, 2)\t", "st\tstruct<a: int, b: string>\t",
        "\t\t", "# Partition spec:\t\t", "# field_name\tfield_transform\tcolumn_name"]

    athena_execution(athena, "CREATE VIEW recent AS SELECT n, s FROM orders", database, output)
    for sql in ("DESCRIBE recent", "SHOW COLUMNS FROM recent"):
        viewed = athena_execution(athena, sql, database, output)
        assert (viewed["StatementType"], viewed["SubstatementType"]) == ("UTILITY", "DESC_VIEW")
        assert body(viewed) == "n\tinteger\ns\tvarchar"      # Trino's types, unpadded
        assert columns_of(viewed) == [("column", "varchar"), ("type", "varchar")]
    created = athena_execution(athena, "SHOW CREATE VIEW recent", database, output)
    assert (created["StatementType"], created["SubstatementType"]) == ("UTILITY", "SHOW_CREATE_VIEW")
    assert created["ResultConfiguration"]["OutputLocation"].endswith(f"/{created['QueryExecutionId']}.txt")
    assert columns_of(created) == [("create view", "varchar")]
    table = athena_execution(athena, "SHOW CREATE TABLE orders", database, output)
    assert (table["StatementType"], table["SubstatementType"]) == ("UTILITY", "SHOW_CREATE_TABLE")
    assert columns_of(table) == [("createtab_stmt", "string")]
    views = athena_execution(athena, "SHOW VIEWS", database, output)
    assert (views["StatementType"], views["SubstatementType"]) == ("UTILITY", "SHOW_VIEWS")
    assert body(views) == "recent"
    assert columns_of(views) == [("views", "varchar")]

    athena_execution(athena, "CREATE EXTERNAL TABLE clicks (n int) PARTITIONED BY (p string) "
                     f"LOCATION 's3://{bucket}/lake/clicks/'", database, output)
    s3.put_object(Bucket=bucket, Key="lake/clicks/p=a/part-0.csv", Body=b"1\n")
    repaired = athena_execution(athena, "MSCK REPAIR TABLE clicks", database, output)
    assert (repaired["StatementType"], repaired["SubstatementType"]) == ("DDL", "MSCK_REPAIR")
    answer = athena.get_query_results(QueryExecutionId=repaired["QueryExecutionId"])
    assert answer["ResultSet"]["ResultSetMetadata"] == {"ColumnInfo": []}      # its lines, no columns
    assert "UpdateCount" not in answer
    assert ["\t".join(d.get("VarCharValue", "") for d in row["Data"]) for row in answer["ResultSet"]["Rows"]] \
        == body(repaired).split("\n")
