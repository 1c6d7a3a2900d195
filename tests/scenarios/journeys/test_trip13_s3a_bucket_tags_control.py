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
