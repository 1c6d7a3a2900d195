"""S3 encryption at rest with boto3: SSE-KMS (explicit and bucket default), SSE-S3 and
SSE-C, through PUT, GET (ranges and parts), multipart uploads and copies, and what a
disabled or deleted KMS key does to reads.

S3's answers for KMS keys (AWS S3 user guide, "Specifying server-side encryption with AWS
KMS"; KMS error wordings as KMS gives them): a key that does not exist is `400
KMS.NotFoundException` "Invalid keyId '<as named>'"; a disabled key `400
KMS.DisabledException` "<key ARN> is disabled."; a key pending deletion `400
KMS.KMSInvalidStateException` "<key ARN> is pending deletion."; SSEKMSKeyId is answered
with the key's ARN.
"""
import concurrent.futures
import hashlib
import os
import time
import urllib.request
import uuid

import pytest

from s3_helpers import admit_customer_keys, error_response

MIB = 1 << 20


def new_name(prefix="enc"):
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@pytest.fixture(scope="module")
def kms(lakebox_server):
    return lakebox_server.client("kms")


@pytest.fixture
def bucket(s3, make_bucket):
    return make_bucket("enc")


@pytest.fixture
def key_arn(kms):
    arn = kms.create_key(Description="s3 objects")["KeyMetadata"]["Arn"]
    yield arn
    if kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] != "PendingDeletion":
        kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7)


def error_of(call, **kwargs):
    response = error_response(call, **kwargs)
    return response["Error"].get("Code"), response["Error"].get("Message"), \
        response["ResponseMetadata"]["HTTPStatusCode"]


def body(s3, **kwargs) -> bytes:
    return s3.get_object(**kwargs)["Body"].read()


def test_sse_kms_put_get_answers_the_key_arn(s3, kms, bucket, key_arn):
    alias = f"alias/{new_name()}"
    kms.create_alias(AliasName=alias, TargetKeyId=key_arn)
    key_id = key_arn.rsplit("/", 1)[1]
    for name, given in (("by-id", key_id), ("by-arn", key_arn), ("by-alias", alias)):
        put = s3.put_object(Bucket=bucket, Key=name, Body=b"secret " + name.encode(), ServerSideEncryption="aws:kms",
                            SSEKMSKeyId=given)
        assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms", key_arn)
        got = s3.get_object(Bucket=bucket, Key=name)
        assert (got["Body"].read(), got["ServerSideEncryption"], got["SSEKMSKeyId"]) == (
            b"secret " + name.encode(), "aws:kms", key_arn)
        assert s3.head_object(Bucket=bucket, Key=name)["SSEKMSKeyId"] == key_arn
    kms.delete_alias(AliasName=alias)


def test_sse_kms_without_a_key_uses_aws_managed_key(s3, kms, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"managed", ServerSideEncryption="aws:kms")
    assert put["SSEKMSKeyId"] == kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["Arn"]
    assert body(s3, Bucket=bucket, Key="k") == b"managed"


def test_sse_kms_missing_key_writes_nothing(s3, bucket):
    missing = "arn:aws:kms:us-east-1:000000000000:key/" + str(uuid.uuid4())
    for given in ("alias/no-such-alias", missing):
        assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"v", ServerSideEncryption="aws:kms",
                        SSEKMSKeyId=given) == ("KMS.NotFoundException", f"Invalid keyId '{given}'", 400)
    assert error_response(s3.head_object, Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_ranges_and_parts_of_encrypted_objects(s3, bucket, key_arn):
    data = os.urandom(3 * 1000 + 7)
    s3.put_object(Bucket=bucket, Key="k", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    for first, last in ((0, 0), (1, 16), (15, 17), (999, 2500), (3000, 3006)):
        got = s3.get_object(Bucket=bucket, Key="k", Range=f"bytes={first}-{last}")
        assert got["Body"].read() == data[first:last + 1]
    assert body(s3, Bucket=bucket, Key="k", Range="bytes=-5") == data[-5:]


def slow_read(url: str, headers: dict) -> bytes:
    """A GET whose client takes the body 64 KiB at a time, pausing: the server's socket
    fills and bytes it has handed to its transport wait there, unsent."""
    request = urllib.request.Request(url, headers=headers)
    pieces = []
    with urllib.request.urlopen(request, timeout=60) as response:
        while piece := response.read(64 * 1024):
            pieces.append(piece)
            time.sleep(0.001)
    return b"".join(pieces)


def test_concurrent_gets_of_a_multi_slice_kms_object(s3, bucket, key_arn):
    data = os.urandom(5 * MIB + 3)
    s3.put_object(Bucket=bucket, Key="big", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "big"})
    edges = [(0, MIB - 1), (MIB - 5, 3 * MIB + 7), (2 * MIB, 2 * MIB), (5 * MIB - 2, 5 * MIB + 2),
             (17, 5 * MIB + 2)]
    wanted = [((), data)] * 6 + [((first, last), data[first:last + 1]) for first, last in edges]

    def fetch(job):
        span, expected = job
        headers = {"Range": "bytes=%d-%d" % span} if span else {}
        return slow_read(url, headers) == expected

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        assert all(pool.map(fetch, wanted * 2))
    assert hashlib.sha256(body(s3, Bucket=bucket, Key="big")).digest() == hashlib.sha256(data).digest()


def test_disabled_key_fails_get_but_not_head(s3, kms, bucket, key_arn):
    s3.put_object(Bucket=bucket, Key="k", Body=b"locked away", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    kms.disable_key(KeyId=key_arn)
    assert error_of(s3.get_object, Bucket=bucket, Key="k") == ("KMS.DisabledException", f"{key_arn} is disabled.",
                                                               400)
    assert s3.head_object(Bucket=bucket, Key="k")["SSEKMSKeyId"] == key_arn
    assert error_of(s3.put_object, Bucket=bucket, Key="k2", Body=b"v", ServerSideEncryption="aws:kms",
                    SSEKMSKeyId=key_arn) == ("KMS.DisabledException", f"{key_arn} is disabled.", 400)
    kms.enable_key(KeyId=key_arn)
    assert body(s3, Bucket=bucket, Key="k") == b"locked away"


def test_key_pending_deletion_fails_get(s3, kms, bucket, key_arn):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    kms.schedule_key_deletion(KeyId=key_arn, PendingWindowInDays=7)
    assert error_of(s3.get_object, Bucket=bucket, Key="k") == (
        "KMS.KMSInvalidStateException", f"{key_arn} is pending deletion.", 400)
    kms.cancel_key_deletion(KeyId=key_arn)
    kms.enable_key(KeyId=key_arn)
    assert body(s3, Bucket=bucket, Key="k") == b"v"


def test_key_disabled_after_reads_fails_the_next_get(s3, kms, bucket, key_arn):
    # Reads first, so that whatever the server keeps of their data keys is warm: the
    # key's state must still decide the very next GET, of a small object (kept in its
    # row) and of a bigger one (a blob), ranged or not.
    objects = {"small": os.urandom(1000), "big": os.urandom(64 * 1024)}
    for name, data in objects.items():
        s3.put_object(Bucket=bucket, Key=name, Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
        assert body(s3, Bucket=bucket, Key=name) == data
        assert body(s3, Bucket=bucket, Key=name, Range="bytes=20-40") == data[20:41]
    kms.disable_key(KeyId=key_arn)
    for name in objects:
        for ranged in ({}, {"Range": "bytes=20-40"}):
            assert error_of(s3.get_object, Bucket=bucket, Key=name, **ranged) == (
                "KMS.DisabledException", f"{key_arn} is disabled.", 400)
    kms.enable_key(KeyId=key_arn)
    for name, data in objects.items():
        assert body(s3, Bucket=bucket, Key=name) == data
    kms.schedule_key_deletion(KeyId=key_arn, PendingWindowInDays=7)
    for name in objects:
        assert error_of(s3.get_object, Bucket=bucket, Key=name) == (
            "KMS.KMSInvalidStateException", f"{key_arn} is pending deletion.", 400)


def test_bucket_default_kms_key(s3, bucket, key_arn):
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}}]})
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"by default")
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms", key_arn)
    assert body(s3, Bucket=bucket, Key="k") == b"by default"
    # A request's own setting wins over the bucket's.
    assert s3.put_object(Bucket=bucket, Key="s3", Body=b"x", ServerSideEncryption="AES256").get("SSEKMSKeyId") is None
    assert body(s3, Bucket=bucket, Key="s3") == b"x"


def test_multipart_upload_with_kms(s3, bucket, key_arn):
    parts_data = [os.urandom(5 * MIB), os.urandom(5 * MIB + 3), b"tail"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big", ServerSideEncryption="aws:kms",
                                        SSEKMSKeyId=key_arn)
    assert upload["SSEKMSKeyId"] == key_arn
    parts = []
    for number, data in enumerate(parts_data, 1):
        etag = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload["UploadId"], PartNumber=number,
                              Body=data)["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": parts})
    assert (done["ServerSideEncryption"], done["SSEKMSKeyId"]) == ("aws:kms", key_arn)
    whole = b"".join(parts_data)
    assert body(s3, Bucket=bucket, Key="big") == whole
    assert body(s3, Bucket=bucket, Key="big", PartNumber=2) == parts_data[1]
    edge = 5 * MIB
    assert body(s3, Bucket=bucket, Key="big", Range=f"bytes={edge - 3}-{edge + 3}") == whole[edge - 3:edge + 4]


def test_copies_decrypt_the_source_and_encrypt_the_copy(s3, kms, bucket, key_arn):
    s3.put_object(Bucket=bucket, Key="src", Body=b"copied bytes", ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=key_arn)
    plain = s3.copy_object(Bucket=bucket, Key="to-s3", CopySource={"Bucket": bucket, "Key": "src"})
    assert (plain["ServerSideEncryption"], plain.get("SSEKMSKeyId")) == ("AES256", None)
    other = kms.create_key()["KeyMetadata"]["Arn"]
    moved = s3.copy_object(Bucket=bucket, Key="to-other", CopySource={"Bucket": bucket, "Key": "src"},
                           ServerSideEncryption="aws:kms", SSEKMSKeyId=other)
    assert moved["SSEKMSKeyId"] == other
    # Onto itself with new encryption: the bytes are encrypted again under the new key.
    s3.copy_object(Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"},
                   ServerSideEncryption="aws:kms", SSEKMSKeyId=other)
    kms.disable_key(KeyId=key_arn)
    for name in ("to-s3", "to-other", "src"):
        assert body(s3, Bucket=bucket, Key=name) == b"copied bytes"
    kms.enable_key(KeyId=key_arn)
    kms.schedule_key_deletion(KeyId=other, PendingWindowInDays=7)


def test_upload_part_copy_reads_an_encrypted_source(s3, bucket, key_arn):
    data = os.urandom(6 * MIB)
    s3.put_object(Bucket=bucket, Key="src", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="dst")
    first = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload["UploadId"], PartNumber=1,
                                CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange=f"bytes=0-{5 * MIB - 1}")
    second = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload["UploadId"], PartNumber=2,
                                 CopySource={"Bucket": bucket, "Key": "src"},
                                 CopySourceRange=f"bytes={5 * MIB}-{6 * MIB - 1}")
    s3.complete_multipart_upload(Bucket=bucket, Key="dst", UploadId=upload["UploadId"], MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]},
        {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]})
    assert hashlib.md5(body(s3, Bucket=bucket, Key="dst")).digest() == hashlib.md5(data).digest()


def customer(key: bytes) -> dict:
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}


def test_sse_c_objects_need_their_key(s3, bucket):
    admit_customer_keys(s3, bucket)
    key, other = os.urandom(32), os.urandom(32)
    data = os.urandom(100_000)
    s3.put_object(Bucket=bucket, Key="c", Body=data, **customer(key))
    assert body(s3, Bucket=bucket, Key="c", **customer(key)) == data
    assert body(s3, Bucket=bucket, Key="c", Range="bytes=17-40000", **customer(key)) == data[17:40001]
    assert error_of(s3.get_object, Bucket=bucket, Key="c")[0] == "InvalidRequest"
    s3.copy_object(Bucket=bucket, Key="c2", CopySource={"Bucket": bucket, "Key": "c"},
                   CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key, **customer(other))
    assert body(s3, Bucket=bucket, Key="c2", **customer(other)) == data


def test_sse_c_multipart_upload(s3, bucket):
    admit_customer_keys(s3, bucket)
    key = os.urandom(32)
    parts_data = [os.urandom(5 * MIB), b"end"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="c", **customer(key))
    parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=bucket, Key="c", UploadId=upload["UploadId"],
                                                       PartNumber=n, Body=data, **customer(key))["ETag"]}
             for n, data in enumerate(parts_data, 1)]
    s3.complete_multipart_upload(Bucket=bucket, Key="c", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": parts}, **customer(key))
    assert body(s3, Bucket=bucket, Key="c", **customer(key)) == b"".join(parts_data)
    assert body(s3, Bucket=bucket, Key="c", PartNumber=2, **customer(key)) == b"end"


def test_sse_s3_is_the_default(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"default encryption")
    assert put["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="k", Range="bytes=8-17")
    assert got["Body"].read() == b"encryption"
    # Checksums describe the object's bytes, not what is stored.
    name = next(field for field in put if field.startswith("Checksum") and field != "ChecksumType")
    assert s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")[name] == put[name]
    assert s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")["Body"].read() == b"default encryption"


def run_query(athena, sql: str, output: dict) -> list:
    query_id = athena.start_query_execution(QueryString=sql, ResultConfiguration=output)["QueryExecutionId"]
    while (status := athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"])[
            "State"] in ("QUEUED", "RUNNING"):
        time.sleep(0.05)
    assert (status["State"], status.get("StateChangeReason")) == ("SUCCEEDED", None)
    return athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]


def test_athena_reads_objects_encrypted_with_kms(s3, lakebox_server, bucket, key_arn):
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}}]})
    s3.put_object(Bucket=bucket, Key="sales/part-0.csv", Body=b"1,apples\n2,pears\n")
    s3.put_object(Bucket=bucket, Key="sales/part-1.csv", Body=b"4,plums\n")
    athena = lakebox_server.client("athena")
    database = new_name("db").replace("-", "_")
    output = {"OutputLocation": f"s3://{bucket}/results/"}
    run_query(athena, f"CREATE DATABASE {database}", output)
    run_query(athena, f"CREATE EXTERNAL TABLE {database}.sales (n int, fruit string) ROW FORMAT DELIMITED "
                      f"FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/sales/'", output)
    rows = run_query(athena, f"SELECT sum(n) FROM {database}.sales", output)
    assert rows[1]["Data"][0]["VarCharValue"] == "7"
    lakebox_server.client("glue").delete_database(Name=database)
