"""S3's edge behaviours for objects, as real S3 answers them (codes, statuses, headers,
fields): object lock, GetObjectAttributes, multipart and copy checksums, SSE-C, tags,
metadata."""
import base64
import datetime
import hashlib
import os
import time

import pytest

from edge_helpers import (b64, crc32_b64, crc64nvme_b64, crc32c_b64, now_utc,
                          headers_of, plain_client, multipart)
from s3_helpers import MIB, admit_customer_keys, error_of


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("edge")


# ---------------------------------------------------------------- object lock

def test_lock_bucket_is_versioned_and_keeps_versioning(s3, locked):
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    config = s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]
    assert config == {"ObjectLockEnabled": "Enabled"}
    code, status, _ = error_of(s3.put_bucket_versioning, Bucket=locked,
                               VersioningConfiguration={"Status": "Suspended"})
    assert (code, status) == ("InvalidBucketState", 409)


def test_lock_calls_on_a_bucket_without_object_lock(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    code, status, response = error_of(s3.get_object_lock_configuration, Bucket=bucket)
    assert (code, status) == ("ObjectLockConfigurationNotFoundError", 404)
    assert response["Error"]["Message"] == "Object Lock configuration does not exist for this bucket"
    code, status, response = error_of(s3.put_object_retention, Bucket=bucket, Key="k", Retention={
        "Mode": "GOVERNANCE", "RetainUntilDate": now_utc() + datetime.timedelta(days=1)})
    assert (code, status) == ("InvalidRequest", 400)
    assert response["Error"]["Message"] == "Bucket is missing Object Lock Configuration"
    code, status, response = error_of(s3.put_object, Bucket=bucket, Key="k2", Body=b"v", ObjectLockMode="GOVERNANCE",
                                      ObjectLockRetainUntilDate=now_utc() + datetime.timedelta(days=1))
    assert (code, status) == ("InvalidRequest", 400)
    assert response["Error"]["Message"] == "Bucket is missing ObjectLockConfiguration"    # a write's own wording


def test_object_without_retention_or_hold(s3, locked):
    s3.put_object(Bucket=locked, Key="free", Body=b"v")
    code, status, response = error_of(s3.get_object_retention, Bucket=locked, Key="free")
    assert (code, status) == ("NoSuchObjectLockConfiguration", 404)
    assert response["Error"]["Message"] == "The specified object does not have a ObjectLock configuration"
    head = s3.head_object(Bucket=locked, Key="free")
    assert "ObjectLockMode" not in head and "ObjectLockLegalHoldStatus" not in head


def test_lock_headers_must_come_together_and_in_the_future(s3, locked):
    code, status, _ = error_of(s3.put_object, Bucket=locked, Key="k", Body=b"v", ObjectLockMode="GOVERNANCE")
    assert (code, status) == ("InvalidArgument", 400)
    code, status, _ = error_of(s3.put_object, Bucket=locked, Key="k", Body=b"v",
                               ObjectLockRetainUntilDate=now_utc() + datetime.timedelta(days=1))
    assert (code, status) == ("InvalidArgument", 400)
    code, status, _ = error_of(s3.put_object, Bucket=locked, Key="k", Body=b"v", ObjectLockMode="GOVERNANCE",
                               ObjectLockRetainUntilDate=now_utc() - datetime.timedelta(days=1))
    assert (code, status) == ("InvalidArgument", 400)
    code, status, _ = error_of(s3.put_object_retention, Bucket=locked, Key="absent", Retention={
        "Mode": "GOVERNANCE", "RetainUntilDate": now_utc() + datetime.timedelta(days=1)})
    assert (code, status) == ("NoSuchKey", 404)


def test_lock_state_on_head_and_get(s3, locked):
    until = now_utc() + datetime.timedelta(days=2)
    s3.put_object(Bucket=locked, Key="k", Body=b"v", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until,
                  ObjectLockLegalHoldStatus="ON")
    for got in (s3.head_object(Bucket=locked, Key="k"), s3.get_object(Bucket=locked, Key="k")):
        assert (got["ObjectLockMode"], got["ObjectLockRetainUntilDate"], got["ObjectLockLegalHoldStatus"]) == \
            ("GOVERNANCE", until, "ON")
    s3.put_object_legal_hold(Bucket=locked, Key="k", LegalHold={"Status": "OFF"})


def test_governance_retention_shortened_only_with_bypass(s3, locked):
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes
    until = now_utc() + datetime.timedelta(days=2)
    version = s3.put_object(Bucket=locked, Key="k", Body=b"v", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=until)["VersionId"]
    shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": until - datetime.timedelta(days=1)}
    code, status, _ = error_of(s3.put_object_retention, Bucket=locked, Key="k", Retention=shorter)
    assert (code, status) == ("AccessDenied", 403)
    # extending needs no bypass
    s3.put_object_retention(Bucket=locked, Key="k", Retention={"Mode": "GOVERNANCE",
                                                               "RetainUntilDate": until + datetime.timedelta(days=1)})
    s3.put_object_retention(Bucket=locked, Key="k", Retention=shorter, BypassGovernanceRetention=True)
    got = s3.get_object_retention(Bucket=locked, Key="k", VersionId=version)["Retention"]
    assert got == shorter
    # a locked version cannot go without the bypass, in DeleteObjects either
    result = s3.delete_objects(Bucket=locked, Delete={"Objects": [{"Key": "k", "VersionId": version}]})
    assert [(e["Key"], e["VersionId"], e["Code"]) for e in result["Errors"]] == [("k", version, "AccessDenied")]
    assert "Deleted" not in result
    # a simple DELETE only adds a delete marker, which object lock does not prevent
    marker = s3.delete_object(Bucket=locked, Key="k")
    assert marker["DeleteMarker"] is True
    result = s3.delete_objects(Bucket=locked, BypassGovernanceRetention=True,
                               Delete={"Objects": [{"Key": "k", "VersionId": version}]})
    assert [d["VersionId"] for d in result["Deleted"]] == [version]


def test_compliance_retention_cannot_be_shortened_even_with_bypass(s3, locked):
    until = now_utc() + datetime.timedelta(seconds=4)
    version = s3.put_object(Bucket=locked, Key="c", Body=b"v", ObjectLockMode="COMPLIANCE",
                            ObjectLockRetainUntilDate=until)["VersionId"]
    code, status, _ = error_of(s3.put_object_retention, Bucket=locked, Key="c", BypassGovernanceRetention=True,
                               Retention={"Mode": "COMPLIANCE", "RetainUntilDate": until - datetime.timedelta(seconds=2)})
    assert (code, status) == ("AccessDenied", 403)
    code, status, _ = error_of(s3.put_object_retention, Bucket=locked, Key="c", BypassGovernanceRetention=True,
                               Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until})
    assert (code, status) == ("AccessDenied", 403)
    code, status, _ = error_of(s3.delete_object, Bucket=locked, Key="c", VersionId=version,
                               BypassGovernanceRetention=True)
    assert (code, status) == ("AccessDenied", 403)
    time.sleep(max(0.0, (until - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 1.5)
    s3.delete_object(Bucket=locked, Key="c", VersionId=version)


def test_default_retention_applies_to_new_objects(s3, locked):
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]["Rule"] == \
        {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}
    before = now_utc()
    s3.put_object(Bucket=locked, Key="d", Body=b"v")
    head = s3.head_object(Bucket=locked, Key="d")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    delta = head["ObjectLockRetainUntilDate"] - before
    assert datetime.timedelta(hours=23) < delta < datetime.timedelta(hours=25)
    code, status, _ = error_of(s3.put_object_lock_configuration, Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}})
    assert (code, status) == ("MalformedXML", 400)
    code, status, _ = error_of(s3.put_object_lock_configuration, Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}})
    assert (code, status) == ("InvalidArgument", 400)


def test_legal_hold_blocks_delete_until_released(s3, locked):
    version = s3.put_object(Bucket=locked, Key="h", Body=b"v")["VersionId"]
    s3.put_object_legal_hold(Bucket=locked, Key="h", LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket=locked, Key="h")["LegalHold"] == {"Status": "ON"}
    # BypassGovernanceRetention does not lift a legal hold
    code, status, _ = error_of(s3.delete_object, Bucket=locked, Key="h", VersionId=version,
                               BypassGovernanceRetention=True)
    assert (code, status) == ("AccessDenied", 403)
    s3.put_object_legal_hold(Bucket=locked, Key="h", LegalHold={"Status": "OFF"})
    assert s3.delete_object(Bucket=locked, Key="h", VersionId=version)["VersionId"] == version


# ---------------------------------------------------------------- GetObjectAttributes

def test_attributes_of_a_single_part_object(s3, versioned):
    put = s3.put_object(Bucket=versioned, Key="one", Body=b"hello", ChecksumAlgorithm="CRC32")
    attrs = s3.get_object_attributes(Bucket=versioned, Key="one",
                                     ObjectAttributes=["ETag", "ObjectSize", "StorageClass", "Checksum", "ObjectParts"])
    assert attrs["ETag"] == hashlib.md5(b"hello").hexdigest()
    assert (attrs["ObjectSize"], attrs["StorageClass"]) == (5, "STANDARD")
    assert attrs["Checksum"]["ChecksumCRC32"] == crc32_b64(b"hello") == put["ChecksumCRC32"]
    assert attrs["Checksum"]["ChecksumType"] == "FULL_OBJECT"
    assert "ObjectParts" not in attrs
    assert attrs["VersionId"] == put["VersionId"]
    assert isinstance(attrs["LastModified"], datetime.datetime)
    # only what was asked for
    only = s3.get_object_attributes(Bucket=versioned, Key="one", ObjectAttributes=["ObjectSize"])
    assert "ETag" not in only and "StorageClass" not in only and only["ObjectSize"] == 5


def test_attributes_of_a_multipart_object_without_checksums(lakebox_server, bucket):
    # Parts are left out when no additional checksum was used:
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributesParts.html
    s3 = plain_client(lakebox_server)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etags = []
    for number, data in enumerate([b"a" * (5 * MIB), b"b" * 10], 1):
        etags.append(s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=number, Body=data)["ETag"])
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]})
    attrs = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts", "ETag"])
    assert attrs["ObjectParts"]["TotalPartsCount"] == 2
    assert attrs["ETag"].endswith("-2") and not attrs["ETag"].startswith('"')


def test_attributes_composite_checksum_has_no_part_count_suffix(s3, bucket):
    # HeadObject gives "<checksum>-N"; GetObjectAttributes gives the same value without "-N"
    # (S3's answers recorded in floci-io/floci#3083); the per-part checksums come under ObjectParts.
    parts = [os.urandom(5 * MIB), b"tail"]
    complete, _, _ = multipart(s3, bucket, "mp", parts, create_args={"ChecksumAlgorithm": "SHA256"},
                               part_args={"ChecksumAlgorithm": "SHA256"}, with_checksum="ChecksumSHA256")
    composite = complete["ChecksumSHA256"]
    assert composite.endswith("-2")
    attrs = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["Checksum"])
    assert attrs["Checksum"]["ChecksumSHA256"] == composite[:-2]
    assert attrs["Checksum"]["ChecksumType"] == "COMPOSITE"


def test_attributes_parts_paging(s3, bucket):
    parts = [os.urandom(5 * MIB), os.urandom(5 * MIB), b"tail"]
    multipart(s3, bucket, "mp", parts, create_args={"ChecksumAlgorithm": "SHA256"},
              part_args={"ChecksumAlgorithm": "SHA256"}, with_checksum="ChecksumSHA256")
    first = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts"], MaxParts=2)["ObjectParts"]
    assert first["TotalPartsCount"] == 3
    assert (first["IsTruncated"], first["MaxParts"], first["NextPartNumberMarker"]) == (True, 2, 2)
    assert [p["PartNumber"] for p in first["Parts"]] == [1, 2]
    assert first["Parts"][0]["ChecksumSHA256"] == b64(hashlib.sha256(parts[0]).digest())
    rest = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts"], MaxParts=2,
                                    PartNumberMarker=2)["ObjectParts"]
    assert rest["IsTruncated"] is False
    assert rest["PartNumberMarker"] == 2
    assert [(p["PartNumber"], p["Size"]) for p in rest["Parts"]] == [(3, 4)]


def test_attributes_of_missing_and_deleted_objects(s3, versioned):
    code, status, _ = error_of(s3.get_object_attributes, Bucket=versioned, Key="never", ObjectAttributes=["ETag"])
    assert (code, status) == ("NoSuchKey", 404)
    s3.put_object(Bucket=versioned, Key="gone", Body=b"v")
    marker = s3.delete_object(Bucket=versioned, Key="gone")["VersionId"]
    code, status, response = error_of(s3.get_object_attributes, Bucket=versioned, Key="gone",
                                      ObjectAttributes=["ETag"])
    assert (code, status) == ("NoSuchKey", 404)
    assert headers_of(response).get("x-amz-delete-marker") == "true"
    assert headers_of(response).get("x-amz-version-id") == marker
    code, status, _ = error_of(s3.get_object_attributes, Bucket=versioned, Key="gone", VersionId=marker,
                               ObjectAttributes=["ETag"])
    assert (code, status) == ("MethodNotAllowed", 405)


def test_attributes_with_an_unknown_attribute_name(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    code, status, _ = error_of(s3.get_object_attributes, Bucket=bucket, Key="k", ObjectAttributes=["Colour"])
    assert (code, status) == ("InvalidArgument", 400)


# ---------------------------------------------------------------- multipart checksums

def test_multipart_crc32_defaults_to_composite(s3, bucket):
    parts = [os.urandom(5 * MIB), b"tail-bytes"]
    created = s3.create_multipart_upload(Bucket=bucket, Key="c", ChecksumAlgorithm="CRC32")
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == ("CRC32", "COMPOSITE")
    complete, answers, upload = multipart(s3, bucket, "c2", parts, create_args={"ChecksumAlgorithm": "CRC32"},
                                          part_args={"ChecksumAlgorithm": "CRC32"}, with_checksum="ChecksumCRC32")
    s3.abort_multipart_upload(Bucket=bucket, Key="c", UploadId=created["UploadId"])
    assert [a["ChecksumCRC32"] for a in answers] == [crc32_b64(p) for p in parts]
    raw = b"".join(base64.b64decode(a["ChecksumCRC32"]) for a in answers)
    expected = crc32_b64(raw) + "-2"
    assert complete["ChecksumCRC32"] == expected
    assert complete["ChecksumType"] == "COMPOSITE"
    head = s3.head_object(Bucket=bucket, Key="c2", ChecksumMode="ENABLED")
    assert (head["ChecksumCRC32"], head["ChecksumType"]) == (expected, "COMPOSITE")


def test_multipart_crc64nvme_full_object(s3, bucket):
    parts = [os.urandom(5 * MIB), b"tail-bytes"]
    whole = b"".join(parts)
    complete, _, _ = multipart(s3, bucket, "f", parts,
                               create_args={"ChecksumAlgorithm": "CRC64NVME", "ChecksumType": "FULL_OBJECT"},
                               part_args={"ChecksumAlgorithm": "CRC64NVME"}, with_checksum="ChecksumCRC64NVME",
                               complete_args={"ChecksumCRC64NVME": crc64nvme_b64(whole), "ChecksumType": "FULL_OBJECT"})
    assert (complete["ChecksumCRC64NVME"], complete["ChecksumType"]) == (crc64nvme_b64(whole), "FULL_OBJECT")
    got = s3.get_object(Bucket=bucket, Key="f", ChecksumMode="ENABLED")
    assert (got["ChecksumCRC64NVME"], got["ChecksumType"]) == (crc64nvme_b64(whole), "FULL_OBJECT")
    assert got["Body"].read() == whole


def test_multipart_crc32_full_object(s3, bucket):
    parts = [os.urandom(5 * MIB), b"end"]
    whole = b"".join(parts)
    created = s3.create_multipart_upload(Bucket=bucket, Key="f32", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == ("CRC32", "FULL_OBJECT")
    listed = None
    done = []
    for number, data in enumerate(parts, 1):
        answer = s3.upload_part(Bucket=bucket, Key="f32", UploadId=created["UploadId"], PartNumber=number, Body=data,
                                ChecksumAlgorithm="CRC32")
        done.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumCRC32": answer["ChecksumCRC32"]})
    listed = s3.list_parts(Bucket=bucket, Key="f32", UploadId=created["UploadId"])
    assert (listed["ChecksumAlgorithm"], listed["ChecksumType"]) == ("CRC32", "FULL_OBJECT")
    complete = s3.complete_multipart_upload(Bucket=bucket, Key="f32", UploadId=created["UploadId"],
                                            MultipartUpload={"Parts": done})
    assert (complete["ChecksumCRC32"], complete["ChecksumType"]) == (crc32_b64(whole), "FULL_OBJECT")


def test_multipart_checksum_type_rules(s3, bucket):
    # CRC64NVME only supports FULL_OBJECT; SHA only COMPOSITE:
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
    code, status, _ = error_of(s3.create_multipart_upload, Bucket=bucket, Key="x", ChecksumAlgorithm="CRC64NVME",
                               ChecksumType="COMPOSITE")
    assert (code, status) == ("InvalidRequest", 400)
    code, status, _ = error_of(s3.create_multipart_upload, Bucket=bucket, Key="x", ChecksumAlgorithm="SHA256",
                               ChecksumType="FULL_OBJECT")
    assert (code, status) == ("InvalidRequest", 400)
    code, status, _ = error_of(s3.create_multipart_upload, Bucket=bucket, Key="x", ChecksumType="FULL_OBJECT")
    assert (code, status) == ("InvalidRequest", 400)


def test_multipart_full_object_checksum_mismatch(s3, bucket):
    parts = [os.urandom(5 * MIB), b"end"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="bad", ChecksumAlgorithm="CRC64NVME",
                                        ChecksumType="FULL_OBJECT")["UploadId"]
    done = []
    for number, data in enumerate(parts, 1):
        answer = s3.upload_part(Bucket=bucket, Key="bad", UploadId=upload, PartNumber=number, Body=data,
                                ChecksumAlgorithm="CRC64NVME")
        done.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumCRC64NVME": answer["ChecksumCRC64NVME"]})
    code, status, _ = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="bad", UploadId=upload,
                               MultipartUpload={"Parts": done}, ChecksumCRC64NVME=crc64nvme_b64(b"other"),
                               ChecksumType="FULL_OBJECT")
    assert (code, status) == ("BadDigest", 400)
    s3.abort_multipart_upload(Bucket=bucket, Key="bad", UploadId=upload)


def test_multipart_composite_needs_part_checksums_on_complete(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m", ChecksumAlgorithm="CRC32")["UploadId"]
    answer = s3.upload_part(Bucket=bucket, Key="m", UploadId=upload, PartNumber=1, Body=b"only",
                            ChecksumAlgorithm="CRC32")
    code, status, _ = error_of(s3.upload_part, Bucket=bucket, Key="m", UploadId=upload, PartNumber=2, Body=b"x",
                               ChecksumAlgorithm="SHA256")
    assert (code, status) == ("InvalidRequest", 400)
    # "The upload was created using a crc32 checksum. The complete request must include the checksum for
    # each part. It was missing for part 1 in the request." (S3's answer quoted in boto/s3transfer#241)
    code, status, _ = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="m", UploadId=upload,
                               MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": answer["ETag"]}]})
    assert (code, status) == ("InvalidRequest", 400)
    s3.abort_multipart_upload(Bucket=bucket, Key="m", UploadId=upload)


# ---------------------------------------------------------------- copy and checksums

def test_copy_keeps_the_source_checksum_algorithm(s3, bucket):
    # "If the CopyObject request does not include this x-amz-checksum-algorithm header, the checksum
    # algorithm will be copied from the source object":
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
    data = b"copy me with crc32c"
    s3.put_object(Bucket=bucket, Key="src", Body=data, ChecksumAlgorithm="CRC32C")
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    result = copied["CopyObjectResult"]
    assert result["ChecksumCRC32C"] == crc32c_b64(data)
    assert result.get("ChecksumType") == "FULL_OBJECT"
    head = s3.head_object(Bucket=bucket, Key="dst", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32C"] == crc32c_b64(data)


def test_copy_replaces_the_checksum_algorithm(s3, bucket):
    data = b"copy me with sha256"
    s3.put_object(Bucket=bucket, Key="src", Body=data, ChecksumAlgorithm="CRC32")
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
                            ChecksumAlgorithm="SHA256")
    assert copied["CopyObjectResult"]["ChecksumSHA256"] == b64(hashlib.sha256(data).digest())
    head = s3.head_object(Bucket=bucket, Key="dst", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == b64(hashlib.sha256(data).digest())
    assert "ChecksumCRC32" not in head


def test_copy_of_an_object_uploaded_without_checksum_gets_crc64nvme(lakebox_server, bucket):
    # S3 adds CRC64NVME to objects uploaded without a checksum, and copies report it:
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObjectResult.html
    plain = plain_client(lakebox_server)
    data = b"no checksum sent"
    put = plain.put_object(Bucket=bucket, Key="src", Body=data)
    assert put.get("ChecksumCRC64NVME") == crc64nvme_b64(data)
    copied = plain.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["CopyObjectResult"].get("ChecksumCRC64NVME") == crc64nvme_b64(data)


# ---------------------------------------------------------------- SSE-C

def sse(key):
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}


def test_sse_c_head_and_attributes_need_the_key(s3, bucket):
    admit_customer_keys(s3, bucket)
    key = os.urandom(32)
    put = s3.put_object(Bucket=bucket, Key="s", Body=b"secret data", **sse(key))
    assert put["SSECustomerAlgorithm"] == "AES256"
    assert "ServerSideEncryption" not in put
    head = s3.head_object(Bucket=bucket, Key="s", **sse(key))
    assert head["SSECustomerKeyMD5"] == b64(hashlib.md5(key).digest())
    assert head["ContentLength"] == 11
    # HEAD errors have no body: boto3 reports the status as the code
    code, status, _ = error_of(s3.head_object, Bucket=bucket, Key="s")
    assert (code, status) == ("400", 400)
    code, status, _ = error_of(s3.head_object, Bucket=bucket, Key="s", **sse(os.urandom(32)))
    assert (code, status) == ("403", 403)
    code, status, _ = error_of(s3.get_object_attributes, Bucket=bucket, Key="s", ObjectAttributes=["ObjectSize"])
    assert (code, status) == ("InvalidRequest", 400)
    # botocore encodes the key only for some operations; GetObjectAttributes takes it as sent
    encoded = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": b64(key),
               "SSECustomerKeyMD5": b64(hashlib.md5(key).digest())}
    attrs = s3.get_object_attributes(Bucket=bucket, Key="s", ObjectAttributes=["ObjectSize"], **encoded)
    assert attrs["ObjectSize"] == 11


def test_sse_c_etag_is_not_the_md5_of_the_data(s3, bucket):
    admit_customer_keys(s3, bucket)
    # "Objects encrypted by SSE-C or SSE-KMS have ETags that are not an MD5 digest of their object data."
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html
    key = os.urandom(32)
    put = s3.put_object(Bucket=bucket, Key="s", Body=b"secret data", **sse(key))
    assert put["ETag"].strip('"') != hashlib.md5(b"secret data").hexdigest()


def test_sse_c_key_of_the_wrong_length(s3, bucket):
    admit_customer_keys(s3, bucket)
    code, status, _ = error_of(s3.put_object, Bucket=bucket, Key="s", Body=b"x", **sse(os.urandom(16)))
    assert (code, status) == ("InvalidArgument", 400)


def test_sse_c_copy_needs_the_source_key(s3, bucket):
    admit_customer_keys(s3, bucket)
    key, other = os.urandom(32), os.urandom(32)
    s3.put_object(Bucket=bucket, Key="s", Body=b"secret data", **sse(key))
    code, status, _ = error_of(s3.copy_object, Bucket=bucket, Key="d", CopySource={"Bucket": bucket, "Key": "s"})
    assert (code, status) == ("InvalidRequest", 400)
    s3.copy_object(Bucket=bucket, Key="d", CopySource={"Bucket": bucket, "Key": "s"},
                   CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key, **sse(other))
    assert s3.get_object(Bucket=bucket, Key="d", **sse(other))["Body"].read() == b"secret data"
    code, status, _ = error_of(s3.get_object, Bucket=bucket, Key="d", **sse(key))
    assert (code, status) == ("AccessDenied", 403)
    ranged = s3.get_object(Bucket=bucket, Key="d", Range="bytes=0-5", **sse(other))
    assert ranged["Body"].read() == b"secret"


def test_sse_c_multipart_parts_need_the_same_key(s3, bucket):
    admit_customer_keys(s3, bucket)
    key = os.urandom(32)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m", **sse(key))["UploadId"]
    # "The multipart upload initiate requested encryption. Subsequent part requests must include the
    # appropriate encryption parameters."
    code, status, response = error_of(s3.upload_part, Bucket=bucket, Key="m", UploadId=upload, PartNumber=1,
                                      Body=b"x")
    assert (code, status) == ("InvalidRequest", 400)
    code, status, _ = error_of(s3.upload_part, Bucket=bucket, Key="m", UploadId=upload, PartNumber=1, Body=b"x",
                               **sse(os.urandom(32)))
    assert status in (400, 403)
    s3.abort_multipart_upload(Bucket=bucket, Key="m", UploadId=upload)


# ---------------------------------------------------------------- tagging

def test_put_object_with_more_than_ten_tags_in_the_header(s3, bucket):
    # PutObject's x-amz-tagging with 11 tags: 400 BadRequest "Object tags cannot be greater than 10"
    code, status, response = error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"v",
                                      Tagging="&".join(f"k{i}=v" for i in range(11)))
    assert (code, status) == ("BadRequest", 400)
    assert response["Error"]["Message"] == "Object tags cannot be greater than 10"


def test_tag_key_and_value_limits(s3, bucket):
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "k" * 128, "Value": "v" * 256}]})
    code, status, _ = error_of(s3.put_object_tagging, Bucket=bucket, Key="k",
                               Tagging={"TagSet": [{"Key": "k" * 129, "Value": "v"}]})
    assert (code, status) == ("InvalidTag", 400)
    code, status, _ = error_of(s3.put_object_tagging, Bucket=bucket, Key="k",
                               Tagging={"TagSet": [{"Key": "k", "Value": "v" * 257}]})
    assert (code, status) == ("InvalidTag", 400)
    code, status, response = error_of(s3.put_object_tagging, Bucket=bucket, Key="k",
                                      Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]})
    assert (code, status) == ("InvalidTag", 400)
    assert response["Error"]["Message"] == "Cannot provide multiple Tags with the same key"
    code, status, _ = error_of(s3.put_object_tagging, Bucket=bucket, Key="k",
                               Tagging={"TagSet": [{"Key": "aws:reserved", "Value": "v"}]})
    assert (code, status) == ("InvalidTag", 400)


def test_bucket_tagging_edges(s3, bucket):
    code, status, response = error_of(s3.get_bucket_tagging, Bucket=bucket)
    assert (code, status) == ("NoSuchTagSet", 404)
    assert response["Error"]["Message"] == "The TagSet does not exist"
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(50)]})
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50
    code, status, _ = error_of(s3.put_bucket_tagging, Bucket=bucket,
                               Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]})
    assert status == 400
    code, status, _ = error_of(s3.put_bucket_tagging, Bucket=bucket,
                               Tagging={"TagSet": [{"Key": "aws:x", "Value": "v"}]})
    assert (code, status) == ("InvalidTag", 400)
    assert s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert error_of(s3.get_bucket_tagging, Bucket=bucket)[0] == "NoSuchTagSet"


# ---------------------------------------------------------------- metadata

def test_metadata_limit_is_2_kb_of_keys_and_values(s3, bucket):
    # "The user-defined metadata is limited to 2 KB in size. The size of user-defined metadata is measured
    # by taking the sum of the number of bytes in the UTF-8 encoding of each key and value."
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html
    s3.put_object(Bucket=bucket, Key="fits", Body=b"v", Metadata={"a": "x" * 2047})
    assert len(s3.head_object(Bucket=bucket, Key="fits")["Metadata"]["a"]) == 2047
    code, status, _ = error_of(s3.put_object, Bucket=bucket, Key="over", Body=b"v", Metadata={"a": "x" * 2048})
    assert (code, status) == ("MetadataTooLarge", 400)
    code, status, _ = error_of(s3.put_object, Bucket=bucket, Key="over", Body=b"v",
                               Metadata={f"k{i}": "x" * 200 for i in range(11)})
    assert (code, status) == ("MetadataTooLarge", 400)
    code, status, _ = error_of(s3.create_multipart_upload, Bucket=bucket, Key="over", Metadata={"a": "x" * 2048})
    assert (code, status) == ("MetadataTooLarge", 400)
    code, status, _ = error_of(s3.copy_object, Bucket=bucket, Key="over", CopySource=f"{bucket}/fits",
                               MetadataDirective="REPLACE", Metadata={"a": "x" * 2048})
    assert (code, status) == ("MetadataTooLarge", 400)


def test_metadata_names_come_back_lower_case(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v", Metadata={"Camel-Case": "Value"})
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"camel-case": "Value"}
