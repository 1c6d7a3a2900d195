"""An expected bucket owner that is no account id, a policy naming a principal that is no
account's, and user metadata that is not ASCII, as S3 answers them.

Sources: S3 API reference, "Error responses" (InvalidBucketOwnerAWSAccountID, 400: "The
value of the expected bucket owner parameter must be an AWS account ID"; S3's own words
end with "... [<the value sent>]", as recorded by S3 reimplementations' tests against it);
IAM User Guide, "AWS JSON policy elements: Principal" (an AWS principal is an account id
or an ARN; S3 refuses others as MalformedPolicy "Invalid principal in policy"), "Grammar of
the IAM JSON policy language" (a Principal is "*" or a map of AWS, Federated, Service and
CanonicalUser entries; the same refusal for anything else); S3 User
Guide, "Working with object metadata" (non-ASCII user metadata comes back RFC 2047
encoded: `=?UTF-8?B?...?=`).
"""
import base64
import json

import pytest

from s3_helpers import error_of, http, signed_headers


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("owner-meta")


@pytest.mark.parametrize("owner", ["1234", "12345678901a", "1234567890123"])
def test_an_expected_owner_that_is_no_account_id(s3, bucket, owner):
    code, status, response = error_of(s3.list_objects_v2, Bucket=bucket, ExpectedBucketOwner=owner)
    assert (code, status) == ("InvalidBucketOwnerAWSAccountID", 400)
    assert response["Error"]["Message"] == \
        f"The value of the expected bucket owner parameter must be an AWS Account ID... [{owner}]"


def test_an_expected_owner_of_another_account_is_still_access_denied(s3, bucket):
    assert error_of(s3.list_objects_v2, Bucket=bucket, ExpectedBucketOwner="999999999999")[:2] == \
        ("AccessDenied", 403)


@pytest.mark.parametrize("principal", ["12345", "arn:aws:iam::12345:root", "someone", "arn:aws:iam:::root"])
def test_a_policy_naming_no_accounts_principal_is_malformed(s3, bucket, principal):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": {"AWS": principal}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    code, status, response = error_of(s3.put_bucket_policy, Bucket=bucket, Policy=policy)
    assert (code, status, response["Error"]["Message"]) == ("MalformedPolicy", 400, "Invalid principal in policy")
    assert error_of(s3.get_bucket_policy, Bucket=bucket)[:2] == ("NoSuchBucketPolicy", 404)


@pytest.mark.parametrize("principal", ["123456789012", {"User": "alice"}, {"aws": "*"}])
@pytest.mark.parametrize("field", ["Principal", "NotPrincipal"])
def test_a_principal_that_is_no_star_nor_map_of_known_kinds_is_malformed(s3, bucket, principal, field):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", field: principal, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    code, status, response = error_of(s3.put_bucket_policy, Bucket=bucket, Policy=policy)
    assert (code, status, response["Error"]["Message"]) == ("MalformedPolicy", 400, "Invalid principal in policy")


def test_non_ascii_metadata_comes_back_rfc_2047_encoded(lakebox_server, s3, bucket):
    url = f"{lakebox_server.endpoint}/{bucket}/dash.txt"
    sent = "a\u2014b".encode()          # an em dash, as UTF-8 bytes on the wire
    headers = signed_headers(url, method="PUT", body=b"x", headers={"x-amz-meta-note": sent.decode("latin-1"),
                                                                     "x-amz-meta-plain": "ascii"})
    assert http(url, method="PUT", data=b"x", headers=headers)[0] == 200
    encoded = "=?UTF-8?B?" + base64.b64encode(sent).decode() + "?="
    assert s3.head_object(Bucket=bucket, Key="dash.txt")["Metadata"] == {"note": encoded, "plain": "ascii"}
    assert s3.get_object(Bucket=bucket, Key="dash.txt")["Metadata"]["note"] == encoded


def test_a_response_override_that_is_no_header_value_is_refused(s3, bucket):
    # S3's reply as clients logged it (guardian/grid#1716, CartoDB/cartodb#10701): InvalidArgument,
    # "Header value cannot be represented using ISO-8859-1.", naming the query parameter.
    s3.put_object(Bucket=bucket, Key="file.txt", Body=b"x")
    wanted = 'attachment; filename="caf\u00e9 \u2014 menu.txt"'
    code, status, response = error_of(s3.get_object, Bucket=bucket, Key="file.txt",
                                      ResponseContentDisposition=wanted)
    assert (code, status, response["Error"]["Message"]) == \
        ("InvalidArgument", 400, "Header value cannot be represented using ISO-8859-1.")
    assert (response["Error"]["ArgumentName"], response["Error"]["ArgumentValue"]) == \
        ("response-content-disposition", wanted)
    latin = s3.get_object(Bucket=bucket, Key="file.txt", ResponseContentDisposition='inline; filename="caf\u00e9"')
    assert latin["ContentDisposition"] == 'inline; filename="caf\u00e9"'     # ISO-8859-1 is fine
