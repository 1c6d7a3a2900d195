"""A daily report job on pandas and s3fs alone, as notebooks and cron jobs write them:
gzipped CSV extracts written and read with `s3://` paths and `storage_options`, found
with `S3FileSystem.glob`, aggregated, written as a hive-partitioned Parquet dataset by
pandas, read back with partition filters by pandas and by pyarrow's own S3 filesystem,
summarised to gzipped JSON lines, and the raw files archived (`copy`, `rm`) with s3fs;
a file another client writes is seen once s3fs's listing cache is invalidated."""
import gzip
import json

import pandas as pd
import pyarrow.dataset as pads
import pytest
from pyarrow import fs as pafs

from trip_helpers import KEY, REGION, SECRET

DAYS = {
    "2024-06-01": [("eu", "apple", 3, 1.5), ("us", "apple", 1, 1.6), ("eu", "pear", 2, 2.0)],
    "2024-06-02": [("us", "pear", 5, 2.1), ("eu", "apple", 1, 1.5)],
    "2024-06-03": [("apac", "plum", 4, 3.0), ("us", "apple", 2, 1.6)],
}


@pytest.fixture
def options(lakebox_server):
    client_kwargs = {"region_name": REGION}
    if lakebox_server.endpoint:
        client_kwargs["endpoint_url"] = lakebox_server.endpoint
    return {"key": KEY, "secret": SECRET, "client_kwargs": client_kwargs}


@pytest.fixture
def fs(options):
    import s3fs
    return s3fs.S3FileSystem(**options)


def extract(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region", "sku", "qty", "price"])


def test_daily_report(lakebox_server, client, bucket, options, fs):
    for day, rows in DAYS.items():
        extract(rows).to_csv(f"s3://{bucket}/raw/sales-{day}.csv.gz", index=False, storage_options=options)
    raw = client("s3").get_object(Bucket=bucket, Key="raw/sales-2024-06-01.csv.gz")["Body"].read()
    assert gzip.decompress(raw).decode().splitlines()[:2] == ["region,sku,qty,price", "eu,apple,3,1.5"]

    found = fs.glob(f"{bucket}/raw/sales-*.csv.gz")
    assert found == [f"{bucket}/raw/sales-{day}.csv.gz" for day in DAYS]
    frames = [pd.read_csv(f"s3://{path}", storage_options=options).assign(day=path[-17:-7]) for path in found]
    sales = pd.concat(frames, ignore_index=True)
    sales["revenue"] = sales["qty"] * sales["price"]
    assert len(sales) == 7 and round(sales["revenue"].sum(), 2) == 37.3

    report = sales.groupby(["region", "day"], as_index=False).agg(units=("qty", "sum"), revenue=("revenue", "sum"))
    report.to_parquet(f"s3://{bucket}/report/", partition_cols=["region"], index=False, storage_options=options)
    written = fs.find(f"{bucket}/report/")
    assert sorted(path.split("/")[2] for path in written) == ["region=apac", "region=eu", "region=us"]
    assert all(path.endswith(".parquet") for path in written)
    assert sorted(p.rsplit("/", 1)[-1] for p in fs.ls(f"{bucket}/report/")) == ["region=apac", "region=eu", "region=us"]

    eu = pd.read_parquet(f"s3://{bucket}/report/", filters=[("region", "=", "eu")], storage_options=options)
    assert eu.sort_values("day")[["day", "units"]].values.tolist() == [["2024-06-01", 5], ["2024-06-02", 1]]

    pyfs_options = {"access_key": KEY, "secret_key": SECRET, "region": REGION}
    if lakebox_server.endpoint:
        pyfs_options.update(endpoint_override=lakebox_server.endpoint, scheme="http")
    dataset = pads.dataset(f"{bucket}/report", filesystem=pafs.S3FileSystem(**pyfs_options), format="parquet",
                           partitioning="hive")
    us = dataset.to_table(filter=pads.field("region") == "us", columns=["day", "revenue"]).to_pylist()
    assert sorted((r["day"], round(r["revenue"], 2)) for r in us) == [
        ("2024-06-01", 1.6), ("2024-06-02", 10.5), ("2024-06-03", 3.2)]

    totals = report.groupby("region", as_index=False)[["units", "revenue"]].sum().round(2)
    totals.to_json(f"s3://{bucket}/summary/totals.jsonl.gz", orient="records", lines=True,
                   compression="gzip", storage_options=options)
    with fs.open(f"{bucket}/summary/totals.jsonl.gz", "rb") as handle:
        lines = gzip.decompress(handle.read()).decode().splitlines()
    assert [json.loads(line) for line in lines] == [
        {"region": "apac", "units": 4, "revenue": 12.0}, {"region": "eu", "units": 6, "revenue": 10.0},
        {"region": "us", "units": 8, "revenue": 15.3}]
    back = pd.read_json(f"s3://{bucket}/summary/totals.jsonl.gz", lines=True, storage_options=options)
    assert back["units"].tolist() == [4, 6, 8]

    fs.copy(f"{bucket}/raw/", f"{bucket}/archive/2024-06/", recursive=True)
    fs.rm(f"{bucket}/raw/", recursive=True)
    assert fs.glob(f"{bucket}/raw/*") == []
    assert len(fs.ls(f"{bucket}/archive/2024-06/")) == 3


def test_listing_cache_and_another_writer(client, bucket, options, fs):
    fs.pipe(f"{bucket}/inbox/a.json", b'{"n": 1}')
    assert fs.ls(f"{bucket}/inbox/") == [f"{bucket}/inbox/a.json"]
    client("s3").put_object(Bucket=bucket, Key="inbox/b.json", Body=b'{"n": 2}')
    assert fs.ls(f"{bucket}/inbox/") == [f"{bucket}/inbox/a.json"]       # s3fs answers from its cache
    fs.invalidate_cache(f"{bucket}/inbox/")
    assert fs.ls(f"{bucket}/inbox/") == [f"{bucket}/inbox/a.json", f"{bucket}/inbox/b.json"]
    with fs.open(f"{bucket}/inbox/b.json") as handle:
        assert json.load(handle) == {"n": 2}
    assert {path: json.loads(body) for path, body in fs.cat(f"{bucket}/inbox/*.json").items()} == {
        f"{bucket}/inbox/a.json": {"n": 1}, f"{bucket}/inbox/b.json": {"n": 2}}
    info = fs.info(f"{bucket}/inbox/b.json")
    assert (info["size"], info["type"]) == (8, "file")
