"""ACL documents and grant headers as S3 read them (capture: radkawar/stackd
testdata/aws/s3/access_raw_replay.json, bucket-raw-* and object-raw-* of
ownership_evidence): a body that is no policy -- another root, an empty Owner, a permission
or grantee type S3 does not name -- is MalformedACLError; a grantee id that is no canonical
user id is InvalidArgument CanonicalUser/ID, a group S3 does not have InvalidArgument
Group/URI; a grant header S3 cannot read is InvalidArgument naming the header. Nothing
changes on a refusal; an empty grant list and a grant given twice are taken."""
import base64
import hashlib
import re

import pytest

from s3_helpers import http, signed_headers

XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


def _send(server, path, body=b"", headers=None):
    headers = {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode(), **(headers or {})}
    status, _, data = http(server.endpoint + path, "PUT", body,
                           signed_headers(server.endpoint + path, "PUT", body, headers))
    found = re.search(rb"<Code>(.*?)</Code>", data)
    fields = dict(re.findall(rb"<(ArgumentName|ArgumentValue)>(.*?)</", data))
    return status, found and found.group(1).decode(), {k.decode(): v.decode() for k, v in fields.items()}


def _policy(owner, grants):
    return (f'<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner>{owner}</Owner>'
            f'<AccessControlList>{grants}</AccessControlList></AccessControlPolicy>').encode()


def _grant(kind, inner, permission):
    return f'<Grant><Grantee {XSI} xsi:type="{kind}">{inner}</Grantee><Permission>{permission}</Permission></Grant>'


@pytest.fixture
def bucket(s3, make_bucket):
    name = make_bucket("acl-bodies")
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_object(Bucket=name, Key="source", Body=b"harmless ownership fixture\n")
    return name


def _owner_only(s3, bucket):
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    assert s3.get_bucket_acl(Bucket=bucket)["Grants"] == [
        {"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]
    assert [g["Permission"] for g in s3.get_object_acl(Bucket=bucket, Key="source")["Grants"]] == ["FULL_CONTROL"]


@pytest.mark.parametrize("case", ["permission", "grantee-type", "missing-owner", "wrong-root"])
@pytest.mark.parametrize("target", ["/{bucket}/?acl", "/{bucket}/source?acl"])
def test_malformed_acl(lakebox_server, s3, bucket, case, target):
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    body = {"permission": _policy(f"<ID>{owner}</ID>", _grant("CanonicalUser", f"<ID>{owner}</ID>", "BOGUS")),
            "grantee-type": _policy(f"<ID>{owner}</ID>", _grant("Unknown", f"<ID>{owner}</ID>", "READ")),
            "missing-owner": _policy("", _grant("CanonicalUser", f"<ID>{owner}</ID>", "FULL_CONTROL")),
            "wrong-root": b"<NoSuchRoot/>"}[case]
    assert _send(lakebox_server, target.format(bucket=bucket), body)[:2] == (400, "MalformedACLError")
    _owner_only(s3, bucket)


def test_grantees_s3_does_not_know(lakebox_server, s3, bucket):
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    body = _policy(f"<ID>{owner}</ID>", _grant("CanonicalUser", "<ID>bad-id</ID>", "READ"))
    assert _send(lakebox_server, f"/{bucket}/?acl", body) == (
        400, "InvalidArgument", {"ArgumentName": "CanonicalUser/ID", "ArgumentValue": "bad-id"})
    unknown = "http://acs.amazonaws.com/groups/global/Unknown"
    body = _policy(f"<ID>{owner}</ID>", _grant("Group", f"<URI>{unknown}</URI>", "READ"))
    assert _send(lakebox_server, f"/{bucket}/?acl", body) == (
        400, "InvalidArgument", {"ArgumentName": "Group/URI", "ArgumentValue": unknown})
    _owner_only(s3, bucket)


def test_a_grant_header_s3_cannot_read(lakebox_server, s3, bucket):
    assert _send(lakebox_server, f"/{bucket}/?acl", headers={"x-amz-grant-read": "broken"}) == (
        400, "InvalidArgument", {"ArgumentName": "x-amz-grant-read", "ArgumentValue": "broken"})
    _owner_only(s3, bucket)


def test_empty_and_repeated_grants_are_taken(lakebox_server, s3, bucket):
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    assert _send(lakebox_server, f"/{bucket}/?acl", _policy(f"<ID>{owner}</ID>", ""))[:2] == (200, None)
    assert s3.get_bucket_acl(Bucket=bucket)["Grants"] == []
    twice = _grant("CanonicalUser", f"<ID>{owner}</ID>", "FULL_CONTROL") * 2
    assert _send(lakebox_server, f"/{bucket}/?acl", _policy(f"<ID>{owner}</ID>", twice))[:2] == (200, None)


@pytest.mark.parametrize("target", ["/{bucket}/?acl", "/{bucket}/source?acl"])
def test_an_owner_that_is_not_the_owner(lakebox_server, s3, bucket, target):
    """access_raw_replay.json object-raw-wrong-owner (the bucket's ACL taken to answer alike)."""
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    other = "0" * 64
    body = _policy(f"<ID>{other}</ID>", _grant("CanonicalUser", f"<ID>{owner}</ID>", "FULL_CONTROL"))
    assert _send(lakebox_server, target.format(bucket=bucket), body) == (
        400, "InvalidArgument", {"ArgumentName": "CanonicalUser/ID", "ArgumentValue": other})
    _owner_only(s3, bucket)


@pytest.mark.parametrize("target", ["/{bucket}/?acl", "/{bucket}/source?acl"])
def test_an_email_grantee(lakebox_server, s3, bucket, target):
    """access_raw_replay.json bucket-raw-email-grantee, object-raw-email-grantee: 405."""
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    body = _policy(f"<ID>{owner}</ID>", _grant("AmazonCustomerByEmail",
                                               "<EmailAddress>nobody@example.invalid</EmailAddress>", "READ"))
    assert _send(lakebox_server, target.format(bucket=bucket), body)[:2] == (405, "MethodNotAllowed")
    _owner_only(s3, bucket)
