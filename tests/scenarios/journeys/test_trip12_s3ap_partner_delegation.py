"""A lake owner shares one prefix with a partner account through an access point, the
way the S3 User Guide sets it up ("Configuring IAM policies for using access points"):
the bucket policy delegates access control to the owner's access points (everyone, on
condition that s3:DataAccessPointAccount is the owner's account), and the access point
policy grants the partner what it may do, on the access point's ARN
(`arn:aws:s3:<region>:<account>:accesspoint/<name>`, objects under `.../object/<key>`).

Both policies are judged: before the bucket delegates, the access point's grant alone
gets the partner nothing; after, the partner reads and lists the shared prefix through
the alias, but not other keys, not without the prefix, not by writing, and not through
the bucket's own name (no access point, so the delegation's condition does not hold).
A Deny in an access point's policy holds against the owner's own account too, only
through that access point, and is told to it in IAM's words. GetAccessPointPolicyStatus
says whether an access point's policy is public; an access point's Block Public Access
settings (all on unless turned off at creation: S3 User Guide, "Managing public access to
access points") refuse a public policy (BlockPublicPolicy) or keep its grant from other
accounts (RestrictPublicBuckets). A policy removed withdraws the grant.
"""
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from paging import account_client
from s3ap_helpers import control_client, drop_access_points
from trip_helpers import error_of

PARTNER = "111122223333"
DENIED = ("AccessDenied", "Access Denied")
ALL_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def test_partner_reads_one_prefix_through_an_access_point(lakebox_server, client, bucket):
    owner_account = client("sts").get_caller_identity()["Account"]
    control, s3 = control_client(lakebox_server), client("s3")
    partner = account_client(lakebox_server, "s3", PARTNER)
    tag = uuid.uuid4().hex[:8]
    share, readonly, opened, fenced = (f"{use}-{tag}" for use in ("partner", "readonly", "opened", "fenced"))
    share_arn = f"arn:aws:s3:us-east-1:{owner_account}:accesspoint/{share}"
    alias = control.create_access_point(AccountId=owner_account, Name=share, Bucket=bucket)["Alias"]
    ro_alias = control.create_access_point(AccountId=owner_account, Name=readonly, Bucket=bucket)["Alias"]
    try:
        s3.put_object(Bucket=bucket, Key="shared/report.csv", Body=b"region,total\neu,12\n")
        s3.put_object(Bucket=bucket, Key="private/salaries.csv", Body=b"secret")
        grant = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "Action": "s3:GetObject",
             "Resource": f"{share_arn}/object/shared/*"},
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "Action": "s3:ListBucket",
             "Resource": share_arn, "Condition": {"StringLike": {"s3:prefix": "shared/*"}}}]})
        control.put_access_point_policy(AccountId=owner_account, Name=share, Policy=grant)
        assert control.get_access_point_policy(AccountId=owner_account, Name=share)["Policy"] == grant
        assert control.get_access_point_policy_status(AccountId=owner_account, Name=share)["PolicyStatus"] == {
            "IsPublic": False}

        # The access point grants, but the bucket has not delegated yet.
        assert error_of(partner.get_object, Bucket=alias, Key="shared/report.csv") == DENIED

        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*",
             "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
             "Condition": {"StringEquals": {"s3:DataAccessPointAccount": owner_account}}}]}))
        assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}

        assert partner.get_object(Bucket=alias, Key="shared/report.csv")["Body"].read() == b"region,total\neu,12\n"
        listed = partner.list_objects_v2(Bucket=alias, Prefix="shared/")
        assert [o["Key"] for o in listed["Contents"]] == ["shared/report.csv"]
        assert error_of(partner.list_objects_v2, Bucket=alias) == DENIED
        assert error_of(partner.get_object, Bucket=alias, Key="private/salaries.csv") == DENIED
        assert error_of(partner.put_object, Bucket=alias, Key="shared/upload.csv", Body=b"x") == DENIED
        assert error_of(partner.get_object, Bucket=bucket, Key="shared/report.csv") == DENIED
        # Another access point of the owner grants the partner nothing.
        assert error_of(partner.get_object, Bucket=ro_alias, Key="shared/report.csv") == DENIED

        # A read-only access point: its Deny holds against the owner's account, through it only.
        control.put_access_point_policy(AccountId=owner_account, Name=readonly, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": ["s3:PutObject", "s3:DeleteObject"],
                 "Resource": f"arn:aws:s3:us-east-1:{owner_account}:accesspoint/{readonly}/object/*"}]}))
        with pytest.raises(ClientError) as refused:
            s3.put_object(Bucket=ro_alias, Key="shared/report.csv", Body=b"overwritten")
        assert refused.value.response["Error"] == {
            "Code": "AccessDenied",
            "Message": f"User: arn:aws:iam::{owner_account}:root is not authorized to perform: s3:PutObject on "
                       f'resource: "arn:aws:s3:us-east-1:{owner_account}:accesspoint/{readonly}/object/'
                       'shared/report.csv" with an explicit deny in a resource-based policy'}
        assert s3.get_object(Bucket=ro_alias, Key="shared/report.csv")["Body"].read() == b"region,total\neu,12\n"
        s3.put_object(Bucket=alias, Key="shared/notes.txt", Body=b"through the other access point")
        assert control.get_access_point_policy_status(AccountId=owner_account, Name=readonly)["PolicyStatus"] == {
            "IsPublic": False}

        # A policy open to everyone is public: BlockPublicPolicy (on unless turned off at
        # creation) refuses it; an access point created without it takes it, and then
        # RestrictPublicBuckets decides whether the public grant reaches other accounts.
        everyone = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:us-east-1:{owner_account}:accesspoint/{readonly}/object/shared/*"}]}
        assert error_of(control.put_access_point_policy, AccountId=owner_account, Name=readonly,
                        Policy=json.dumps(everyone)) == DENIED
        s3.delete_public_access_block(Bucket=bucket)
        for name, block in ((opened, dict.fromkeys(ALL_FLAGS, False)),
                            (fenced, {"RestrictPublicBuckets": True})):
            point_alias = control.create_access_point(AccountId=owner_account, Name=name, Bucket=bucket,
                                                      PublicAccessBlockConfiguration=block)["Alias"]
            everyone["Statement"][0]["Resource"] = f"arn:aws:s3:us-east-1:{owner_account}:accesspoint/{name}/object/shared/*"
            control.put_access_point_policy(AccountId=owner_account, Name=name, Policy=json.dumps(everyone))
            assert control.get_access_point_policy_status(AccountId=owner_account, Name=name)["PolicyStatus"] == {
                "IsPublic": True}
            if name == opened:
                assert partner.get_object(Bucket=point_alias, Key="shared/report.csv")["Body"].read() == \
                    b"region,total\neu,12\n"
            else:
                assert error_of(partner.get_object, Bucket=point_alias, Key="shared/report.csv") == DENIED

        # The grant withdrawn: the partner is refused again.
        control.delete_access_point_policy(AccountId=owner_account, Name=share)
        with pytest.raises(ClientError) as missing:
            control.get_access_point_policy(AccountId=owner_account, Name=share)
        assert (missing.value.response["ResponseMetadata"]["HTTPStatusCode"],
                missing.value.response["Error"]["Code"]) == (404, "NoSuchAccessPointPolicy")
        assert error_of(partner.get_object, Bucket=alias, Key="shared/report.csv") == DENIED
    finally:
        drop_access_points(control, owner_account, bucket)
        s3.delete_bucket_policy(Bucket=bucket)
