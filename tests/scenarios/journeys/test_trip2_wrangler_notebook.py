"""A notebook session with awswrangler's S3 functions: a partitioned Parquet dataset kept
fresh with overwrite_partitions, read back with partition_filter and column projection,
inspected with list/describe/size/metadata, exported to CSV and JSON lines and read back,
copied to an archive with merge_datasets, and cleaned up. (S3 Select, closed to new AWS
customers since 2024, is left out.)"""
import pandas as pd
import pytest


def sales(day, rows):
    return pd.DataFrame({"sku": [r[0] for r in rows], "qty": [r[1] for r in rows],
                         "price": [r[2] for r in rows], "day": [day] * len(rows)})


@pytest.fixture
def dataset(wr, session, bucket):
    path = f"s3://{bucket}/sales/"
    first = pd.concat([sales("2024-07-01", [("a", 1, 2.5), ("b", 4, 1.0)]),
                       sales("2024-07-02", [("a", 2, 2.5), ("c", 1, 9.0)])])
    wr.s3.to_parquet(first, path, dataset=True, partition_cols=["day"], mode="overwrite", boto3_session=session)
    late = pd.concat([sales("2024-07-02", [("a", 3, 2.5), ("c", 2, 9.0), ("d", 1, 4.0)]),
                      sales("2024-07-03", [("b", 6, 1.0)])])
    wr.s3.to_parquet(late, path, dataset=True, partition_cols=["day"], mode="overwrite_partitions",
                     boto3_session=session)
    return path


def test_partitions_are_replaced_filtered_and_projected(wr, session, bucket, dataset):
    everything = wr.s3.read_parquet(dataset, dataset=True, boto3_session=session)
    assert sorted(zip(everything["day"].astype(str), everything["sku"], everything["qty"])) == [
        ("2024-07-01", "a", 1), ("2024-07-01", "b", 4),
        ("2024-07-02", "a", 3), ("2024-07-02", "c", 2), ("2024-07-02", "d", 1), ("2024-07-03", "b", 6)]
    recent = wr.s3.read_parquet(dataset, dataset=True, columns=["sku", "qty"], boto3_session=session,
                                partition_filter=lambda p: p["day"] >= "2024-07-02")
    assert sorted(recent.columns) == ["day", "qty", "sku"]
    assert int(recent["qty"].sum()) == 12 and len(recent) == 4

    directories = wr.s3.list_directories(dataset, boto3_session=session)
    assert sorted(directories) == [f"{dataset}day={d}/" for d in ("2024-07-01", "2024-07-02", "2024-07-03")]
    files = wr.s3.list_objects(dataset, suffix=".parquet", boto3_session=session)
    assert len(files) == 3
    sizes = wr.s3.size_objects(files, boto3_session=session)
    described = wr.s3.describe_objects(files, boto3_session=session)
    assert all(sizes[f] == described[f]["ContentLength"] > 0 for f in files)
    assert wr.s3.does_object_exist(files[0], boto3_session=session)
    assert not wr.s3.does_object_exist(f"{dataset}day=1999-01-01/none.parquet", boto3_session=session)
    columns, partitions = wr.s3.read_parquet_metadata(dataset, dataset=True, boto3_session=session)
    assert columns == {"sku": "string", "qty": "bigint", "price": "double"}
    assert partitions == {"day": "string"}


def test_exports_to_csv_and_json_lines(wr, session, client, bucket, dataset):
    frame = wr.s3.read_parquet(dataset, dataset=True, boto3_session=session)
    summary = (frame.groupby("sku", as_index=False).agg(units=("qty", "sum"))
               .sort_values("sku").reset_index(drop=True))
    wr.s3.to_csv(summary, f"s3://{bucket}/exports/units.csv", index=False, boto3_session=session)
    written = client("s3").get_object(Bucket=bucket, Key="exports/units.csv")["Body"].read()
    assert written == b"sku,units\na,4\nb,10\nc,2\nd,1\n"
    back = wr.s3.read_csv(f"s3://{bucket}/exports/units.csv", boto3_session=session)
    assert back.to_dict("records") == summary.to_dict("records")

    wr.s3.to_json(summary, f"s3://{bucket}/exports/units.json", orient="records", lines=True,
                  boto3_session=session)
    lines = wr.s3.read_json(f"s3://{bucket}/exports/units.json", lines=True, boto3_session=session)
    assert lines.to_dict("records") == summary.to_dict("records")


def test_archive_with_merge_datasets_then_clean_up(wr, session, bucket, dataset):
    archive = f"s3://{bucket}/archive/sales/"
    copied = wr.s3.merge_datasets(source_path=dataset, target_path=archive, mode="append", boto3_session=session)
    assert len(copied) == 3 and all(p.startswith(archive) for p in copied)
    archived = wr.s3.read_parquet(archive, dataset=True, boto3_session=session)
    assert len(archived) == 6 and int(archived["qty"].sum()) == 17

    wr.s3.delete_objects(dataset, boto3_session=session)
    assert wr.s3.list_objects(dataset, boto3_session=session) == []
    assert len(wr.s3.list_objects(archive, boto3_session=session)) == 3
    wr.s3.delete_objects(f"s3://{bucket}/", boto3_session=session)
    assert wr.s3.list_objects(f"s3://{bucket}/", boto3_session=session) == []
