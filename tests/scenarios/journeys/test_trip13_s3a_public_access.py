"""A site team opens one fixture object to the world and closes it again with Block Public
Access, as recorded from S3 (stackd's testdata/aws/s3/public_access_replay.json and
public_policy_replay.json): a public access block replaces the whole configuration (a flag
left out is off) and one naming no flag is refused; an account named by its id in a
policy reads back as its root's ARN; a public Allow taken back by a Deny to everyone is
not public; under IgnorePublicAcls an object's public grant is kept but neither honoured
nor shown, and shows again once the setting is off."""
import json

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

KEY = "harmless-public-read-fixture.txt"
OFF = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
       "RestrictPublicBuckets": False}


def refusal(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]


def blocks(**flags):
    return {**OFF, **flags}


def test_block_configuration_replaces_and_refuses_empty(client, bucket):
    s3 = client("s3")
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=blocks(
        BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=True, RestrictPublicBuckets=True))
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"IgnorePublicAcls": True})
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == blocks(
        IgnorePublicAcls=True)
    status, error = refusal(s3.put_public_access_block, Bucket=bucket, PublicAccessBlockConfiguration={})
    assert (status, error["Code"]) == (400, "InvalidRequest")
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == blocks(
        IgnorePublicAcls=True)
    # The bucket's owner is checked first: a wrong expected owner is refused, whatever the body.
    status, error = refusal(s3.put_public_access_block, Bucket=bucket, PublicAccessBlockConfiguration={},
                            ExpectedBucketOwner="111122223333")
    assert (status, error["Code"]) == (403, "AccessDenied")


def test_account_principal_reads_back_as_its_root(client, bucket):
    s3 = client("s3")
    account = client("sts").get_caller_identity()["Account"]
    statement = {"Effect": "Allow", "Principal": {"AWS": account}, "Action": "s3:GetObject",
                 "Resource": f"arn:aws:s3:::{bucket}/{KEY}"}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]},
                                                         separators=(",", ":")))
    statement["Principal"] = {"AWS": f"arn:aws:iam::{account}:root"}
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == json.dumps(
        {"Version": "2012-10-17", "Statement": [statement]}, separators=(",", ":"))


@pytest.mark.parametrize("conditions, public", [
    ({"StringEquals": {"aws:SourceOwner": "123456789012"}}, True),
    ({"StringEquals": {"aws:SourceOrgID": "o-1234567890"}}, False),
    ({"StringEquals": {"aws:SourceVpc": "vpc-*"}}, False),
    ({"StringEquals": {"aws:SourceVpc": "${aws:SourceVpc}"}}, True),
    ({"StringEquals": {"aws:SourceVpc": []}}, False),
    ({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-12345678"}}, True),
    ({"ForAllValues:StringEquals": {"aws:SourceVpc": "vpc-12345678"}}, True),
    ({"ForAllValues:StringEquals": {"aws:SourceVpc": "vpc-12345678"}, "Null": {"aws:SourceVpc": "false"}}, False),
    ({"IpAddressIfExists": {"aws:SourceIp": "11.0.0.0/8"}}, True),
    ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:123456789012:*"}}, False),
    ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:*:fixed"}}, True),
    ({"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:${aws:username}"}}, True),
    ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/*"}}, False),
    ({"ArnLike": {"s3:DataAccessPointArn": "arn:aws:s3:*:123456789012:accesspoint/*"}}, False),
    ({"StringLike": {"aws:userid": "AROAEXAMPLEUNIQUEID:*"}}, False),
    ({"StringLike": {"aws:userid": "*"}}, True),
])
def test_which_conditions_keep_a_policy_private(client, bucket, conditions, public):
    s3 = client("s3")
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OFF)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/{KEY}",
        "Condition": conditions}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": public}
    s3.delete_bucket_policy(Bucket=bucket)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=blocks(BlockPublicPolicy=True))
    if public:
        assert refusal(s3.put_bucket_policy, Bucket=bucket, Policy=policy)[0] == 403
    else:
        s3.put_bucket_policy(Bucket=bucket, Policy=policy)


def test_denies_that_take_a_public_grant_back(client, bucket):
    s3 = client("s3")
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OFF)
    resource = f"arn:aws:s3:::{bucket}/{KEY}"
    allow = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": resource}
    deny = {**allow, "Effect": "Deny"}
    outside = {**deny, "Condition": {"StringNotEquals": {"aws:SourceAccount": "123456789012"}}}
    not_root = {"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "s3:GetObject", "Resource": resource}
    for statements, public in (([allow, deny], False), ([allow, outside], False), ([allow, not_root], True)):
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))
        assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": public}
    anonymous = client("s3", signature_version=UNSIGNED)
    s3.put_object(Bucket=bucket, Key=KEY, Body=b"fixture\n")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [allow, deny]}))
    assert refusal(anonymous.get_object, Bucket=bucket, Key=KEY)[0] == 403


@pytest.mark.parametrize("statement", [
    {"Principal": {"Service": "*.amazonaws.com"}},
    {"Principal": {"AWS": "arn:aws:iam::123456789012:user/*"}},
    {"NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}},
])
def test_principals_a_bucket_policy_cannot_name(client, bucket, statement):
    s3 = client("s3")
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/{KEY}", **statement}]}
    assert refusal(s3.put_bucket_policy, Bucket=bucket, Policy=json.dumps(policy)) == (400, {
        "Code": "MalformedPolicy", "Message": "Invalid principal in policy"})


def test_an_arn_operator_on_a_vpc_key_is_refused(client, bucket):
    s3 = client("s3")
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/{KEY}",
        "Condition": {"ArnEquals": {"aws:SourceVpc": "vpc-12345678"}}}]}
    status, error = refusal(s3.put_bucket_policy, Bucket=bucket, Policy=json.dumps(policy))
    assert (status, error["Code"]) == (400, "MalformedPolicy")


def test_ignored_public_acl_is_kept_but_not_shown(client, bucket):
    s3 = client("s3")
    anonymous = client("s3", signature_version=UNSIGNED)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OFF)
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    s3.put_object(Bucket=bucket, Key=KEY, Body=b"Harmless stackd read fixture.\n")
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    own = {"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}
    everyone = {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                "Permission": "READ"}

    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=blocks(IgnorePublicAcls=True))
    s3.put_object_acl(Bucket=bucket, Key=KEY, ACL="public-read")
    assert refusal(anonymous.get_object, Bucket=bucket, Key=KEY)[0] == 403
    acl = s3.get_object_acl(Bucket=bucket, Key=KEY)
    assert (acl["Owner"]["ID"], acl["Grants"]) == (owner, [own])

    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OFF)
    assert anonymous.get_object(Bucket=bucket, Key=KEY)["Body"].read() == b"Harmless stackd read fixture.\n"
    assert s3.get_object_acl(Bucket=bucket, Key=KEY)["Grants"] == [own, everyone]
