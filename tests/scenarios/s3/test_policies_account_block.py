"""Account-level Block Public Access (S3 Control Get/Put/DeletePublicAccessBlock): an
account's settings, applied to each of its buckets together with the bucket's own.

Sources: S3 User Guide, "Blocking public access to your Amazon S3 storage" ("Amazon S3
applies the most restrictive combination of the bucket-level and account-level
settings"; what each of the four settings does); S3 Control API reference,
GetPublicAccessBlock (NoSuchPublicAccessBlockConfiguration, 404, "The public access
block configuration was not found"). An account's settings are its own: another account
asking for them is AccessDenied.

SDKs put the account id in front of the S3 Control host (`<account>.127.0.0.1`); the
clients here send to the server's own host (on a machine where `*.localhost` resolves,
an endpoint of `http://localhost:<port>` needs no such help).
"""
import json

import pytest

from s3control_host import to_the_server
from s3_helpers import account_client, anonymous_client, create_bucket, error_of, remove_bucket

ACCOUNT, OTHER = "333344445555", "666677778888"
BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
             "RestrictPublicBuckets": True}


def _control(server, account):
    return to_the_server(server, account_client(server, account, "s3control"))


@pytest.fixture(scope="module")
def control(lakebox_server):
    client = _control(lakebox_server, ACCOUNT)
    yield client
    client.delete_public_access_block(AccountId=ACCOUNT)


@pytest.fixture(scope="module")
def owner(lakebox_server):
    return account_client(lakebox_server, ACCOUNT)


@pytest.fixture(scope="module")
def anonymous(lakebox_server):
    return anonymous_client(lakebox_server)


@pytest.fixture
def public_bucket(owner):
    """A bucket of ACCOUNT whose own Block Public Access is off, readable by everyone."""
    name = create_bucket(owner, "account-block")
    owner.put_object(Bucket=name, Key="open.txt", Body=b"open")
    owner.delete_public_access_block(Bucket=name)
    owner.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}]}))
    yield name
    owner.delete_bucket_policy(Bucket=name)
    remove_bucket(owner, name)


def test_an_accounts_settings_round_trip(control):
    control.delete_public_access_block(AccountId=ACCOUNT)
    code, status, response = error_of(control.get_public_access_block, AccountId=ACCOUNT)
    assert (code, status, response["Error"]["Message"]) == \
        ("NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found")
    control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
    assert control.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": False}
    control.delete_public_access_block(AccountId=ACCOUNT)
    assert error_of(control.get_public_access_block, AccountId=ACCOUNT)[:2] == \
        ("NoSuchPublicAccessBlockConfiguration", 404)


def test_another_account_may_not_read_or_change_them(lakebox_server, control):
    stranger = _control(lakebox_server, OTHER)
    for call, args in ((stranger.get_public_access_block, {}), (stranger.delete_public_access_block, {}),
                       (stranger.put_public_access_block, {"PublicAccessBlockConfiguration": BLOCK_ALL})):
        assert error_of(call, AccountId=ACCOUNT, **args)[:2] == ("AccessDenied", 403)


def test_restrict_public_buckets_at_account_level_closes_a_public_bucket(control, anonymous, public_bucket):
    assert anonymous.get_object(Bucket=public_bucket, Key="open.txt")["Body"].read() == b"open"
    control.put_public_access_block(AccountId=ACCOUNT,
                                    PublicAccessBlockConfiguration={"RestrictPublicBuckets": True})
    try:
        assert error_of(anonymous.get_object, Bucket=public_bucket, Key="open.txt")[:2] == ("AccessDenied", 403)
    finally:
        control.delete_public_access_block(AccountId=ACCOUNT)
    assert anonymous.get_object(Bucket=public_bucket, Key="open.txt")["Body"].read() == b"open"


def test_block_public_policy_at_account_level_refuses_a_public_policy(control, owner, public_bucket):
    control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
    try:
        public = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{public_bucket}/other/*"}]})
        code, status, response = error_of(owner.put_bucket_policy, Bucket=public_bucket, Policy=public)
        assert (code, status) == ("AccessDenied", 403)
        assert response["Error"]["Message"].endswith(
            "because public policies are blocked by the BlockPublicPolicy block public access setting.")
        # the bucket's own settings stay as they were: account settings are applied, not copied
        assert error_of(owner.get_public_access_block, Bucket=public_bucket)[:2] == \
            ("NoSuchPublicAccessBlockConfiguration", 404)
    finally:
        control.delete_public_access_block(AccountId=ACCOUNT)


def test_acl_settings_at_account_level(control, owner, anonymous, public_bucket):
    owner.put_bucket_ownership_controls(Bucket=public_bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    owner.put_object_acl(Bucket=public_bucket, Key="open.txt", ACL="public-read")
    owner.delete_bucket_policy(Bucket=public_bucket)
    assert anonymous.get_object(Bucket=public_bucket, Key="open.txt")["Body"].read() == b"open"
    control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
        "IgnorePublicAcls": True, "BlockPublicAcls": True})
    try:
        assert error_of(anonymous.get_object, Bucket=public_bucket, Key="open.txt")[:2] == ("AccessDenied", 403)
        assert error_of(owner.put_bucket_acl, Bucket=public_bucket, ACL="public-read")[:2] == ("AccessDenied", 403)
    finally:
        control.delete_public_access_block(AccountId=ACCOUNT)
    assert anonymous.get_object(Bucket=public_bucket, Key="open.txt")["Body"].read() == b"open"
