"""An old log-shipping setup still needs bucket ACLs: the team re-enables ACLs on a new
bucket (ObjectWriter), grants the S3 log delivery group WRITE and READ_ACP with a canned
ACL, then as an XML AccessControlPolicy, then with grant headers, and reads each back as
S3 shows it. Their script's mistakes are refused as S3 refuses them: an ACL while the
bucket still enforces bucket-owner ownership, a canned ACL together with grant headers, a
canned ACL together with a policy document, and disabling ACLs again while the bucket ACL
still grants the log delivery group; once the ACL is private again ACLs can be disabled,
and the bucket ACL reads as the owner's full control."""
import pytest
from botocore.exceptions import ClientError

LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"


def refusal(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]


def group(permission):
    return {"Grantee": {"Type": "Group", "URI": LOG_DELIVERY}, "Permission": permission}


def test_log_delivery_grants_on_a_bucket_with_acls(client, bucket):
    s3 = client("s3")
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]
    full = {"Grantee": {"ID": owner["ID"], "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}

    assert refusal(s3.put_bucket_acl, Bucket=bucket, ACL="log-delivery-write") == (
        400, {"Code": "AccessControlListNotSupported", "Message": "The bucket does not allow ACLs"})
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})

    s3.put_bucket_acl(Bucket=bucket, ACL="log-delivery-write")
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert (acl["Owner"], acl["Grants"]) == (owner, [full, group("WRITE"), group("READ_ACP")])

    s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": owner, "Grants": [full, group("WRITE")]})
    assert s3.get_bucket_acl(Bucket=bucket)["Grants"] == [full, group("WRITE")]

    s3.put_bucket_acl(Bucket=bucket, GrantFullControl=f'id="{owner["ID"]}"', GrantWrite=f'uri="{LOG_DELIVERY}"',
                      GrantReadACP=f'uri="{LOG_DELIVERY}"')
    assert sorted(s3.get_bucket_acl(Bucket=bucket)["Grants"], key=lambda g: g["Permission"]) == [
        full, group("READ_ACP"), group("WRITE")]

    assert refusal(s3.put_bucket_acl, Bucket=bucket, ACL="private", GrantWrite=f'uri="{LOG_DELIVERY}"') == (
        400, {"Code": "InvalidRequest", "Message": "Specifying both Canned ACLs and Header Grants is not allowed"})
    assert refusal(s3.put_bucket_acl, Bucket=bucket, ACL="private",
                   AccessControlPolicy={"Owner": owner, "Grants": [full]}) == (
        400, {"Code": "UnexpectedContent", "Message": "This request does not support content"})
    assert len(s3.get_bucket_acl(Bucket=bucket)["Grants"]) == 3

    enforced = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert refusal(s3.put_bucket_ownership_controls, Bucket=bucket, OwnershipControls=enforced) == (
        400, {"Code": "InvalidBucketAclWithObjectOwnership",
              "Message": "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"})
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]}

    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=enforced)
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert (acl["Owner"], acl["Grants"]) == (owner, [full])
    assert refusal(s3.put_bucket_acl, Bucket=bucket, GrantRead=f'uri="{LOG_DELIVERY}"')[1]["Code"] == \
        "AccessControlListNotSupported"
