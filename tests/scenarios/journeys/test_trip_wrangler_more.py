"""More of awswrangler's everyday surface: query parameters (pyformat and qmark), CTAS
tables, describe and show create table, partition filters in the catalog, schema
evolution on append, JSON datasets, table parameters."""
import pandas as pd
import pytest


@pytest.fixture
def events(wr, session, bucket, database):
    frame = pd.DataFrame({"id": [1, 2, 3, 4], "kind": ["view", "buy", "view", "view"],
                          "country": ["pt", "pt", "es", "fr"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/events/", dataset=True, database=database, table="events",
                     partition_cols=["country"], boto3_session=session)
    return "events"


def test_query_parameters(wr, session, bucket, database, events):
    common = {"database": database, "boto3_session": session, "s3_output": f"s3://{bucket}/athena/",
              "ctas_approach": False}
    frame = wr.athena.read_sql_query("SELECT id FROM events WHERE kind = :kind ORDER BY id",
                                     params={"kind": "view"}, **common)
    assert frame["id"].tolist() == [1, 3, 4]
    frame = wr.athena.read_sql_query("SELECT id FROM events WHERE kind = ? AND id > ? ORDER BY id",
                                     params=["'view'", "1"], paramstyle="qmark", **common)
    assert frame["id"].tolist() == [3, 4]


def test_ctas_and_describe(wr, session, bucket, database, events):
    made = wr.athena.create_ctas_table(
        sql="SELECT country, count(*) AS n FROM events GROUP BY country", database=database,
        ctas_table="events_by_country", s3_output=f"s3://{bucket}/ctas/", wait=True, boto3_session=session)
    assert made["ctas_table"] == "events_by_country"
    frame = wr.athena.read_sql_table("events_by_country", database=database, ctas_approach=False,
                                     s3_output=f"s3://{bucket}/athena/", boto3_session=session)
    assert sorted(zip(frame["country"], frame["n"])) == [("es", 1), ("fr", 1), ("pt", 2)]
    described = wr.athena.describe_table(table=events, database=database, s3_output=f"s3://{bucket}/athena/",
                                         boto3_session=session)
    assert described["Column Name"].tolist() == ["id", "kind", "country"]
    assert described["Type"].tolist() == ["bigint", "string", "string"]
    assert described["Partition"].tolist() == [False, False, True]
    ddl = wr.athena.show_create_table(table=events, database=database, s3_output=f"s3://{bucket}/athena/",
                                      boto3_session=session)
    assert ddl.startswith(f"CREATE EXTERNAL TABLE `{database}`.`events`(") and "PARTITIONED BY" in ddl
    types = wr.athena.get_query_columns_types(
        wr.athena.start_query_execution("SELECT id, kind FROM events", database=database, wait=True,
                                        s3_output=f"s3://{bucket}/athena/", boto3_session=session)["QueryExecutionId"],
        boto3_session=session)
    assert types == {"id": "bigint", "kind": "varchar"}


def test_partition_filters_and_parameters(wr, session, bucket, database, events):
    found = wr.catalog.get_partitions(database=database, table=events, expression="country IN ('pt', 'fr')",
                                      boto3_session=session)
    assert sorted(values[0] for values in found.values()) == ["fr", "pt"]
    wr.catalog.upsert_table_parameters(parameters={"team": "growth"}, database=database, table=events,
                                       boto3_session=session)
    assert wr.catalog.get_table_parameters(database=database, table=events, boto3_session=session)["team"] == "growth"
    wr.catalog.overwrite_table_parameters(parameters={"team": "core"}, database=database, table=events,
                                          boto3_session=session)
    assert wr.catalog.get_table_parameters(database=database, table=events, boto3_session=session) == {"team": "core"}


def test_schema_evolution_on_append(wr, session, bucket, database, events):
    wider = pd.DataFrame({"id": [5], "kind": ["buy"], "amount": [9.99], "country": ["es"]})
    wr.s3.to_parquet(wider, f"s3://{bucket}/events/", dataset=True, database=database, table=events,
                     partition_cols=["country"], mode="append", schema_evolution=True, boto3_session=session)
    assert wr.catalog.get_table_types(database=database, table=events, boto3_session=session)["amount"] == "double"
    frame = wr.athena.read_sql_query("SELECT id, amount FROM events WHERE country = 'es' ORDER BY id",
                                     database=database, ctas_approach=False, boto3_session=session,
                                     s3_output=f"s3://{bucket}/athena/")
    assert frame["id"].tolist() == [3, 5]
    assert pd.isna(frame["amount"].iloc[0]) and frame["amount"].iloc[1] == 9.99


def test_json_dataset(wr, session, bucket, database):
    frame = pd.DataFrame({"id": [1, 2, 3], "name": ["a", "b", "c"], "dt": ["d1", "d1", "d2"]})
    wr.s3.to_json(frame, f"s3://{bucket}/json/", dataset=True, database=database, table="people",
                  partition_cols=["dt"], boto3_session=session, orient="records", lines=True, index=False)
    got = wr.athena.read_sql_query("SELECT dt, count(*) AS n FROM people GROUP BY dt ORDER BY dt",
                                   database=database, ctas_approach=False, boto3_session=session,
                                   s3_output=f"s3://{bucket}/athena/")
    assert got.to_dict("records") == [{"dt": "d1", "n": 2}, {"dt": "d2", "n": 1}]
    back = wr.s3.read_json(f"s3://{bucket}/json/", dataset=True, lines=True, boto3_session=session)
    assert sorted(back["id"].tolist()) == [1, 2, 3]
