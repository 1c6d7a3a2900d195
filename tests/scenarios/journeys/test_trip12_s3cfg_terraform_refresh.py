"""A platform team manages its buckets with Terraform. After creating a bucket, and after
every apply, the aws provider refreshes the bucket by reading each of its configurations:
the ones never set answer S3's own error (code, message and the BucketName element), the
others the document S3 keeps for every new bucket (SSE-S3 encryption without a bucket
key, BucketOwnerEnforced ownership, all public access blocked, an empty logging status,
versioning without a Status). An apply then sets versioning, where a module typo
('enabled', 'Disabled', no Status) is refused as S3 refuses it, and a destroy of the
settings leaves the bucket reading as new again."""
import pytest
from botocore.exceptions import ClientError

OWNER_ID = "57bd5e29a3afcaef781a40bd287d3bddd2c54b361acaa5d679db8c7c6879e8db"   # the test account's canonical id
MALFORMED = ("MalformedXML", "The XML you provided was not well-formed or did not validate against our published "
             "schema")

MISSING = [
    ("get_bucket_cors", "NoSuchCORSConfiguration", "The CORS configuration does not exist"),
    ("get_bucket_website", "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"),
    ("get_bucket_lifecycle_configuration", "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"),
    ("get_bucket_replication", "ReplicationConfigurationNotFoundError", "The replication configuration was not found"),
    ("get_object_lock_configuration", "ObjectLockConfigurationNotFoundError",
     "Object Lock configuration does not exist for this bucket"),
    ("get_bucket_policy", "NoSuchBucketPolicy", "The bucket policy does not exist"),
    ("get_bucket_policy_status", "NoSuchBucketPolicy", "The bucket policy does not exist"),
    ("get_bucket_tagging", "NoSuchTagSet", "The TagSet does not exist"),
]
NEW_BUCKET_DOCUMENTS = {
    "get_bucket_acl": {"Owner": {"ID": OWNER_ID}, "Grants": [
        {"Grantee": {"ID": OWNER_ID, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]},
    "get_bucket_versioning": {},
    "get_bucket_accelerate_configuration": {},
    "get_bucket_request_payment": {"Payer": "BucketOwner"},
    "get_bucket_logging": {},
    "get_bucket_encryption": {"ServerSideEncryptionConfiguration": {"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False,
         # SSE-C blocked by default since April 2026 (radkawar/stackd customer_encryption_control_replay.json)
         "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}}]}},
    "get_bucket_ownership_controls": {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}},
    "get_public_access_block": {"PublicAccessBlockConfiguration": {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}},
    "get_bucket_notification_configuration": {},
}


def refusal(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]


def answer(call, **args):
    got = call(**args)
    got.pop("ResponseMetadata")
    return got


def refresh(s3, bucket):
    """What the provider's refresh reads: {operation: (status, error) or document}."""
    read = {}
    for operation, _, _ in MISSING:
        try:
            read[operation] = answer(getattr(s3, operation), Bucket=bucket)
        except ClientError as failure:
            read[operation] = (failure.response["ResponseMetadata"]["HTTPStatusCode"], failure.response["Error"])
    for operation in NEW_BUCKET_DOCUMENTS:
        read[operation] = answer(getattr(s3, operation), Bucket=bucket)
    return read


def as_new(bucket):
    expected = {operation: (404, {"Code": code, "Message": message, "BucketName": bucket})
                for operation, code, message in MISSING}
    return {**expected, **NEW_BUCKET_DOCUMENTS}


def test_refresh_apply_and_destroy_of_a_managed_bucket(client, bucket):
    s3 = client("s3")
    assert refresh(s3, bucket) == as_new(bucket)

    # The module's versioning block, as a few drafts had it.
    assert refusal(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={"Status": "enabled"}) == (
        400, dict(zip(("Code", "Message"), MALFORMED)))
    assert refusal(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={"Status": "Disabled"}) == (
        400, dict(zip(("Code", "Message"), MALFORMED)))
    assert refusal(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={}) == (
        400, {"Code": "IllegalVersioningConfigurationException",
              "Message": "The Versioning element must be specified"})
    assert answer(s3.get_bucket_versioning, Bucket=bucket) == {}

    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert answer(s3.get_bucket_versioning, Bucket=bucket) == {"Status": "Suspended"}

    # The apply: tags, KMS default encryption with a bucket key, CORS and a lifecycle rule.
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "platform"},
                                                              {"Key": "env", "Value": "prod"}]})
    kms = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                             "KMSMasterKeyID": "alias/platform"},
                      "BucketKeyEnabled": True}]}
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=kms)
    cors = [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": cors})
    rules = [{"ID": "expire-tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 7}}]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})

    read = refresh(s3, bucket)
    assert read["get_bucket_tagging"] == {"TagSet": [{"Key": "team", "Value": "platform"},
                                                     {"Key": "env", "Value": "prod"}]}
    assert read["get_bucket_encryption"] == {"ServerSideEncryptionConfiguration": {"Rules": [
        {**kms["Rules"][0], "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}}]}}
    assert read["get_bucket_cors"] == {"CORSRules": cors}
    assert read["get_bucket_lifecycle_configuration"] == {"Rules": rules,
                                                          "TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"}

    # The destroy of the settings: each read answers as on a new bucket (versioning stays Suspended).
    s3.delete_bucket_tagging(Bucket=bucket)
    s3.delete_bucket_encryption(Bucket=bucket)
    s3.delete_bucket_cors(Bucket=bucket)
    s3.delete_bucket_lifecycle(Bucket=bucket)
    assert refresh(s3, bucket) == {**as_new(bucket), "get_bucket_versioning": {"Status": "Suspended"}}
