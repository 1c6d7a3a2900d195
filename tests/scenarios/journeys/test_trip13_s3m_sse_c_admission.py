"""A payments team keeps card exports under their own keys (SSE-C) in a bucket made in
2026. S3 blocks SSE-C writes on such a bucket until its default encryption admits them,
as recorded in us-east-1 (radkawar/stackd testdata/aws/s3/customer_encryption_control_replay.json)
and described in the S3 User Guide ("Blocking or unblocking SSE-C for a general purpose
bucket"):

- a new bucket shows BlockedEncryptionTypes SSE-C, and an SSE-C PutObject,
  CreateMultipartUpload or CopyObject to it is AccessDenied (new bucket default,
  new bucket SSE-C blocked);
- BlockedEncryptionTypes NONE admits SSE-C; a configuration that leaves the list out, and
  DeleteBucketEncryption, block it again, while SSE-C objects already stored stay readable
  with their key (explicit NONE, omitted after NONE, write after delete encryption,
  existing read while blocked);
- an empty list, a type named twice, or NONE beside SSE-C is InvalidArgument and leaves the
  configuration as it was (empty after NONE, duplicate NONE, mixed NONE SSE-C).
"""
import base64
import hashlib

import pytest
from botocore.exceptions import ClientError

KEY = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "0123456789abcdef0123456789abcdef"}
PAYLOAD = b"synthetic customer encryption payload"


def _rules(blocked=None):
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    if blocked is not None:
        rule["BlockedEncryptionTypes"] = {"EncryptionType": blocked}
    return {"Rules": [rule]}


def _blocked_types(s3, bucket):
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["BucketKeyEnabled"] is False
    return rule["BlockedEncryptionTypes"]["EncryptionType"]


def _code(call, **kwargs):
    with pytest.raises(ClientError) as refused:
        call(**kwargs)
    return refused.value.response["Error"]["Code"], refused.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_customer_keys_are_blocked_until_the_bucket_admits_them(client, bucket):
    s3 = client("s3")
    assert _blocked_types(s3, bucket) == ["SSE-C"]
    assert _code(s3.put_object, Bucket=bucket, Key="admission", Body=PAYLOAD, **KEY) == ("AccessDenied", 403)
    assert _code(s3.create_multipart_upload, Bucket=bucket, Key="admission", **KEY) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as refused:       # the words CloudTrail recorded (customer_encryption_audit_replay.json)
        s3.put_object(Bucket=bucket, Key="bad-blocked", Body=PAYLOAD, **KEY)
    caller = client("sts").get_caller_identity()["Arn"]
    assert refused.value.response["Error"]["Message"] == (
        f'User: {caller} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::{bucket}/bad-blocked" '
        "because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided "
        "keys (SSE-C). Please specify a different server-side encryption type.")

    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=_rules(["NONE"]))
    assert _blocked_types(s3, bucket) == ["NONE"]
    stored = s3.put_object(Bucket=bucket, Key="existing", Body=PAYLOAD, **KEY)
    assert stored["SSECustomerAlgorithm"] == "AES256"
    for refused in (_rules([]), _rules(["NONE", "NONE"]), _rules(["NONE", "SSE-C"])):
        assert _code(s3.put_bucket_encryption, Bucket=bucket, ServerSideEncryptionConfiguration=refused)[0] == \
            "InvalidArgument"
        assert _blocked_types(s3, bucket) == ["NONE"]

    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=_rules())
    assert _blocked_types(s3, bucket) == ["SSE-C"]
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=_rules(["NONE"]))
    s3.delete_bucket_encryption(Bucket=bucket)
    assert _blocked_types(s3, bucket) == ["SSE-C"]
    assert _code(s3.put_object, Bucket=bucket, Key="admission", Body=PAYLOAD, **KEY) == ("AccessDenied", 403)
    assert _code(s3.copy_object, Bucket=bucket, Key="copy", CopySource=f"{bucket}/existing",
                 CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=KEY["SSECustomerKey"],
                 **KEY) == ("AccessDenied", 403)
    read = s3.get_object(Bucket=bucket, Key="existing", **KEY)
    assert (read["Body"].read(), read["SSECustomerAlgorithm"]) == (PAYLOAD, "AES256")
    # A rule naming only BlockedEncryptionTypes keeps SSE-S3 as the default ("blocked-only NONE").
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}]})
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"] == [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False,
         "BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}]
    assert s3.put_object(Bucket=bucket, Key="admitted", Body=PAYLOAD, **KEY)["SSECustomerAlgorithm"] == "AES256"
    s3.copy_object(Bucket=bucket, Key="decrypted", CopySource=f"{bucket}/existing",
                   CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=KEY["SSECustomerKey"])
    assert s3.get_object(Bucket=bucket, Key="decrypted")["Body"].read() == PAYLOAD


def test_a_customer_key_needs_the_aes256_algorithm(client, bucket):
    """Once admitted, a customer key without its algorithm is InvalidArgument and one with
    an algorithm other than AES256 (even 'aes256' or 'aws:kms') is
    InvalidEncryptionAlgorithmError (the capture's 'missing algorithm', 'key only',
    "invalid algorithm 'aes256'", "invalid algorithm 'aws:kms'"; the messages are the
    ones S3's error-code list gives)."""
    s3 = client("s3")
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=_rules(["NONE"]))
    with pytest.raises(ClientError) as refused:
        s3.put_object(Bucket=bucket, Key="admission", Body=PAYLOAD, SSECustomerKey=KEY["SSECustomerKey"])
    assert refused.value.response["Error"] == {
        "Code": "InvalidArgument", "Message": "Requests specifying Server Side Encryption with Customer provided keys "
                                              "must provide a valid encryption algorithm."}
    for algorithm in ("aes256", "aws:kms"):
        with pytest.raises(ClientError) as refused:
            s3.put_object(Bucket=bucket, Key="admission", Body=PAYLOAD, **{**KEY, "SSECustomerAlgorithm": algorithm})
        assert refused.value.response["Error"] == {
            "Code": "InvalidEncryptionAlgorithmError",
            "Message": "The encryption request you specified is not valid. The valid value is AES256."}
    # A KMS key id or encryption context beside a customer key is refused like a KMS algorithm
    # ("conflict x-amz-server-side-encryption-aws-kms-key-id alias/aws/s3", "conflict
    # x-amz-server-side-encryption-context").
    for extra in ({"SSEKMSKeyId": "alias/aws/s3"}, {"SSEKMSEncryptionContext": "eyJwdXJwb3NlIjoic3ludGhldGljIn0="}):
        with pytest.raises(ClientError) as refused:
            s3.put_object(Bucket=bucket, Key="admission", Body=PAYLOAD, **KEY, **extra)
        assert refused.value.response["Error"] == {
            "Code": "InvalidArgument",
            "Message": "Server Side Encryption with Customer provided key is incompatible with the encryption method "
                       "specified"}
    assert _code(s3.head_object, Bucket=bucket, Key="admission")[1] == 404


def test_reads_weigh_conditions_before_the_key(client, bucket, lakebox_server):
    """Reading an SSE-C object, as recorded (radkawar/stackd
    testdata/aws/s3/customer_encryption_data_replay.json): no key is InvalidRequest even
    with a condition (get-conditional-no-key); a matching If-None-Match answers 304 before
    the key is weighed, a wrong key too (get-conditional-wrong-key); a well-formed key of
    the wrong length sent with its own MD5 is a wrong key, AccessDenied (get-short-key)."""
    s3 = client("s3")
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=_rules(["NONE"]))
    etag = s3.put_object(Bucket=bucket, Key="object", Body=PAYLOAD, **KEY)["ETag"]
    wrong = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "b" * 32}
    assert _code(s3.get_object, Bucket=bucket, Key="object", IfNoneMatch=etag)[0] == "InvalidRequest"
    assert _code(s3.get_object, Bucket=bucket, Key="object", IfNoneMatch=etag, **wrong)[1] == 304
    assert _code(s3.get_object, Bucket=bucket, Key="object", IfNoneMatch=etag, **KEY)[1] == 304
    assert _code(s3.get_object, Bucket=bucket, Key="object", **wrong) == ("AccessDenied", 403)
    assert _code(s3.get_object, Bucket=bucket, Key="object", SSECustomerAlgorithm="AES256",
                 SSECustomerKey="YWJj", SSECustomerKeyMD5="kAFQmDzST7DWlj99KOF/cg==") == ("AccessDenied", 403)


def test_a_copy_source_under_the_wrong_key(client, bucket):
    """CopyObject from an SSE-C object: no source key, or the wrong one, is InvalidRequest
    (copy-customer-missing-source, copy-customer-wrong-source; the wrong key's words are the
    ones S3 clients record); the right key copies it out as an SSE-S3 object whose ETag is
    the MD5 of the bytes (copy-customer-to-plain)."""
    s3 = client("s3")
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=_rules(["NONE"]))
    s3.put_object(Bucket=bucket, Key="same", Body=PAYLOAD, **KEY)
    source = {"Bucket": bucket, "Key": "same"}
    assert _code(s3.copy_object, Bucket=bucket, Key="x", CopySource=source) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as refused:
        s3.copy_object(Bucket=bucket, Key="x", CopySource=source, CopySourceSSECustomerAlgorithm="AES256",
                       CopySourceSSECustomerKey="b" * 32)
    assert refused.value.response["Error"] == {
        "Code": "InvalidRequest", "Message": "The provided encryption parameters did not match the ones used originally."}
    copied = s3.copy_object(Bucket=bucket, Key="plain", CopySource=source, CopySourceSSECustomerAlgorithm="AES256",
                            CopySourceSSECustomerKey=KEY["SSECustomerKey"])
    assert copied["ServerSideEncryption"] == "AES256"
    assert copied["CopyObjectResult"]["ETag"] == '"%s"' % hashlib.md5(PAYLOAD).hexdigest()


def test_later_requests_of_a_customer_keyed_upload(client, bucket):
    """An SSE-C multipart upload with SHA256 checksums (radkawar/stackd
    customer_encryption_data_replay.json, init-checksum ... complete-checksum-correct): a
    part sent without the key, or with another, is InvalidRequest, as is listing its parts
    or completing it under another key; the right key lists the part checksums and
    completes it. The messages are those S3 clients record."""
    s3 = client("s3")
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=_rules(["NONE"]))
    wrong = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "b" * 32}
    upload = s3.create_multipart_upload(Bucket=bucket, Key="ck", ChecksumAlgorithm="SHA256", **KEY)["UploadId"]
    part = {"Bucket": bucket, "Key": "ck", "UploadId": upload}
    checksum = base64.b64encode(hashlib.sha256(PAYLOAD).digest()).decode()

    def refusal(call, **kwargs):
        with pytest.raises(ClientError) as refused:
            call(**part, **kwargs)
        return refused.value.response["Error"]["Code"], refused.value.response["Error"]["Message"]

    mismatch = ("InvalidRequest", "The provided encryption parameters did not match the ones used originally.")
    assert refusal(s3.upload_part, PartNumber=1, Body=PAYLOAD, ChecksumSHA256=checksum) == (
        "InvalidRequest", "The multipart upload initiate requested encryption. Subsequent part requests must "
                          "include the appropriate encryption parameters.")
    assert refusal(s3.upload_part, PartNumber=1, Body=PAYLOAD, ChecksumSHA256=checksum, **wrong) == mismatch
    etag = s3.upload_part(**part, PartNumber=1, Body=PAYLOAD, ChecksumSHA256=checksum, **KEY)["ETag"]
    assert refusal(s3.list_parts, **wrong) == mismatch
    raw_key = KEY["SSECustomerKey"].encode()     # botocore encodes no key for ListParts: send it as S3 wants it
    encoded = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": base64.b64encode(raw_key).decode(),
               "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(raw_key).digest()).decode()}
    assert [p["ChecksumSHA256"] for p in s3.list_parts(**part, **encoded)["Parts"]] == [checksum]
    parts = {"Parts": [{"PartNumber": 1, "ETag": etag, "ChecksumSHA256": checksum}]}
    assert refusal(s3.complete_multipart_upload, MultipartUpload=parts, **wrong) == mismatch
    s3.complete_multipart_upload(**part, MultipartUpload=parts, **KEY)
    assert s3.get_object(Bucket=bucket, Key="ck", **KEY)["Body"].read() == PAYLOAD


def test_what_a_read_weighs_first(client, bucket):
    """GetObject with a Range, as S3 weighed it (radkawar/stackd
    customer_encryption_boundaries_replay.json, range-admission): a missing customer key
    first (InvalidRequest), then the Range (InvalidRange, even under the wrong key or for an
    archived object), then the key's worth (AccessDenied, even for an archived object), and
    only then the archive (InvalidObjectState)."""
    s3 = client("s3")
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=_rules(["NONE"]))
    wrong = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "b" * 32}
    for storage in ("STANDARD", "GLACIER"):
        s3.put_object(Bucket=bucket, Key=f"plain-{storage}", StorageClass=storage, Body=PAYLOAD)
        s3.put_object(Bucket=bucket, Key=f"customer-{storage}", StorageClass=storage, Body=PAYLOAD, **KEY)
    assert _code(s3.get_object, Bucket=bucket, Key="plain-GLACIER", Range="bytes=9999-")[0] == "InvalidRange"
    assert _code(s3.get_object, Bucket=bucket, Key="plain-GLACIER", Range="bytes=0-2")[0] == "InvalidObjectState"
    for storage in ("STANDARD", "GLACIER"):
        key = f"customer-{storage}"
        assert _code(s3.get_object, Bucket=bucket, Key=key, Range="bytes=9999-")[0] == "InvalidRequest"
        assert _code(s3.get_object, Bucket=bucket, Key=key, Range="bytes=9999-", **wrong)[0] == "InvalidRange"
        assert _code(s3.get_object, Bucket=bucket, Key=key, Range="bytes=9999-", **KEY)[0] == "InvalidRange"
        assert _code(s3.get_object, Bucket=bucket, Key=key, Range="bytes=0-2", **wrong)[0] == "AccessDenied"
    assert _code(s3.get_object, Bucket=bucket, Key="customer-GLACIER", Range="bytes=0-2", **KEY)[0] == \
        "InvalidObjectState"
    assert s3.get_object(Bucket=bucket, Key="customer-STANDARD", Range="bytes=0-2", **KEY)["Body"].read() == PAYLOAD[:3]
    # A part number is weighed where a Range is (part-and-head-admission: plain-GLACIER-absent-part-2,
    # customer-STANDARD-absent-part-2, customer-STANDARD-correct-part-2).
    assert _code(s3.get_object, Bucket=bucket, Key="plain-GLACIER", PartNumber=2)[0] == "InvalidPartNumber"
    assert _code(s3.get_object, Bucket=bucket, Key="plain-GLACIER", PartNumber=1)[0] == "InvalidObjectState"
    assert _code(s3.get_object, Bucket=bucket, Key="customer-STANDARD", PartNumber=2)[0] == "InvalidRequest"
    assert _code(s3.get_object, Bucket=bucket, Key="customer-GLACIER", PartNumber=2, **KEY)[0] == "InvalidPartNumber"


def test_a_blocked_bucket_still_names_a_missing_key(client, bucket):
    """On a bucket blocking SSE-C, a write naming the algorithm without its key is still
    InvalidArgument (radkawar/stackd customer_encryption_audit_replay.json: 'missing customer
    key under bucket blocking retain InvalidArgument')."""
    s3 = client("s3")
    with pytest.raises(ClientError) as refused:
        s3.put_object(Bucket=bucket, Key="k", Body=PAYLOAD, SSECustomerAlgorithm="AES256")
    assert refused.value.response["Error"] == {
        "Code": "InvalidArgument", "Message": "Requests specifying Server Side Encryption with Customer provided keys "
                                              "must provide an appropriate secret key."}
