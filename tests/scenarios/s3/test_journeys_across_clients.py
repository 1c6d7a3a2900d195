"""Journeys across clients: awkward key names, big listings, empty objects, ranges, missing
things, and what one client writes another reads."""
import io
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from pyarrow import fs as pafs

from journey_helpers import ODD_NAMES, KEY, SECRET, REGION, aws, out, api, sales, keys
from s3_helpers import MIB, remove_bucket


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("journey", digits=12)


def test_boto3_odd_keys_round_trip_with_listing(s3, bucket):
    for name in ODD_NAMES:
        s3.put_object(Bucket=bucket, Key=name, Body=name.encode())
    assert keys(s3, bucket) == sorted(ODD_NAMES)
    v1 = s3.list_objects(Bucket=bucket)
    assert sorted(o["Key"] for o in v1["Contents"]) == sorted(ODD_NAMES)
    for name in ODD_NAMES:
        assert s3.get_object(Bucket=bucket, Key=name)["Body"].read() == name.encode()
    deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": n} for n in ODD_NAMES]})
    assert sorted(d["Key"] for d in deleted["Deleted"]) == sorted(ODD_NAMES)
    assert keys(s3, bucket) == []


def test_s3fs_odd_names_and_hive_values(fs, s3, bucket):
    for name in ["p=a b/x.csv", "p=a+b/x.csv", "p=2024-01-01 00%3A00%3A00/x.csv", "p=ü/x.csv"]:
        fs.pipe(f"{bucket}/t/{name}", b"1")
    assert sorted(fs.ls(f"{bucket}/t")) == sorted(
        f"{bucket}/t/{p}" for p in ["p=a b", "p=a+b", "p=2024-01-01 00%3A00%3A00", "p=ü"])
    assert len(fs.find(f"{bucket}/t")) == 4
    assert fs.cat(f"{bucket}/t/p=a+b/x.csv") == b"1"
    assert fs.exists(f"{bucket}/t/p=a b")


def test_pyarrow_partition_values_needing_escapes(pyfs, bucket):
    table = pa.table({"city": ["New York", "São Paulo", "a/b", "x%y", "50% off"], "v": [1, 2, 3, 4, 5]})
    ds.write_dataset(table, f"{bucket}/cities", filesystem=pyfs, format="parquet",
                     partitioning=["city"], partitioning_flavor="hive")
    dataset = ds.dataset(f"{bucket}/cities", filesystem=pyfs, format="parquet", partitioning="hive")
    back = dataset.to_table().sort_by("v")
    assert back.column("city").to_pylist() == ["New York", "São Paulo", "a/b", "x%y", "50% off"]
    one = dataset.to_table(filter=ds.field("city") == "São Paulo")
    assert one.column("v").to_pylist() == [2]


def test_listing_more_than_1000_keys_everywhere(lakebox_server, s3, fs, pyfs, wr, session, bucket):
    names = [f"many/{i % 7}/{i:05d}.txt" for i in range(2100)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=b"x"), names))
    assert len(keys(s3, bucket, "many/")) == 2100
    assert len(fs.find(f"{bucket}/many")) == 2100
    assert len(fs.ls(f"{bucket}/many/3")) == 300
    assert fs.du(f"{bucket}/many") == 2100
    infos = pyfs.get_file_info(pafs.FileSelector(f"{bucket}/many", recursive=True))
    assert len([i for i in infos if i.type == pafs.FileType.File]) == 2100
    assert len(wr.s3.list_objects(f"s3://{bucket}/many/", boto3_session=session)) == 2100
    summary = out(aws(lakebox_server, "s3", "ls", f"s3://{bucket}/many/", "--recursive", "--summarize"))
    assert "Total Objects: 2100" in summary
    v1 = aws(lakebox_server, "s3api", "list-objects", "--bucket", bucket, "--query", "length(Contents[])",
             "--output", "text")
    assert out(v1).split() == ["2100"] or sum(int(x) for x in out(v1).split()) == 2100
    aws(lakebox_server, "s3", "rm", f"s3://{bucket}/many/", "--recursive", "--exclude", "3/*")
    assert len(keys(s3, bucket)) == 300
    wr.s3.delete_objects(f"s3://{bucket}/many/", boto3_session=session)
    assert keys(s3, bucket) == []


def test_s3fs_exclusive_create_and_append(fs, bucket):
    with fs.open(f"{bucket}/x.txt", "xb") as handle:
        handle.write(b"first")
    with pytest.raises(FileExistsError):
        with fs.open(f"{bucket}/x.txt", "xb") as handle:
            handle.write(b"second")
    assert fs.cat(f"{bucket}/x.txt") == b"first"
    with fs.open(f"{bucket}/x.txt", "ab") as handle:
        handle.write(b"+more")
    assert fs.cat(f"{bucket}/x.txt") == b"first+more"
    big = os.urandom(6 * MIB)
    fs.pipe(f"{bucket}/big.bin", big)
    with fs.open(f"{bucket}/big.bin", "ab") as handle:     # > 5 MiB: UploadPartCopy of the old object
        handle.write(b"tail")
    assert fs.cat(f"{bucket}/big.bin") == big + b"tail"


def test_s3fs_walk_touch_existing_and_dir_markers(fs, s3, bucket):
    s3.put_object(Bucket=bucket, Key="w/marker/", Body=b"")       # console-made "folder"
    s3.put_object(Bucket=bucket, Key="w/a/b.txt", Body=b"b")
    assert fs.isdir(f"{bucket}/w/marker")
    assert fs.ls(f"{bucket}/w/marker") == [f"{bucket}/w/marker/"]     # s3fs shows the marker itself
    walked = {root: (sorted(dirs), sorted(files)) for root, dirs, files in fs.walk(f"{bucket}/w")}
    assert walked[f"{bucket}/w"] == (["a", "marker"], [])
    assert walked[f"{bucket}/w/a"] == ([], ["b.txt"])
    fs.rm(f"{bucket}/w", recursive=True)
    assert keys(s3, bucket) == []


def test_s3fs_rm_many_batches(fs, s3, bucket):
    # Written with boto3: s3fs's own pipe() of 1,200 files is slow in the client (~20 s).
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda i: s3.put_object(Bucket=bucket, Key=f"r/{i:04d}", Body=b"x"), range(1200)))
    fs.rm(f"{bucket}/r", recursive=True)
    assert keys(s3, bucket) == []
    assert fs.ls("") and bucket in [b.rstrip("/") for b in fs.ls("")]


def test_s3fs_multipart_write_exact_blocks(fs, s3, bucket):
    block = 5 * MIB
    data = os.urandom(3 * block)        # flush exactly on part boundaries: no trailing empty part
    with fs.open(f"{bucket}/exact.bin", "wb", block_size=block) as handle:
        handle.write(data)
    assert fs.cat(f"{bucket}/exact.bin") == data
    assert s3.head_object(Bucket=bucket, Key="exact.bin")["ContentLength"] == len(data)


def test_pyarrow_bucket_create_and_delete(lakebox_server, s3):
    url = urlsplit(lakebox_server.endpoint)
    fs_ = pafs.S3FileSystem(access_key=KEY, secret_key=SECRET, region=REGION, endpoint_override=url.netloc,
                            scheme=url.scheme, allow_bucket_creation=True, allow_bucket_deletion=True)
    name = f"journey-pa-{uuid.uuid4().hex[:10]}"
    fs_.create_dir(name)
    try:
        assert fs_.get_file_info(name).type == pafs.FileType.Directory
        with fs_.open_output_stream(f"{name}/x") as stream:
            stream.write(b"x")
        fs_.delete_dir(name)
        assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    finally:
        if name in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
            remove_bucket(s3, name)


def test_pyarrow_large_multipart_many_parts(pyfs, s3, bucket):
    payload = os.urandom(64 * MIB)
    with pyfs.open_output_stream(f"{bucket}/huge.bin") as stream:
        stream.write(payload)
    assert s3.head_object(Bucket=bucket, Key="huge.bin")["ContentLength"] == len(payload)
    with pyfs.open_input_file(f"{bucket}/huge.bin") as handle:
        assert handle.read_at(1024, 40 * MIB) == payload[40 * MIB:40 * MIB + 1024]


def test_wrangler_more(wr, session, s3, bucket):
    frame = sales(1000)
    written = wr.s3.to_parquet(frame, f"s3://{bucket}/mr/", dataset=True, max_rows_by_file=300,
                               s3_additional_kwargs={"ServerSideEncryption": "AES256"}, compression="gzip",
                               boto3_session=session)
    assert len(written["paths"]) == 4
    assert len(wr.s3.read_parquet(f"s3://{bucket}/mr/", boto3_session=session)) == 1000
    assert wr.s3.get_bucket_region(bucket, boto3_session=session) == REGION
    wr.s3.wait_objects_exist(written["paths"], boto3_session=session)
    wr.s3.to_csv(frame, f"s3://{bucket}/csvds/", dataset=True, partition_cols=["region"], index=False,
                 boto3_session=session)
    back = wr.s3.read_csv(f"s3://{bucket}/csvds/", dataset=True, boto3_session=session)
    assert len(back) == 1000
    wr.s3.to_json(frame, f"s3://{bucket}/jsonds/", dataset=True, partition_cols=["region"], orient="records", index=False,
                  lines=True, boto3_session=session)
    assert len(wr.s3.read_json(f"s3://{bucket}/jsonds/", dataset=True, lines=True, boto3_session=session)) == 1000
    fwf = wr.s3.read_parquet(f"s3://{bucket}/mr/", path_suffix=".parquet", use_threads=4,
                             boto3_session=session)
    assert len(fwf) == 1000


def test_pandas_big_parquet_write_multipart(bucket, storage_options):
    import numpy as np
    frame = pd.DataFrame({"x": np.random.default_rng(1).random(2_000_000),
                          "y": np.arange(2_000_000)})
    frame.to_parquet(f"s3://{bucket}/bigpd.parquet", storage_options=storage_options, compression=None)
    back = pd.read_parquet(f"s3://{bucket}/bigpd.parquet", storage_options=storage_options, columns=["y"])
    assert back["y"].iloc[-1] == 1_999_999


def test_empty_objects_across_clients(lakebox_server, s3, fs, pyfs, wr, session, bucket, tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    aws(lakebox_server, "s3", "cp", str(tmp_path / "empty"), f"s3://{bucket}/e/cli")
    fs.touch(f"{bucket}/e/s3fs")
    with pyfs.open_output_stream(f"{bucket}/e/arrow"):
        pass
    for key in ["e/cli", "e/s3fs", "e/arrow"]:
        assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == 0, key
        assert fs.cat_file(f"{bucket}/{key}") == b""
        with fs.open(f"{bucket}/{key}", "rb") as handle:
            assert handle.read() == b""
        with pyfs.open_input_file(f"{bucket}/{key}") as handle:
            assert handle.read() == b""
        aws(lakebox_server, "s3", "cp", f"s3://{bucket}/{key}", str(tmp_path / "back"))
        assert (tmp_path / "back").read_bytes() == b""
        assert aws(lakebox_server, "s3", "cp", f"s3://{bucket}/{key}", "-").stdout == b""
    assert wr.s3.size_objects(f"s3://{bucket}/e/", boto3_session=session) == {
        f"s3://{bucket}/e/{k}": 0 for k in ["arrow", "cli", "s3fs"]}


def test_ranges_past_the_end(fs, pyfs, s3, bucket):
    fs.pipe(f"{bucket}/short", b"0123456789")
    assert fs.cat_file(f"{bucket}/short", start=5, end=100) == b"56789"
    with pytest.raises(OSError):          # S3 answers 416 InvalidRange
        fs.cat_file(f"{bucket}/short", start=20, end=30)
    with pyfs.open_input_file(f"{bucket}/short") as handle:
        assert handle.read_at(100, 5) == b"56789"
    got = s3.get_object(Bucket=bucket, Key="short", Range="bytes=5-100")
    assert got["Body"].read() == b"56789" and got["ContentRange"] == "bytes 5-9/10"
    assert s3.get_object(Bucket=bucket, Key="short", Range="bytes=-3")["Body"].read() == b"789"


def test_missing_things_give_not_found(lakebox_server, s3, fs, pyfs, wr, session, bucket, storage_options):
    nobucket = f"journey-none-{uuid.uuid4().hex[:10]}"
    assert not fs.exists(nobucket)
    assert not fs.exists(f"{nobucket}/key")
    with pytest.raises(FileNotFoundError):
        fs.cat(f"{bucket}/nope")
    with pytest.raises(FileNotFoundError):
        fs.info(f"{bucket}/nope")
    with pytest.raises(FileNotFoundError):
        fs.ls(f"{nobucket}")
    assert pyfs.get_file_info(f"{nobucket}/x").type == pafs.FileType.NotFound
    assert pyfs.get_file_info(nobucket).type == pafs.FileType.NotFound
    with pytest.raises(FileNotFoundError):
        pyfs.open_input_file(f"{bucket}/nope")
    with pytest.raises(OSError):
        pyfs.get_file_info(pafs.FileSelector(f"{bucket}/nope"))
    assert not wr.s3.does_object_exist(f"s3://{bucket}/nope", boto3_session=session)
    with pytest.raises(Exception):
        wr.s3.read_parquet(f"s3://{bucket}/nope/", boto3_session=session)
    with pytest.raises(FileNotFoundError):
        pd.read_csv(f"s3://{bucket}/nope.csv", storage_options=storage_options)
    listed = aws(lakebox_server, "s3", "ls", f"s3://{nobucket}", check=False)
    assert listed.returncode != 0 and b"NoSuchBucket" in listed.stderr
    copied = aws(lakebox_server, "s3", "cp", f"s3://{bucket}/nope", "-", check=False)
    assert copied.returncode != 0 and (b"404" in copied.stderr or b"Not Found" in copied.stderr)


def test_file_and_prefix_with_same_name(fs, pyfs, s3, bucket):
    s3.put_object(Bucket=bucket, Key="both", Body=b"file")
    s3.put_object(Bucket=bucket, Key="both/child", Body=b"c")
    assert fs.info(f"{bucket}/both")["type"] == "file"
    assert fs.cat(f"{bucket}/both") == b"file"
    assert fs.ls(f"{bucket}/both") == [f"{bucket}/both/child"]
    assert pyfs.get_file_info(f"{bucket}/both").type == pafs.FileType.File


def test_content_encoding_is_passed_through(lakebox_server, s3, fs, pyfs, bucket, storage_options, tmp_path):
    import gzip
    raw = b"a,b\n" + b"1,2\n" * 1000
    packed = gzip.compress(raw)
    s3.put_object(Bucket=bucket, Key="z.csv.gz", Body=packed, ContentEncoding="gzip", ContentType="text/csv")
    assert s3.get_object(Bucket=bucket, Key="z.csv.gz")["Body"].read() == packed
    assert fs.cat(f"{bucket}/z.csv.gz") == packed
    with pyfs.open_input_stream(f"{bucket}/z.csv.gz", compression=None) as stream:
        assert stream.read() == packed
    assert len(pd.read_csv(f"s3://{bucket}/z.csv.gz", storage_options=storage_options)) == 1000
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/z.csv.gz", str(tmp_path / "z.gz"))
    assert (tmp_path / "z.gz").read_bytes() == packed


def test_aborted_writes_leave_no_uploads(lakebox_server, s3, fs, pyfs, bucket):
    handle = fs.open(f"{bucket}/s3fs-aborted.bin", "wb", block_size=5 * MIB)
    handle.write(os.urandom(11 * MIB))       # parts already sent
    handle.flush()
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads")
    handle.discard()                         # AbortMultipartUpload
    assert keys(s3, bucket) == []
    uploads = api(lakebox_server, "list-multipart-uploads", "--bucket", bucket)
    assert uploads.get("Uploads", []) == []
    started = s3.create_multipart_upload(Bucket=bucket, Key="stuck.bin")
    s3.upload_part(Bucket=bucket, Key="stuck.bin", UploadId=started["UploadId"], PartNumber=1, Body=b"x" * 100)
    parts = api(lakebox_server, "list-parts", "--bucket", bucket, "--key", "stuck.bin", "--upload-id",
                started["UploadId"])
    assert [p["PartNumber"] for p in parts["Parts"]] == [1]
    listed = api(lakebox_server, "list-multipart-uploads", "--bucket", bucket)
    assert [u["Key"] for u in listed["Uploads"]] == ["stuck.bin"]
    fs.clear_multipart_uploads(bucket)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_spark_style_output_read_by_everyone(s3, pyfs, wr, session, bucket, storage_options):
    import numpy as np
    frame = pd.DataFrame({"id": np.arange(100), "v": np.arange(100) * 2.0})
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    s3.put_object(Bucket=bucket, Key="spark/out/part-00000.snappy.parquet", Body=buffer.getvalue())
    s3.put_object(Bucket=bucket, Key="spark/out/_SUCCESS", Body=b"")
    s3.put_object(Bucket=bucket, Key="spark/out_$folder$", Body=b"")
    s3.put_object(Bucket=bucket, Key="spark/out/", Body=b"")
    assert len(pd.read_parquet(f"s3://{bucket}/spark/out/", storage_options=storage_options)) == 100
    assert ds.dataset(f"{bucket}/spark/out", filesystem=pyfs, format="parquet").count_rows() == 100
    assert len(wr.s3.read_parquet(f"s3://{bucket}/spark/out/", path_suffix=".parquet",
                                  boto3_session=session)) == 100


def test_s3fs_modified_and_info_fields(fs, s3, bucket):
    fs.pipe(f"{bucket}/m.txt", b"abc")
    modified = fs.modified(f"{bucket}/m.txt")
    assert abs(modified.timestamp() - time.time()) < 120
    listed = fs.ls(bucket, detail=True)[0]
    info = fs.info(f"{bucket}/m.txt")
    assert listed["LastModified"] == info["LastModified"]
    assert listed["ETag"] == info["ETag"]
    assert listed["size"] == info["size"] == 3


def test_many_partitions_and_concurrent_reads(fs, pyfs, wr, session, bucket):
    import numpy as np
    n = 20_000
    table = pa.table({"id": np.arange(n), "day": [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)],
                      "v": np.arange(n) * 0.1})
    ds.write_dataset(table, f"{bucket}/daily", filesystem=pyfs, format="parquet", partitioning=["day"],
                     partitioning_flavor="hive", max_partitions=2000)
    dataset = ds.dataset(f"{bucket}/daily", filesystem=pyfs, format="parquet", partitioning="hive")
    assert dataset.count_rows() == n
    assert len(dataset.files) == 84
    assert len(wr.s3.read_parquet(f"s3://{bucket}/daily/", dataset=True, boto3_session=session,
                                  use_threads=16)) == n
    files = {f"{bucket}/blobs/{i:04d}": os.urandom(1000) for i in range(500)}
    fs.pipe(files, batch_size=64)
    assert fs.cat(list(files), batch_size=64) == files
