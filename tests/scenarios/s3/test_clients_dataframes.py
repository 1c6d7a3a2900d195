"""The lake's dataframe clients on S3: s3fs/fsspec with pandas, pyarrow's S3FileSystem,
and awswrangler, each reading what the others wrote."""
from urllib.parse import urlsplit

import boto3
import pandas as pd
import pyarrow.dataset as ds
import pytest
from pyarrow import fs as pafs

from s3_helpers import create_bucket, remove_bucket

KEY, SECRET, REGION = "test", "test", "us-east-1"


@pytest.fixture(scope="module")
def bucket(s3):
    name = create_bucket(s3, "frames", digits=12)
    yield name
    remove_bucket(s3, name)


def sales() -> pd.DataFrame:
    return pd.DataFrame({
        "order_id": range(1, 201),
        "region": ["eu", "us", "apac", "us"] * 50,
        "amount": [round(1.5 * i, 2) for i in range(200)],
    })


def test_pandas_csv_through_s3fs(bucket, storage_options):
    frame = sales()
    frame.to_csv(f"s3://{bucket}/csv/sales.csv", index=False, storage_options=storage_options)
    back = pd.read_csv(f"s3://{bucket}/csv/sales.csv", storage_options=storage_options)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_pandas_parquet_partitioned_read_by_pyarrow(lakebox_server, bucket, storage_options):
    frame = sales()
    frame.to_parquet(f"s3://{bucket}/parquet/sales", partition_cols=["region"], index=False,
                     storage_options=storage_options)
    filesystem = pafs.S3FileSystem(access_key=KEY, secret_key=SECRET, region=REGION,
                                   **_pyarrow_endpoint(lakebox_server))
    dataset = ds.dataset(f"{bucket}/parquet/sales", filesystem=filesystem, format="parquet", partitioning="hive")
    table = dataset.to_table(filter=ds.field("region") == "us")
    assert table.num_rows == 100
    assert sorted(table.column("order_id").to_pylist()) == [i for i in range(1, 201) if i % 2 == 0]
    assert dataset.count_rows() == 200


def test_awswrangler_partitioned_dataset(lakebox_server, bucket):
    import awswrangler as wr
    if lakebox_server.endpoint:
        wr.config.s3_endpoint_url = lakebox_server.endpoint
    try:
        _wrangler_round_trip(wr, bucket)
    finally:
        wr.config.reset("s3_endpoint_url")


def _wrangler_round_trip(wr, bucket):
    session = boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION)
    frame = sales()
    path = f"s3://{bucket}/wrangler/sales/"
    written = wr.s3.to_parquet(frame, path, dataset=True, partition_cols=["region"], boto3_session=session)
    assert len(written["paths"]) == 3
    assert sorted(written["partitions_values"]) == [f"{path}region={r}/" for r in ("apac", "eu", "us")]
    back = wr.s3.read_parquet(path, dataset=True, boto3_session=session)
    assert len(back) == 200
    assert sorted(back["order_id"].tolist()) == list(range(1, 201))
    assert set(back["region"].astype(str)) == {"eu", "us", "apac"}
    eu = wr.s3.read_parquet(path, dataset=True, boto3_session=session,
                            partition_filter=lambda p: p["region"] == "eu")
    assert len(eu) == 50


def _pyarrow_endpoint(lakebox_server) -> dict:
    if not lakebox_server.endpoint:
        return {}
    url = urlsplit(lakebox_server.endpoint)
    return {"endpoint_override": url.netloc, "scheme": url.scheme}
