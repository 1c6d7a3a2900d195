"""Two teams share one lake folder with different tools: the ingest team writes hive-partitioned
Parquet with pyarrow.dataset (which leaves zero-byte "dir/" markers), the analytics team reads it
from DuckDB with hive_partitioning and a filter on a partition column, then writes its daily
rollup back with DuckDB's COPY (PARTITION_BY) for the ingest team to read with pyarrow; a
partition value with a space and a plus sign survives both ways (DuckDB percent-encodes it in the
key, pyarrow decodes it back). Both list the same keys through ListObjectsV2 with encoding-type
url, and a third reader, s3fs, reads the last bytes of a file by a suffix range."""
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from trip_helpers import arrow_s3, duckdb_on_s3, s3fs_options


def test_pyarrow_and_duckdb_read_each_others_partitions(lakebox_server, client, bucket):
    import s3fs
    duck = duckdb_on_s3(lakebox_server)
    arrow = arrow_s3(lakebox_server)
    s3 = client("s3")

    events = pa.table({"store": ["north", "north", "south", "west end+", "west end+", "south"],
                       "sku": ["a", "b", "a", "c", "a", "b"],
                       "units": pa.array([3, 1, 4, 1, 5, 9], pa.int64())})
    ds.write_dataset(events, f"{bucket}/raw/events", filesystem=arrow, format="parquet",
                     partitioning=["store"], partitioning_flavor="hive", basename_template="ingest-{i}.parquet")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="raw/")["Contents"]]
    assert keys == ["raw/", "raw/events/", "raw/events/store=north/", "raw/events/store=north/ingest-0.parquet",
                    "raw/events/store=south/", "raw/events/store=south/ingest-0.parquet",
                    "raw/events/store=west%20end%2B/", "raw/events/store=west%20end%2B/ingest-0.parquet"]

    found = duck.execute(f"SELECT store, sum(units) FROM read_parquet('s3://{bucket}/raw/events/*/*.parquet', "
                         f"hive_partitioning = true) WHERE store <> 'north' GROUP BY store ORDER BY store").fetchall()
    assert found == [("south", 13), ("west end+", 6)]
    files = duck.execute(f"SELECT count(*) FROM glob('s3://{bucket}/raw/events/**')").fetchall()
    assert files == [(3,)]          # glob lists objects: the markers end in "/" and are left out

    duck.execute(f"COPY (SELECT store, sku, sum(units) AS units FROM read_parquet("
                 f"'s3://{bucket}/raw/events/*/*.parquet', hive_partitioning = true) GROUP BY ALL) "
                 f"TO 's3://{bucket}/marts/rollup' (FORMAT parquet, PARTITION_BY (store))")
    rolled = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="marts/")["Contents"])
    assert rolled == ["marts/rollup/store=north/data_0.parquet", "marts/rollup/store=south/data_0.parquet",
                      "marts/rollup/store=west%20end%2B/data_0.parquet"]
    rollup = ds.dataset(f"{bucket}/marts/rollup", filesystem=arrow, format="parquet", partitioning="hive")
    table = rollup.to_table(filter=ds.field("store") == "west end+")
    assert sorted(zip(table.column("sku").to_pylist(), table.column("units").to_pylist())) == [("a", 5), ("c", 1)]
    assert rollup.count_rows() == 6

    fs = s3fs.S3FileSystem(skip_instance_cache=True, **s3fs_options(lakebox_server))
    path = f"{bucket}/marts/rollup/store=north/data_0.parquet"
    tail = fs.cat_file(path, start=-4)
    assert tail == b"PAR1"
    size = fs.size(path)
    whole = s3.get_object(Bucket=bucket, Key="marts/rollup/store=north/data_0.parquet")["Body"].read()
    assert len(whole) == size and whole[:4] == b"PAR1"
    footer_length = int.from_bytes(fs.cat_file(path, start=size - 8, end=size - 4), "little")
    assert 0 < footer_length < size
    with pytest.raises(OSError, match="The requested range is not satisfiable"):
        fs.cat_file(path, start=size, end=size + 10)
    duck.close()
