"""S3 the way a data engineer uses it: boto3 paginators and resources, managed transfers,
awkward keys, awswrangler and s3fs helpers. Each result is checked against what real S3
documents for the same calls."""
import io
import os

import boto3
import pytest
from boto3.s3.transfer import TransferConfig

from s3_helpers import MIB

KEY, SECRET, REGION = "test", "test", "us-east-1"


def _keys():
    """50 keys: 4 folders x 10 files with a nested level, plus 10 at the top."""
    keys = [f"data/{folder}/part-{i:02d}.csv" for folder in ("a", "b", "c", "d") for i in range(8)]
    keys += [f"data/{folder}/sub/x-{i}.csv" for folder in ("a", "c") for i in range(4)]
    keys += [f"top-{i:02d}.txt" for i in range(10)]
    return keys


@pytest.fixture
def filled(s3, make_bucket):
    bucket = make_bucket("journey")
    for key in _keys():
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


# --- 1. paginators -------------------------------------------------------------------

def test_list_objects_v2_paginator_small_pages_flat(s3, filled):
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=filled, PaginationConfig={"PageSize": 7}))
    seen = [o["Key"] for p in pages for o in p.get("Contents", [])]
    assert seen == sorted(_keys())
    assert len(pages) == 8  # ceil(50 / 7)
    assert all(p["KeyCount"] == len(p.get("Contents", [])) for p in pages)
    assert all(p["MaxKeys"] == 7 for p in pages)
    assert [p["IsTruncated"] for p in pages] == [True] * 7 + [False]


def test_list_objects_v2_paginator_delimiter_across_pages(s3, filled):
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=filled, Prefix="data/", Delimiter="/", PaginationConfig={"PageSize": 2}))
    prefixes = [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])]
    assert prefixes == ["data/a/", "data/b/", "data/c/", "data/d/"]
    assert not any(p.get("Contents") for p in pages)
    # KeyCount counts keys and common prefixes together (S3 docs: ListObjectsV2 KeyCount).
    assert [p["KeyCount"] for p in pages] == [2, 2]
    assert pages[-1]["IsTruncated"] is False

    # Mixed page: objects and prefixes interleaved under one delimiter.
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=filled, Prefix="data/a/", Delimiter="/", PaginationConfig={"PageSize": 3}))
    keys = [o["Key"] for p in pages for o in p.get("Contents", [])]
    prefixes = [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])]
    assert keys == [f"data/a/part-{i:02d}.csv" for i in range(8)]
    assert prefixes == ["data/a/sub/"]
    assert all(p["KeyCount"] <= 3 for p in pages)


def test_list_objects_v1_paginator_with_delimiter(s3, filled):
    pages = list(s3.get_paginator("list_objects").paginate(
        Bucket=filled, Delimiter="/", PaginationConfig={"PageSize": 3}))
    keys = [o["Key"] for p in pages for o in p.get("Contents", [])]
    prefixes = [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])]
    assert prefixes == ["data/"]
    assert keys == [f"top-{i:02d}.txt" for i in range(10)]
    # paginator.build_full_result merges without duplicates.
    full = s3.get_paginator("list_objects").paginate(
        Bucket=filled, Prefix="data/", PaginationConfig={"PageSize": 9}).build_full_result()
    assert [o["Key"] for o in full["Contents"]] == sorted(k for k in _keys() if k.startswith("data/"))


def test_list_object_versions_paginator(s3, make_bucket):
    bucket = make_bucket("journey-ver")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    made = []  # (key, version id) in creation order
    for key in ("k1", "k2", "k3", "k4"):
        for n in range(3):
            made.append((key, s3.put_object(Bucket=bucket, Key=key, Body=f"{key}-{n}".encode())["VersionId"]))
    markers = [(k, s3.delete_object(Bucket=bucket, Key=k)["VersionId"]) for k in ("k2", "k4")]
    pages = list(s3.get_paginator("list_object_versions").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 4}))
    entries = []
    for page in pages:
        got = [(v["Key"], v["VersionId"], v["IsLatest"], "v") for v in page.get("Versions", [])]
        got += [(m["Key"], m["VersionId"], m["IsLatest"], "m") for m in page.get("DeleteMarkers", [])]
        assert len(got) <= 4
        entries += got
    assert len(entries) == len(made) + len(markers) == len(set(e[1] for e in entries))
    # Per key, newest first; the delete marker is the latest of k2 and k4.
    for key in ("k1", "k2", "k3", "k4"):
        mine = [e for e in entries if e[0] == key]
        ids = [v for k, v in made if k == key][::-1]
        if key in ("k2", "k4"):
            marker = dict(markers)[key]
            assert sorted(mine, key=lambda e: e[3] != "m")[0][:3] == (key, marker, True)
            assert [e[1] for e in mine if e[3] == "v"] == ids
            assert not any(e[2] for e in mine if e[3] == "v")
        else:
            assert [e[1] for e in mine] == ids
            assert [e[2] for e in mine] == [True, False, False]


def test_multipart_uploads_and_parts_paginators(s3, make_bucket):
    bucket = make_bucket("journey-mpu")
    uploads = []
    for key in ("a/1", "a/2", "b/1"):
        for _ in range(3):
            uploads.append((key, s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]))
    pages = list(s3.get_paginator("list_multipart_uploads").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 2}))
    listed = [(u["Key"], u["UploadId"]) for p in pages for u in p.get("Uploads", [])]
    assert sorted(listed) == sorted(uploads) and len(listed) == len(set(listed))
    assert [k for k, _ in listed] == sorted(k for k, _ in uploads)
    # With a delimiter the uploads under a/ and b/ roll up.
    pages = list(s3.get_paginator("list_multipart_uploads").paginate(
        Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 1}))
    assert [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])] == ["a/", "b/"]

    key, upload_id = uploads[0]
    for n in range(1, 8):
        s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=b"x" * (5 * MIB if n < 7 else 10))
    pages = list(s3.get_paginator("list_parts").paginate(
        Bucket=bucket, Key=key, UploadId=upload_id, PaginationConfig={"PageSize": 3}))
    numbers = [p["PartNumber"] for page in pages for p in page.get("Parts", [])]
    assert numbers == list(range(1, 8))
    assert len(pages) == 3
    parts = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for page in pages for p in page["Parts"]]
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == 6 * 5 * MIB + 10


# --- 2. resources and managed transfers ----------------------------------------------

def test_resource_filter_and_delete_all(lakebox_server, filled):
    bucket = _resource(lakebox_server).Bucket(filled)
    under = sorted(o.key for o in bucket.objects.filter(Prefix="data/c/"))
    assert under == sorted(k for k in _keys() if k.startswith("data/c/"))
    sizes = {o.key: o.size for o in bucket.objects.page_size(5).filter(Prefix="top-")}
    assert sizes == {k: len(k) for k in _keys() if k.startswith("top-")}
    deleted = bucket.objects.filter(Prefix="data/").delete()
    assert sum(len(r.get("Deleted", [])) for r in deleted) == 40
    assert sorted(o.key for o in bucket.objects.all()) == [k for k in sorted(_keys()) if k.startswith("top-")]
    bucket.objects.all().delete()
    assert list(bucket.objects.all()) == []


def _resource(server):
    client = server.client("s3")
    return boto3.resource("s3", endpoint_url=client.meta.endpoint_url, region_name=REGION,
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET)


def test_resource_object_versions_delete(lakebox_server, s3, make_bucket):
    name = make_bucket("journey-rver")
    bucket = _resource(lakebox_server).Bucket(name)
    bucket.Versioning().enable()
    for n in range(3):
        bucket.put_object(Key="log.txt", Body=f"v{n}".encode())
    bucket.Object("log.txt").delete()
    versions = list(bucket.object_versions.all())
    assert len(versions) == 4
    assert sum(1 for v in versions if v.is_latest) == 1
    bucket.object_versions.delete()
    assert list(bucket.object_versions.all()) == []
    assert s3.list_object_versions(Bucket=name).get("Versions") is None


def test_copy_from_and_managed_transfers(lakebox_server, s3, make_bucket):
    name = make_bucket("journey-xfer")
    resource = _resource(lakebox_server)
    payload = os.urandom(12 * MIB)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    resource.Bucket(name).upload_fileobj(io.BytesIO(payload), "big.bin", Config=config,
                                         ExtraArgs={"Metadata": {"owner": "lake"}, "ContentType": "application/x-bin"})
    head = s3.head_object(Bucket=name, Key="big.bin")
    assert head["ContentLength"] == len(payload)
    assert head["ETag"].endswith('-3"')  # 5 + 5 + 2 MiB parts
    assert head["Metadata"] == {"owner": "lake"} and head["ContentType"] == "application/x-bin"

    out = io.BytesIO()
    resource.Object(name, "big.bin").download_fileobj(out, Config=config)
    assert out.getvalue() == payload

    copy = resource.Object(name, "copy/big.bin")
    copy.copy_from(CopySource={"Bucket": name, "Key": "big.bin"}, MetadataDirective="REPLACE",
                   Metadata={"owner": "copied"}, ContentType="text/plain")
    copy.load()
    assert copy.content_length == len(payload)
    assert copy.metadata == {"owner": "copied"} and copy.content_type == "text/plain"
    # Managed copy (multipart for a source above the threshold).
    s3.copy({"Bucket": name, "Key": "big.bin"}, name, "copy/managed.bin", Config=config)
    assert s3.get_object(Bucket=name, Key="copy/managed.bin")["Body"].read() == payload
    # s3transfer copies above the threshold with UploadPartCopy (metadata is not carried over).
    assert s3.head_object(Bucket=name, Key="copy/managed.bin")["ETag"].endswith('-3"')


# --- 3. awkward keys ---------------------------------------------------------------------

AWKWARD = ["with space/a b.txt", "plus+sign.txt", "per%cent%20.txt", "hash#tag.txt", "what?.txt",
           "ünïcødé/日本語.txt", "amp&eq=semi;.txt", "tilde~star*.txt", "new\nline.txt",
           "dots/../up.txt", "trailing space .txt", "emoji-\U0001F600.txt"]


def test_awkward_keys_round_trip(s3, make_bucket):
    bucket = make_bucket("journey-keys")
    for key in AWKWARD:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    for key in AWKWARD:
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
        assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(key.encode())
    # boto3 asks for encoding-type=url and decodes the keys back.
    listed = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 5}) for o in p.get("Contents", [])]
    assert listed == sorted(AWKWARD, key=lambda k: k.encode())
    listed = [o["Key"] for p in s3.get_paginator("list_objects").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 5}) for o in p.get("Contents", [])]
    assert listed == sorted(AWKWARD, key=lambda k: k.encode())
    versions = [v["Key"] for v in s3.list_object_versions(Bucket=bucket)["Versions"]]
    assert versions == sorted(AWKWARD, key=lambda k: k.encode())
    # Delimiter and prefix with awkward characters.
    page = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [c["Prefix"] for c in page["CommonPrefixes"]] == sorted(
        ["with space/", "ünïcødé/", "dots/"], key=lambda k: k.encode())
    page = s3.list_objects_v2(Bucket=bucket, Prefix="ünïcødé/")
    assert [o["Key"] for o in page["Contents"]] == ["ünïcødé/日本語.txt"]
    # Copy and multi-delete with awkward keys.
    s3.copy_object(Bucket=bucket, Key="copy of plus+sign?.txt",
                   CopySource={"Bucket": bucket, "Key": "plus+sign.txt"})
    assert s3.get_object(Bucket=bucket, Key="copy of plus+sign?.txt")["Body"].read() == b"plus+sign.txt"
    done = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in AWKWARD]})
    assert sorted(d["Key"] for d in done["Deleted"]) == sorted(AWKWARD)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["copy of plus+sign?.txt"]


# --- 4. awswrangler ------------------------------------------------------------------------

@pytest.fixture
def wr(lakebox_server):
    import awswrangler
    endpoint = lakebox_server.client("s3").meta.endpoint_url
    awswrangler.config.s3_endpoint_url = endpoint
    try:
        yield awswrangler
    finally:
        awswrangler.config.reset("s3_endpoint_url")


def test_awswrangler_helpers(wr, make_bucket):
    import pandas as pd
    session = boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION)
    bucket = make_bucket("journey-wr")
    frame = pd.DataFrame({"id": range(20), "name": [f"n{i}" for i in range(20)]})
    base = f"s3://{bucket}/lake/"
    wr.s3.to_csv(frame, f"{base}csv/a.csv", index=False, boto3_session=session)
    wr.s3.to_csv(frame, f"{base}csv/b.csv", index=False, boto3_session=session)
    wr.s3.to_json(frame, f"{base}json/rows.json", orient="records", lines=True, boto3_session=session)
    back = wr.s3.read_csv(f"{base}csv/", boto3_session=session)
    assert len(back) == 40 and sorted(back["id"].tolist()) == sorted(list(range(20)) * 2)
    rows = wr.s3.read_json(f"{base}json/rows.json", lines=True, boto3_session=session)
    pd.testing.assert_frame_equal(rows, frame, check_dtype=False)

    assert wr.s3.list_objects(base, boto3_session=session) == [
        f"{base}csv/a.csv", f"{base}csv/b.csv", f"{base}json/rows.json"]
    assert wr.s3.list_objects(f"{base}csv/*.csv", boto3_session=session) == [
        f"{base}csv/a.csv", f"{base}csv/b.csv"]
    assert wr.s3.list_directories(base, boto3_session=session) == [f"{base}csv/", f"{base}json/"]
    sizes = wr.s3.size_objects([f"{base}csv/a.csv", f"{base}json/rows.json"], boto3_session=session)
    assert sizes[f"{base}csv/a.csv"] > 0 and sizes[f"{base}json/rows.json"] > 0
    assert wr.s3.does_object_exist(f"{base}csv/a.csv", boto3_session=session)
    assert not wr.s3.does_object_exist(f"{base}csv/zzz.csv", boto3_session=session)
    wr.s3.delete_objects(f"{base}csv/", boto3_session=session)
    assert wr.s3.list_objects(base, boto3_session=session) == [f"{base}json/rows.json"]
    wr.s3.delete_objects([f"{base}json/rows.json"], boto3_session=session)
    assert wr.s3.list_objects(base, boto3_session=session) == []


# --- 5. s3fs -------------------------------------------------------------------------------

@pytest.fixture
def fs(lakebox_server):
    import s3fs
    endpoint = lakebox_server.client("s3").meta.endpoint_url
    return s3fs.S3FileSystem(key=KEY, secret=SECRET, endpoint_url=endpoint,
                             client_kwargs={"region_name": REGION}, skip_instance_cache=True,
                             use_listings_cache=False)


def test_s3fs_browse_and_range_reads(fs, filled):
    top = fs.ls(filled)
    assert sorted(top) == [f"{filled}/data"] + [f"{filled}/top-{i:02d}.txt" for i in range(10)]
    detail = {e["name"]: e for e in fs.ls(f"{filled}/data/a", detail=True)}
    assert detail[f"{filled}/data/a/sub"]["type"] == "directory"
    assert detail[f"{filled}/data/a/part-00.csv"]["size"] == len("data/a/part-00.csv")
    globbed = fs.glob(f"{filled}/data/**/*.csv")
    assert sorted(globbed) == sorted(f"{filled}/{k}" for k in _keys() if k.startswith("data/"))
    assert sorted(fs.glob(f"{filled}/data/*/sub/*.csv")) == sorted(
        f"{filled}/{k}" for k in _keys() if "/sub/" in k)
    info = fs.info(f"{filled}/data/c")
    assert info["type"] == "directory"
    assert fs.isdir(f"{filled}/data/c") and not fs.isfile(f"{filled}/data/c")
    assert fs.info(f"{filled}/top-01.txt")["size"] == len("top-01.txt")

    fs.pipe(f"{filled}/blob.bin", bytes(range(256)) * 1000)
    with fs.open(f"{filled}/blob.bin", "rb", block_size=1000) as handle:
        handle.seek(255)
        assert handle.read(3) == bytes([255, 0, 1])
        handle.seek(-10, 2)
        assert handle.read() == bytes(range(246, 256))
        handle.seek(100_000)
        assert handle.read(5) == bytes(range(160, 165))
    assert fs.cat_file(f"{filled}/blob.bin", start=10, end=14) == bytes([10, 11, 12, 13])

    fs.rm(f"{filled}/data", recursive=True)
    assert not fs.exists(f"{filled}/data/a/part-00.csv")
    assert sorted(fs.ls(filled)) == [f"{filled}/blob.bin"] + [f"{filled}/top-{i:02d}.txt" for i in range(10)]


def test_awkward_keys_paginate_versions_and_uploads(s3, make_bucket):
    bucket = make_bucket("journey-keyver")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for key in AWKWARD:
        for _ in range(2):
            s3.put_object(Bucket=bucket, Key=key, Body=b"v")
    pages = list(s3.get_paginator("list_object_versions").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 3}))
    listed = [(v["Key"], v["VersionId"]) for p in pages for v in p.get("Versions", [])]
    assert len(listed) == 2 * len(AWKWARD) == len(set(listed))
    assert sorted({k for k, _ in listed}) == sorted(AWKWARD)
    # The markers in a truncated page come back decoded by boto3 (encoding-type=url).
    assert all(p["NextKeyMarker"] in AWKWARD for p in pages[:-1])

    uploads = {key: s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"] for key in AWKWARD}
    pages = list(s3.get_paginator("list_multipart_uploads").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 4}))
    listed = {u["Key"]: u["UploadId"] for p in pages for u in p.get("Uploads", [])}
    assert listed == uploads
    for key, upload_id in uploads.items():
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)


def test_listing_times_match_object_headers(s3, make_bucket):
    """S3 keeps whole seconds: a listing's LastModified (`...:41.000Z`) is the same instant
    as HEAD's `Last-Modified` header, so sync tools can compare them."""
    bucket = make_bucket("journey-time")
    s3.put_object(Bucket=bucket, Key="a", Body=b"1")
    head = s3.head_object(Bucket=bucket, Key="a")["LastModified"]
    assert s3.list_objects_v2(Bucket=bucket)["Contents"][0]["LastModified"] == head
    assert s3.list_objects(Bucket=bucket)["Contents"][0]["LastModified"] == head
    assert s3.list_object_versions(Bucket=bucket)["Versions"][0]["LastModified"] == head
    assert s3.get_object_attributes(Bucket=bucket, Key="a", ObjectAttributes=["ETag"])["LastModified"] == head
    copied = s3.copy_object(Bucket=bucket, Key="b", CopySource={"Bucket": bucket, "Key": "a"})
    assert copied["CopyObjectResult"]["LastModified"] == s3.head_object(Bucket=bucket, Key="b")["LastModified"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    initiated = s3.list_multipart_uploads(Bucket=bucket)["Uploads"][0]["Initiated"]
    assert initiated.microsecond == 0
    s3.upload_part(Bucket=bucket, Key="m", UploadId=upload, PartNumber=1, Body=b"x")
    assert s3.list_parts(Bucket=bucket, Key="m", UploadId=upload)["Parts"][0]["LastModified"].microsecond == 0
    s3.abort_multipart_upload(Bucket=bucket, Key="m", UploadId=upload)


def test_copy_of_composite_checksum_object_keeps_algorithm(s3, make_bucket):
    """CopyObject without x-amz-checksum-algorithm copies the source's algorithm (S3 API,
    CopyObject ChecksumAlgorithm); a copy is one part, so its checksum is FULL_OBJECT."""
    import base64
    import zlib
    bucket = make_bucket("journey-cksum")
    body = os.urandom(5 * MIB) + b"tail"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="src", ChecksumAlgorithm="CRC32")["UploadId"]
    parts = []
    for number, chunk in ((1, body[:5 * MIB]), (2, body[5 * MIB:])):
        done = s3.upload_part(Bucket=bucket, Key="src", UploadId=upload, PartNumber=number, Body=chunk,
                              ChecksumAlgorithm="CRC32")
        parts.append({"PartNumber": number, "ETag": done["ETag"], "ChecksumCRC32": done["ChecksumCRC32"]})
    s3.complete_multipart_upload(Bucket=bucket, Key="src", UploadId=upload, MultipartUpload={"Parts": parts})
    assert s3.head_object(Bucket=bucket, Key="src", ChecksumMode="ENABLED")["ChecksumType"] == "COMPOSITE"
    crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    result = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})["CopyObjectResult"]
    assert result["ChecksumCRC32"] == crc and result["ChecksumType"] == "FULL_OBJECT"
    head = s3.head_object(Bucket=bucket, Key="dst", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == crc and "ChecksumCRC64NVME" not in head


# --- 6. browser form uploads -------------------------------------------------------------

def test_generate_presigned_post_form_upload(s3, make_bucket):
    import requests
    bucket = make_bucket("journey-post")
    form = s3.generate_presigned_post(
        bucket, "incoming/${filename}", Fields={"Content-Type": "text/csv", "x-amz-meta-source": "browser"},
        Conditions=[["starts-with", "$Content-Type", "text/"], {"x-amz-meta-source": "browser"},
                    ["content-length-range", 1, 1024]], ExpiresIn=300)
    answer = requests.post(form["url"], data=form["fields"], files={"file": ("day 1.csv", b"a,b\n1,2\n")},
                           timeout=30)
    assert answer.status_code == 204, answer.text
    head = s3.head_object(Bucket=bucket, Key="incoming/day 1.csv")
    assert head["ContentType"] == "text/csv" and head["Metadata"] == {"source": "browser"}
    assert answer.headers["ETag"] == head["ETag"]
    too_big = requests.post(form["url"], data=form["fields"], files={"file": ("big.csv", b"x" * 2000)}, timeout=30)
    assert too_big.status_code == 400 and b"<Code>EntityTooLarge</Code>" in too_big.content


def test_form_upload_without_a_file_part_is_refused(s3, make_bucket):
    import requests
    bucket = make_bucket("journey-post")
    form = s3.generate_presigned_post(bucket, "k", ExpiresIn=300)
    answer = requests.post(form["url"], files={**{k: (None, v) for k, v in form["fields"].items()}}, timeout=30)
    assert answer.status_code == 400
    assert b"<Code>InvalidArgument</Code>" in answer.content
    assert b"POST requires exactly one file upload per request." in answer.content


@pytest.mark.local_only
def test_form_upload_after_the_policy_expired_is_denied(lakebox_server, s3, make_bucket):
    import requests
    bucket = make_bucket("journey-post")
    form = s3.generate_presigned_post(bucket, "late.txt", ExpiresIn=60)
    lakebox_server.advance_clock(120)
    try:
        answer = requests.post(form["url"], data=form["fields"], files={"file": ("late.txt", b"late")}, timeout=30)
    finally:
        lakebox_server.advance_clock(-120)
    assert answer.status_code == 403
    assert b"<Code>AccessDenied</Code>" in answer.content
    assert b"Invalid according to Policy: Policy expired." in answer.content
