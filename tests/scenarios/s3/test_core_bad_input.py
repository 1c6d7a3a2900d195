"""Malformed requests get S3's own error code and status in an XML body, and change nothing.

Raw HTTP (signed by hand, as the default account) so that the requests can be malformed
in ways an SDK refuses to send. Unsigned requests would be anonymous and refused with
AccessDenied before S3 looks at what they carry.
"""
import base64
import hashlib
import http.client
import re
import urllib.parse

import pytest

from s3_helpers import signed_headers

pytestmark = pytest.mark.local_only


@pytest.fixture
def bucket(s3, make_bucket):
    name = make_bucket("bad-input", digits=12)
    s3.put_object(Bucket=name, Key="k", Body=b"0123456789")
    return name


def send(server, method, path, body=b"", headers=None):
    """(status, error code, whole body) of one raw request."""
    host = urllib.parse.urlparse(server.endpoint).netloc
    connection = http.client.HTTPConnection(host, timeout=10)
    if "Authorization" not in (headers or {}):         # a test's own signature stays as it wrote it
        headers = signed_headers(server.endpoint + path, method, body, headers)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read().decode()
    connection.close()
    code = re.search(r"<Code>([^<]+)</Code>", data)
    return response.status, code.group(1) if code else None, data


def md5_header(body: bytes) -> dict:
    return {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()}


def test_bad_xml_in_a_configuration(lakebox_server, s3, bucket):
    body = b"<Tagging><TagSet><Tag><Key>a</Key>"
    status, code, data = send(lakebox_server, "PUT", f"/{bucket}?tagging", body, md5_header(body))
    assert (status, code) == (400, "MalformedXML")
    assert "<Message>The XML you provided was not well-formed or did not validate against our published schema" in data
    with pytest.raises(s3.exceptions.ClientError) as raised:
        s3.get_bucket_tagging(Bucket=bucket)
    assert raised.value.response["Error"]["Code"] == "NoSuchTagSet"


def test_xml_missing_a_required_element(lakebox_server, bucket):
    body = b"<Tagging><Other/></Tagging>"
    status, code, _ = send(lakebox_server, "PUT", f"/{bucket}?tagging", body, md5_header(body))
    assert (status, code) == (400, "MalformedXML")


def test_empty_configuration_body(lakebox_server, bucket):
    status, code, data = send(lakebox_server, "PUT", f"/{bucket}?versioning", b"", md5_header(b""))
    assert (status, code) == (400, "MissingRequestBodyError")
    assert "<Message>Request body is empty.</Message>" in data


def test_content_md5_required_and_checked(lakebox_server, s3, bucket):
    body = b"<Delete><Object><Key>k</Key></Object></Delete>"
    status, code, data = send(lakebox_server, "POST", f"/{bucket}?delete", body)
    assert (status, code) == (400, "InvalidRequest")
    assert "Missing required header for this request: Content-MD5" in data
    status, code, _ = send(lakebox_server, "POST", f"/{bucket}?delete", body, md5_header(b"other"))
    assert (status, code) == (400, "BadDigest")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"0123456789"


def test_invalid_range(lakebox_server, bucket):
    status, code, data = send(lakebox_server, "GET", f"/{bucket}/k", headers={"Range": "bytes=20-30"})
    assert (status, code) == (416, "InvalidRange")
    assert "<ActualObjectSize>10</ActualObjectSize>" in data


def test_key_too_long(lakebox_server, bucket):
    status, code, data = send(lakebox_server, "PUT", f"/{bucket}/" + "k" * 1025, b"v")
    assert (status, code) == (400, "KeyTooLongError")
    assert "<MaxSizeAllowed>1024</MaxSizeAllowed>" in data


def test_missing_bucket(lakebox_server):
    status, code, data = send(lakebox_server, "GET", "/no-such-bucket-here-at-all/k")
    assert (status, code) == (404, "NoSuchBucket")
    assert "<BucketName>no-such-bucket-here-at-all</BucketName>" in data


def test_invalid_part_number_and_copy_source(lakebox_server, bucket):
    status, code, _ = send(lakebox_server, "GET", f"/{bucket}/k?partNumber=2")
    assert (status, code) == (416, "InvalidPartNumber")
    status, code, _ = send(lakebox_server, "PUT", f"/{bucket}/copy", headers={"x-amz-copy-source": "nobucketslash"})
    assert (status, code) == (400, "InvalidArgument")


def test_wrong_region_signature(lakebox_server, bucket):
    headers = {"Authorization": "AWS4-HMAC-SHA256 Credential=test/20250101/eu-west-1/s3/aws4_request, "
                                "SignedHeaders=host, Signature=00"}
    status, code, data = send(lakebox_server, "GET", f"/{bucket}/k", headers=headers)
    assert (status, code) == (400, "AuthorizationHeaderMalformed")
    assert "<Region>us-east-1</Region>" in data
    assert "the region 'eu-west-1' is wrong; expecting 'us-east-1'" in data


def send_raw(server, head: bytes) -> tuple:
    """(status, error code, whole body) of a request written byte by byte."""
    host = urllib.parse.urlparse(server.endpoint).netloc
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.connect()
    connection.sock.sendall(head)
    response = http.client.HTTPResponse(connection.sock, method="PUT")
    response.begin()
    data = response.read().decode()
    connection.close()
    code = re.search(r"<Code>([^<]+)</Code>", data)
    return response.status, code.group(1) if code else None, data


@pytest.mark.parametrize("length", [b"-5", b"five", b"5, 6"])
def test_unparsable_content_length(lakebox_server, s3, bucket, length):
    head = b"PUT /" + bucket.encode() + b"/k HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + b"\r\n\r\nhello"
    status, code, data = send_raw(lakebox_server, head)
    assert (status, code) == (400, "BadRequest")
    assert "<Message>An error occurred when parsing the HTTP request.</Message>" in data
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"0123456789"


def test_upload_without_content_length(lakebox_server, s3, bucket):
    head = b"PUT /" + bucket.encode() + b"/k HTTP/1.1\r\nHost: x\r\n\r\n"
    status, code, data = send_raw(lakebox_server, head)
    assert (status, code) == (411, "MissingContentLength")
    assert "<Message>You must provide the Content-Length HTTP header.</Message>" in data
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"0123456789"
