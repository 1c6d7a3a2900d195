"""S3 buckets with boto3: create, head, list, delete, locate, and their settings."""
import json
import uuid

import pytest

from s3_helpers import error_response


def new_name(prefix="core"):
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def bucket(s3):
    name = new_name()
    s3.create_bucket(Bucket=name)
    yield name
    s3.delete_bucket(Bucket=name)


def error_of(call, *args, **kwargs):
    response = error_response(call, *args, **kwargs)
    return response["Error"].get("Code"), response["Error"].get("Message"), \
        response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]


def test_create_head_list_delete(s3):
    name = new_name()
    created = s3.create_bucket(Bucket=name)
    assert created["Location"] == "/" + name
    head = s3.head_bucket(Bucket=name)
    assert head["BucketRegion"] == "us-east-1"
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None
    assert s3.delete_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 204
    code, _, status, _ = error_of(s3.head_bucket, Bucket=name)
    assert (code, status) == ("404", 404)


@pytest.mark.parametrize("name", ["ab", "Upper-Case", "has_underscore", "-leading", "trailing-", "a..b",
                                  "192.168.1.1", "xn--punycode", "a" * 64])
def test_invalid_bucket_names(s3, name):
    code, message, status, _ = error_of(s3.create_bucket, Bucket=name)
    assert (code, message, status) == ("InvalidBucketName", "The specified bucket is not valid.", 400)


def test_recreating_own_bucket_in_us_east_1_succeeds(s3, bucket):
    assert s3.create_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_recreating_own_bucket_elsewhere_is_already_owned(lakebox_server):
    s3 = lakebox_server.client("s3", region="eu-west-1")
    name = new_name()
    config = {"LocationConstraint": "eu-west-1"}
    s3.create_bucket(Bucket=name, CreateBucketConfiguration=config)
    try:
        code, message, status, error = error_of(s3.create_bucket, Bucket=name, CreateBucketConfiguration=config)
        assert (code, status) == ("BucketAlreadyOwnedByYou", 409)
        assert message == "Your previous request to create the named bucket succeeded and you already own it."
        assert error["BucketName"] == name
        assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
        assert s3.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-1"
    finally:
        s3.delete_bucket(Bucket=name)


@pytest.mark.local_only
def test_bucket_names_are_global_across_accounts(lakebox_server, bucket):
    other = lakebox_server.client("s3", aws_access_key_id="111122223333")
    code, message, status, _ = error_of(other.create_bucket, Bucket=bucket)
    assert (code, status) == ("BucketAlreadyExists", 409)
    assert message.startswith("The requested bucket name is not available.")
    code, _, status, _ = error_of(other.list_objects_v2, Bucket=bucket)
    assert (code, status) == ("AccessDenied", 403)
    assert bucket not in [b["Name"] for b in other.list_buckets()["Buckets"]]


def test_location_constraint_rules(lakebox_server):
    regional = lakebox_server.client("s3", region="eu-west-1")
    code, message, status, _ = error_of(regional.create_bucket, Bucket=new_name())
    assert (code, status) == ("IllegalLocationConstraintException", 400)
    assert message == ("The unspecified location constraint is incompatible for the region specific "
                       "endpoint this request was sent to.")
    code, _, status, _ = error_of(regional.create_bucket, Bucket=new_name(),
                                  CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    assert (code, status) == ("IllegalLocationConstraintException", 400)
    s3 = lakebox_server.client("s3")
    code, _, status, _ = error_of(s3.create_bucket, Bucket=new_name(),
                                  CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert (code, status) == ("InvalidLocationConstraint", 400)
    code, _, status, _ = error_of(s3.create_bucket, Bucket=new_name(),
                                  CreateBucketConfiguration={"LocationConstraint": "mars-north-1"})
    assert (code, status) == ("InvalidLocationConstraint", 400)


def test_wrong_region_is_redirected_by_the_sdk(lakebox_server):
    """A bucket in eu-west-1 used from a us-east-1 client: S3 names the region, boto3 follows."""
    eu = lakebox_server.client("s3", region="eu-west-1")
    name = new_name()
    eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    try:
        us = lakebox_server.client("s3")
        us.put_object(Bucket=name, Key="k", Body=b"v")
        assert us.get_object(Bucket=name, Key="k")["Body"].read() == b"v"
        assert us.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"
        us.delete_object(Bucket=name, Key="k")
    finally:
        eu.delete_bucket(Bucket=name)


def test_delete_non_empty_bucket(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    code, message, status, error = error_of(s3.delete_bucket, Bucket=bucket)
    assert (code, message, status) == ("BucketNotEmpty", "The bucket you tried to delete is not empty", 409)
    assert error["BucketName"] == bucket
    s3.delete_object(Bucket=bucket, Key="k")


def test_missing_bucket(s3):
    name = new_name("missing")
    code, message, status, error = error_of(s3.list_objects_v2, Bucket=name)
    assert (code, message, status) == ("NoSuchBucket", "The specified bucket does not exist", 404)
    assert error["BucketName"] == name
    code, _, status, _ = error_of(s3.put_object, Bucket=name, Key="k", Body=b"v")
    assert (code, status) == ("NoSuchBucket", 404)
    code, _, status, _ = error_of(s3.delete_bucket, Bucket=name)
    assert (code, status) == ("NoSuchBucket", 404)


def test_list_buckets_pagination_and_prefix(s3):
    stem = new_name("page")
    names = [f"{stem}-{i}" for i in range(5)]
    for name in names:
        s3.create_bucket(Bucket=name)
    try:
        seen, token = [], None
        while True:
            kwargs = {"Prefix": stem, "MaxBuckets": 2, **({"ContinuationToken": token} if token else {})}
            page = s3.list_buckets(**kwargs)
            seen += [b["Name"] for b in page["Buckets"]]
            token = page.get("ContinuationToken")
            if not token:
                break
        assert seen == names
        assert page["Prefix"] == stem
    finally:
        for name in names:
            s3.delete_bucket(Bucket=name)


def test_versioning_configuration(s3, bucket):
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_tagging(s3, bucket):
    code, message, status, _ = error_of(s3.get_bucket_tagging, Bucket=bucket)
    assert (code, message, status) == ("NoSuchTagSet", "The TagSet does not exist", 404)
    tags = [{"Key": "team", "Value": "data"}, {"Key": "env", "Value": ""}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    assert s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    code, _, _, _ = error_of(s3.get_bucket_tagging, Bucket=bucket)
    assert code == "NoSuchTagSet"


def test_cors_configuration(s3, bucket):
    code, _, status, _ = error_of(s3.get_bucket_cors, Bucket=bucket)
    assert (code, status) == ("NoSuchCORSConfiguration", 404)
    rules = [{"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["https://example.com"],
              "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000}]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules
    code, message, status, _ = error_of(
        s3.put_bucket_cors, Bucket=bucket,
        CORSConfiguration={"CORSRules": [{"AllowedMethods": ["PATCH"], "AllowedOrigins": ["*"]}]})
    assert (code, status) == ("InvalidRequest", 400)
    assert message == "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"
    s3.delete_bucket_cors(Bucket=bucket)
    assert error_of(s3.get_bucket_cors, Bucket=bucket)[0] == "NoSuchCORSConfiguration"


def test_policy(s3, bucket):
    code, _, status, _ = error_of(s3.get_bucket_policy, Bucket=bucket)
    assert (code, status) == ("NoSuchBucketPolicy", 404)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(policy)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False
    code, _, status, _ = error_of(s3.put_bucket_policy, Bucket=bucket, Policy="not json")
    assert (code, status) == ("MalformedPolicy", 400)
    public = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    code, _, status, _ = error_of(s3.put_bucket_policy, Bucket=bucket, Policy=public)
    assert (code, status) == ("AccessDenied", 403)       # new buckets block public policies
    s3.delete_bucket_policy(Bucket=bucket)
    assert error_of(s3.get_bucket_policy, Bucket=bucket)[0] == "NoSuchBucketPolicy"


def test_lifecycle_configuration(s3, bucket):
    code, message, status, _ = error_of(s3.get_bucket_lifecycle_configuration, Bucket=bucket)
    assert (code, message, status) == ("NoSuchLifecycleConfiguration",
                                       "The lifecycle configuration does not exist", 404)
    rules = [{"ID": "expire-logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
              "Expiration": {"Days": 30}},
             {"ID": "abort-uploads", "Filter": {}, "Status": "Enabled",
              "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["Rules"] == rules
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    code, message, status, _ = error_of(
        s3.put_bucket_lifecycle_configuration, Bucket=bucket,
        LifecycleConfiguration={"Rules": [{"ID": "x", "Filter": {}, "Status": "Enabled",
                                           "Expiration": {"Days": 0}}]})
    assert (code, message, status) == ("InvalidArgument", "'Days' for Expiration action must be a positive integer", 400)
    s3.delete_bucket_lifecycle(Bucket=bucket)
    assert error_of(s3.get_bucket_lifecycle_configuration, Bucket=bucket)[0] == "NoSuchLifecycleConfiguration"


def test_default_encryption(s3, lakebox_server, bucket):
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    alias = f"alias/{new_name('lake')}"
    config = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": alias},
                         "BucketKeyEnabled": True}]}
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=config)
    # Shown with SSE-C blocked (radkawar/stackd customer_encryption_control_replay.json).
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == {"Rules": [
        {**config["Rules"][0], "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}}]}
    # The bucket setting is stored as given, but a write needs the key to exist.
    assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"v")[:3] == (
        "KMS.NotFoundException", f"Invalid keyId '{alias}'", 400)
    kms = lakebox_server.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=alias, TargetKeyId=key_arn)
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"], put["BucketKeyEnabled"]) == ("aws:kms", key_arn, True)
    s3.delete_object(Bucket=bucket, Key="k")
    kms.delete_alias(AliasName=alias)
    kms.schedule_key_deletion(KeyId=key_arn, PendingWindowInDays=7)
    s3.delete_bucket_encryption(Bucket=bucket)
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_notification_configuration(s3, bucket):
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
    config = {"QueueConfigurations": [{"Id": "to-queue", "QueueArn": "arn:aws:sqs:us-east-1:000000000000:q",
                                       "Events": ["s3:ObjectCreated:*"],
                                       "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "in/"}]}}}]}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config,
                                             SkipDestinationValidation=True)
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert got["QueueConfigurations"] == config["QueueConfigurations"]


def test_ownership_controls_and_public_access_block(s3, bucket):
    controls = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert controls == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                     "RestrictPublicBuckets": True}
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "ObjectWriter"
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    assert error_of(s3.get_bucket_ownership_controls, Bucket=bucket)[:3:2] == ("OwnershipControlsNotFoundError", 404)
    s3.delete_public_access_block(Bucket=bucket)
    assert error_of(s3.get_public_access_block, Bucket=bucket)[:3:2] == ("NoSuchPublicAccessBlockConfiguration", 404)


def test_bucket_acl_with_acls_disabled(s3, bucket):
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]
    assert acl["Grants"][0]["Grantee"]["ID"] == acl["Owner"]["ID"]
    code, message, status, _ = error_of(s3.put_bucket_acl, Bucket=bucket, ACL="public-read")
    assert (code, message, status) == ("AccessControlListNotSupported", "The bucket does not allow ACLs", 400)


def test_object_lock_configuration(s3):
    name = new_name()
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    try:
        assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
        config = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
        s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=config)
        assert s3.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"] == config
        code, _, status, _ = error_of(s3.put_bucket_versioning, Bucket=name,
                                      VersioningConfiguration={"Status": "Suspended"})
        assert (code, status) == ("InvalidBucketState", 409)
    finally:
        s3.delete_bucket(Bucket=name)


def test_object_lock_needs_it_enabled(s3, bucket):
    code, message, status, _ = error_of(s3.get_object_lock_configuration, Bucket=bucket)
    assert (code, status) == ("ObjectLockConfigurationNotFoundError", 404)
    assert message == "Object Lock configuration does not exist for this bucket"


def test_small_settings_round_trip(s3, bucket):
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Enabled"
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"
    website = {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}}
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=website)
    got = s3.get_bucket_website(Bucket=bucket)
    assert (got["IndexDocument"], got["ErrorDocument"]) == (website["IndexDocument"], website["ErrorDocument"])
    s3.delete_bucket_website(Bucket=bucket)
    assert error_of(s3.get_bucket_website, Bucket=bucket)[0] == "NoSuchWebsiteConfiguration"
    metrics = {"Id": "all", "Filter": {"Prefix": "data/"}}
    s3.put_bucket_metrics_configuration(Bucket=bucket, Id="all", MetricsConfiguration=metrics)
    assert s3.get_bucket_metrics_configuration(Bucket=bucket, Id="all")["MetricsConfiguration"] == metrics
    assert s3.list_bucket_metrics_configurations(Bucket=bucket)["MetricsConfigurationList"] == [metrics]
    s3.delete_bucket_metrics_configuration(Bucket=bucket, Id="all")
    assert error_of(s3.get_bucket_metrics_configuration, Bucket=bucket, Id="all")[:3:2] == ("NoSuchConfiguration", 404)


def test_logging_target_must_exist(s3, bucket):
    code, _, status, _ = error_of(s3.put_bucket_logging, Bucket=bucket, BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": new_name("absent"), "TargetPrefix": "logs/"}})
    assert (code, status) == ("InvalidTargetBucketForLogging", 400)
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": bucket, "TargetPrefix": "logs/"}})
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]["TargetPrefix"] == "logs/"


def test_replication_needs_versioning(s3, bucket):
    config = {"Role": "arn:aws:iam::000000000000:role/r",
              "Rules": [{"ID": "r", "Status": "Enabled", "Prefix": "", "Destination": {"Bucket": f"arn:aws:s3:::{bucket}"}}]}
    code, _, status, _ = error_of(s3.put_bucket_replication, Bucket=bucket, ReplicationConfiguration=config)
    assert (code, status) == ("InvalidRequest", 400)
    assert error_of(s3.get_bucket_replication, Bucket=bucket)[:3:2] == ("ReplicationConfigurationNotFoundError", 404)


def test_malformed_configuration_xml_changes_nothing(lakebox_server, s3, bucket):
    import urllib.request
    request = urllib.request.Request(f"{lakebox_server.endpoint}/{bucket}?tagging", data=b"<Tagging><TagSet>",
                                     method="PUT", headers={"Content-Type": "application/xml"})
    if lakebox_server.endpoint is None:
        pytest.skip("raw HTTP needs the local endpoint")
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request)
    body = raised.value.read().decode()
    assert raised.value.code == 400
    assert "<Code>MalformedXML</Code>" in body
    assert error_of(s3.get_bucket_tagging, Bucket=bucket)[0] == "NoSuchTagSet"
