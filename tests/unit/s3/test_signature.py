"""check_query_auth(): presigned URLs as botocore makes them, and S3's answers."""
import calendar
import time
from urllib.parse import parse_qsl, urlsplit

import boto3
import pytest
from botocore.config import Config

from lakebox.services.s3.signature import check_query_auth, is_presigned
from s3_unit_helpers import raises_s3


def presigned_query(expires_in=3600, signature_version="s3v4") -> dict:
    client = boto3.client("s3", region_name="us-east-1", endpoint_url="http://localhost:4566",
                          aws_access_key_id="test", aws_secret_access_key="test",
                          config=Config(signature_version=signature_version))
    url = client.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"},
                                        ExpiresIn=expires_in)
    return dict(parse_qsl(urlsplit(url).query))


def test_fresh_sigv4_url_passes():
    query = presigned_query()
    assert is_presigned(query)
    check_query_auth(query, time.time())


def test_expired_sigv4_url():
    query = presigned_query(expires_in=60)
    signed = calendar.timegm(time.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))
    with raises_s3("AccessDenied") as err:
        check_query_auth(query, signed + 61)
    assert err.value.status == 403
    assert err.value.message == "Request has expired"
    assert list(err.value.fields) == ["X-Amz-Expires", "Expires", "ServerTime"]
    assert err.value.fields["X-Amz-Expires"] == "60"
    assert err.value.fields["Expires"].endswith("Z") and "T" in err.value.fields["Expires"]
    check_query_auth(query, signed + 60)            # the last second is still valid


def test_sigv4_url_from_the_future():
    query = presigned_query()
    with raises_s3("AccessDenied") as err:
        check_query_auth(query, time.time() - 3600)
    assert err.value.message == "Request is not yet valid"


@pytest.mark.parametrize("value,message", [
    ("604801", "X-Amz-Expires must be less than a week (in seconds); that is, the given "
               "X-Amz-Expires must be less than 604800 seconds"),
    ("-1", "X-Amz-Expires must be non-negative"),
    ("soon", "X-Amz-Expires should be a number"),
])
def test_bad_expires(value, message):
    query = presigned_query()
    query["X-Amz-Expires"] = value
    with raises_s3("AuthorizationQueryParametersError") as err:
        check_query_auth(query, time.time())
    assert err.value.status == 400
    assert err.value.message == message


def test_a_week_is_allowed():
    check_query_auth(presigned_query(expires_in=604800), time.time())


@pytest.mark.parametrize("name", ["X-Amz-Date", "X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature",
                                  "X-Amz-Algorithm"])
def test_missing_sigv4_parameter(name):
    query = presigned_query()
    del query[name]
    assert is_presigned(query)             # refused whole, never taken for an unsigned request
    with raises_s3("AuthorizationQueryParametersError") as err:
        check_query_auth(query, time.time())
    assert err.value.message.startswith("Query-string authentication version 4 requires")


def test_malformed_sigv4_parameters():
    for name, value in [("X-Amz-Date", "2024-01-01"), ("X-Amz-Credential", "test/20240101/us-east-1"),
                        ("X-Amz-Algorithm", "AWS4-HMAC-SHA1")]:
        query = presigned_query()
        query[name] = value
        with raises_s3("AuthorizationQueryParametersError"):
            check_query_auth(query, time.time())


def test_sigv2_url():
    query = presigned_query(expires_in=60, signature_version="s3")
    assert set(query) >= {"AWSAccessKeyId", "Expires", "Signature"}
    assert is_presigned(query)
    check_query_auth(query, time.time())
    with raises_s3("AccessDenied") as err:
        check_query_auth(query, int(query["Expires"]) + 1)
    assert err.value.message == "Request has expired"
    assert list(err.value.fields) == ["Expires", "ServerTime"]


def test_sigv2_bad_expires():
    query = {"AWSAccessKeyId": "test", "Signature": "x", "Expires": "tomorrow"}
    with raises_s3("AccessDenied") as err:
        check_query_auth(query, time.time())
    assert err.value.message == "Invalid date (should be seconds since epoch): tomorrow"
    del query["Expires"]
    with raises_s3("AccessDenied"):
        check_query_auth(query, time.time())


def test_plain_query_is_not_presigned():
    assert not is_presigned({"list-type": "2", "prefix": "a"})
