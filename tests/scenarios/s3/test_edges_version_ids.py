"""Version ids S3 never gave, and the delete marker named by its id, as S3 answers them.

Sources: replies recorded from S3 by LocalStack's AWS-validated tests
(tests/aws/services/s3/test_s3_api.snapshot.json: test_get_object_with_version_unversioned_bucket,
test_delete_object, test_delete_objects, test_delete_objects_versioned and
test_delete_object_versioned, whose test asserts the `allow: DELETE` header): in a bucket that
never had versioning only "null" names a version, so GetObject and DeleteObject of any other
id are 400 InvalidArgument "Invalid version id specified"; DeleteObjects reports a version the
key does not hold as NoSuchVersion "The specified version does not exist." for that entry,
versioned bucket or not; GET of a delete marker by its id is 405 with Allow: DELETE.
"""
from s3_helpers import error_of

NEVER_GIVEN = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"       # well formed, never issued


def test_a_bucket_never_versioned_knows_only_the_null_version(s3, make_bucket):
    bucket = make_bucket("ver-ids")
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    for call in (s3.get_object, s3.delete_object):
        code, status, response = error_of(call, Bucket=bucket, Key="k", VersionId=NEVER_GIVEN)
        assert (code, status, response["Error"]["Message"]) == ("InvalidArgument", 400, "Invalid version id specified")
        assert (response["Error"]["ArgumentName"], response["Error"]["ArgumentValue"]) == ("versionId", NEVER_GIVEN)
    assert error_of(s3.head_object, Bucket=bucket, Key="k", VersionId=NEVER_GIVEN)[:2] == ("400", 400)
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"one"

    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": NEVER_GIVEN}]})
    assert "Deleted" not in answer
    assert answer["Errors"] == [{"Key": "k", "VersionId": NEVER_GIVEN, "Code": "NoSuchVersion",
                                 "Message": "The specified version does not exist."}]
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"one"


def test_a_batch_naming_versions_the_keys_do_not_hold(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="test-delete", Body=b"x")["VersionId"]
    answer = s3.delete_objects(Bucket=versioned, Delete={"Objects": [
        {"Key": "test-delete", "VersionId": NEVER_GIVEN}, {"Key": "wrong-key-2", "VersionId": NEVER_GIVEN}]})
    assert "Deleted" not in answer
    assert sorted(answer["Errors"], key=lambda e: e["Key"]) == [
        {"Key": key, "VersionId": NEVER_GIVEN, "Code": "NoSuchVersion",
         "Message": "The specified version does not exist."} for key in ("test-delete", "wrong-key-2")]
    answer = s3.delete_objects(Bucket=versioned, Delete={"Objects": [{"Key": "test-delete", "VersionId": first}]})
    assert answer["Deleted"] == [{"Key": "test-delete", "VersionId": first}]


def test_a_delete_marker_read_by_its_id_allows_only_delete(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    code, status, response = error_of(s3.get_object, Bucket=versioned, Key="k", VersionId=marker)
    assert (code, status, response["Error"]["ResourceType"]) == ("MethodNotAllowed", 405, "DeleteMarker")
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert (headers["allow"], headers["x-amz-delete-marker"], headers["x-amz-version-id"]) == ("DELETE", "true", marker)
