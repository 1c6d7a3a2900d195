"""A team's Athena workgroup as a platform engineer sets it up and analysts use it: the
workgroup enforces its output location (a client's own OutputLocation is overridden)
and a per-query scan limit that cancels a full scan of the big events table; the
analysts' saved queries are named queries, their parameterised ones prepared statements
(PREPARE in SQL and CreatePreparedStatement, run with EXECUTE ... USING and with
ExecutionParameters); results are paged with MaxResults; the catalog is named in the
query context; a repeated dashboard query is answered from result reuse."""
import uuid

import pytest

from trip_helpers import wait_for

CUTOFF = 10_000_000
EVENTS = 220_000                 # about 13 MB of CSV: over the workgroup's cutoff
COUNTRIES = ["de", "fr", "pt", "us"]


def finish(athena, query_id) -> dict:
    def finished():
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        return execution if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED") else None
    return wait_for(finished, timeout=120)


def start(athena, sql, workgroup, database=None, **extra) -> dict:
    context = {"Catalog": "AwsDataCatalog", **({"Database": database} if database else {})}
    query_id = athena.start_query_execution(QueryString=sql, WorkGroup=workgroup, QueryExecutionContext=context,
                                            **extra)["QueryExecutionId"]
    return finish(athena, query_id)


def succeeded(athena, sql, workgroup, database=None, **extra) -> tuple[dict, list]:
    execution = start(athena, sql, workgroup, database, **extra)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    pages = athena.get_paginator("get_query_results").paginate(QueryExecutionId=execution["QueryExecutionId"])
    rows = [[c.get("VarCharValue") for c in r["Data"]] for page in pages for r in page["ResultSet"]["Rows"]]
    return execution, rows[1:]


@pytest.fixture
def lake(client, bucket, database):
    """A big CSV events table (over the cutoff) and a small per-country targets table."""
    s3, athena = client("s3"), client("athena")
    lines = [f"{i},{COUNTRIES[i % 4]},{i % 100},padding-to-make-the-file-bigger-{i:08d}" for i in range(EVENTS)]
    s3.put_object(Bucket=bucket, Key="events/part-0.csv", Body=("\n".join(lines) + "\n").encode())
    s3.put_object(Bucket=bucket, Key="targets/targets.csv", Body=b"de,1000\nfr,2000\npt,500\nus,9000\n")
    setup = f"setup-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=setup, Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/setup/"}})
    for ddl in (f"CREATE EXTERNAL TABLE events (id bigint, country string, amount int, note string) "
                f"ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/events/'",
                f"CREATE EXTERNAL TABLE targets (country string, target int) "
                f"ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/targets/'"):
        succeeded(athena, ddl, setup, database)
    yield sum(o["Size"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="events/")["Contents"])
    athena.delete_work_group(WorkGroup=setup, RecursiveDeleteOption=True)


@pytest.fixture
def team(client, bucket):
    athena = client("athena")
    name = f"analysts-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=name, Description="analyst team", Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/team-results/",
                                "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}},
        "EnforceWorkGroupConfiguration": True, "BytesScannedCutoffPerQuery": CUTOFF,
        "EngineVersion": {"SelectedEngineVersion": "Athena engine version 3"}})
    yield name
    athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def test_workgroup_enforces_output_and_cuts_off_a_full_scan(client, bucket, database, lake, team):
    athena, s3 = client("athena"), client("s3")
    assert lake > CUTOFF
    group = athena.get_work_group(WorkGroup=team)["WorkGroup"]
    assert group["State"] == "ENABLED"
    assert group["Configuration"]["BytesScannedCutoffPerQuery"] == CUTOFF

    execution, rows = succeeded(athena, "SELECT country, target FROM targets ORDER BY target DESC", team, database,
                                ResultConfiguration={"OutputLocation": f"s3://{bucket}/my-own-place/"})
    assert rows == [["us", "9000"], ["fr", "2000"], ["de", "1000"], ["pt", "500"]]
    query_id = execution["QueryExecutionId"]
    assert execution["ResultConfiguration"]["OutputLocation"] == f"s3://{bucket}/team-results/{query_id}.csv"
    assert execution["QueryExecutionContext"] == {"Database": database, "Catalog": "awsdatacatalog"}
    assert execution["WorkGroup"] == team
    assert s3.head_object(Bucket=bucket, Key=f"team-results/{query_id}.csv")["ServerSideEncryption"] == "AES256"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="my-own-place/")

    cut = start(athena, "SELECT country, sum(amount) FROM events GROUP BY country", team, database)
    assert cut["Status"]["State"] == "CANCELLED"
    assert cut["Status"]["StateChangeReason"] == "Query cancelled! Bytes scanned limit was exceeded"
    assert CUTOFF < cut["Statistics"]["DataScannedInBytes"] <= lake

    athena.update_work_group(WorkGroup=team, ConfigurationUpdates={"RemoveBytesScannedCutoffPerQuery": True})
    assert "BytesScannedCutoffPerQuery" not in athena.get_work_group(WorkGroup=team)["WorkGroup"]["Configuration"]
    _, rows = succeeded(athena, "SELECT country, count(*), sum(amount) FROM events GROUP BY country ORDER BY country",
                        team, database)
    per_country = EVENTS // 4
    assert [r[:2] for r in rows] == [[c, str(per_country)] for c in COUNTRIES]
    assert sum(int(r[2]) for r in rows) == sum(i % 100 for i in range(EVENTS))

    listed = athena.list_query_executions(WorkGroup=team)["QueryExecutionIds"]
    assert {query_id, cut["QueryExecutionId"]} <= set(listed)


def test_saved_and_parameterised_queries(client, bucket, database, lake, team):
    athena = client("athena")
    athena.update_work_group(WorkGroup=team, ConfigurationUpdates={"RemoveBytesScannedCutoffPerQuery": True})
    saved = athena.create_named_query(
        Name="targets over", Database=database, WorkGroup=team, Description="countries above a target",
        QueryString="SELECT country FROM targets WHERE target > ? ORDER BY country")["NamedQueryId"]
    named = athena.get_named_query(NamedQueryId=saved)["NamedQuery"]
    assert (named["Name"], named["Database"], named["WorkGroup"]) == ("targets over", database, team)
    assert athena.list_named_queries(WorkGroup=team)["NamedQueryIds"] == [saved]
    _, rows = succeeded(athena, named["QueryString"], team, database, ExecutionParameters=["1500"])
    assert rows == [["fr"], ["us"]]

    succeeded(athena, "PREPARE by_country FROM SELECT count(*), max(id) FROM events WHERE country = ? AND amount < ?",
              team, database)
    _, rows = succeeded(athena, "EXECUTE by_country USING 'pt', 10", team, database)
    matching = [i for i in range(EVENTS) if COUNTRIES[i % 4] == "pt" and i % 100 < 10]
    assert rows == [[str(len(matching)), str(max(matching))]]
    _, rows = succeeded(athena, "EXECUTE by_country", team, database, ExecutionParameters=["'de'", "1"])
    matching = [i for i in range(EVENTS) if COUNTRIES[i % 4] == "de" and i % 100 < 1]
    assert rows == [[str(len(matching)), str(max(matching))]]

    athena.create_prepared_statement(StatementName="target_of", WorkGroup=team, Description="one target",
                                     QueryStatement="SELECT target FROM targets WHERE country = ?")
    statement = athena.get_prepared_statement(StatementName="target_of", WorkGroup=team)["PreparedStatement"]
    assert statement["QueryStatement"] == "SELECT target FROM targets WHERE country = ?"
    names = {s["StatementName"] for s in athena.list_prepared_statements(WorkGroup=team)["PreparedStatements"]}
    assert names == {"by_country", "target_of"}
    _, rows = succeeded(athena, "EXECUTE target_of USING 'us'", team, database)
    assert rows == [["9000"]]
    succeeded(athena, "DEALLOCATE PREPARE target_of", team, database)
    code = athena.exceptions.ResourceNotFoundException
    with pytest.raises(code):
        athena.get_prepared_statement(StatementName="target_of", WorkGroup=team)


def test_paged_results_and_result_reuse(client, bucket, database, lake, team):
    athena = client("athena")
    athena.update_work_group(WorkGroup=team, ConfigurationUpdates={"RemoveBytesScannedCutoffPerQuery": True})
    sql = "SELECT id, country FROM events WHERE id < 25 ORDER BY id"
    execution, _ = succeeded(athena, sql, team, database)
    query_id = execution["QueryExecutionId"]
    pages, token = [], None
    while True:
        page = athena.get_query_results(QueryExecutionId=query_id, MaxResults=10,
                                        **({"NextToken": token} if token else {}))
        pages.append([[c.get("VarCharValue") for c in r["Data"]] for r in page["ResultSet"]["Rows"]])
        token = page.get("NextToken")
        if not token:
            break
    assert [len(p) for p in pages] == [10, 10, 6]
    assert pages[0][0] == ["id", "country"]
    assert [r[0] for p in pages for r in p][1:] == [str(i) for i in range(25)]

    reuse = {"ResultReuseConfiguration": {"ResultReuseByAgeConfiguration": {"Enabled": True, "MaxAgeInMinutes": 60}}}
    first, first_rows = succeeded(athena, "SELECT country, max(target) FROM targets GROUP BY country ORDER BY 1",
                                  team, database, **reuse)
    again, again_rows = succeeded(athena, "SELECT country, max(target) FROM targets GROUP BY country ORDER BY 1",
                                  team, database, **reuse)
    assert again_rows == first_rows == [["de", "1000"], ["fr", "2000"], ["pt", "500"], ["us", "9000"]]
    assert first["Statistics"]["ResultReuseInformation"] == {"ReusedPreviousResult": False}
    assert again["Statistics"]["ResultReuseInformation"] == {"ReusedPreviousResult": True}
    assert again["Statistics"]["DataScannedInBytes"] == 0
    assert again["ResultConfiguration"]["OutputLocation"] == first["ResultConfiguration"]["OutputLocation"]
