"""A nightly backup job resumes its multipart uploads: it pages through
ListMultipartUploads, copies ranges of older objects into parts, and asks
GetObjectAttributes what a finished object holds. S3's answers, as recorded in us-east-1
(radkawar/stackd testdata/aws/s3/multipart_controls_replay.json and
multipart_raw_replay.json):

- the last page of ListMultipartUploads still names NextKeyMarker and NextUploadIdMarker
  (its last upload), and a listing without a Prefix has no Prefix element
  (uploads-page4, uploads-key-marker-only, uploads-delimiter, upload-marker-1);
- UploadPartCopy ignores an x-amz-copy-source-if-modified-since in the future
  (copy-modified-false), refuses a range starting past the source's end with
  InvalidRequest (copy-range-outside) and a reversed one with InvalidArgument
  (copy-range-reversed);
- a query or header that is no integer is InvalidArgument naming the parameter and the
  value (uploads-max-abc, parts-max-abc, parts-marker-abc, single-part-abc,
  attrs-max-abc, attrs-marker-abc); GetObjectAttributes names the first attribute it does
  not know, an empty header too (single-attrs-ETag,Invalid, single-attrs-).
"""
from botocore.exceptions import ClientError

SOURCE = bytes(range(256)) * 64


def _error(call, **kwargs) -> dict:
    """The error document of a call that S3 refuses (its extra fields too)."""
    try:
        call(**kwargs)
    except ClientError as refused:
        return refused.response["Error"]
    raise AssertionError(f"{call.__name__} was not refused")


def test_the_last_page_of_uploads_names_where_it_ended(client, bucket):
    s3 = client("s3")
    z = s3.create_multipart_upload(Bucket=bucket, Key="listing/z")["UploadId"]
    a1 = s3.create_multipart_upload(Bucket=bucket, Key="listing/a")["UploadId"]
    a2 = s3.create_multipart_upload(Bucket=bucket, Key="listing/a")["UploadId"]
    x = s3.create_multipart_upload(Bucket=bucket, Key="listing/folder/x")["UploadId"]

    page = s3.list_multipart_uploads(Bucket=bucket, Prefix="listing/", MaxUploads=1,
                                     KeyMarker="listing/folder/x", UploadIdMarker=x)
    assert (page["IsTruncated"], page["NextKeyMarker"], page["NextUploadIdMarker"]) == (False, "listing/z", z)
    assert [u["UploadId"] for u in page["Uploads"]] == [z]

    page = s3.list_multipart_uploads(Bucket=bucket, Prefix="listing/", KeyMarker="listing/a")
    assert (page["KeyMarker"], page["UploadIdMarker"], page["NextKeyMarker"], page["NextUploadIdMarker"]) == (
        "listing/a", "", "listing/z", z)
    assert [u["UploadId"] for u in page["Uploads"]] == [x, z]

    page = s3.list_multipart_uploads(Bucket=bucket, Prefix="listing/", Delimiter="/")
    assert [u["UploadId"] for u in page["Uploads"]] == [a1, a2, z]
    assert page["CommonPrefixes"] == [{"Prefix": "listing/folder/"}]
    assert (page["IsTruncated"], page["NextKeyMarker"], page["NextUploadIdMarker"]) == (False, "listing/z", z)

    page = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="listing/a", UploadIdMarker=a1)
    assert "Prefix" not in page
    assert [u["UploadId"] for u in page["Uploads"]] == [a2, x, z]
    assert (page["NextKeyMarker"], page["NextUploadIdMarker"]) == ("listing/z", z)
    for upload, key in ((z, "listing/z"), (a1, "listing/a"), (a2, "listing/a"), (x, "listing/folder/x")):
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload)


def test_part_copies_weigh_ranges_and_dates_as_s3_does(client, bucket):
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="copy-source", Body=SOURCE)
    etag = s3.head_object(Bucket=bucket, Key="copy-source")["ETag"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="copy-destination")["UploadId"]
    part = {"Bucket": bucket, "Key": "copy-destination", "UploadId": upload, "PartNumber": 1,
            "CopySource": f"{bucket}/copy-source"}

    copied = s3.upload_part_copy(**part, CopySourceIfModifiedSince="2099-01-01T00:00:00+00:00")
    assert copied["CopyPartResult"]["ETag"] == etag
    error = _error(s3.upload_part_copy, **part, CopySourceIfNoneMatch=etag,
                   CopySourceIfModifiedSince="2000-01-01T00:00:00+00:00")
    assert error["Code"] == "PreconditionFailed"

    error = _error(s3.upload_part_copy, **part, CopySourceRange="bytes=9999999-10000000")
    assert (error["Code"], error["Message"]) == (
        "InvalidRequest", "The specified copy range is invalid for the source object size")
    error = _error(s3.upload_part_copy, **part, CopySourceRange="bytes=9-0")
    assert (error["Code"], error["ArgumentName"], error["ArgumentValue"]) == (
        "InvalidArgument", "x-amz-copy-source-range", "bytes=9-0")
    s3.abort_multipart_upload(Bucket=bucket, Key="copy-destination", UploadId=upload)


def test_a_number_that_is_no_number_is_named_in_the_refusal(client, bucket):
    s3 = client("s3")
    loose = client("s3", parameter_validation=False)
    s3.put_object(Bucket=bucket, Key="single", Body=b"0123456789")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="a same")["UploadId"]
    for call, kwargs, name in (
            (loose.list_multipart_uploads, {"MaxUploads": "abc"}, "max-uploads"),
            (loose.list_parts, {"Key": "a same", "UploadId": upload, "MaxParts": "abc"}, "max-parts"),
            (loose.list_parts, {"Key": "a same", "UploadId": upload, "PartNumberMarker": "abc"}, "part-number-marker"),
            (loose.get_object, {"Key": "single", "PartNumber": "abc"}, "partNumber"),
            (loose.get_object_attributes, {"Key": "single", "ObjectAttributes": ["ObjectParts"],
                                           "MaxParts": "abc"}, "x-amz-max-parts"),
            (loose.get_object_attributes, {"Key": "single", "ObjectAttributes": ["ObjectParts"], "MaxParts": 1,
                                           "PartNumberMarker": "abc"}, "x-amz-part-number-marker")):
        error = _error(call, Bucket=bucket, **kwargs)
        assert (error["Code"], error["ArgumentName"], error["ArgumentValue"]) == ("InvalidArgument", name, "abc")

    for named, value in ((["ETag", "Invalid"], "Invalid"), (["etag"], "etag"), ([""], "")):
        error = _error(loose.get_object_attributes, Bucket=bucket, Key="single", ObjectAttributes=named)
        assert (error["Code"], error["Message"], error["ArgumentName"], error.get("ArgumentValue") or "") == (
            "InvalidArgument", "Invalid attribute name specified.", "x-amz-object-attributes", value)
    s3.abort_multipart_upload(Bucket=bucket, Key="a same", UploadId=upload)


def test_an_aborted_upload_is_remembered(client, bucket):
    """S3 takes a second abort of an aborted upload (204), and the aborted upload's id as
    UploadIdMarker still marks its place among its key's uploads (multipart_controls_replay.json
    abort-repeated, list-after-abort, upload-after-abort, complete-after-abort;
    multipart_raw_replay.json upload-marker-1, abort-middle-upload, upload-marker-deleted).
    An upload id S3 never issued stays NoSuchUpload."""
    s3 = client("s3")
    first, middle, last = (s3.create_multipart_upload(Bucket=bucket, Key="a same")["UploadId"] for _ in range(3))
    later = s3.create_multipart_upload(Bucket=bucket, Key="z last")["UploadId"]
    before = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a same", UploadIdMarker=middle)
    assert [u["UploadId"] for u in before["Uploads"]] == [last, later]

    for _ in range(2):
        done = s3.abort_multipart_upload(Bucket=bucket, Key="a same", UploadId=middle)
        assert done["ResponseMetadata"]["HTTPStatusCode"] == 204
    after = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a same", UploadIdMarker=middle)
    assert [u["UploadId"] for u in after["Uploads"]] == [last, later]
    assert (after["NextKeyMarker"], after["NextUploadIdMarker"]) == ("z last", later)
    for call, extra in ((s3.list_parts, {}), (s3.upload_part, {"PartNumber": 1, "Body": b"tiny"}),
                        (s3.complete_multipart_upload, {"MultipartUpload": {"Parts": [{"PartNumber": 1,
                                                                                       "ETag": '"a"'}]}})):
        assert _error(call, Bucket=bucket, Key="a same", UploadId=middle, **extra)["Code"] == "NoSuchUpload"
    assert _error(s3.abort_multipart_upload, Bucket=bucket, Key="a same", UploadId="never" + middle[5:])["Code"] == \
        "NoSuchUpload"
    for upload, key in ((first, "a same"), (last, "a same"), (later, "z last")):
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload)
