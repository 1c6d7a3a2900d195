"""Everyday journeys with s3fs, pyarrow's S3FileSystem, awswrangler and pandas against S3."""
import hashlib
import io
import os
import urllib.request
import uuid
from urllib.parse import urlsplit

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from pyarrow import fs as pafs

from journey_helpers import KEY, SECRET, REGION, sales, keys
from s3_helpers import MIB, remove_bucket


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("journey", digits=12)


def test_s3fs_listing_family(fs, s3, bucket):
    for key in ["raw/2024/01/a.csv", "raw/2024/01/b.csv", "raw/2024/02/c.csv", "raw/readme.md"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x" * 10)
    assert sorted(fs.ls(f"{bucket}/raw")) == [f"{bucket}/raw/2024", f"{bucket}/raw/readme.md"]
    detail = {entry["name"]: entry for entry in fs.ls(f"{bucket}/raw", detail=True)}
    assert detail[f"{bucket}/raw/2024"]["type"] == "directory"
    assert detail[f"{bucket}/raw/readme.md"]["size"] == 10
    assert fs.find(f"{bucket}/raw") == [f"{bucket}/raw/2024/01/a.csv", f"{bucket}/raw/2024/01/b.csv",
                                        f"{bucket}/raw/2024/02/c.csv", f"{bucket}/raw/readme.md"]
    assert fs.glob(f"{bucket}/raw/*/*/*.csv") == [f"{bucket}/raw/2024/01/a.csv", f"{bucket}/raw/2024/01/b.csv",
                                                  f"{bucket}/raw/2024/02/c.csv"]
    assert fs.glob(f"s3://{bucket}/raw/**/*.csv") == [f"{bucket}/raw/2024/01/a.csv",
                                                      f"{bucket}/raw/2024/01/b.csv",
                                                      f"{bucket}/raw/2024/02/c.csv"]
    assert fs.du(f"{bucket}/raw") == 40
    assert fs.du(f"{bucket}/raw", total=False)[f"{bucket}/raw/readme.md"] == 10
    info = fs.info(f"{bucket}/raw/2024")
    assert info["type"] == "directory"
    assert fs.isdir(f"{bucket}/raw/2024/01") and not fs.isfile(f"{bucket}/raw/2024/01")
    assert fs.exists(f"{bucket}/raw/2024") and fs.exists(f"s3://{bucket}/raw/")
    assert not fs.exists(f"{bucket}/raw/2023")
    assert fs.exists(bucket)
    assert fs.info(bucket)["type"] == "directory"
    assert fs.find(f"{bucket}/raw", maxdepth=1, withdirs=True) == [
        f"{bucket}/raw", f"{bucket}/raw/2024", f"{bucket}/raw/readme.md"]


def test_s3fs_mkdir_touch_rm_recursive(fs, s3, bucket):
    fs.mkdir(f"{bucket}/empty-dir")      # a no-op in s3fs for prefixes inside a bucket
    fs.touch(f"{bucket}/work/_SUCCESS")
    fs.touch(f"{bucket}/work/part-0000")
    assert fs.info(f"{bucket}/work/_SUCCESS")["size"] == 0
    fs.pipe(f"{bucket}/work/sub/part-0001", b"abc")
    fs.rm(f"{bucket}/work", recursive=True)
    assert keys(s3, bucket) == []
    assert not fs.exists(f"{bucket}/work")


def test_s3fs_mkdir_new_bucket_and_rmdir(lakebox_server, s3):
    import s3fs
    # no region: s3fs would send LocationConstraint=us-east-1, which S3 itself refuses
    fs = s3fs.S3FileSystem(skip_instance_cache=True, key=KEY, secret=SECRET,
                           endpoint_url=lakebox_server.endpoint)
    name = f"journey-fs-{uuid.uuid4().hex[:10]}"
    fs.mkdir(name)
    try:
        assert fs.exists(name)
        fs.pipe(f"{name}/k", b"v")
        fs.rm(f"{name}/k")
        fs.rmdir(name)
        assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    finally:
        if name in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
            remove_bucket(s3, name)


def test_s3fs_open_write_read_seek_ranges(fs, bucket):
    payload = bytes(range(256)) * 40_000      # ~10 MB: several s3fs blocks, multipart write
    with fs.open(f"{bucket}/blob.bin", "wb", block_size=5 * MIB) as handle:
        for start in range(0, len(payload), 1_000_000):
            handle.write(payload[start:start + 1_000_000])
    assert fs.size(f"{bucket}/blob.bin") == len(payload)
    with fs.open(f"{bucket}/blob.bin", "rb", block_size=MIB) as handle:
        handle.seek(5_000_000)
        assert handle.read(100) == payload[5_000_000:5_000_100]
        handle.seek(-10, 2)
        assert handle.read() == payload[-10:]
        handle.seek(0)
        assert handle.read(3) == payload[:3]
        assert handle.tell() == 3
    assert fs.cat_file(f"{bucket}/blob.bin", start=1000, end=1010) == payload[1000:1010]
    assert fs.cat_file(f"{bucket}/blob.bin", start=-20) == payload[-20:]
    assert fs.read_block(f"{bucket}/blob.bin", 7, 13) == payload[7:20]
    assert fs.head(f"{bucket}/blob.bin", 5) == payload[:5]
    assert fs.tail(f"{bucket}/blob.bin", 5) == payload[-5:]


def test_s3fs_text_mode_and_append_like_rewrite(fs, bucket):
    with fs.open(f"{bucket}/notes.txt", "w") as handle:
        handle.write("first line\nsecond line\n")
    with fs.open(f"{bucket}/notes.txt", "r") as handle:
        assert handle.readlines() == ["first line\n", "second line\n"]
    info = fs.info(f"{bucket}/notes.txt")
    assert info["size"] == len("first line\nsecond line\n")
    assert info["type"] == "file"
    assert info["ETag"].strip('"') == hashlib.md5(b"first line\nsecond line\n").hexdigest()


def test_s3fs_copy_mv_and_recursive(fs, s3, bucket):
    fs.pipe({f"{bucket}/src/a.txt": b"A", f"{bucket}/src/b/c.txt": b"C"})
    fs.copy(f"{bucket}/src/a.txt", f"{bucket}/dst/a.txt")
    assert fs.cat(f"{bucket}/dst/a.txt") == b"A"
    fs.copy(f"{bucket}/src", f"{bucket}/tree", recursive=True)
    assert keys(s3, bucket, "tree/") == ["tree/a.txt", "tree/b/c.txt"]
    fs.mv(f"{bucket}/dst/a.txt", f"{bucket}/moved/a.txt")
    assert not fs.exists(f"{bucket}/dst/a.txt")
    assert fs.cat(f"{bucket}/moved/a.txt") == b"A"


def test_s3fs_copy_large_uses_multipart_copy(fs, s3, bucket):
    data = os.urandom(12 * MIB)
    fs.pipe(f"{bucket}/big.bin", data)
    # s3fs copies with UploadPartCopy above its threshold; force that here
    fs.copy(f"{bucket}/big.bin", f"{bucket}/big-copy.bin")
    import fsspec.asyn
    fsspec.asyn.sync(fs.loop, fs._copy_managed, f"{bucket}/big.bin", f"{bucket}/big-copy2.bin",
                     len(data), block=5 * MIB)
    assert s3.get_object(Bucket=bucket, Key="big-copy2.bin")["Body"].read() == data
    assert s3.get_object(Bucket=bucket, Key="big-copy.bin")["Body"].read() == data


def test_s3fs_pipe_and_cat_many(fs, bucket):
    files = {f"{bucket}/many/{i:03d}.txt": f"file {i}".encode() for i in range(50)}
    fs.pipe(files)
    got = fs.cat(f"{bucket}/many/*.txt")
    assert got == files
    got = fs.cat(list(files)[:5] + [f"{bucket}/many/missing.txt"], on_error="return")
    assert isinstance(got[f"{bucket}/many/missing.txt"], FileNotFoundError)
    ranges = fs.cat_ranges(list(files)[:3], [0, 1, 2], [4, 5, 6])
    assert ranges == [b"file", b"ile ", b"le 2"]


def test_s3fs_get_put_directories(fs, s3, bucket, tmp_path):
    local = tmp_path / "up"
    for name in ["a.txt", "b/c.txt"]:
        (local / name).parent.mkdir(parents=True, exist_ok=True)
        (local / name).write_text(name)
    fs.put(str(local) + "/", f"{bucket}/up/", recursive=True)
    assert keys(s3, bucket) == ["up/a.txt", "up/b/c.txt"]
    down = tmp_path / "down"
    fs.get(f"{bucket}/up/", str(down) + "/", recursive=True)
    assert (down / "b" / "c.txt").read_text() == "b/c.txt"


def test_s3fs_metadata_and_checksum(fs, bucket):
    fs.pipe(f"{bucket}/meta.txt", b"m")
    fs.setxattr(f"{bucket}/meta.txt", owner="me")
    assert fs.getxattr(f"{bucket}/meta.txt", "owner") == "me"
    assert fs.checksum(f"{bucket}/meta.txt")
    fs.put_tags(f"{bucket}/meta.txt", {"tier": "gold"})
    assert fs.get_tags(f"{bucket}/meta.txt") == {"tier": "gold"}
    assert fs.url(f"{bucket}/meta.txt").startswith("http")
    with urllib.request.urlopen(fs.url(f"{bucket}/meta.txt", expires=60), timeout=30) as response:
        assert response.read() == b"m"


def test_s3fs_versions(storage_options, s3, bucket):
    import s3fs
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    fs = s3fs.S3FileSystem(skip_instance_cache=True, version_aware=True, **storage_options)
    fs.pipe(f"{bucket}/v.txt", b"one")
    fs.pipe(f"{bucket}/v.txt", b"two")
    versions = fs.object_version_info(f"{bucket}/v.txt")
    assert len(versions) == 2
    first = [v for v in versions if not v["IsLatest"]][0]["VersionId"]
    assert fs.cat_file(f"{bucket}/v.txt?versionId={first}") == b"one"
    with fs.open(f"{bucket}/v.txt", version_id=first) as handle:
        assert handle.read() == b"one"


def test_pyarrow_file_info_selector_and_dirs(pyfs, s3, bucket):
    for key in ["lake/t1/p=1/a.parquet", "lake/t1/p=2/b.parquet", "lake/t2/c.parquet"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"123")
    infos = pyfs.get_file_info(pafs.FileSelector(f"{bucket}/lake", recursive=True))
    by_path = {info.path: info for info in infos}
    assert sorted(p for p, i in by_path.items() if i.type == pafs.FileType.File) == [
        f"{bucket}/lake/t1/p=1/a.parquet", f"{bucket}/lake/t1/p=2/b.parquet", f"{bucket}/lake/t2/c.parquet"]
    assert sorted(p for p, i in by_path.items() if i.type == pafs.FileType.Directory) == [
        f"{bucket}/lake/t1", f"{bucket}/lake/t1/p=1", f"{bucket}/lake/t1/p=2", f"{bucket}/lake/t2"]
    assert by_path[f"{bucket}/lake/t2/c.parquet"].size == 3
    flat = pyfs.get_file_info(pafs.FileSelector(f"{bucket}/lake", recursive=False))
    assert sorted(i.path for i in flat) == [f"{bucket}/lake/t1", f"{bucket}/lake/t2"]
    single = pyfs.get_file_info([f"{bucket}/lake/t1", f"{bucket}/lake/nothing", f"{bucket}/lake/t2/c.parquet"])
    assert [i.type for i in single] == [pafs.FileType.Directory, pafs.FileType.NotFound, pafs.FileType.File]
    assert pyfs.get_file_info(bucket).type == pafs.FileType.Directory
    missing = pyfs.get_file_info(pafs.FileSelector(f"{bucket}/nope", allow_not_found=True))
    assert missing == []


def test_pyarrow_create_dir_and_delete_dir_contents(pyfs, s3, bucket):
    pyfs.create_dir(f"{bucket}/scratch/inner")
    assert pyfs.get_file_info(f"{bucket}/scratch/inner").type == pafs.FileType.Directory
    with pyfs.open_output_stream(f"{bucket}/scratch/inner/f.txt") as stream:
        stream.write(b"data")
    with pyfs.open_output_stream(f"{bucket}/scratch/g.txt") as stream:
        stream.write(b"data")
    pyfs.delete_dir_contents(f"{bucket}/scratch")
    assert pyfs.get_file_info(pafs.FileSelector(f"{bucket}/scratch", recursive=True)) == []
    assert pyfs.get_file_info(f"{bucket}/scratch").type == pafs.FileType.Directory
    pyfs.delete_dir(f"{bucket}/scratch")
    assert pyfs.get_file_info(f"{bucket}/scratch").type == pafs.FileType.NotFound
    assert keys(s3, bucket) == []


def test_pyarrow_move_copy_and_delete_file(pyfs, s3, bucket):
    with pyfs.open_output_stream(f"{bucket}/m/a.txt") as stream:
        stream.write(b"moving")
    pyfs.copy_file(f"{bucket}/m/a.txt", f"{bucket}/m/b.txt")
    pyfs.move(f"{bucket}/m/a.txt", f"{bucket}/n/a.txt")
    # pyarrow leaves a "m/" marker behind so the emptied directory still exists
    assert [k for k in keys(s3, bucket) if not k.endswith("/")] == ["m/b.txt", "n/a.txt"]
    pyfs.delete_file(f"{bucket}/m/b.txt")
    assert [k for k in keys(s3, bucket) if not k.endswith("/")] == ["n/a.txt"]


def test_pyarrow_streams_read_at(pyfs, bucket):
    payload = os.urandom(12 * MIB)      # pyarrow uploads in parts above 10 MB
    with pyfs.open_output_stream(f"{bucket}/stream.bin", metadata={"Content-Type": "application/x-bin"}) as stream:
        for start in range(0, len(payload), MIB):
            stream.write(payload[start:start + MIB])
    with pyfs.open_input_file(f"{bucket}/stream.bin") as handle:
        assert handle.size() == len(payload)
        assert handle.read_at(100, 7 * MIB) == payload[7 * MIB:7 * MIB + 100]
        handle.seek(len(payload) - 50)
        assert handle.read() == payload[-50:]
        assert handle.metadata().get("Content-Type") == b"application/x-bin"
    with pyfs.open_input_stream(f"{bucket}/stream.bin") as stream:
        assert hashlib.sha256(stream.read()).digest() == hashlib.sha256(payload).digest()


def test_pyarrow_write_dataset_hive_and_filter(pyfs, bucket):
    table = pa.table({"id": list(range(300)), "country": ["de", "fr", "us"] * 100,
                      "year": [2023, 2024] * 150, "value": [i * 0.5 for i in range(300)]})
    ds.write_dataset(table, f"{bucket}/events", filesystem=pyfs, format="parquet",
                     partitioning=["year", "country"], partitioning_flavor="hive",
                     existing_data_behavior="overwrite_or_ignore")
    dataset = ds.dataset(f"{bucket}/events", filesystem=pyfs, format="parquet", partitioning="hive")
    assert dataset.count_rows() == 300
    got = dataset.to_table(filter=(ds.field("country") == "fr") & (ds.field("year") == 2024))
    assert sorted(got.column("id").to_pylist()) == [i for i in range(300) if i % 3 == 1 and i % 2 == 1]
    again = pq.read_table(f"{bucket}/events", filesystem=pyfs, filters=[("country", "=", "us")])
    assert again.num_rows == 100
    # rewriting with delete_matching replaces partitions
    ds.write_dataset(table.slice(0, 6), f"{bucket}/events", filesystem=pyfs, format="parquet",
                     partitioning=["year", "country"], partitioning_flavor="hive",
                     existing_data_behavior="delete_matching")
    assert ds.dataset(f"{bucket}/events", filesystem=pyfs, format="parquet",
                      partitioning="hive").count_rows() == 6


def test_pyarrow_parquet_write_to_dataset(pyfs, bucket):
    table = pa.table({"k": ["a", "b", "c", "a"], "v": [1, 2, 3, 4]})
    pq.write_to_dataset(table, f"{bucket}/w2d", partition_cols=["k"], filesystem=pyfs)
    back = pq.read_table(f"{bucket}/w2d", filesystem=pyfs, filters=[("k", "=", "a")])
    assert sorted(back.column("v").to_pylist()) == [1, 4]
    pq.write_table(table, f"{bucket}/single.parquet", filesystem=pyfs)
    meta = pq.read_metadata(f"{bucket}/single.parquet", filesystem=pyfs)
    assert meta.num_rows == 4
    assert pq.ParquetFile(pyfs.open_input_file(f"{bucket}/single.parquet")).schema_arrow.names == ["k", "v"]


def test_pyarrow_via_uri(lakebox_server, bucket):
    if not lakebox_server.endpoint:
        pytest.skip("endpoint in URI")
    url = urlsplit(lakebox_server.endpoint)
    uri = (f"s3://{KEY}:{SECRET}@{bucket}/uri/t.parquet?scheme={url.scheme}&endpoint_override={url.netloc}"
           f"&region={REGION}")
    pq.write_table(pa.table({"x": [1, 2, 3]}), uri)
    assert pq.read_table(uri).column("x").to_pylist() == [1, 2, 3]


def test_wrangler_csv_and_json_round_trip(wr, session, bucket):
    frame = sales()
    wr.s3.to_csv(frame, f"s3://{bucket}/csv/sales.csv", index=False, boto3_session=session)
    back = wr.s3.read_csv(f"s3://{bucket}/csv/sales.csv", boto3_session=session)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    wr.s3.to_json(frame, f"s3://{bucket}/json/sales.json", orient="records", lines=True, boto3_session=session)
    lines = wr.s3.read_json(f"s3://{bucket}/json/sales.json", lines=True, boto3_session=session)
    pd.testing.assert_frame_equal(lines, frame, check_dtype=False)
    chunks = list(wr.s3.read_csv(f"s3://{bucket}/csv/", chunksize=50, boto3_session=session))
    assert sum(len(c) for c in chunks) == 200


def test_wrangler_listing_and_describe(wr, session, s3, bucket):
    for key in ["d/a/1.csv", "d/a/2.csv", "d/b/3.csv", "d/top.csv"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"col\n1\n")
    objects = wr.s3.list_objects(f"s3://{bucket}/d/", boto3_session=session)
    assert sorted(objects) == [f"s3://{bucket}/d/{k}" for k in ["a/1.csv", "a/2.csv", "b/3.csv", "top.csv"]]
    assert sorted(wr.s3.list_objects(f"s3://{bucket}/d/a/*.csv", boto3_session=session)) == [
        f"s3://{bucket}/d/a/1.csv", f"s3://{bucket}/d/a/2.csv"]
    assert sorted(wr.s3.list_objects(f"s3://{bucket}/d/", suffix=".csv", ignore_suffix="3.csv",
                                     boto3_session=session)) == [
        f"s3://{bucket}/d/a/1.csv", f"s3://{bucket}/d/a/2.csv", f"s3://{bucket}/d/top.csv"]
    assert sorted(wr.s3.list_directories(f"s3://{bucket}/d/", boto3_session=session)) == [
        f"s3://{bucket}/d/a/", f"s3://{bucket}/d/b/"]
    described = wr.s3.describe_objects(f"s3://{bucket}/d/", boto3_session=session)
    assert len(described) == 4
    assert all(d["ContentLength"] == 6 for d in described.values())
    sizes = wr.s3.size_objects(f"s3://{bucket}/d/", boto3_session=session)
    assert set(sizes.values()) == {6}
    assert wr.s3.does_object_exist(f"s3://{bucket}/d/top.csv", boto3_session=session)
    assert not wr.s3.does_object_exist(f"s3://{bucket}/d/none.csv", boto3_session=session)
    with_time = wr.s3.list_objects(f"s3://{bucket}/d/", last_modified_begin=pd.Timestamp.now(tz="UTC")
                                   - pd.Timedelta(hours=1), boto3_session=session)
    assert len(with_time) == 4


def test_wrangler_copy_merge_delete(wr, session, s3, bucket):
    frame = sales(40)
    wr.s3.to_parquet(frame, f"s3://{bucket}/stage/", dataset=True, partition_cols=["region"],
                     boto3_session=session)
    staged = wr.s3.list_objects(f"s3://{bucket}/stage/", boto3_session=session)
    copied = wr.s3.copy_objects(staged, source_path=f"s3://{bucket}/stage/",
                                target_path=f"s3://{bucket}/copy/", boto3_session=session)
    assert len(copied) == len(staged)
    merged = wr.s3.merge_datasets(source_path=f"s3://{bucket}/stage/", target_path=f"s3://{bucket}/prod/",
                                  mode="append", boto3_session=session)
    assert len(merged) == len(staged)
    back = wr.s3.read_parquet(f"s3://{bucket}/prod/", dataset=True, boto3_session=session)
    assert len(back) == 40
    wr.s3.delete_objects(f"s3://{bucket}/stage/", boto3_session=session)
    assert keys(s3, bucket, "stage/") == []
    wr.s3.delete_objects([f"s3://{bucket}/copy/{k.split('/copy/')[1]}" for k in copied][:1],
                         boto3_session=session)
    assert len(keys(s3, bucket, "copy/")) == len(staged) - 1


def test_wrangler_overwrite_partitions_and_filter(wr, session, bucket):
    path = f"s3://{bucket}/sales/"
    frame = sales()
    wr.s3.to_parquet(frame, path, dataset=True, partition_cols=["region"], mode="overwrite",
                     boto3_session=session)
    update = pd.DataFrame({"order_id": [9001, 9002], "region": ["eu", "eu"], "amount": [1.0, 2.0]})
    wr.s3.to_parquet(update, path, dataset=True, partition_cols=["region"], mode="overwrite_partitions",
                     boto3_session=session)
    back = wr.s3.read_parquet(path, dataset=True, boto3_session=session)
    assert len(back) == 150 + 2
    eu = wr.s3.read_parquet(path, dataset=True, partition_filter=lambda p: p["region"] == "eu",
                            boto3_session=session)
    assert sorted(eu["order_id"]) == [9001, 9002]
    wr.s3.to_parquet(update, path, dataset=True, partition_cols=["region"], mode="append",
                     boto3_session=session)
    assert len(wr.s3.read_parquet(path, dataset=True, boto3_session=session)) == 154
    columns, partitions = wr.s3.read_parquet_metadata(path, dataset=True, boto3_session=session)
    assert set(columns) == {"order_id", "amount"}
    assert partitions == {"region": "string"}
    subset = wr.s3.read_parquet(path, dataset=True, columns=["amount"], boto3_session=session)
    assert "amount" in subset.columns
    chunks = list(wr.s3.read_parquet(path, dataset=True, chunked=50, boto3_session=session))
    assert sum(len(c) for c in chunks) == 154


def test_wrangler_parquet_single_file_and_upload_download(wr, session, bucket, tmp_path):
    frame = sales()
    wr.s3.to_parquet(frame, f"s3://{bucket}/one.parquet", boto3_session=session)
    assert len(wr.s3.read_parquet(f"s3://{bucket}/one.parquet", boto3_session=session)) == 200
    local = tmp_path / "local.bin"
    local.write_bytes(os.urandom(1000))
    wr.s3.upload(str(local), f"s3://{bucket}/up/local.bin", boto3_session=session)
    wr.s3.download(f"s3://{bucket}/up/local.bin", str(tmp_path / "back.bin"), boto3_session=session)
    assert (tmp_path / "back.bin").read_bytes() == local.read_bytes()
    buffer = io.BytesIO()
    wr.s3.download(f"s3://{bucket}/up/local.bin", buffer, boto3_session=session)
    assert buffer.getvalue() == local.read_bytes()


def test_pandas_parquet_json_and_compression(bucket, storage_options):
    frame = sales()
    frame.to_parquet(f"s3://{bucket}/pd/sales.parquet", index=False, storage_options=storage_options)
    back = pd.read_parquet(f"s3://{bucket}/pd/sales.parquet", storage_options=storage_options)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    frame.to_json(f"s3://{bucket}/pd/sales.jsonl", orient="records", lines=True, storage_options=storage_options)
    lines = pd.read_json(f"s3://{bucket}/pd/sales.jsonl", lines=True, storage_options=storage_options)
    pd.testing.assert_frame_equal(lines, frame, check_dtype=False)
    frame.to_csv(f"s3://{bucket}/pd/sales.csv.gz", index=False, storage_options=storage_options)
    gz = pd.read_csv(f"s3://{bucket}/pd/sales.csv.gz", storage_options=storage_options)
    pd.testing.assert_frame_equal(gz, frame, check_dtype=False)
    frame.to_parquet(f"s3://{bucket}/pd/parts", partition_cols=["region"], index=False,
                     storage_options=storage_options)
    parts = pd.read_parquet(f"s3://{bucket}/pd/parts", storage_options=storage_options,
                            filters=[("region", "in", ["eu", "apac"])])
    assert len(parts) == 100


def test_pandas_read_from_pyarrow_filesystem(bucket, pyfs):
    frame = sales()
    frame.to_parquet(f"{bucket}/pdfs/sales.parquet", filesystem=pyfs, index=False)
    back = pd.read_parquet(f"{bucket}/pdfs/sales.parquet", filesystem=pyfs)
    assert len(back) == 200
