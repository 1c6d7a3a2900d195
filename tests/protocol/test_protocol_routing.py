"""Routing cases the generated round trips do not reach: S3 virtual hosts, S3 keys that
are hard to carry in a path, and the errors for operations that do not exist."""
import pytest

from lakebox.aws.errors import InvalidAction, UnknownOperation
from lakebox.aws.parse import parse
from lakebox.aws.routing import route
from lakebox.aws.serialize import serialize_error

import protocol_kit as kit


def s3_request(method, path, host=kit.HOST, query="", headers=None):
    all_headers = {"host": host, "authorization": kit.authorization("s3")}
    all_headers.update(headers or {})
    url = f"http://{host}{path}" + (f"?{query}" if query else "")
    return kit.http_request(method, url, all_headers)


def routed(req):
    found = route(req)
    return found.operation.name, parse(found, req)


# --- S3 virtual-host style -----------------------------------------------------------

@pytest.mark.parametrize("host", ["bucket.localhost:4566", "bucket.s3.localhost.localstack.cloud:4566",
                                  "my.dotted-bucket.localhost:4566", "bucket.s3.us-east-1.amazonaws.com"])
def test_s3_virtual_host_object(host):
    bucket = host.split(".s3.")[0] if ".s3." in host else host.rsplit(".localhost", 1)[0]
    name, params = routed(s3_request("GET", "/some/key.txt", host))
    assert name == "GetObject"
    assert (params["Bucket"], params["Key"]) == (bucket, "some/key.txt")


@pytest.mark.parametrize("host", ["bucket.localhost:4566", "bucket.s3.localhost.localstack.cloud:4566"])
def test_s3_virtual_host_bucket(host):
    assert routed(s3_request("GET", "/", host, "list-type=2&prefix=p")) == (
        "ListObjectsV2", {"Bucket": "bucket", "Prefix": "p"})
    assert routed(s3_request("PUT", "/", host)) == ("CreateBucket", {"Bucket": "bucket"})
    assert routed(s3_request("HEAD", "/", host)) == ("HeadBucket", {"Bucket": "bucket"})


@pytest.mark.parametrize("host", ["localhost:4566", "s3.localhost.localstack.cloud:4566", "127.0.0.1:4566",
                                  "s3.us-east-1.amazonaws.com"])
def test_s3_path_style_hosts(host):
    name, params = routed(s3_request("GET", "/bucket/key", host))
    assert (name, params["Bucket"], params["Key"]) == ("GetObject", "bucket", "key")
    assert routed(s3_request("GET", "/", host))[0] == "ListBuckets"


# --- S3 keys --------------------------------------------------------------------------

TRICKY_KEYS = ["a//b", "../x", "./a/./b", "dir/", "dir//", "ü/é ñ.txt", "日本語", "a%2Fb", "a+b", "a b",
               "a?b#c", "~x", "a&b=c", "100%", "x;y,z", "é/"]


@pytest.mark.parametrize("key", TRICKY_KEYS)
def test_s3_tricky_keys_as_botocore_sends_them(key):
    params = {"Bucket": "bucket", "Key": key}
    req = kit.client_request("s3", "GetObject", params, "rest-xml")
    assert routed(req) == ("GetObject", params)


@pytest.mark.parametrize("raw_path, key", [
    ("/bucket/a%2Fb", "a/b"),            # an encoded slash is a slash in the key
    ("/bucket/a+b", "a+b"),              # '+' in a path is a plus, not a space
    ("/bucket/a%2Bb", "a+b"),
    ("/bucket/%C3%BC", "ü"),
    ("/bucket/a//b/", "a//b/"),
    ("/bucket/../x", "../x"),            # no dot-segment normalization: S3 keeps the key
])
def test_s3_keys_in_raw_paths(raw_path, key):
    name, params = routed(s3_request("PUT", raw_path))
    assert (name, params["Bucket"], params["Key"]) == ("PutObject", "bucket", key)


def test_s3_key_under_virtual_host_keeps_leading_slashes():
    name, params = routed(s3_request("GET", "//x", "bucket.localhost:4566"))
    assert (name, params["Key"]) == ("GetObject", "/x")


def test_s3_copy_source_header_picks_copy_object():
    req = s3_request("PUT", "/bucket/key", headers={"x-amz-copy-source": "/src/k%C3%BC"})
    name, params = routed(req)
    assert (name, params["CopySource"]) == ("CopyObject", "/src/k%C3%BC")


# --- operations that do not exist -----------------------------------------------------

@pytest.mark.parametrize("target", ["Kinesis_20131202.NoSuchOperation", "NoSuchService_20200101.ListStreams",
                                    "DynamoDB_20120810.", "garbage"])
@pytest.mark.parametrize("wire", ["json", "cbor"])
def test_unknown_target(target, wire):
    content_type = "application/x-amz-cbor-1.1" if wire == "cbor" else "application/x-amz-json-1.1"
    req = kit.http_request("POST", f"http://{kit.HOST}/", {
        "host": kit.HOST, "x-amz-target": target, "content-type": content_type,
        "authorization": kit.authorization("kinesis")}, b"{}")
    with pytest.raises(UnknownOperation) as caught:
        route(req)
    response = serialize_error(wire, None, caught.value, "req-id")
    assert response.status == 400
    assert kit.parse_error("kinesis", wire, response)["Code"] == "UnknownOperationException"


def test_unknown_rpcv2_operation():
    req = kit.http_request("POST", f"http://{kit.HOST}/service/Kinesis_20131202/operation/NoSuch", {
        "host": kit.HOST, "content-type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}, b"\xa0")
    with pytest.raises(UnknownOperation):
        route(req)


@pytest.mark.parametrize("signed", [True, False])
@pytest.mark.parametrize("in_body", [True, False])
def test_unknown_query_action(signed, in_body):
    headers = {"host": kit.HOST}
    if signed:
        headers["authorization"] = kit.authorization("sts")
    form = "Action=NoSuchAction&Version=2011-06-15"
    if in_body:
        headers["content-type"] = "application/x-www-form-urlencoded; charset=utf-8"
        req = kit.http_request("POST", f"http://{kit.HOST}/", headers, form.encode())
    else:
        req = kit.http_request("GET", f"http://{kit.HOST}/?{form}", headers)
    with pytest.raises(InvalidAction) as caught:
        route(req)
    response = serialize_error("query", kit.spec("sts"), caught.value, "req-id")
    assert response.status == 400
    assert kit.parse_error("sts", "query", response)["Code"] == "InvalidAction"


def test_known_query_action_without_signature():
    req = kit.http_request("GET", f"http://{kit.HOST}/?Action=GetCallerIdentity&Version=2011-06-15",
                           {"host": kit.HOST})
    found = route(req)
    assert (found.spec.name, found.operation.name) == ("sts", "GetCallerIdentity")
