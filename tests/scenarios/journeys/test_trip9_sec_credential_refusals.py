"""A security team's quarterly check that temporary credentials fail closed on every
service the lake uses. With an assumed-role session it signs requests with a mistyped
secret: S3 answers SignatureDoesNotMatch in XML, showing the string it signed and the
canonical request (also as bytes, so the team can diff them against its own signer),
the JSON services answer InvalidSignatureException, STS (query) SignatureDoesNotMatch.
It shares an object with presigned URLs: a week (604800 s) is the longest expiry S3
takes, one second more is refused, and a URL past its expiry is refused with the times
in the reply. Then the lakebox clock passes the session's end and every service refuses
the credentials with its protocol's expired-token error."""
import hashlib
import uuid

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from trip_helpers import REGION, error_of

pytestmark = pytest.mark.local_only          # the session expires on the lakebox clock

ACCOUNT = "135792468013"
NO_RETRIES = Config(retries={"total_max_attempts": 1})
S3_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
               "Check your key and signing method.")
SERVICE_MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your "
                    "AWS Secret Access Key and signing method. Consult the service documentation for details.")
JSON_SERVICES = {"kms": lambda c: c.list_keys(), "dynamodb": lambda c: c.list_tables(),
                 "kinesis": lambda c: c.list_streams(), "glue": lambda c: c.get_databases(),
                 "athena": lambda c: c.list_work_groups(), "firehose": lambda c: c.list_delivery_streams()}


@pytest.fixture
def session_credentials(lakebox_server):
    sts = lakebox_server.client("sts", aws_access_key_id=ACCOUNT, aws_secret_access_key="x", config=NO_RETRIES)
    return sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/security-check", RoleSessionName="quarterly",
                           DurationSeconds=900)["Credentials"]


@pytest.fixture
def shared_object(lakebox_server):
    s3 = lakebox_server.client("s3", aws_access_key_id=ACCOUNT, aws_secret_access_key="x", config=NO_RETRIES)
    bucket = f"check-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="reports/q3.csv", Body=b"finding,severity\nnone,low\n")
    yield bucket, "reports/q3.csv"
    s3.delete_object(Bucket=bucket, Key="reports/q3.csv")
    s3.delete_bucket(Bucket=bucket)


def with_credentials(lakebox_server, service, credentials, secret=None):
    config = NO_RETRIES.merge(Config(signature_version="s3v4")) if service == "s3" else NO_RETRIES
    return boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                         aws_secret_access_key=secret or credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"], region_name=REGION).client(
        service, endpoint_url=lakebox_server.endpoint, config=config)


def refusal(call):
    """(HTTP status, the parsed Error) of a refused call."""
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]


def test_a_mistyped_secret_is_refused_in_each_protocols_words(lakebox_server, session_credentials, shared_object):
    bucket, key = shared_object
    s3 = with_credentials(lakebox_server, "s3", session_credentials, secret="mistyped")
    status, error = refusal(lambda: s3.get_object(Bucket=bucket, Key=key))
    assert (status, error["Code"], error["Message"], error["AWSAccessKeyId"]) == (
        403, "SignatureDoesNotMatch", S3_MISMATCH, session_credentials["AccessKeyId"])
    algorithm, stamp, scope, digest = error["StringToSign"].split("\n")
    assert (algorithm, scope) == ("AWS4-HMAC-SHA256", f"{stamp[:8]}/us-east-1/s3/aws4_request")
    assert digest == hashlib.sha256(error["CanonicalRequest"].encode()).hexdigest()
    assert error["CanonicalRequest"].startswith(f"GET\n/{bucket}/reports/q3.csv\n\n")
    assert f"x-amz-security-token:{session_credentials['SessionToken']}\n" in error["CanonicalRequest"]
    assert bytes.fromhex(error["StringToSignBytes"]).decode() == error["StringToSign"]
    assert bytes.fromhex(error["CanonicalRequestBytes"]).decode() == error["CanonicalRequest"]

    for service, call in JSON_SERVICES.items():
        client = with_credentials(lakebox_server, service, session_credentials, secret="mistyped")
        status, error = refusal(lambda: call(client))
        assert (service, status, error["Code"], error["Message"]) == (
            service, 400, "InvalidSignatureException", SERVICE_MISMATCH)
    sts = with_credentials(lakebox_server, "sts", session_credentials, secret="mistyped")
    status, error = refusal(sts.get_caller_identity)
    assert (status, error["Code"], error["Message"]) == (403, "SignatureDoesNotMatch", SERVICE_MISMATCH)

    # the right secret works everywhere
    assert with_credentials(lakebox_server, "s3", session_credentials).get_object(
        Bucket=bucket, Key=key)["Body"].read() == b"finding,severity\nnone,low\n"
    assert with_credentials(lakebox_server, "sts", session_credentials).get_caller_identity()["Arn"] == \
        f"arn:aws:sts::{ACCOUNT}:assumed-role/security-check/quarterly"


def test_presigned_urls_and_expired_sessions(lakebox_server, clock, session_credentials, shared_object):
    bucket, key = shared_object
    s3 = with_credentials(lakebox_server, "s3", session_credentials)
    week = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=604800)
    assert "X-Amz-Expires=604800" in week
    assert requests.get(week, timeout=10).content == b"finding,severity\nnone,low\n"
    longer = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=604801)
    answer = requests.get(longer, timeout=10)
    assert answer.status_code == 400
    assert "<Code>AuthorizationQueryParametersError</Code>" in answer.text
    assert ("<Message>X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
            "must be less than 604800 seconds</Message>") in answer.text

    minute = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=60)
    assert requests.get(minute, timeout=10).status_code == 200
    clock(120)
    answer = requests.get(minute, timeout=10)
    assert answer.status_code == 403
    assert "<Code>AccessDenied</Code><Message>Request has expired</Message>" in answer.text
    assert "<X-Amz-Expires>60</X-Amz-Expires>" in answer.text and "<ServerTime>" in answer.text

    clock(900)                                        # past the session's 900 seconds
    status, error = refusal(lambda: s3.get_object(Bucket=bucket, Key=key))
    assert (status, error["Code"], error["Message"]) == (400, "ExpiredToken", "The provided token has expired.")
    for service, call in JSON_SERVICES.items():
        client = with_credentials(lakebox_server, service, session_credentials)
        status, error = refusal(lambda: call(client))
        assert (service, status, error["Code"], error["Message"]) == (
            service, 400, "ExpiredTokenException", "The security token included in the request is expired")
    assert error_of(with_credentials(lakebox_server, "sts", session_credentials).get_caller_identity) == (
        "ExpiredToken", "The security token included in the request is expired")
