"""A data engineer tidies a raw landing bucket with awswrangler's less-used S3 helpers:
S3 Select over CSV/JSON/Parquet (plain and gzip), copy and merge datasets, describe and
size objects, wait for them, list directories, and delete by last-modified window."""
import datetime
import gzip
import io
import json

import pandas as pd
import pytest


@pytest.fixture
def landing(wr, session, bucket, client):
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="raw/a.csv", Body=b"id,name,amount\n1,ana,10.5\n2,bo,3\n3,cy,7\n")
    s3.put_object(Bucket=bucket, Key="raw/b.csv.gz",
                  Body=gzip.compress(b"id,name,amount\n4,di,1\n5,ed,2\n"))
    s3.put_object(Bucket=bucket, Key="raw/c.json",
                  Body=b'{"id": 1, "tag": "x"}\n{"id": 2, "tag": "y"}\n{"id": 3, "tag": "x"}\n')
    return bucket


def test_select_query_csv_json_parquet(wr, session, landing, bucket):
    frame = wr.s3.select_query(
        sql="SELECT s.id, s.name FROM s3object s WHERE CAST(s.amount AS FLOAT) > 5",
        path=f"s3://{bucket}/raw/a.csv", input_serialization="CSV",
        input_serialization_params={"FileHeaderInfo": "Use", "RecordDelimiter": "\n"},
        boto3_session=session)
    assert frame.values.tolist() == [["1", "ana"], ["3", "cy"]]
    frame = wr.s3.select_query(
        sql="SELECT * FROM s3object", path=f"s3://{bucket}/raw/b.csv.gz", input_serialization="CSV",
        input_serialization_params={"FileHeaderInfo": "Use"}, compression="gzip", boto3_session=session)
    assert frame.values.tolist() == [["4", "di", "1"], ["5", "ed", "2"]]
    frame = wr.s3.select_query(
        sql="SELECT s.id FROM s3object s WHERE s.tag = 'x'", path=f"s3://{bucket}/raw/c.json",
        input_serialization="JSON", input_serialization_params={"Type": "LINES"}, boto3_session=session)
    assert frame["id"].tolist() == [1, 3]
    wr.s3.to_parquet(pd.DataFrame({"id": [1, 2, 3], "v": ["a", "b", "c"]}),
                     f"s3://{bucket}/pq/data.parquet", boto3_session=session)
    frame = wr.s3.select_query(
        sql="SELECT s.v FROM s3object s WHERE s.id >= 2", path=f"s3://{bucket}/pq/data.parquet",
        input_serialization="Parquet", input_serialization_params={}, boto3_session=session)
    assert frame["v"].tolist() == ["b", "c"]
    frame = wr.s3.select_query(
        sql="SELECT COUNT(*) FROM s3object", path=f"s3://{bucket}/pq/data.parquet",
        input_serialization="Parquet", input_serialization_params={}, boto3_session=session)
    assert frame.values.tolist() == [[3]]


def test_describe_size_wait_and_directories(wr, session, landing, bucket):
    described = wr.s3.describe_objects(f"s3://{bucket}/raw/", boto3_session=session)
    assert sorted(described) == [f"s3://{bucket}/raw/a.csv", f"s3://{bucket}/raw/b.csv.gz",
                                 f"s3://{bucket}/raw/c.json"]
    assert described[f"s3://{bucket}/raw/a.csv"]["ContentLength"] == 40
    sizes = wr.s3.size_objects(f"s3://{bucket}/raw/", boto3_session=session)
    assert sizes[f"s3://{bucket}/raw/a.csv"] == 40
    assert sizes[f"s3://{bucket}/raw/c.json"] == 66
    wr.s3.wait_objects_exist([f"s3://{bucket}/raw/a.csv", f"s3://{bucket}/raw/c.json"],
                             delay=1, max_attempts=2, boto3_session=session)
    wr.s3.wait_objects_not_exist([f"s3://{bucket}/raw/none.csv"], delay=1, max_attempts=2,
                                 boto3_session=session)
    assert wr.s3.does_object_exist(f"s3://{bucket}/raw/a.csv", boto3_session=session) is True
    assert wr.s3.does_object_exist(f"s3://{bucket}/raw/nope.csv", boto3_session=session) is False
    wr.s3.to_csv(pd.DataFrame({"x": [1]}), f"s3://{bucket}/tree/one/f.csv", index=False, boto3_session=session)
    wr.s3.to_csv(pd.DataFrame({"x": [2]}), f"s3://{bucket}/tree/two/g.csv", index=False, boto3_session=session)
    assert wr.s3.list_directories(f"s3://{bucket}/", boto3_session=session) == [
        f"s3://{bucket}/raw/", f"s3://{bucket}/tree/"]
    assert wr.s3.list_directories(f"s3://{bucket}/tree/", boto3_session=session) == [
        f"s3://{bucket}/tree/one/", f"s3://{bucket}/tree/two/"]


def test_copy_merge_and_delete_by_time(wr, session, bucket, client):
    frame = pd.DataFrame({"id": [1, 2, 3], "day": ["d1", "d1", "d2"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/stage/", dataset=True, partition_cols=["day"], boto3_session=session)
    staged = sorted(wr.s3.list_objects(f"s3://{bucket}/stage/", boto3_session=session))
    copied = wr.s3.copy_objects(staged, source_path=f"s3://{bucket}/stage/",
                                target_path=f"s3://{bucket}/copy/", boto3_session=session)
    assert sorted(copied) == [p.replace("/stage/", "/copy/") for p in staged]
    merged = wr.s3.merge_datasets(source_path=f"s3://{bucket}/stage/", target_path=f"s3://{bucket}/prod/",
                                  mode="append", boto3_session=session)
    assert sorted(merged) == [p.replace("/stage/", "/prod/") for p in staged]
    wr.s3.to_parquet(pd.DataFrame({"id": [9], "day": ["d2"]}), f"s3://{bucket}/stage2/", dataset=True,
                     partition_cols=["day"], boto3_session=session)
    wr.s3.merge_datasets(source_path=f"s3://{bucket}/stage2/", target_path=f"s3://{bucket}/prod/",
                         mode="overwrite_partitions", boto3_session=session)
    prod = wr.s3.read_parquet(f"s3://{bucket}/prod/", dataset=True, boto3_session=session)
    assert sorted(zip(prod["id"].tolist(), prod["day"].astype(str).tolist())) == [(1, "d1"), (2, "d1"), (9, "d2")]
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    wr.s3.delete_objects(f"s3://{bucket}/copy/", last_modified_begin=future, boto3_session=session)
    assert len(wr.s3.list_objects(f"s3://{bucket}/copy/", boto3_session=session)) == 2
    wr.s3.delete_objects(f"s3://{bucket}/copy/", last_modified_begin=past, last_modified_end=future,
                         boto3_session=session)
    assert wr.s3.list_objects(f"s3://{bucket}/copy/", boto3_session=session) == []


def test_select_parquet_by_time(wr, session, bucket):
    """pandas writes its datetimes as NANOS Parquet timestamps; S3 Select compares them
    with a TIMESTAMP like MILLIS or MICROS ones (S3 User Guide, "Supported Parquet types")."""
    frame = pd.DataFrame({"id": [1, 2, 3], "at": pd.to_datetime(
        ["2024-01-01 10:00:00", "2024-03-01 08:30:00", "2024-06-30 23:59:59.500"], format="ISO8601")})
    wr.s3.to_parquet(frame, f"s3://{bucket}/times/part.parquet", boto3_session=session)
    later = wr.s3.select_query(
        sql="SELECT s.id FROM s3object s WHERE s.\"at\" > CAST('2024-02-01T00:00Z' AS TIMESTAMP)",
        path=f"s3://{bucket}/times/part.parquet", input_serialization="Parquet", input_serialization_params={},
        boto3_session=session)
    assert later["id"].tolist() == [2, 3]
    hours = wr.s3.select_query(
        sql="SELECT s.id, EXTRACT(HOUR FROM s.\"at\") AS h FROM s3object s "
            "WHERE s.\"at\" BETWEEN TO_TIMESTAMP('2024-01-01T') AND TO_TIMESTAMP('2024-03-31T')",
        path=f"s3://{bucket}/times/part.parquet", input_serialization="Parquet", input_serialization_params={},
        boto3_session=session)
    assert hours.values.tolist() == [[1, 10], [2, 8]]
