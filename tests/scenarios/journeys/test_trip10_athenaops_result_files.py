"""A data engineer audits what an Athena pipeline leaves in its result bucket and what
each execution reports, statement by statement: the external table's CREATE (DDL, an
empty `.txt` and nothing else), the SELECT (DML/SELECT, `<id>.csv` with every value
quoted and a header, and its `.csv.metadata`), SHOW TABLES and DESCRIBE (UTILITY, a
`.txt` of rows joined by newlines with none after the last, columns typed `string`),
the CTAS (DDL/CREATE_TABLE_AS_SELECT: no result object, `tables/<id>.metadata` and the
manifest of the files it wrote, UpdateCount its rows) and the INSERT INTO (DML/INSERT:
`<id>.metadata` and `<id>-manifest.csv`, UpdateCount its rows), a failed SELECT (no
object at all), and the Statistics every finished execution carries. Facts: the
QueryExecution API reference (StatementType) and Athena's replies and result objects as
a public measurement log records them."""
import uuid

from athenaops_helpers import ended
from trip_helpers import athena_execution, keys_under

EVENTS = b"1,signup,3\n2,login,\n3,signup,7\n4,purchase,12\n"


def test_what_each_statement_leaves_behind(client, bucket, database):
    athena, s3 = client("athena"), client("s3")
    s3.put_object(Bucket=bucket, Key="raw/events/part-0.csv", Body=EVENTS)
    prefix = f"audit-{uuid.uuid4().hex[:6]}/"
    output = f"s3://{bucket}/{prefix}"

    def objects_of(query_id):
        return sorted(key[len(prefix):] for key in keys_under(s3, bucket, prefix) if query_id in key)

    def body(key):
        return s3.get_object(Bucket=bucket, Key=prefix + key)["Body"].read()

    created = athena_execution(athena, "CREATE EXTERNAL TABLE events (id int, kind string, points int) "
                               "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
                               f"LOCATION 's3://{bucket}/raw/events/'", database, output)
    cid = created["QueryExecutionId"]
    assert (created["StatementType"], created["SubstatementType"]) == ("DDL", "CREATE_TABLE")
    assert created["ResultConfiguration"]["OutputLocation"] == f"{output}{cid}.txt"
    assert objects_of(cid) == [f"{cid}.txt"]
    assert body(f"{cid}.txt") == b""
    nothing = athena.get_query_results(QueryExecutionId=cid)
    assert nothing["ResultSet"] == {"Rows": [], "ResultSetMetadata": {"ColumnInfo": []}}
    assert "UpdateCount" not in nothing
    assert created["QueryExecutionContext"] == {"Database": database}

    selected = athena_execution(athena, "SELECT kind, count(*) AS n, sum(points) AS points FROM events "
                                "GROUP BY kind ORDER BY kind", database, output)
    sid = selected["QueryExecutionId"]
    assert (selected["StatementType"], selected["SubstatementType"]) == ("DML", "SELECT")
    assert selected["ResultConfiguration"]["OutputLocation"] == f"{output}{sid}.csv"
    assert objects_of(sid) == [f"{sid}.csv", f"{sid}.csv.metadata"]
    assert body(f"{sid}.csv") == (b'"kind","n","points"\n"login","1",\n"purchase","1","12"\n"signup","2","10"\n')
    assert selected["Statistics"]["DataScannedInBytes"] == len(EVENTS)
    assert set(selected["Statistics"]) >= {"EngineExecutionTimeInMillis", "DataScannedInBytes",
                                           "TotalExecutionTimeInMillis", "QueryQueueTimeInMillis",
                                           "QueryPlanningTimeInMillis", "ServiceProcessingTimeInMillis",
                                           "ResultReuseInformation"}
    assert selected["Statistics"]["ResultReuseInformation"] == {"ReusedPreviousResult": False}

    shown = athena_execution(athena, "SHOW TABLES", database, output)
    hid = shown["QueryExecutionId"]
    assert (shown["StatementType"], shown["SubstatementType"]) == ("UTILITY", "SHOW_TABLES")
    assert objects_of(hid) == [f"{hid}.txt", f"{hid}.txt.metadata"]
    assert body(f"{hid}.txt") == b"events"
    info = athena.get_query_results(QueryExecutionId=hid)["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
    assert [(c["Name"], c["Type"], c["Precision"], c["CaseSensitive"]) for c in info] == [
        ("tab_name", "string", 0, False)]

    described = athena_execution(athena, "DESCRIBE events", database, output)
    did = described["QueryExecutionId"]
    assert (described["StatementType"], described["SubstatementType"]) == ("UTILITY", "DESCRIBE_TABLE")
    assert body(f"{did}.txt") == (b"id                  \tint                 \t                    \n"
                                  b"kind                \tstring              \t                    \n"
                                  b"points              \tint                 \t                    ")
    info = athena.get_query_results(QueryExecutionId=did)["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
    assert [(c["Name"], c["Type"]) for c in info] == [("col_name", "string"), ("data_type", "string"),
                                                      ("comment", "string")]

    ctas = athena_execution(athena, "CREATE TABLE signups WITH (format = 'PARQUET', "
                            f"external_location = 's3://{bucket}/curated/signups/') AS "
                            "SELECT id, points FROM events WHERE kind = 'signup'", database, output)
    tid = ctas["QueryExecutionId"]
    assert (ctas["StatementType"], ctas["SubstatementType"]) == ("DDL", "CREATE_TABLE_AS_SELECT")
    assert ctas["ResultConfiguration"]["OutputLocation"] == f"{output}tables/{tid}"
    assert objects_of(tid) == [f"tables/{tid}-manifest.csv", f"tables/{tid}.metadata"]
    assert ctas["Statistics"]["DataManifestLocation"] == f"{output}tables/{tid}-manifest.csv"
    written = body(f"tables/{tid}-manifest.csv").decode().splitlines()
    assert written == [f"s3://{bucket}/{key}" for key in keys_under(s3, bucket, "curated/signups/")]
    created_rows = athena.get_query_results(QueryExecutionId=tid)
    assert created_rows["UpdateCount"] == 2

    inserted = athena_execution(athena, "INSERT INTO signups SELECT id, points FROM events WHERE kind <> 'signup'",
                                database, output)
    iid = inserted["QueryExecutionId"]
    assert (inserted["StatementType"], inserted["SubstatementType"]) == ("DML", "INSERT")
    assert inserted["ResultConfiguration"]["OutputLocation"] == f"{output}{iid}"
    assert objects_of(iid) == [f"{iid}-manifest.csv", f"{iid}.metadata"]
    assert inserted["Statistics"]["DataManifestLocation"] == f"{output}{iid}-manifest.csv"
    assert len(body(f"{iid}-manifest.csv").decode().splitlines()) == 1
    assert athena.get_query_results(QueryExecutionId=iid)["UpdateCount"] == 2
    assert sorted(athena_rows_of(athena, "SELECT id FROM signups", database, output)) == ["1", "2", "3", "4"]

    failed = athena.start_query_execution(QueryString="SELECT missing_column FROM events",
                                          QueryExecutionContext={"Database": database},
                                          ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]
    status = ended(athena, failed)["Status"]
    assert status["State"] == "FAILED"
    assert status["StateChangeReason"].startswith("COLUMN_NOT_FOUND: line 1:8: Column 'missing_column' cannot be "
                                                  "resolved")
    assert objects_of(failed) == []


def athena_rows_of(athena, sql, database, output) -> list:
    query_id = athena_execution(athena, sql, database, output)["QueryExecutionId"]
    rows = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"][1:]
    return [row["Data"][0]["VarCharValue"] for row in rows]
