"""A reporting job reads a partner's drops straight from S3 paths, with awswrangler and
pandas: CSV files under a prefix (a `_SUCCESS` marker and a notes file beside them, kept
out by suffix), the same files by glob, the partition folders read as a dataset column;
the cleaned data is written back as a partitioned Parquet dataset, read whole and with a
partition filter, its schema read from the files' footers; pandas reads a single CSV and
the Parquet folder with s3fs underneath; a path with no files is named in wrangler's
NoFilesFound, and a missing key in pandas is FileNotFoundError."""
import pandas as pd
import pytest

from trip_helpers import KEY, SECRET


def test_partner_drops_read_by_prefix_and_glob(lakebox_server, wr, client, bucket, session):
    s3 = client("s3")
    drops = {"dt=2024-06-01/part-0.csv": "sku,qty\napple,3\npear,1\n",
             "dt=2024-06-01/part-1.csv": "sku,qty\nplum,7\n",
             "dt=2024-06-02/part-0.csv": "sku,qty\napple,5\n",
             "dt=2024-06-02/notes.txt": "late file\n",
             "_SUCCESS": ""}
    for name, body in drops.items():
        s3.put_object(Bucket=bucket, Key=f"partner/{name}", Body=body.encode())
    root = f"s3://{bucket}/partner/"

    assert wr.s3.list_objects(root, boto3_session=session) == [f"{root}{name}" for name in sorted(drops)]
    assert wr.s3.list_objects(f"{root}*/part-0.csv", boto3_session=session) == [
        f"{root}dt=2024-06-01/part-0.csv", f"{root}dt=2024-06-02/part-0.csv"]
    assert wr.s3.list_objects(f"{root}dt=2024-06-0", suffix=".txt", boto3_session=session) == [
        f"{root}dt=2024-06-02/notes.txt"]
    assert wr.s3.list_directories(root, boto3_session=session) == [f"{root}dt=2024-06-01/", f"{root}dt=2024-06-02/"]
    assert wr.s3.size_objects(f"{root}dt=2024-06-01/", boto3_session=session) == {
        f"{root}dt=2024-06-01/part-0.csv": 23, f"{root}dt=2024-06-01/part-1.csv": 15}
    assert wr.s3.does_object_exist(f"{root}_SUCCESS", boto3_session=session)
    assert not wr.s3.does_object_exist(f"{root}_FAILED", boto3_session=session)

    by_prefix = wr.s3.read_csv(root, path_suffix=".csv", dataset=True, boto3_session=session)
    assert sorted(by_prefix.itertuples(index=False, name=None)) == [
        ("apple", 3, "2024-06-01"), ("apple", 5, "2024-06-02"), ("pear", 1, "2024-06-01"), ("plum", 7, "2024-06-01")]
    by_glob = wr.s3.read_csv(f"{root}dt=*/part-*.csv", boto3_session=session)
    assert list(by_glob.columns) == ["sku", "qty"] and int(by_glob["qty"].sum()) == 16
    with pytest.raises(wr.exceptions.NoFilesFound) as caught:
        wr.s3.read_csv(f"s3://{bucket}/partner-missing/", boto3_session=session)
    assert str(caught.value) == f"No files Found on: s3://{bucket}/partner-missing/."

    totals = by_prefix.groupby(["dt", "sku"], as_index=False)["qty"].sum()
    written = wr.s3.to_parquet(totals, f"s3://{bucket}/curated/", dataset=True, partition_cols=["dt"],
                               boto3_session=session)
    assert sorted(written["partitions_values"]) == [f"s3://{bucket}/curated/dt=2024-06-01/",
                                                    f"s3://{bucket}/curated/dt=2024-06-02/"]
    assert all(path.endswith(".snappy.parquet") for path in written["paths"])
    curated = wr.s3.read_parquet(f"s3://{bucket}/curated/", dataset=True, boto3_session=session)
    assert sorted(curated.itertuples(index=False, name=None)) == [
        ("apple", 3, "2024-06-01"), ("apple", 5, "2024-06-02"), ("pear", 1, "2024-06-01"), ("plum", 7, "2024-06-01")]
    second_day = wr.s3.read_parquet(f"s3://{bucket}/curated/", dataset=True, boto3_session=session,
                                    partition_filter=lambda p: p["dt"] == "2024-06-02")
    assert second_day.to_dict("records") == [{"sku": "apple", "qty": 5, "dt": "2024-06-02"}]
    columns, partitions = wr.s3.read_parquet_metadata(f"s3://{bucket}/curated/", dataset=True,
                                                      boto3_session=session)
    assert (columns, partitions) == ({"sku": "string", "qty": "bigint"}, {"dt": "string"})

    options = {"key": KEY, "secret": SECRET,
               "client_kwargs": {"endpoint_url": lakebox_server.endpoint, "region_name": "us-east-1"}}
    one = pd.read_csv(f"{root}dt=2024-06-01/part-0.csv", storage_options=options)
    assert one.to_dict("records") == [{"sku": "apple", "qty": 3}, {"sku": "pear", "qty": 1}]
    folder = pd.read_parquet(f"s3://{bucket}/curated/dt=2024-06-01/", storage_options=options)
    assert sorted(folder.itertuples(index=False, name=None)) == [("apple", 3), ("pear", 1), ("plum", 7)]
    with pytest.raises(FileNotFoundError):
        pd.read_csv(f"{root}dt=2024-06-03/part-0.csv", storage_options=options)

    wr.s3.delete_objects(root, boto3_session=session)
    wr.s3.delete_objects(f"s3://{bucket}/curated/", boto3_session=session)
    assert wr.s3.list_objects(f"s3://{bucket}/", boto3_session=session) == []
