"""Signatures of keys lakebox knows the secret of are checked; every signed request must
be signed within 15 minutes of the real time.

Sources: S3 API reference, "Error responses" (SignatureDoesNotMatch 403 "The request
signature we calculated does not match the signature you provided. Check your key and
signing method."; RequestTimeTooSkewed 403 "The difference between the request time
and the current time is too large."); AWS General Reference / "Common Errors" of the
JSON and query APIs (InvalidSignatureException 400, SignatureDoesNotMatch 403,
"Signature expired: ... is now earlier than ... (... - 15 min.)"), recorded Kinesis and
STS replies.
"""
import hashlib
import json
import subprocess
import sys
import time

import boto3
import pytest
import requests
from botocore.config import Config

from s3_helpers import error_of

NO_RETRY = Config(retries={"max_attempts": 0})
S3_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
               "Check your key and signing method.")
SERVICE_MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your "
                    "AWS Secret Access Key and signing method. Consult the service documentation for details.")


@pytest.fixture(scope="module")
def session(lakebox_server):
    sts = lakebox_server.client("sts", aws_access_key_id="111122223333", aws_secret_access_key="x")
    return sts.assume_role(RoleArn="arn:aws:iam::111122223333:role/signer", RoleSessionName="s1")["Credentials"]


def _client(server, service, credentials, secret=None):
    return server.client(service, aws_access_key_id=credentials["AccessKeyId"],
                         aws_secret_access_key=secret or credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"],
                         config=NO_RETRY.merge(Config(signature_version="s3v4")) if service == "s3" else NO_RETRY)


def test_an_sts_key_works_with_its_secret_and_not_with_another(lakebox_server, session, make_bucket, s3):
    name = make_bucket("sig")
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": ["s3:PutObject", "s3:GetObject"],
        "Resource": f"arn:aws:s3:::{name}/*"}]}))
    good = _client(lakebox_server, "s3", session)
    good.put_object(Bucket=name, Key="a b/ü.txt", Body=b"signed", Metadata={"k": "v"})
    assert good.get_object(Bucket=name, Key="a b/ü.txt")["Body"].read() == b"signed"
    bad = _client(lakebox_server, "s3", session, secret="wrong-secret")
    code, status, response = error_of(bad.get_object, Bucket=name, Key="a b/ü.txt")
    assert (code, status, response["Error"]["Message"]) == ("SignatureDoesNotMatch", 403, S3_MISMATCH)
    assert response["Error"]["AWSAccessKeyId"] == session["AccessKeyId"]
    s3.delete_bucket_policy(Bucket=name)


def test_presigned_urls_of_an_sts_key_are_checked(lakebox_server, session, make_bucket, s3):
    name = make_bucket("sig-url")
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/*"}]}))
    s3.put_object(Bucket=name, Key="k.txt", Body=b"shared")
    good = _client(lakebox_server, "s3", session).generate_presigned_url(
        "get_object", Params={"Bucket": name, "Key": "k.txt"})
    assert requests.get(good, timeout=10).content == b"shared"
    bad = _client(lakebox_server, "s3", session, secret="wrong").generate_presigned_url(
        "get_object", Params={"Bucket": name, "Key": "k.txt"})
    answer = requests.get(bad, timeout=10)
    assert answer.status_code == 403 and b"<Code>SignatureDoesNotMatch</Code>" in answer.content
    s3.delete_bucket_policy(Bucket=name)


def test_s3_shows_what_it_signed_also_as_bytes(lakebox_server, session, make_bucket, s3):
    """Recorded S3 replies carry StringToSignBytes and CanonicalRequestBytes: the hex of
    each byte, separated by spaces."""
    name = make_bucket("sig-bytes")
    bad = _client(lakebox_server, "s3", session, secret="wrong-secret")
    _, _, response = error_of(bad.list_objects_v2, Bucket=name)
    error = response["Error"]
    assert bytes.fromhex(error["StringToSignBytes"]).decode() == error["StringToSign"]
    assert bytes.fromhex(error["CanonicalRequestBytes"]).decode() == error["CanonicalRequest"]
    assert error["StringToSignBytes"].startswith("41 57 53 34 2d 48 4d 41 43")       # "AWS4-HMAC"
    algorithm, stamp, scope, canonical_hash = error["StringToSign"].split("\n")
    assert (algorithm, scope) == ("AWS4-HMAC-SHA256", f"{stamp[:8]}/us-east-1/s3/aws4_request")
    assert canonical_hash == hashlib.sha256(error["CanonicalRequest"].encode()).hexdigest()


def test_json_and_query_services_refuse_a_wrong_secret_in_their_words(lakebox_server, session):
    kinesis = _client(lakebox_server, "kinesis", session, secret="wrong")
    code, status, response = error_of(kinesis.list_streams)
    assert (code, status, response["Error"]["Message"]) == ("InvalidSignatureException", 400, SERVICE_MISMATCH)
    sts = _client(lakebox_server, "sts", session, secret="wrong")
    code, status, response = error_of(sts.get_caller_identity)
    assert (code, status, response["Error"]["Message"]) == ("SignatureDoesNotMatch", 403, SERVICE_MISMATCH)
    identity = _client(lakebox_server, "sts", session).get_caller_identity()
    assert identity["Arn"] == "arn:aws:sts::111122223333:assumed-role/signer/s1"


def test_other_keys_keep_working_with_any_secret(lakebox_server):
    s3 = lakebox_server.client("s3", aws_access_key_id="test", aws_secret_access_key="anything", config=NO_RETRY)
    s3.list_buckets()


def test_json_and_query_services_take_a_correct_signature_over_the_body(lakebox_server, session):
    kinesis = _client(lakebox_server, "kinesis", session)
    assert "StreamNames" in kinesis.list_streams(Limit=5)
    assert _client(lakebox_server, "sts", session).get_caller_identity()["Account"] == "111122223333"


@pytest.mark.parametrize("offset", [-20 * 60, 20 * 60])
def test_a_request_signed_too_far_from_the_real_time_is_too_skewed(lakebox_server, offset):
    answer = requests.get(f"{lakebox_server.endpoint}/", headers=_skewed_headers(lakebox_server, offset), timeout=10)
    assert answer.status_code == 403
    assert b"<Code>RequestTimeTooSkewed</Code>" in answer.content
    assert b"<Message>The difference between the request time and the current time is too large.</Message>" \
        in answer.content
    assert b"<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>" in answer.content


def _skewed_headers(server, offset):
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() + offset))
    return {"x-amz-date": stamp, "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
            "Authorization": f"AWS4-HMAC-SHA256 Credential=test/{stamp[:8]}/us-east-1/s3/aws4_request, "
                             "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + "0" * 64}


def test_a_json_service_says_the_signature_expired(lakebox_server):
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 20 * 60))
    answer = requests.post(lakebox_server.endpoint, data=b"{}", timeout=10, headers={
        "x-amz-date": stamp, "X-Amz-Target": "Kinesis_20131202.ListStreams",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": f"AWS4-HMAC-SHA256 Credential=test/{stamp[:8]}/us-east-1/kinesis/aws4_request, "
                         "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64})
    assert answer.status_code == 400
    body = answer.json()
    assert body["__type"].endswith("InvalidSignatureException")
    assert body["message"].startswith(f"Signature expired: {stamp} is now earlier than ")


@pytest.mark.local_only
def test_moving_the_lakebox_clock_never_makes_requests_too_skewed(lakebox_server, s3):
    lakebox_server.advance_clock(3600)
    try:
        s3.list_buckets()
    finally:
        lakebox_server.advance_clock(-3600)


@pytest.mark.local_only
def test_declared_credentials_are_verified_and_act_for_their_account(tmp_path):
    from lakebox.testing import LakeboxServer
    declared = tmp_path / "credentials.json"
    declared.write_text(json.dumps([{"AccessKeyId": "AKIADECLARED0001", "SecretAccessKey": "s3cr3t",
                                     "Account": "222233334444"}]))
    with LakeboxServer(env={"LAKEBOX_CREDENTIALS": str(declared)}) as server:
        good = boto3.client("sts", endpoint_url=server.endpoint, region_name="us-east-1", config=NO_RETRY,
                            aws_access_key_id="AKIADECLARED0001", aws_secret_access_key="s3cr3t")
        assert good.get_caller_identity()["Account"] == "222233334444"
        bad = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1", config=NO_RETRY,
                           aws_access_key_id="AKIADECLARED0001", aws_secret_access_key="guess")
        assert error_of(bad.list_buckets)[:2] == ("SignatureDoesNotMatch", 403)
        other = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1", config=NO_RETRY,
                             aws_access_key_id="AKIAUNDECLARED01", aws_secret_access_key="guess")
        other.list_buckets()


@pytest.mark.local_only
def test_an_unreadable_credentials_file_refuses_to_start(tmp_path):
    finished = subprocess.run([sys.executable, "-m", "lakebox.cli", "serve", "--in-memory", "--port", "1",
                               "--credentials", str(tmp_path / "missing.json")],
                              capture_output=True, text=True, timeout=60)
    assert finished.returncode == 1 and "cannot read credentials file" in finished.stderr
