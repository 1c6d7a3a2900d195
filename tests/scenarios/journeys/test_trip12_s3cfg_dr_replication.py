"""A disaster-recovery setup for a payments bucket: replication to a DR bucket with every
rule field (filter on prefix and tag, priorities, KMS replicas, replication time control
and metrics, owner override, replica modifications, delete marker replication), and
server access logs to a log bucket with target grants and date-partitioned keys. The
team's drafts are refused as S3 refuses them: replication before versioning is on, a
filtered rule without DeleteMarkerReplication, two rules with one priority, a destination
bucket that does not exist or is not versioned, logs to a bucket that does not exist."""
import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/payments-replication"
REPLICA_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def refusal(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]


def invalid_request(message):
    return 400, {"Code": "InvalidRequest", "Message": message}


def test_replication_rules_to_a_dr_bucket(client, versions_emptied, fresh_bucket):
    s3, bucket = client("s3"), versions_emptied
    dr = fresh_bucket("trip-dr")
    main_rule = {
        "ID": "payments-to-dr", "Priority": 1, "Status": "Enabled",
        "Filter": {"And": {"Prefix": "payments/", "Tags": [{"Key": "replicate", "Value": "true"}]}},
        "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"},
                                    "ReplicaModifications": {"Status": "Enabled"}},
        "ExistingObjectReplication": {"Status": "Disabled"},
        "Destination": {"Bucket": f"arn:aws:s3:::{dr}", "Account": ACCOUNT, "StorageClass": "STANDARD_IA",
                        "AccessControlTranslation": {"Owner": "Destination"},
                        "EncryptionConfiguration": {"ReplicaKmsKeyID": REPLICA_KEY},
                        "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
                        "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}},
        "DeleteMarkerReplication": {"Status": "Disabled"}}
    audit_rule = {"ID": "audit", "Priority": 2, "Status": "Disabled", "Filter": {"Prefix": "audit/"},
                  "Destination": {"Bucket": f"arn:aws:s3:::{dr}"}, "DeleteMarkerReplication": {"Status": "Enabled"}}
    config = {"Role": ROLE, "Rules": [main_rule, audit_rule]}

    assert refusal(s3.put_bucket_replication, Bucket=bucket, ReplicationConfiguration=config) == invalid_request(
        "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

    no_marker = {**audit_rule}
    del no_marker["DeleteMarkerReplication"]
    assert refusal(s3.put_bucket_replication, Bucket=bucket,
                   ReplicationConfiguration={"Role": ROLE, "Rules": [main_rule, no_marker]}) == invalid_request(
        "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration "
        "schema. Please refer to S3 Developer Guide for more information.")
    assert refusal(s3.put_bucket_replication, Bucket=bucket, ReplicationConfiguration={
        "Role": ROLE, "Rules": [main_rule, {**audit_rule, "Priority": 1}]}) == invalid_request(
        "Found duplicate priority 1.")
    assert refusal(s3.put_bucket_replication, Bucket=bucket, ReplicationConfiguration=config) == invalid_request(
        "Destination bucket must have versioning enabled.")
    gone = {**audit_rule, "Destination": {"Bucket": f"arn:aws:s3:::{dr}-gone"}}
    assert refusal(s3.put_bucket_replication, Bucket=bucket,
                   ReplicationConfiguration={"Role": ROLE, "Rules": [gone]}) == invalid_request(
        "Destination bucket must exist.")
    assert refusal(s3.get_bucket_replication, Bucket=bucket) == (404, {
        "Code": "ReplicationConfigurationNotFoundError", "Message": "The replication configuration was not found",
        "BucketName": bucket})

    s3.put_bucket_versioning(Bucket=dr, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=config)
    assert s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"] == config

    # The first schema's rule (a Prefix, no Filter) needs neither priority nor delete markers.
    legacy = {"Role": ROLE, "Rules": [{"ID": "legacy", "Prefix": "old/", "Status": "Enabled",
                                       "Destination": {"Bucket": f"arn:aws:s3:::{dr}"}}]}
    s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=legacy)
    assert s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"] == legacy
    s3.delete_bucket_replication(Bucket=bucket)
    assert refusal(s3.get_bucket_replication, Bucket=bucket)[1]["Code"] == "ReplicationConfigurationNotFoundError"
    s3.put_bucket_versioning(Bucket=dr, VersioningConfiguration={"Status": "Suspended"})


def test_access_logs_with_grants_and_partitioned_keys(client, bucket, fresh_bucket):
    s3 = client("s3")
    logs = fresh_bucket("trip-logs")
    s3.put_bucket_ownership_controls(Bucket=logs, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    owner_id = s3.get_bucket_acl(Bucket=logs)["Owner"]["ID"]
    enabled = {"TargetBucket": logs, "TargetPrefix": f"{bucket}/",
               "TargetGrants": [
                   {"Grantee": {"Type": "CanonicalUser", "ID": owner_id}, "Permission": "FULL_CONTROL"},
                   {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
                    "Permission": "READ"}],
               "TargetObjectKeyFormat": {"PartitionedPrefix": {"PartitionDateSource": "DeliveryTime"}}}

    status, error = refusal(s3.put_bucket_logging, Bucket=bucket, BucketLoggingStatus={
        "LoggingEnabled": {**enabled, "TargetBucket": f"{logs}-gone"}})
    assert (status, error["Code"], error["Message"]) == (
        400, "InvalidTargetBucketForLogging", "The target bucket for logging does not exist")
    assert s3.get_bucket_logging(Bucket=bucket).get("LoggingEnabled") is None

    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": enabled})
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == enabled

    simple = {"TargetBucket": logs, "TargetPrefix": "simple/", "TargetObjectKeyFormat": {"SimplePrefix": {}}}
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": simple})
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == simple

    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
    got = s3.get_bucket_logging(Bucket=bucket)
    got.pop("ResponseMetadata")
    assert got == {}
