"""Signatures as S3 users meet them (audit of issue 15): SigV2 header auth and presigned
SigV2 URLs acting for their key's account, a request signed by botocore 20 minutes ago,
and `lakebox serve --credentials FILE` refusing a wrong secret in each protocol's words
(POST forms too: S3 User Guide, "Browser-based uploads using POST").

Sources: S3 API reference, "Authenticating Requests (AWS Signature Version 2)" (header
`Authorization: AWS <key>:<signature>`; query string `AWSAccessKeyId`, `Expires`,
`Signature`) and "Error responses" (RequestTimeTooSkewed 403 "The difference between the
request time and the current time is too large." with RequestTime, ServerTime and
MaxAllowedSkewMilliseconds; SignatureDoesNotMatch 403; AccessDenied "Request has
expired"); AWS General Reference, common errors (InvalidSignatureException 400 for
JSON services, SignatureDoesNotMatch 403 for query services). lakebox: README, the
credentials file (a JSON list of AccessKeyId, SecretAccessKey, Account).
"""
import datetime
import json
import os
import subprocess
import sys
import time
from unittest import mock

import boto3
import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from s3_helpers import error_of

OTHER = "111122223333"
NO_RETRY = Config(retries={"max_attempts": 0})
V2 = Config(signature_version="s3", retries={"max_attempts": 0})


def test_sigv2_header_auth_acts_for_the_keys_account(lakebox_server, s3, make_bucket):
    name = make_bucket("audit-v2")
    v2 = lakebox_server.client("s3", config=V2)
    v2.put_object(Bucket=name, Key="a b/ü.txt", Body=b"v2", Metadata={"k": "v"})
    got = v2.get_object(Bucket=name, Key="a b/ü.txt")
    assert (got["Body"].read(), got["Metadata"]) == (b"v2", {"k": "v"})
    assert [o["Key"] for o in v2.list_objects_v2(Bucket=name)["Contents"]] == ["a b/ü.txt"]
    other_v2 = lakebox_server.client("s3", aws_access_key_id=OTHER, aws_secret_access_key="x", config=V2)
    other_v4 = lakebox_server.client("s3", aws_access_key_id=OTHER, aws_secret_access_key="x", config=NO_RETRY)
    assert other_v2.list_buckets()["Owner"] == other_v4.list_buckets()["Owner"] != s3.list_buckets()["Owner"]
    assert error_of(other_v2.get_object, Bucket=name, Key="a b/ü.txt")[:2] == ("AccessDenied", 403)


def test_presigned_sigv2_urls_get_and_put(lakebox_server, make_bucket):
    name = make_bucket("audit-v2url")
    v2 = lakebox_server.client("s3", config=V2)
    put_url = v2.generate_presigned_url("put_object", Params={"Bucket": name, "Key": "up.txt"}, ExpiresIn=300)
    assert "Signature=" in put_url and "AWSAccessKeyId=" in put_url
    assert requests.put(put_url, data=b"uploaded", timeout=10).status_code == 200
    get_url = v2.generate_presigned_url("get_object", Params={"Bucket": name, "Key": "up.txt"}, ExpiresIn=300)
    answer = requests.get(get_url, timeout=10)
    assert (answer.status_code, answer.content) == (200, b"uploaded")


@pytest.mark.local_only
def test_an_expired_presigned_sigv2_url_is_refused(lakebox_server, make_bucket, s3):
    name = make_bucket("audit-v2exp")
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    url = lakebox_server.client("s3", config=V2).generate_presigned_url(
        "get_object", Params={"Bucket": name, "Key": "k"}, ExpiresIn=60)
    lakebox_server.advance_clock(120)
    try:
        answer = requests.get(url, timeout=10)
    finally:
        lakebox_server.advance_clock(-120)
    assert answer.status_code == 403
    assert b"<Code>AccessDenied</Code><Message>Request has expired</Message>" in answer.content


def test_a_request_botocore_signed_twenty_minutes_ago_is_too_skewed(lakebox_server, s3, make_bucket):
    name = make_bucket("audit-skew")
    url = f"{lakebox_server.endpoint}/{name}/k.txt"
    then = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=20)
    request = AWSRequest(method="PUT", url=url, data=b"late")
    with mock.patch("botocore.auth.get_current_datetime", return_value=then):
        S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    assert request.headers["X-Amz-Date"] == then.strftime("%Y%m%dT%H%M%SZ")
    answer = requests.put(url, data=b"late", headers=dict(request.headers.items()), timeout=10)
    assert answer.status_code == 403
    assert b"<Code>RequestTimeTooSkewed</Code>" in answer.content
    assert b"<Message>The difference between the request time and the current time is too large.</Message>" \
        in answer.content
    assert f"<RequestTime>{request.headers['X-Amz-Date']}</RequestTime>".encode() in answer.content
    assert error_of(s3.head_object, Bucket=name, Key="k.txt")[1] == 404


@pytest.fixture(scope="module")
def declared_server(tmp_path_factory):
    """A server started as users start it, with `--credentials FILE`."""
    if os.environ.get("LAKEBOX_TARGET") == "aws":
        pytest.skip("starts a lakebox of its own")
    folder = tmp_path_factory.mktemp("declared")
    (folder / "keys.json").write_text(json.dumps([{"AccessKeyId": "AKIAAUDIT15000001", "SecretAccessKey": "right",
                                                   "Account": "210987654321"}]))
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "lakebox.cli", "serve", "--in-memory", "--quiet",
                                "--port", str(port), "--credentials", str(folder / "keys.json")])
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(endpoint)
        yield endpoint
    finally:
        process.terminate()
        process.wait(10)


def _free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(endpoint):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{endpoint}/_lakebox/health", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError("lakebox did not start")


def _declared(endpoint, service, secret, **config):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="AKIAAUDIT15000001",
                        aws_secret_access_key=secret, config=NO_RETRY.merge(Config(**config)))


@pytest.mark.local_only
def test_a_declared_key_acts_for_its_account(declared_server):
    assert _declared(declared_server, "sts", "right").get_caller_identity()["Account"] == "210987654321"
    s3 = _declared(declared_server, "s3", "right")
    s3.create_bucket(Bucket="declared-bucket")
    s3.put_object(Bucket="declared-bucket", Key="k", Body=b"x")
    assert s3.get_object(Bucket="declared-bucket", Key="k")["Body"].read() == b"x"


@pytest.mark.local_only
def test_a_declared_key_with_a_wrong_secret_is_refused_in_each_protocols_words(declared_server):
    code, status, response = error_of(_declared(declared_server, "s3", "wrong").list_buckets)
    assert (code, status) == ("SignatureDoesNotMatch", 403)
    assert response["Error"]["Message"] == ("The request signature we calculated does not match the signature you "
                                            "provided. Check your key and signing method.")
    assert error_of(_declared(declared_server, "kinesis", "wrong").list_streams)[:2] == \
        ("InvalidSignatureException", 400)
    assert error_of(_declared(declared_server, "sts", "wrong").get_caller_identity)[:2] == \
        ("SignatureDoesNotMatch", 403)
    presigned = _declared(declared_server, "s3", "wrong").generate_presigned_url(
        "list_objects_v2", Params={"Bucket": "declared-bucket"})
    answer = requests.get(presigned, timeout=10)
    assert answer.status_code == 403 and b"<Code>SignatureDoesNotMatch</Code>" in answer.content


@pytest.mark.local_only
def test_an_undeclared_key_still_takes_any_secret(declared_server):
    client = boto3.client("s3", endpoint_url=declared_server, region_name="us-east-1", config=NO_RETRY,
                          aws_access_key_id="AKIANOTDECLARED01", aws_secret_access_key="anything")
    assert "Buckets" in client.list_buckets()


@pytest.mark.local_only
def test_sigv2_with_a_declared_key_is_verified_over_every_part_it_signs(declared_server):
    s3 = _declared(declared_server, "s3", "right", signature_version="s3")
    s3.create_bucket(Bucket="declared-v2")
    s3.put_object(Bucket="declared-v2", Key="dir/a b+ü.txt", Body=b"v2", ContentType="text/plain",
                  Metadata={"note": "x, y"}, Tagging="k=v")
    got = s3.get_object(Bucket="declared-v2", Key="dir/a b+ü.txt", ResponseContentType="application/x-test")
    assert (got["Body"].read(), got["ContentType"]) == (b"v2", "application/x-test")
    assert s3.get_object_tagging(Bucket="declared-v2", Key="dir/a b+ü.txt")["TagSet"] == [{"Key": "k", "Value": "v"}]
    s3.put_bucket_versioning(Bucket="declared-v2", VersioningConfiguration={"Status": "Enabled"})
    upload = s3.create_multipart_upload(Bucket="declared-v2", Key="big")["UploadId"]
    etag = s3.upload_part(Bucket="declared-v2", Key="big", UploadId=upload, PartNumber=1, Body=b"p" * 10)["ETag"]
    s3.complete_multipart_upload(Bucket="declared-v2", Key="big", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    versions = s3.list_object_versions(Bucket="declared-v2")["Versions"]
    s3.delete_objects(Bucket="declared-v2", Delete={"Objects": [{"Key": v["Key"], "VersionId": v["VersionId"]}
                                                                for v in versions]})
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "declared-v2", "Key": "missing"})
    assert requests.get(url, timeout=10).status_code == 404
    wrong = _declared(declared_server, "s3", "wrong", signature_version="s3")
    code, status, response = error_of(wrong.list_objects, Bucket="declared-v2")
    assert (code, status, response["Error"]["AWSAccessKeyId"]) == ("SignatureDoesNotMatch", 403, "AKIAAUDIT15000001")


@pytest.mark.local_only
def test_sigv2_with_an_sts_session_key(lakebox_server, make_bucket):
    name = make_bucket("audit-v2sts")
    sts = lakebox_server.client("sts")
    credentials = sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/v2", RoleSessionName="v2-session")["Credentials"]
    keys = {"aws_access_key_id": credentials["AccessKeyId"], "aws_session_token": credentials["SessionToken"]}
    good = lakebox_server.client("s3", aws_secret_access_key=credentials["SecretAccessKey"], config=V2, **keys)
    good.put_object(Bucket=name, Key="k", Body=b"x")
    assert good.get_object(Bucket=name, Key="k")["Body"].read() == b"x"
    bad = lakebox_server.client("s3", aws_secret_access_key="wrong", config=V2, **keys)
    assert error_of(bad.get_object, Bucket=name, Key="k")[:2] == ("SignatureDoesNotMatch", 403)


def _post_form(presigned, body=b"form upload"):
    return requests.post(presigned["url"], data=presigned["fields"], files={"file": ("f.txt", body)}, timeout=10)


@pytest.mark.local_only
@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_a_post_form_of_a_declared_key_is_checked(declared_server, version):
    s3 = _declared(declared_server, "s3", "right")
    s3.create_bucket(Bucket=f"declared-form-{version}")
    good = _declared(declared_server, "s3", "right", signature_version=version).generate_presigned_post(
        f"declared-form-{version}", "in/${filename}")
    assert _post_form(good).status_code == 204
    assert s3.get_object(Bucket=f"declared-form-{version}", Key="in/f.txt")["Body"].read() == b"form upload"
    bad = _declared(declared_server, "s3", "wrong", signature_version=version).generate_presigned_post(
        f"declared-form-{version}", "in/other.txt")
    answer = _post_form(bad)
    assert answer.status_code == 403 and b"<Code>SignatureDoesNotMatch</Code>" in answer.content
    assert error_of(s3.head_object, Bucket=f"declared-form-{version}", Key="in/other.txt")[1] == 404
