"""A data engineer refreshes a hive-partitioned sales table with pyarrow.dataset on pyarrow's
S3FileSystem, while an analyst reads it with pandas (storage_options pointing s3fs at the
endpoint). The first load writes three countries; a second write with
existing_data_behavior='error' is refused because the folder holds files; a correction for one
country replaces just that partition ('delete_matching'); pandas reads the table with a
partition filter, writes a gzip CSV extract back through s3fs and reads it again; an analyst who holds
a file open while the job replaces it is told by s3fs that the file changed (S3 answers the
ranged GET with If-Match 412)."""
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from trip_helpers import arrow_s3, s3fs_options


@pytest.fixture
def arrow(lakebox_server):
    return arrow_s3(lakebox_server)


@pytest.fixture
def storage_options(lakebox_server):
    return s3fs_options(lakebox_server)


def sales(countries, base):
    rows = [(country, day) for country in countries for day in (1, 2)]
    return pa.table({"country": [c for c, _ in rows], "day": pa.array([d for _, d in rows], pa.int32()),
                     "amount": pa.array([base + 10 * i for i in range(len(rows))], pa.int64())})


def test_partitions_refreshed_by_arrow_and_read_by_pandas(arrow, storage_options, client, bucket):
    import pandas as pd
    import s3fs

    s3 = client("s3")
    root = f"{bucket}/warehouse/sales"
    hive = ds.partitioning(pa.schema([("country", pa.string())]), flavor="hive")
    ds.write_dataset(sales(["de", "fr", "us"], 100), root, filesystem=arrow, format="parquet", partitioning=hive,
                     basename_template="load-{i}.parquet")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="warehouse/")["Contents"]]
    assert [k for k in keys if not k.endswith("/")] == [
        "warehouse/sales/country=de/load-0.parquet", "warehouse/sales/country=fr/load-0.parquet",
        "warehouse/sales/country=us/load-0.parquet"]

    with pytest.raises(pa.ArrowInvalid, match="Could not write to .* as the directory is not empty"):
        ds.write_dataset(sales(["de"], 0), root, filesystem=arrow, format="parquet", partitioning=hive,
                         existing_data_behavior="error")

    ds.write_dataset(sales(["fr"], 500), root, filesystem=arrow, format="parquet", partitioning=hive,
                     basename_template="fix-{i}.parquet", existing_data_behavior="delete_matching")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="warehouse/")["Contents"]]
    assert [k for k in keys if not k.endswith("/")] == [
        "warehouse/sales/country=de/load-0.parquet", "warehouse/sales/country=fr/fix-0.parquet",
        "warehouse/sales/country=us/load-0.parquet"]

    table = ds.dataset(root, filesystem=arrow, format="parquet", partitioning="hive").to_table(
        filter=ds.field("country") != "de").sort_by([("country", "ascending"), ("day", "ascending")])
    assert table.select(["country", "day", "amount"]).to_pylist() == [
        {"country": "fr", "day": 1, "amount": 500}, {"country": "fr", "day": 2, "amount": 510},
        {"country": "us", "day": 1, "amount": 140}, {"country": "us", "day": 2, "amount": 150}]

    # (pyarrow leaves zero-byte "country=de/" markers, which s3fs lists as files: pandas reads
    # the folder through pyarrow's own filesystem)
    frame = pd.read_parquet(root, filesystem=arrow, filters=[("country", "in", ["de", "fr"])])
    assert sorted(zip(frame["country"].astype(str), frame["amount"])) == [("de", 100), ("de", 110), ("fr", 500), ("fr", 510)]
    totals = frame.groupby(frame["country"].astype(str))["amount"].sum().reset_index()
    totals.to_csv(f"s3://{bucket}/extracts/totals.csv.gz", index=False, storage_options=storage_options)
    packed = s3.get_object(Bucket=bucket, Key="extracts/totals.csv.gz")["Body"].read()
    assert packed[:2] == b"\x1f\x8b"
    import gzip
    assert gzip.decompress(packed) == b"country,amount\nde,210\nfr,1010\n"
    again = pd.read_csv(f"s3://{bucket}/extracts/totals.csv.gz", storage_options=storage_options)
    assert again.to_dict("records") == [{"country": "de", "amount": 210}, {"country": "fr", "amount": 1010}]

    # an analyst holds the corrected file open while the job rewrites it
    fs = s3fs.S3FileSystem(skip_instance_cache=True, **storage_options)
    path = f"{root}/country=fr/fix-0.parquet"
    size = fs.info(path)["size"]
    with fs.open(path, "rb", block_size=16, cache_type="none") as handle:
        assert handle.read(4) == b"PAR1"
        ds.write_dataset(sales(["fr"], 900), root, filesystem=arrow, format="parquet", partitioning=hive,
                         basename_template="fix-{i}.parquet", existing_data_behavior="overwrite_or_ignore")
        handle.seek(size - 4)
        with pytest.raises(s3fs.utils.FileExpired, match="no longer exists"):
            handle.read(4)
    refreshed = pd.read_parquet(f"s3://{path}", storage_options=storage_options)
    assert refreshed["amount"].tolist() == [900, 910]
