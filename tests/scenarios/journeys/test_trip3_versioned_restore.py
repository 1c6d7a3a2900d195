"""Recovering a curated table after a bad run, with S3 versioning: a nightly job writes
Parquet files under a versioned bucket's table folder and Athena reads them; a faulty
run overwrites one file and deletes another; the operator finds the earlier versions with
ListObjectVersions, restores one by copying its version over the current one and the
other by deleting its delete marker, and Athena answers as before the bad run; a
lifecycle rule later expires the noncurrent versions on the lakebox clock."""
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from trip_helpers import athena_rows, wait_for

DAY = 24 * 3600


def parquet(rows) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({"sku": [r[0] for r in rows], "qty": pa.array([r[1] for r in rows], pa.int64())}), sink)
    return sink.getvalue()


def query(athena, sql, database, bucket) -> list:
    return athena_rows(athena, sql, database, f"s3://{bucket}/athena/")


@pytest.fixture
def versioned(client, bucket):
    s3 = client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    yield bucket
    versions = s3.list_object_versions(Bucket=bucket)
    for entry in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])


def versions_of(s3, bucket, key):
    listed = s3.list_object_versions(Bucket=bucket, Prefix=key)
    return ([v for v in listed.get("Versions", []) if v["Key"] == key],
            [m for m in listed.get("DeleteMarkers", []) if m["Key"] == key])


@pytest.mark.local_only                 # noncurrent versions expire on the lakebox clock
def test_bad_run_rolled_back_from_versions(client, clock, versioned, database):
    s3, athena, bucket = client("s3"), client("athena"), versioned
    good = {"curated/stock/part-0.parquet": [("apple", 10), ("pear", 4)],
            "curated/stock/part-1.parquet": [("plum", 7)]}
    for key, rows in good.items():
        s3.put_object(Bucket=bucket, Key=key, Body=parquet(rows))
    query(athena, f"CREATE EXTERNAL TABLE stock (sku string, qty bigint) STORED AS PARQUET "
                  f"LOCATION 's3://{bucket}/curated/stock/'", database, bucket)
    before = query(athena, "SELECT sku, qty FROM stock ORDER BY sku", database, bucket)
    assert before == [["apple", "10"], ["pear", "4"], ["plum", "7"]]

    s3.put_object(Bucket=bucket, Key="curated/stock/part-0.parquet", Body=parquet([("apple", -1)]))   # the bad run
    s3.delete_object(Bucket=bucket, Key="curated/stock/part-1.parquet")
    assert query(athena, "SELECT sku, qty FROM stock ORDER BY sku", database, bucket) == [["apple", "-1"]]

    versions, markers = versions_of(s3, bucket, "curated/stock/part-0.parquet")
    assert [v["IsLatest"] for v in versions] == [True, False] and markers == []
    previous = versions[1]["VersionId"]
    s3.copy_object(Bucket=bucket, Key="curated/stock/part-0.parquet",
                   CopySource={"Bucket": bucket, "Key": "curated/stock/part-0.parquet", "VersionId": previous})
    versions, markers = versions_of(s3, bucket, "curated/stock/part-1.parquet")
    assert len(versions) == 1 and [m["IsLatest"] for m in markers] == [True]
    s3.delete_object(Bucket=bucket, Key="curated/stock/part-1.parquet", VersionId=markers[0]["VersionId"])

    assert query(athena, "SELECT sku, qty FROM stock ORDER BY sku", database, bucket) == before
    versions, _ = versions_of(s3, bucket, "curated/stock/part-0.parquet")
    assert len(versions) == 3
    assert s3.get_object(Bucket=bucket, Key="curated/stock/part-0.parquet")["Body"].read() == \
        s3.get_object(Bucket=bucket, Key="curated/stock/part-0.parquet", VersionId=previous)["Body"].read()

    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "old-versions", "Status": "Enabled", "Filter": {"Prefix": "curated/"},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]})
    clock(3 * DAY)

    def only_current():
        versions, markers = versions_of(s3, bucket, "curated/stock/part-0.parquet")
        return len(versions) == 1 and not markers and versions
    kept = wait_for(only_current)
    assert kept[0]["IsLatest"] is True
    assert query(athena, "SELECT sum(qty) FROM stock", database, bucket) == [["21"]]

