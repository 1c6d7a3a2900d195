"""A data engineer lands the same events as CSV, JSON lines and Parquet with awswrangler
and reads them back the way a pipeline does: CSV and JSON datasets partitioned by day and
read with partition_filter, Parquet metadata inferred from the files, stored into the Glue
catalog, and the table read back by name."""
import pandas as pd
import pytest

EVENTS = pd.DataFrame({"id": [1, 2, 3, 4, 5, 6], "kind": ["a", "b", "a", "c", "b", "a"],
                       "score": [0.5, 1.5, 2.5, 3.5, 4.5, 5.5],
                       "day": ["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03", "2024-01-03"]})


def test_csv_dataset_with_partition_filter(wr, session, bucket, database):
    written = wr.s3.to_csv(EVENTS, f"s3://{bucket}/csv/", dataset=True, partition_cols=["day"], index=False,
                           database=database, table="events_csv", boto3_session=session)
    assert sorted(written["partitions_values"]) == [
        f"s3://{bucket}/csv/day=2024-01-01/", f"s3://{bucket}/csv/day=2024-01-02/",
        f"s3://{bucket}/csv/day=2024-01-03/"]
    # registered in the catalog, the files carry no header row (Athena would read it as data)
    frame = wr.s3.read_csv(f"s3://{bucket}/csv/", dataset=True, boto3_session=session,
                           header=None, names=["id", "kind", "score"],
                           partition_filter=lambda p: p["day"] >= "2024-01-02")
    assert sorted(frame["id"].tolist()) == [3, 4, 5, 6]
    assert sorted(frame["day"].astype(str).unique().tolist()) == ["2024-01-02", "2024-01-03"]
    assert wr.catalog.get_table_types(database, "events_csv", boto3_session=session) == {
        "id": "bigint", "kind": "string", "score": "double", "day": "string"}
    counted = wr.athena.read_sql_query("SELECT day, count(*) AS n FROM events_csv GROUP BY day ORDER BY day",
                                       database=database, ctas_approach=False, boto3_session=session,
                                       s3_output=f"s3://{bucket}/athena/")
    assert list(zip(counted["day"], counted["n"])) == [("2024-01-01", 2), ("2024-01-02", 2), ("2024-01-03", 2)]


def test_json_lines_dataset(wr, session, bucket, database):
    wr.s3.to_json(EVENTS, f"s3://{bucket}/json/", dataset=True, partition_cols=["day"], orient="records", index=False,
                  lines=True, database=database, table="events_json", boto3_session=session)
    frame = wr.s3.read_json(f"s3://{bucket}/json/", dataset=True, lines=True, boto3_session=session,
                            partition_filter=lambda p: p["day"] == "2024-01-01")
    assert sorted(zip(frame["id"], frame["kind"])) == [(1, "a"), (2, "b")]
    assert wr.catalog.get_table_types(database, "events_json", boto3_session=session) == {
        "id": "bigint", "kind": "string", "score": "double", "day": "string"}
    found = wr.athena.read_sql_query("SELECT id, score FROM events_json WHERE kind = 'a' ORDER BY id",
                                     database=database, ctas_approach=False, boto3_session=session,
                                     s3_output=f"s3://{bucket}/athena/")
    assert list(zip(found["id"], found["score"])) == [(1, 0.5), (3, 2.5), (6, 5.5)]


def test_parquet_metadata_store_and_read_table(wr, session, bucket, database):
    wr.s3.to_parquet(EVENTS, f"s3://{bucket}/pq/", dataset=True, partition_cols=["day"], boto3_session=session)
    columns, partitions = wr.s3.read_parquet_metadata(f"s3://{bucket}/pq/", dataset=True, boto3_session=session)
    assert columns == {"id": "bigint", "kind": "string", "score": "double"}
    assert partitions == {"day": "string"}
    columns, partitions, values = wr.s3.store_parquet_metadata(
        f"s3://{bucket}/pq/", database=database, table="events_pq", dataset=True, boto3_session=session)
    assert columns == {"id": "bigint", "kind": "string", "score": "double"}
    assert sorted(values.values()) == [["2024-01-01"], ["2024-01-02"], ["2024-01-03"]]
    assert wr.catalog.get_partitions(database, "events_pq", boto3_session=session) == {
        f"s3://{bucket}/pq/day={d}/": [d] for d in ("2024-01-01", "2024-01-02", "2024-01-03")}
    frame = wr.s3.read_parquet_table(table="events_pq", database=database, boto3_session=session,
                                     partition_filter=lambda p: p["day"] != "2024-01-02")
    assert sorted(frame["id"].tolist()) == [1, 2, 5, 6]
    frame = wr.s3.read_parquet_table(table="events_pq", database=database, columns=["id"], boto3_session=session)
    assert sorted(frame["id"].tolist()) == [1, 2, 3, 4, 5, 6]
