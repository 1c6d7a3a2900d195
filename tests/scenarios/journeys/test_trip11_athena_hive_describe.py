"""A data steward documents a partitioned Hive table in the lake wiki from what Athena
answers about it: DESCRIBE (Hive's cells padded to 20 characters, the partition key
listed with the columns and again under `# Partition Information`, the blank lines of
that section made of one-blank cells, a comment holding a tab cut at the tab), SHOW
COLUMNS (each name padded the same way), SHOW TBLPROPERTIES (SubstatementType
SHOW_TABLE_PROPERTIES, a value's tab and newline written as they are) and the
UTILITY statement types. Facts: Athena's replies and `.txt` result objects as a public
measurement log of real Athena records them (DESCRIBE and SHOW COLUMNS rows, the
SHOW TBLPROPERTIES body with a value holding a tab and a newline)."""
import uuid

from trip_helpers import athena_execution


def test_steward_documents_a_partitioned_hive_table(client, bucket, database):
    athena, s3 = client("athena"), client("s3")
    prefix = f"wiki-{uuid.uuid4().hex[:6]}/"
    output = f"s3://{bucket}/{prefix}"

    def body(execution):
        bucket_name, _, key = execution["ResultConfiguration"]["OutputLocation"][len("s3://"):].partition("/")
        return s3.get_object(Bucket=bucket_name, Key=key)["Body"].read()

    athena_execution(athena, "CREATE EXTERNAL TABLE visits (n int COMMENT 'a\tb', m int, "
                     "page string COMMENT 'the page path') PARTITIONED BY (p string COMMENT 'pc') "
                     f"LOCATION 's3://{bucket}/lake/visits/' TBLPROPERTIES ('note'='xa\tb\ncy')", database, output)

    described = athena_execution(athena, "DESCRIBE visits", database, output)
    assert (described["StatementType"], described["SubstatementType"]) == ("UTILITY", "DESCRIBE_TABLE")
    assert described["ResultConfiguration"]["OutputLocation"].endswith(f"/{described['QueryExecutionId']}.txt")
    assert body(described).decode().split("\n") == [
        "n                   \tint                 \ta",
        "m                   \tint                 \t                    ",
        "page                \tstring              \tthe page path       ",
        "p                   \tstring              \tpc                  ",
        "\t \t ",
        "# Partition Information\t \t ",
        "# col_name            \tdata_type           \tcomment             ",
        "\t \t ",
        "p                   \tstring              \tpc                  "]
    results = athena.get_query_results(QueryExecutionId=described["QueryExecutionId"])
    rows = ["\t".join(d.get("VarCharValue", "") for d in row["Data"]) for row in results["ResultSet"]["Rows"]]
    assert rows == body(described).decode().split("\n")        # no heading row, the lines as written
    assert [(c["Name"], c["Type"]) for c in results["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]] == [
        ("col_name", "string"), ("data_type", "string"), ("comment", "string")]

    columns = athena_execution(athena, "SHOW COLUMNS IN visits", database, output)
    assert (columns["StatementType"], columns["SubstatementType"]) == ("UTILITY", "SHOW_COLUMNS")
    assert body(columns) == (b"n                   \nm                   \npage                \n"
                             b"p                   ")
    assert body(athena_execution(athena, "SHOW COLUMNS FROM visits", database, output)) == body(columns)

    properties = athena_execution(athena, "SHOW TBLPROPERTIES visits", database, output)
    assert (properties["StatementType"], properties["SubstatementType"]) == ("UTILITY", "SHOW_TABLE_PROPERTIES")
    lines = body(properties).decode().split("\n")
    assert "note\txa\tb" in lines and "cy" in lines and lines.index("cy") == lines.index("note\txa\tb") + 1
    info = athena.get_query_results(QueryExecutionId=properties["QueryExecutionId"])["ResultSet"]
    assert [(c["Name"], c["Type"]) for c in info["ResultSetMetadata"]["ColumnInfo"]] == [
        ("prpt_name", "string"), ("prpt_value", "string")]
    assert ["\t".join(d.get("VarCharValue", "") for d in row["Data"]) for row in info["Rows"]] == lines
