"""An auditor locks down reads on a versioned bucket with a Deny-everyone bucket policy
and checks what the bucket owner now sees, as S3 answered in us-east-1 (radkawar/stackd
testdata/aws/s3/marker_policy.json): a live object is refused with the explicit-deny
AccessDenied, but a key whose current version is a delete marker still answers
NoSuchKey (HeadObject 404), the marker named by its id still answers 405
MethodNotAllowed, and the object version under the marker is refused again."""
import json

from trip_helpers import error_of

NOT_ALLOWED = "The specified method is not allowed against this resource."


def _status(call, **args):
    try:
        call(**args)
    except Exception as caught:     # botocore ClientError from a HEAD: the status only
        return caught.response["ResponseMetadata"]["HTTPStatusCode"]
    return 200


def test_delete_markers_answer_before_the_deny(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    item = s3.put_object(Bucket=bucket, Key="item", Body=b"item")["VersionId"]
    marker = s3.delete_object(Bucket=bucket, Key="item")["VersionId"]
    s3.put_object(Bucket=bucket, Key="control", Body=b"control")
    assert error_of(s3.get_object, Bucket=bucket, Key="item", VersionId=marker) == ("MethodNotAllowed", NOT_ALLOWED)

    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyReads", "Effect": "Deny", "Principal": "*", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
        "Resource": [f"arn:aws:s3:::{bucket}/item", f"arn:aws:s3:::{bucket}/control"]}]}))
    try:
        code, message = error_of(s3.get_object, Bucket=bucket, Key="control")
        assert code == "AccessDenied" and message.endswith(
            f'perform: s3:GetObject on resource: "arn:aws:s3:::{bucket}/control" '
            "with an explicit deny in a resource-based policy")
        assert error_of(s3.get_object, Bucket=bucket, Key="item") == ("NoSuchKey", "The specified key does not exist.")
        assert error_of(s3.get_object, Bucket=bucket, Key="item", VersionId=marker) == ("MethodNotAllowed", NOT_ALLOWED)
        code, message = error_of(s3.get_object, Bucket=bucket, Key="item", VersionId=item)
        assert code == "AccessDenied" and message.endswith(
            f'perform: s3:GetObjectVersion on resource: "arn:aws:s3:::{bucket}/item" '
            "with an explicit deny in a resource-based policy")
        assert _status(s3.head_object, Bucket=bucket, Key="item") == 404
        assert _status(s3.head_object, Bucket=bucket, Key="item", VersionId=marker) == 405
        assert _status(s3.head_object, Bucket=bucket, Key="item", VersionId=item) == 403
    finally:
        s3.delete_bucket_policy(Bucket=bucket)
