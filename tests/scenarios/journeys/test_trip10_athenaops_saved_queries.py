"""An analytics team keeps its saved-query library as Athena named queries in its own
work group, synced from a Git repository by a script: the script creates each query
with a ClientRequestToken derived from its file (a rerun of the sync creates nothing
twice), lists the work group's queries page by page, fetches them in batches of up to
50 with BatchGetNamedQuery (ids deleted meanwhile come back as UnprocessedNamedQueryIds,
the others as NamedQueries), updates a changed one, deletes a removed one, and finally
runs one of them as a query. Another work group sees none of them; a work group that does
not exist is "WorkGroup is not found.". Facts: the Athena API reference (CreateNamedQuery,
BatchGetNamedQuery, ListNamedQueries, UpdateNamedQuery) and replies recorded from Athena."""
import hashlib
import uuid

import pytest

from athenaops_helpers import athena_refusal as refusal, ended
from trip_helpers import wait_for

LIBRARY = {f"report_{n:02d}.sql": f"SELECT {n} AS report, count(*) AS n FROM orders" for n in range(7)}


@pytest.fixture
def groups(client, bucket):
    athena = client("athena")
    names = [f"{kind}-{uuid.uuid4().hex[:8]}" for kind in ("analytics", "finance")]
    for name in names:
        athena.create_work_group(Name=name, Configuration={
            "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/{name}/"}})
    yield names
    for name in names:
        athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def test_saved_query_library_sync(client, bucket, database, groups):
    athena, s3 = client("athena"), client("s3")
    analytics, finance = groups
    s3.put_object(Bucket=bucket, Key="orders/orders.csv", Body=b"1\n2\n3\n")

    def sync():
        made = {}
        for path, sql in LIBRARY.items():
            token = hashlib.sha256(f"{analytics}/{path}".encode()).hexdigest()
            made[path] = athena.create_named_query(Name=path.removesuffix(".sql"), Description=f"from git: {path}",
                                                   Database=database, QueryString=sql, WorkGroup=analytics,
                                                   ClientRequestToken=token)["NamedQueryId"]
        return made

    ids = sync()
    assert sync() == ids                       # the rerun creates nothing new
    assert len(set(ids.values())) == len(LIBRARY)

    pages = list(athena.get_paginator("list_named_queries").paginate(
        WorkGroup=analytics, PaginationConfig={"PageSize": 3}))
    assert [len(page["NamedQueryIds"]) for page in pages] == [3, 3, 1]
    assert sorted(i for page in pages for i in page["NamedQueryIds"]) == sorted(ids.values())
    assert athena.list_named_queries(WorkGroup=finance)["NamedQueryIds"] == []
    assert refusal(athena.list_named_queries, WorkGroup="no-such-team") == (
        "InvalidRequestException", "INVALID_INPUT", "WorkGroup is not found.")

    one = athena.get_named_query(NamedQueryId=ids["report_03.sql"])["NamedQuery"]
    assert one == {"Name": "report_03", "Description": "from git: report_03.sql", "Database": database,
                   "QueryString": LIBRARY["report_03.sql"], "NamedQueryId": ids["report_03.sql"],
                   "WorkGroup": analytics}

    # report_05 was removed from Git; report_01 changed.
    athena.delete_named_query(NamedQueryId=ids["report_05.sql"])
    athena.update_named_query(NamedQueryId=ids["report_01.sql"], Name="report_01",
                              QueryString="SELECT 1 AS report, sum(c) AS n FROM orders AS t(c)",
                              Description="from git: report_01.sql (v2)")
    batch = athena.batch_get_named_query(NamedQueryIds=list(ids.values()))
    assert sorted(q["Name"] for q in batch["NamedQueries"]) == [
        "report_00", "report_01", "report_02", "report_03", "report_04", "report_06"]
    assert [u["NamedQueryId"] for u in batch["UnprocessedNamedQueryIds"]] == [ids["report_05.sql"]]
    changed = next(q for q in batch["NamedQueries"] if q["Name"] == "report_01")
    assert (changed["QueryString"], changed["Description"]) == (
        "SELECT 1 AS report, sum(c) AS n FROM orders AS t(c)", "from git: report_01.sql (v2)")
    code, athena_error, message = refusal(athena.get_named_query, NamedQueryId=ids["report_05.sql"])
    assert (code, athena_error) == ("InvalidRequestException", "INVALID_INPUT")
    assert ids["report_05.sql"] in message

    # The dashboard runs a saved query by its text, in the team's work group.
    athena.start_query_execution(
        QueryString="CREATE EXTERNAL TABLE orders (c int) LOCATION 's3://" + bucket + "/orders/'",
        WorkGroup=analytics, QueryExecutionContext={"Database": database})
    wait_for(lambda: "orders" in [t["Name"] for t in athena.list_table_metadata(
        CatalogName="AwsDataCatalog", DatabaseName=database)["TableMetadataList"]])
    query_id = athena.start_query_execution(QueryString=changed["QueryString"], WorkGroup=analytics,
                                            QueryExecutionContext={"Database": changed["Database"]})[
        "QueryExecutionId"]
    execution = ended(athena, query_id)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert execution["ResultConfiguration"]["OutputLocation"] == f"s3://{bucket}/{analytics}/{query_id}.csv"
    rows = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
    assert [[c["VarCharValue"] for c in row["Data"]] for row in rows] == [["report", "n"], ["1", "6"]]
