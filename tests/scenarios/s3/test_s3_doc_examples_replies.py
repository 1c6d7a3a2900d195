"""The Amazon S3 API reference's worked examples, replayed as the raw signed requests they
show: the status, the headers the example shows, and the XML body element by element
(root element and its namespace, children's names and order, error codes, messages and
the extra elements each error carries). Bucket names and keys are adapted; the
documents, headers and conditions are the examples' own."""
import base64
import datetime
import email.utils
import hashlib
import re
import xml.etree.ElementTree as ET

import pytest
import requests

from s3_helpers import http, signed_headers

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def send(server, method, path, body=b"", headers=None):
    """(status, lower-case headers, body) of one signed request to `path`."""
    url = server.endpoint + path
    return http(url, method, body or None, signed_headers(url, method, body, headers))


def with_md5(body: bytes) -> dict:
    return {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()}


def children(document: bytes) -> list:
    """(name without namespace, text) of each child of the document's root, in order."""
    return [(child.tag.replace(NS, ""), child.text) for child in ET.fromstring(document)]


@pytest.fixture
def locked_object(s3, locked):
    """An object under retention and legal hold in a bucket with Object Lock, a public
    access block and ownership controls (the configurations whose GET answers a payload)."""
    s3.put_public_access_block(Bucket=locked, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_ownership_controls(Bucket=locked, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.put_object(Bucket=locked, Key="doc.txt", Body=b"held", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate="2099-01-01T00:00:00Z", ObjectLockLegalHoldStatus="ON")
    yield locked
    s3.put_object_legal_hold(Bucket=locked, Key="doc.txt", LegalHold={"Status": "OFF"})


# GetBucketEncryption, GetPublicAccessBlock, GetBucketOwnershipControls,
# GetObjectLockConfiguration, GetObjectRetention, GetObjectLegalHold: each example's
# document is in S3's namespace, like every other document S3 answers.
@pytest.mark.parametrize("path, root, first_child", [
    ("?encryption", "ServerSideEncryptionConfiguration", ("Rule", None)),
    ("?publicAccessBlock", "PublicAccessBlockConfiguration", ("BlockPublicAcls", "true")),
    ("?ownershipControls", "OwnershipControls", ("Rule", None)),
    ("?object-lock", "ObjectLockConfiguration", ("ObjectLockEnabled", "Enabled")),
    ("/doc.txt?retention", "Retention", ("Mode", "GOVERNANCE")),
    ("/doc.txt?legal-hold", "LegalHold", ("Status", "ON")),
])
def test_configuration_documents_are_in_the_s3_namespace(lakebox_server, locked_object, path, root, first_child):
    status, headers, body = send(lakebox_server, "GET", f"/{locked_object}{path}")
    assert status == 200 and headers["content-type"] == "application/xml"
    assert ET.fromstring(body).tag == NS + root
    assert children(body)[0] == first_child


def test_post_condition_failure_is_named_in_array_form(s3, make_bucket):
    """A browser upload whose Content-Type breaks the policy's {"Content-Type": ...}
    condition: S3 names the condition as ["eq", "$Content-Type", value] (a recorded reply)."""
    bucket = make_bucket("docex-post")
    post = s3.generate_presigned_post(bucket, "user/eric/${filename}", Fields={"Content-Type": "image/jpeg"},
                                      Conditions=[{"Content-Type": "image/jpeg"}])
    answer = requests.post(post["url"], data=dict(post["fields"], **{"Content-Type": "text/plain"}),
                           files={"file": ("MyFilename.jpg", b"not a jpeg")}, timeout=30)
    assert answer.status_code == 403
    assert children(answer.content)[:2] == [
        ("Code", "AccessDenied"),
        ("Message", 'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/jpeg"]')]


@pytest.fixture
def sample(s3, versioned):
    """The examples' objects in a versioned bucket: sample.jpg (10 bytes) and the keys of
    ListObjects' delimiter example."""
    for key in ["sample.jpg", "photos/2006/January/sample.jpg", "photos/2006/February/sample2.jpg",
                "photos/2006/February/sample3.jpg", "a b+c.txt"]:
        s3.put_object(Bucket=versioned, Key=key, Body=b"0123456789")
    return versioned


@pytest.mark.parametrize("path, headers, status, expected", [
    ("/missing.jpg", {}, 404, [("Code", "NoSuchKey"), ("Message", "The specified key does not exist."),
                               ("Key", "missing.jpg")]),
    ("/sample.jpg", {"Range": "bytes=100-200"}, 416,
     [("Code", "InvalidRange"), ("Message", "The requested range is not satisfiable"),
      ("RangeRequested", "bytes=100-200"), ("ActualObjectSize", "10")]),
    ("/sample.jpg", {"If-Match": '"0123456789abcdef0123456789abcdef"'}, 412,
     [("Code", "PreconditionFailed"), ("Message", "At least one of the pre-conditions you specified did not hold"),
      ("Condition", "If-Match")]),
    ("/sample.jpg?uploadId=no-such-upload", {}, 404,
     [("Code", "NoSuchUpload"), ("Message", "The specified upload does not exist. The upload ID may be invalid, "
                                            "or the upload may have been aborted or completed."),
      ("UploadId", "no-such-upload")]),
    ("/sample.jpg?versionId=not-a-version", {}, 400,
     [("Code", "InvalidArgument"), ("Message", "Invalid version id specified"), ("ArgumentName", "versionId"),
      ("ArgumentValue", "not-a-version")]),
])
def test_error_bodies(lakebox_server, sample, path, headers, status, expected):
    answer_status, _, body = send(lakebox_server, "GET", f"/{sample}{path}", headers=headers)
    assert answer_status == status
    assert children(body)[:len(expected)] == expected
    assert [name for name, _ in children(body)][-2:] == ["RequestId", "HostId"]


def test_request_ids_written_as_s3_writes_them(lakebox_server, sample):
    """S3's request id is 16 upper-case letters and digits (the reference's error example
    shows 4442587FB7D0A2F9; replies recorded from S3 show ids like ESKQ7XZNYHG694XZ), and
    x-amz-id-2, the error body's HostId, is a longer base64 text, recorded as 76 characters
    (P2skC5+lf91t+6AigP9djm91TosoUcgT12qj+oPkApNRX5lK2bNIrPbFsHhpJwDS2rqwDuZovxk=)."""
    status, headers, body = send(lakebox_server, "GET", f"/{sample}/missing.jpg")
    assert status == 404
    fields = dict(children(body))
    assert (fields["RequestId"], fields["HostId"]) == (headers["x-amz-request-id"], headers["x-amz-id-2"])
    assert re.fullmatch(r"[0-9A-Z]{16}", fields["RequestId"])
    assert re.fullmatch(r"[A-Za-z0-9+/]{76}", fields["HostId"]) or re.fullmatch(r"[A-Za-z0-9+/]{75}=", fields["HostId"])
    assert len(base64.b64decode(fields["HostId"])) == 56
    status, headers, _ = send(lakebox_server, "GET", f"/{sample}/sample.jpg")
    assert status == 200 and re.fullmatch(r"[0-9A-Z]{16}", headers["x-amz-request-id"])
    assert len(base64.b64decode(headers["x-amz-id-2"])) == 56
    again = send(lakebox_server, "GET", f"/{sample}/sample.jpg")[1]
    assert again["x-amz-request-id"] != headers["x-amz-request-id"] and again["x-amz-id-2"] != headers["x-amz-id-2"]
    status, headers, body = http(f"{lakebox_server.endpoint}/{sample}/sample.jpg", "OPTIONS", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"})
    fields = dict(children(body))
    assert (status, fields["Code"]) == (403, "AccessForbidden")          # the bucket has no CORS rules
    assert re.fullmatch(r"[0-9A-Z]{16}", fields["RequestId"]) and len(base64.b64decode(fields["HostId"])) == 56


def test_ranged_get_and_not_modified(lakebox_server, sample):
    status, headers, body = send(lakebox_server, "GET", f"/{sample}/sample.jpg", headers={"Range": "bytes=2-4"})
    assert (status, body) == (206, b"234")
    assert headers["content-range"] == "bytes 2-4/10" and headers["content-length"] == "3"
    assert headers["accept-ranges"] == "bytes" and re.fullmatch(r'"[0-9a-f]{32}"', headers["etag"])
    status, _, body = send(lakebox_server, "GET", f"/{sample}/sample.jpg", headers={"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")


def test_versioned_delete_then_get(lakebox_server, sample):
    """DeleteObject's example on a versioned bucket: 204 naming the delete marker; a GET
    of the key then answers 404 with x-amz-delete-marker."""
    status, headers, _ = send(lakebox_server, "DELETE", f"/{sample}/sample.jpg")
    assert status == 204 and headers["x-amz-delete-marker"] == "true"
    marker = headers["x-amz-version-id"]
    status, headers, body = send(lakebox_server, "GET", f"/{sample}/sample.jpg")
    assert status == 404 and children(body)[0] == ("Code", "NoSuchKey")
    assert (headers["x-amz-delete-marker"], headers["x-amz-version-id"]) == ("true", marker)


def test_list_examples(lakebox_server, sample):
    """ListObjects' delimiter example (CommonPrefixes, no Contents) and ListObjectsV2's
    encoding-type=url example (keys and prefix percent-encoded, EncodingType echoed)."""
    _, _, body = send(lakebox_server, "GET", f"/{sample}?prefix=photos/2006/&delimiter=/")
    root = ET.fromstring(body)
    assert root.tag == NS + "ListBucketResult" and root.find(NS + "Contents") is None
    assert [p.findtext(NS + "Prefix") for p in root.iter(NS + "CommonPrefixes")] == [
        "photos/2006/February/", "photos/2006/January/"]
    assert (root.findtext(NS + "Delimiter"), root.findtext(NS + "Marker")) == ("/", "")
    _, _, body = send(lakebox_server, "GET", f"/{sample}?list-type=2&encoding-type=url&prefix=a%20")
    root = ET.fromstring(body)
    assert [c.findtext(NS + "Key") for c in root.iter(NS + "Contents")] == ["a%20b%2Bc.txt"]
    assert (root.findtext(NS + "Prefix"), root.findtext(NS + "EncodingType"), root.findtext(NS + "KeyCount")) == \
        ("a%20", "url", "1")


def test_delete_objects_examples(lakebox_server, sample):
    """DeleteObjects' examples: on a versioned bucket each key gets a delete marker, named
    in <Deleted>; a bad version id is an <Error> entry; quiet mode answers an empty result."""
    document = (b"<Delete><Object><Key>sample.jpg</Key></Object>"
                b"<Object><Key>a b+c.txt</Key><VersionId>not-a-version</VersionId></Object></Delete>")
    status, _, body = send(lakebox_server, "POST", f"/{sample}?delete", document, with_md5(document))
    root = ET.fromstring(body)
    assert status == 200 and root.tag == NS + "DeleteResult"
    deleted, error = list(root)
    assert [child.tag.replace(NS, "") for child in deleted] == ["Key", "DeleteMarker", "DeleteMarkerVersionId"]
    assert (deleted.findtext(NS + "Key"), deleted.findtext(NS + "DeleteMarker")) == ("sample.jpg", "true")
    assert children(ET.tostring(error)) == [("Key", "a b+c.txt"), ("VersionId", "not-a-version"),
                                            ("Code", "InvalidArgument"), ("Message", "Invalid version id specified")]
    quiet = b"<Delete><Quiet>true</Quiet><Object><Key>a b+c.txt</Key></Object></Delete>"
    status, _, body = send(lakebox_server, "POST", f"/{sample}?delete", quiet, with_md5(quiet))
    assert status == 200 and ET.fromstring(body).tag == NS + "DeleteResult" and children(body) == []


def test_expiration_header_names_the_lifecycle_rule(lakebox_server, s3, sample):
    """PutBucketLifecycleConfiguration's example rules, then a PUT and HEAD under the
    expiring prefix: x-amz-expiration names the expiry date and the rule."""
    document = (b"<LifecycleConfiguration><Rule><ID>id1</ID><Filter><Prefix>documents/</Prefix></Filter>"
                b"<Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass>"
                b"</Transition></Rule><Rule><ID>id2</ID><Filter><Prefix>logs/</Prefix></Filter>"
                b"<Status>Enabled</Status><Expiration><Days>365</Days></Expiration></Rule></LifecycleConfiguration>")
    status, _, _ = send(lakebox_server, "PUT", f"/{sample}?lifecycle", document, with_md5(document))
    assert status == 200
    expected = r'expiry-date="\w{3}, \d{2} \w{3} \d{4} 00:00:00 GMT", rule-id="id2"'
    status, headers, _ = send(lakebox_server, "PUT", f"/{sample}/logs/day.log", b"line")
    assert status == 200 and re.fullmatch(expected, headers["x-amz-expiration"])
    status, headers, _ = send(lakebox_server, "HEAD", f"/{sample}/logs/day.log")
    assert status == 200 and re.fullmatch(expected, headers["x-amz-expiration"])
    status, headers, _ = send(lakebox_server, "PUT", f"/{sample}/documents/a.txt", b"kept")
    assert status == 200 and "x-amz-expiration" not in headers
    s3.delete_bucket_lifecycle(Bucket=sample)


@pytest.mark.local_only
def test_restore_examples(s3, make_bucket, clock):
    """RestoreObject's example (Days 2) and HeadObject's restored-object example: the
    restored copy expires at the midnight UTC after the days asked (x-amz-restore shows
    expiry-date="... 00:00:00 GMT"), and a listing's RestoreStatus names the same date."""
    bucket = make_bucket("docex-restore")
    put = s3.put_object(Bucket=bucket, Key="archive.txt", Body=b"cold", StorageClass="GLACIER")
    answer = s3.restore_object(Bucket=bucket, Key="archive.txt", RestoreRequest={"Days": 2})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    clock(5 * 3600)         # a Standard retrieval from GLACIER: 3-5 hours
    head = s3.head_object(Bucket=bucket, Key="archive.txt", VersionId=put.get("VersionId", "null"))
    restore = re.fullmatch(r'ongoing-request="false", expiry-date="(\w{3}, \d{2} \w{3} \d{4} 00:00:00 GMT)"',
                           head["Restore"])
    assert restore
    expiry = email.utils.parsedate_to_datetime(restore.group(1))
    assert datetime.timedelta(days=2) < expiry - head["LastModified"] <= datetime.timedelta(days=3, hours=5, minutes=1)
    listed, = s3.list_objects_v2(Bucket=bucket, OptionalObjectAttributes=["RestoreStatus"])["Contents"]
    assert listed["RestoreStatus"] == {"IsRestoreInProgress": False, "RestoreExpiryDate": expiry}


@pytest.mark.local_only
def test_a_restored_copy_expires(lakebox_server, s3, make_bucket):
    """Once the restored copy's expiry date has passed, S3 deletes the copy: the object is
    archived only again (GET is InvalidObjectState, HEAD and listings show no restore) and
    a new restore is accepted as a first one (202)."""
    bucket = make_bucket("docex-restore-expiry")
    s3.put_object(Bucket=bucket, Key="archive.txt", Body=b"cold", StorageClass="GLACIER")
    s3.restore_object(Bucket=bucket, Key="archive.txt", RestoreRequest={"Days": 1})
    lakebox_server.advance_clock(5 * 3600)          # a Standard retrieval from GLACIER: 3-5 hours
    assert s3.get_object(Bucket=bucket, Key="archive.txt")["Body"].read() == b"cold"
    lakebox_server.advance_clock(3 * 86400)
    try:
        with pytest.raises(s3.exceptions.InvalidObjectState):
            s3.get_object(Bucket=bucket, Key="archive.txt")
        assert "Restore" not in s3.head_object(Bucket=bucket, Key="archive.txt")
        listed, = s3.list_objects_v2(Bucket=bucket, OptionalObjectAttributes=["RestoreStatus"])["Contents"]
        assert "RestoreStatus" not in listed
        again = s3.restore_object(Bucket=bucket, Key="archive.txt", RestoreRequest={"Days": 1})
        assert again["ResponseMetadata"]["HTTPStatusCode"] == 202
        lakebox_server.advance_clock(5 * 3600)
        assert s3.get_object(Bucket=bucket, Key="archive.txt")["Body"].read() == b"cold"
    finally:
        lakebox_server.advance_clock(-3 * 86400 - 10 * 3600)


@pytest.mark.parametrize("asked", [None, "", " , "])
def test_object_attributes_need_the_header(lakebox_server, sample, asked):
    """GetObjectAttributes without attribute names: 400 InvalidRequest (a recorded reply);
    an empty header names an attribute S3 does not know, "" (radkawar/stackd
    multipart_raw_replay.json, single-attrs-: InvalidArgument). The API reference's example
    names them in x-amz-object-attributes."""
    headers = {} if asked is None else {"x-amz-object-attributes": asked}
    status, _, body = send(lakebox_server, "GET", f"/{sample}/sample.jpg?attributes", headers=headers)
    assert status == 400
    if asked is None:
        assert children(body)[:2] == [("Code", "InvalidRequest"), (
            "Message", "The x-amz-object-attributes header specifying the attributes to be retrieved is either "
                       "missing or empty")]
    else:
        assert children(body)[:2] == [("Code", "InvalidArgument"), ("Message", "Invalid attribute name specified.")]
    status, headers, body = send(lakebox_server, "GET", f"/{sample}/sample.jpg?attributes",
                                 headers={"x-amz-object-attributes": "ETag,StorageClass,ObjectSize"})
    assert status == 200 and headers["x-amz-version-id"] and "last-modified" in headers
    assert ET.fromstring(body).tag == NS + "GetObjectAttributesResponse"
    assert children(body) == [("ETag", "781e5e245d69b566979b86e28d23f2c7"), ("StorageClass", "STANDARD"),
                              ("ObjectSize", "10")]


def test_post_201_names_the_object(s3, make_bucket):
    """PostObject's example with success_action_status 201: the PostResponse document's
    Location percent-encodes the whole key, "/" included, while Key shows it as given
    (recorded replies: uploads%2Fimage.jpg, pr%C3%A9sident.jpg)."""
    bucket = make_bucket("docex-post")
    post = s3.generate_presigned_post(bucket, "user/eric/${filename}", Fields={"success_action_status": "201"},
                                      Conditions=[{"success_action_status": "201"}, ["starts-with", "$key", "user/eric/"]])
    answer = requests.post(post["url"], data=post["fields"], files={"file": ("président.jpg", b"jpeg")}, timeout=30)
    assert answer.status_code == 201
    document = ET.fromstring(answer.content)
    assert document.tag == "PostResponse"
    (_, location), (_, name), (_, key), (_, etag) = children(answer.content)
    assert [child.tag for child in document] == ["Location", "Bucket", "Key", "ETag"]
    assert location.endswith(f"/{bucket}/user%2Feric%2Fpr%C3%A9sident.jpg")
    assert (name, key, etag) == (bucket, "user/eric/président.jpg", answer.headers["ETag"])


@pytest.mark.parametrize("condition, status, code, message", [
    ({"acl": "private", "key": "k"}, 400, "InvalidPolicyDocument",
     "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."),
    ({"x-amz-meta-size": 6199034}, 400, "InvalidPolicyDocument",
     "Invalid Policy: Invalid Simple-Condition: value must be a string."),
    (["eq", "key", "k"], 403, "AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["eq", "key", "k"]'),
])
def test_post_policy_refusals(s3, make_bucket, condition, status, code, message):
    """Policies S3 refuses in its recorded replies: a simple condition with two properties
    or a number, and a condition whose field lacks the "$"."""
    bucket = make_bucket("docex-post")
    post = s3.generate_presigned_post(bucket, "k", Conditions=[condition])
    answer = requests.post(post["url"], data=post["fields"], files={"file": ("k", b"body")}, timeout=30)
    assert answer.status_code == status
    assert children(answer.content)[:2] == [("Code", code), ("Message", message)]


def test_bucket_location_from_another_region(lakebox_server, s3, make_bucket):
    """GetBucketLocation signed for a Region other than the bucket's: any Region but
    us-east-1 answers (SDKs probe a bucket's Region so); us-east-1 refuses with the
    bucket's Region named."""
    west = make_bucket("docex-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    east = make_bucket("docex-east")
    url = lakebox_server.endpoint + f"/{west}?location"
    status, _, body = http(url, headers=signed_headers(url, region="ap-southeast-2"))
    assert status == 200 and (ET.fromstring(body).tag, ET.fromstring(body).text) == (
        NS + "LocationConstraint", "eu-west-1")
    url = lakebox_server.endpoint + f"/{east}?location"
    status, _, body = http(url, headers=signed_headers(url, region="eu-west-1"))
    assert status == 200 and ET.fromstring(body).tag == NS + "LocationConstraint" and not ET.fromstring(body).text
    url = lakebox_server.endpoint + f"/{west}?location"
    status, headers, body = http(url, headers=signed_headers(url, region="us-east-1"))
    assert status == 400 and headers["x-amz-bucket-region"] == "eu-west-1"
    assert children(body)[:3] == [
        ("Code", "AuthorizationHeaderMalformed"),
        ("Message", "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'"),
        ("Region", "eu-west-1")]
