"""An analytics engineer maintains Athena tables with awswrangler's helpers: files landed
outside the catalog are picked up with repair_table, a table's DDL is regenerated from Glue
(generate_create_query) and replayed in a second database, a view made in Athena is
turned back into its CREATE VIEW, a saved (named) query is fetched and run, and the
results of earlier executions are read back by id and listed."""
import pandas as pd
import pytest


@pytest.fixture
def athena_kwargs(bucket, session):
    return {"s3_output": f"s3://{bucket}/athena/", "boto3_session": session}


@pytest.fixture
def trips(wr, session, bucket, database, athena_kwargs):
    frame = pd.DataFrame({"trip": [1, 2, 3, 4], "km": [2.5, 7.0, 1.25, 9.5], "city": ["lis", "lis", "opo", "fao"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/trips/", dataset=True, partition_cols=["city"], boto3_session=session)
    wr.catalog.create_parquet_table(database=database, table="trips", path=f"s3://{bucket}/trips/",
                                    columns_types={"trip": "bigint", "km": "double"},
                                    partitions_types={"city": "string"}, boto3_session=session,
                                    columns_comments={"km": "distance"})
    return "trips"


def test_repair_and_describe(wr, session, database, trips, athena_kwargs):
    assert wr.catalog.get_partitions(database, trips, boto3_session=session) == {}
    assert wr.athena.repair_table(trips, database=database, **athena_kwargs) == "SUCCEEDED"
    assert sorted(v[0] for v in wr.catalog.get_partitions(database, trips, boto3_session=session).values()) == [
        "fao", "lis", "opo"]
    frame = wr.athena.read_sql_query("SELECT city, sum(km) AS km FROM trips GROUP BY city ORDER BY city",
                                     database=database, ctas_approach=False, **athena_kwargs)
    assert list(zip(frame["city"], frame["km"])) == [("fao", 9.5), ("lis", 9.5), ("opo", 1.25)]
    described = wr.athena.describe_table(trips, database=database, **athena_kwargs)
    assert described.to_dict("list") == {"Column Name": ["trip", "km", "city"], "Type": ["bigint", "double", "string"],
                                         "Partition": [False, False, True], "Comment": ["", "distance", ""]}


def test_generated_ddl_replays(wr, session, bucket, database, trips, athena_kwargs, fresh_database):
    ddl = wr.athena.generate_create_query(trips, database=database, boto3_session=session)
    assert ddl.startswith("CREATE EXTERNAL TABLE `trips`(\n  `trip` bigint, \n  `km` double COMMENT 'distance')\n"
                          "PARTITIONED BY ( \n  `city` string)\nROW FORMAT SERDE \n"
                          "  'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' \n")
    assert f"LOCATION\n  's3://{bucket}/trips/'\nTBLPROPERTIES (\n" in ddl
    copy = fresh_database("trip")
    wr.athena.start_query_execution(ddl, database=copy, wait=True, **athena_kwargs)
    wr.athena.repair_table(trips, database=copy, **athena_kwargs)
    frame = wr.athena.read_sql_query("SELECT count(*) AS n FROM trips", database=copy, ctas_approach=False,
                                     **athena_kwargs)
    assert frame["n"].tolist() == [4]


def test_view_named_query_and_results(wr, session, client, database, trips, athena_kwargs):
    wr.athena.repair_table(trips, database=database, **athena_kwargs)
    wr.athena.start_query_execution("CREATE VIEW long_trips AS SELECT trip, km FROM trips WHERE km > 5",
                                    database=database, wait=True, **athena_kwargs)
    assert wr.athena.generate_create_query("long_trips", database=database, boto3_session=session) == (
        'CREATE OR REPLACE VIEW "long_trips" AS \nSELECT trip, km FROM trips WHERE km > 5')
    athena = client("athena")
    named = athena.create_named_query(Name="long trips", Database=database,
                                      QueryString="SELECT trip FROM long_trips ORDER BY trip")["NamedQueryId"]
    statement = wr.athena.get_named_query_statement(named, boto3_session=session)
    assert statement == "SELECT trip FROM long_trips ORDER BY trip"
    query_id = wr.athena.start_query_execution(statement, database=database, wait=True, **athena_kwargs)[
        "QueryExecutionId"]
    results = wr.athena.get_query_results(query_id, boto3_session=session)
    assert results["trip"].tolist() == [2, 4]
    listed = wr.athena.list_query_executions(boto3_session=session)
    assert query_id in listed
    assert wr.athena.list_query_executions(workgroup="primary", max_results=2, boto3_session=session) == listed[:2]
    athena.delete_named_query(NamedQueryId=named)
