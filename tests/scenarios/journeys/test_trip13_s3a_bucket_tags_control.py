"""A tagging job moves to S3 Control's TagResource for ABAC and keeps the bucket's tags in
step with Get/PutBucketTagging, as recorded from S3 (stackd's
testdata/aws/s3/abac_controls_replay.json): S3 Control lists a bucket without tags as
none and sees PutBucketTagging's set; TagResource merges (a key given again takes its new
value), UntagResource removes the keys it names and ignores one the bucket has not, and
GetBucketTagging sees the result; the bucket's ABAC status starts Disabled and follows
PutBucketAbac."""
from s3control_host import to_the_server


def as_set(tags):
    return {(tag["Key"], tag["Value"]) for tag in tags}


def test_bucket_tags_through_s3_control(lakebox_server, client, bucket):
    s3 = client("s3")
    account = client("sts").get_caller_identity()["Account"]
    control = to_the_server(lakebox_server, client("s3control"))
    arn = f"arn:aws:s3:::{bucket}"
    assert s3.get_bucket_abac(Bucket=bucket)["AbacStatus"] == {"Status": "Disabled"}
    assert control.list_tags_for_resource(AccountId=account, ResourceArn=arn)["Tags"] == []
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [
        {"Key": "zeta", "Value": "last"}, {"Key": "alpha", "Value": "first"}, {"Key": "keep", "Value": "retained"}]})
    assert as_set(control.list_tags_for_resource(AccountId=account, ResourceArn=arn)["Tags"]) == {
        ("zeta", "last"), ("alpha", "first"), ("keep", "retained")}
    tagged = control.tag_resource(AccountId=account, ResourceArn=arn, Tags=[
        {"Key": "alpha", "Value": "updated"}, {"Key": "new", "Value": "added"}])
    assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert as_set(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == {
        ("zeta", "last"), ("new", "added"), ("alpha", "updated"), ("keep", "retained")}
    control.untag_resource(AccountId=account, ResourceArn=arn, TagKeys=["new", "absent"])
    assert as_set(control.list_tags_for_resource(AccountId=account, ResourceArn=arn)["Tags"]) == {
        ("zeta", "last"), ("alpha", "updated"), ("keep", "retained")}
    for status in ("Disabled", "Enabled", "Disabled"):
        s3.put_bucket_abac(Bucket=bucket, AbacStatus={"Status": status})
        assert s3.get_bucket_abac(Bucket=bucket)["AbacStatus"] == {"Status": status}


def test_with_abac_on_tags_change_only_through_s3_control(lakebox_server, client, bucket):
    """With ABAC Enabled, PutBucketTagging and DeleteBucketTagging are 400 BadRequest and
    change nothing while TagResource still merges; an ABAC status S3 does not know (any
    case but its own, or empty) is MalformedXML."""
    import pytest
    from botocore.exceptions import ClientError
    s3 = client("s3")
    account = client("sts").get_caller_identity()["Account"]
    control = to_the_server(lakebox_server, client("s3control"))
    arn = f"arn:aws:s3:::{bucket}"
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "keep", "Value": "retained"}]})
    s3.put_bucket_abac(Bucket=bucket, AbacStatus={"Status": "Enabled"})
    for call, args in ((s3.put_bucket_tagging, {"Tagging": {"TagSet": [{"Key": "replaced", "Value": "no"}]}}),
                       (s3.delete_bucket_tagging, {})):
        with pytest.raises(ClientError) as caught:
            call(Bucket=bucket, **args)
        assert (caught.value.response["ResponseMetadata"]["HTTPStatusCode"],
                caught.value.response["Error"]["Code"]) == (400, "BadRequest")
    control.tag_resource(AccountId=account, ResourceArn=arn, Tags=[{"Key": "alpha", "Value": "enabled"}])
    assert as_set(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == {("keep", "retained"), ("alpha", "enabled")}
    for status in ("Invalid", "enabled", ""):
        with pytest.raises(ClientError) as caught:
            s3.put_bucket_abac(Bucket=bucket, AbacStatus={"Status": status})
        assert caught.value.response["Error"]["Code"] == "MalformedXML"
    assert s3.get_bucket_abac(Bucket=bucket)["AbacStatus"] == {"Status": "Enabled"}
    s3.put_bucket_abac(Bucket=bucket, AbacStatus={"Status": "Disabled"})
    s3.delete_bucket_tagging(Bucket=bucket)
