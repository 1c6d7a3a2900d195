"""A dashboard backend on awswrangler over a projected table: the dataset is written
with partition projection settings (an enum region, a daily date), so no partition is
ever registered; the backend's parameterised queries are prepared statements made and
listed with awswrangler and run with qmark parameters; it inspects what ran (column
types of a result, the workgroup's executions in one batch) and reads a cached result
with athena_cache_settings instead of running a repeated query again."""
import uuid

import pandas as pd
import pytest


@pytest.fixture
def workgroup(client, bucket):
    athena = client("athena")
    name = f"dash-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=name, Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/dash/"}})
    yield name
    athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def test_projected_table_with_prepared_queries(wr, client, session, bucket, database, workgroup):
    opts = {"boto3_session": session}
    days = pd.date_range("2024-03-01", periods=4).strftime("%Y-%m-%d")
    frame = pd.DataFrame([{"region": region, "dt": day, "page": page, "views": views}
                          for region in ("eu", "us") for day in days
                          for page, views in (("/", 10), ("/pricing", 3 if region == "eu" else 5))])
    wr.s3.to_parquet(frame, f"s3://{bucket}/views/", dataset=True, database=database, table="views",
                     partition_cols=["region", "dt"], athena_partition_projection_settings={
                         "projection_types": {"region": "enum", "dt": "date"},
                         "projection_values": {"region": "eu,us"},
                         "projection_ranges": {"dt": "2024-03-01,2024-03-31"},
                         "projection_formats": {"dt": "yyyy-MM-dd"}},
                     glue_table_settings={"regular_partitions": False}, **opts)
    parameters = wr.catalog.get_table_parameters(database=database, table="views", **opts)
    assert parameters["projection.enabled"] == "true"
    assert parameters["projection.region.values"] == "eu,us"
    assert client("glue").get_partitions(DatabaseName=database, TableName="views")["Partitions"] == []

    got = wr.athena.read_sql_query("SELECT region, sum(views) AS views FROM views WHERE dt BETWEEN '2024-03-02' "
                                   "AND '2024-03-03' GROUP BY region ORDER BY region", database=database,
                                   ctas_approach=False, workgroup=workgroup, **opts)
    assert got.values.tolist() == [["eu", 26], ["us", 30]]

    wr.athena.create_prepared_statement("SELECT page, sum(views) AS views FROM views WHERE region = ? AND dt >= ? "
                                        "GROUP BY page ORDER BY page", statement_name="views_since",
                                        workgroup=workgroup, **opts)
    listed = wr.athena.list_prepared_statements(workgroup=workgroup, **opts)
    assert [s["StatementName"] for s in listed] == ["views_since"]
    got = wr.athena.read_sql_query("EXECUTE views_since", database=database, ctas_approach=False,
                                   workgroup=workgroup, params=["'us'", "'2024-03-04'"], paramstyle="qmark", **opts)
    assert got.values.tolist() == [["/", 10], ["/pricing", 5]]
    wr.athena.delete_prepared_statement("views_since", workgroup=workgroup, **opts)
    assert wr.athena.list_prepared_statements(workgroup=workgroup, **opts) == []

    query_id = wr.athena.start_query_execution("SELECT dt, count(DISTINCT page) AS pages, max(views) AS top FROM views "
                                               "WHERE region = 'eu' GROUP BY dt", database=database,
                                               workgroup=workgroup, wait=False, **opts)
    wr.athena.wait_query(query_id, **opts)
    assert wr.athena.get_query_columns_types(query_id, **opts) == {"dt": "varchar", "pages": "bigint",
                                                                   "top": "bigint"}
    ran = wr.athena.list_query_executions(workgroup=workgroup, **opts)
    assert query_id in ran
    executions = wr.athena.get_query_executions(ran, **opts)
    assert set(executions["QueryExecutionId"]) == set(ran)
    assert set(executions["Status.State"]) == {"SUCCEEDED"}             # json_normalize's flattened columns

    sql = "SELECT count(*) AS n FROM views WHERE region = 'us'"
    first = wr.athena.read_sql_query(sql, database=database, ctas_approach=False, workgroup=workgroup, **opts)
    before = len(wr.athena.list_query_executions(workgroup=workgroup, **opts))
    cached = wr.athena.read_sql_query(sql, database=database, ctas_approach=False, workgroup=workgroup,
                                      athena_cache_settings={"max_cache_seconds": 900}, **opts)
    assert first["n"].tolist() == cached["n"].tolist() == [8]
    assert len(wr.athena.list_query_executions(workgroup=workgroup, **opts)) == before    # answered from cache
