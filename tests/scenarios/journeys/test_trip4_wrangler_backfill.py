"""A backfill of a year of events with awswrangler, as a batch job sizes it: the frame is
written as zstd Parquet split into files of at most 3,000 rows (filename_prefix marks
the run) and partitioned by month, with its catalog table; a second, bucketed copy by
user serves lookups; the job checks its output with read_parquet_metadata and
size/describe calls, streams it back in chunks (Parquet and CSV), reads an earlier
version of a versioned control file, and Athena counts rows per month and per file."""
import pandas as pd
import pytest

ROWS = 90_000


@pytest.fixture
def events():
    ids = pd.RangeIndex(ROWS)
    return pd.DataFrame({"event_id": ids, "user_id": ids % 997, "value": (ids % 100) / 4,
                         "kind": pd.Series(["view", "click", "buy"])[ids % 3].to_numpy(),
                         "month": pd.Series([f"2023-{m:02d}" for m in range(1, 13)])[ids % 12].to_numpy()})


def test_backfill_sized_streamed_and_counted(wr, session, bucket, database, events):
    opts = {"boto3_session": session}
    root = f"s3://{bucket}/events/"
    written = wr.s3.to_parquet(events, root, dataset=True, database=database, table="events",
                               partition_cols=["month"], compression="zstd", max_rows_by_file=3_000,
                               filename_prefix="backfill-1_", mode="overwrite", **opts)
    per_month = ROWS // 12
    assert len(written["partitions_values"]) == 12
    files = wr.s3.list_objects(root, suffix=".parquet", **opts)
    assert sorted(files) == sorted(written["paths"])
    assert len(files) == 36                     # 7,500 rows a month: files of 3,000, 3,000 and 1,500
    assert all(p.rsplit("/", 1)[1].startswith("backfill-1_") and p.endswith(".zstd.parquet") for p in files)
    sizes = wr.s3.size_objects(files, **opts)
    described = wr.s3.describe_objects(files, **opts)
    assert all(described[p]["ContentLength"] == sizes[p] > 0 for p in files)

    columns, partitions = wr.s3.read_parquet_metadata(root, dataset=True, **opts)
    assert columns == {"event_id": "bigint", "user_id": "bigint", "value": "double", "kind": "string"}
    assert partitions == {"month": "string"}

    chunks = list(wr.s3.read_parquet(root, dataset=True, chunked=10_000, columns=["event_id", "value"], **opts))
    assert all(len(c) <= 10_000 for c in chunks)
    assert sum(len(c) for c in chunks) == ROWS
    assert sum(c["value"].sum() for c in chunks) == pytest.approx(events["value"].sum())
    march = wr.s3.read_parquet(root, dataset=True, partition_filter=lambda p: p["month"] == "2023-03", **opts)
    assert len(march) == per_month and set(march["event_id"] % 12) == {2}

    bucketed = wr.s3.to_parquet(events[events["month"] == "2023-01"], f"s3://{bucket}/by_user/", dataset=True,
                                database=database, table="by_user", bucketing_info=(["user_id"], 4), **opts)
    assert len(bucketed["paths"]) == 4
    table = session.client("glue", endpoint_url=wr.config.glue_endpoint_url).get_table(
        DatabaseName=database, Name="by_user")["Table"]["StorageDescriptor"]
    assert (table["NumberOfBuckets"], table["BucketColumns"]) == (4, ["user_id"])

    s3_output = f"s3://{bucket}/athena/"
    got = wr.athena.read_sql_query("SELECT month, count(*) AS n, count(DISTINCT \"$path\") AS files FROM events "
                                   "GROUP BY month ORDER BY month", database=database, ctas_approach=False,
                                   s3_output=s3_output, **opts)
    assert got.values.tolist() == [[f"2023-{m:02d}", per_month, 3] for m in range(1, 13)]
    got = wr.athena.read_sql_query("SELECT kind, count(*) AS n FROM by_user WHERE user_id = 12 GROUP BY kind "
                                   "ORDER BY kind", database=database, ctas_approach=False, s3_output=s3_output, **opts)
    january = events[(events["month"] == "2023-01") & (events["user_id"] == 12)]
    assert got.values.tolist() == [[k, int(n)] for k, n in january.groupby("kind").size().sort_index().items()]

    wr.s3.to_csv(events[["event_id", "kind"]], f"s3://{bucket}/export/events.csv", index=False, **opts)
    counted = {}
    for chunk in wr.s3.read_csv(f"s3://{bucket}/export/events.csv", chunksize=25_000, **opts):
        assert len(chunk) <= 25_000
        for kind, n in chunk["kind"].value_counts().items():
            counted[kind] = counted.get(kind, 0) + int(n)
    assert counted == {"view": ROWS // 3, "click": ROWS // 3, "buy": ROWS // 3}


def test_control_file_versions(wr, client, session, bucket):
    s3 = client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    path = f"s3://{bucket}/control/watermark.csv"
    wr.s3.to_csv(pd.DataFrame({"table": ["events"], "watermark": ["2023-06"]}), path, index=False,
                 boto3_session=session)
    first = s3.head_object(Bucket=bucket, Key="control/watermark.csv")["VersionId"]
    wr.s3.to_csv(pd.DataFrame({"table": ["events"], "watermark": ["2023-12"]}), path, index=False,
                 boto3_session=session)
    assert wr.s3.read_csv(path, boto3_session=session)["watermark"].tolist() == ["2023-12"]
    assert wr.s3.read_csv(path, version_id=first, boto3_session=session)["watermark"].tolist() == ["2023-06"]
    versions = s3.list_object_versions(Bucket=bucket, Prefix="control/")
    assert [v["IsLatest"] for v in versions["Versions"]] == [True, False]
    for version in versions["Versions"]:
        s3.delete_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])
