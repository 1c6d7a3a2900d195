"""More of S3's bucket-level configuration as real S3 answers it: replication, logging,
inventory, analytics, metrics, intelligent tiering, accelerate, request payment and
notification; plus virtual-host addressing and presigned URL edges."""
import uuid

import pytest
from botocore.config import Config

from edge_helpers import status_of
from s3_helpers import error_of, http, resolve_localhost

ACCOUNT = "123456789012"


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("edge-cfg")


# ---------------------------------------------------------------- replication

def replication_config(destination):
    return {"Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
            "Rules": [{"ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": "logs/"},
                       "DeleteMarkerReplication": {"Status": "Disabled"},
                       "Destination": {"Bucket": f"arn:aws:s3:::{destination}", "StorageClass": "STANDARD_IA"}}]}


def test_replication_needs_versioning(s3, bucket, versioned):
    code, status, _ = error_of(s3.put_bucket_replication, Bucket=bucket,
                               ReplicationConfiguration=replication_config(versioned))
    assert (code, status) == ("InvalidRequest", 400)


def test_replication_destination_needs_versioning(s3, versioned, make_bucket):
    plain = make_bucket("edge-cfg-dst")
    code, status, _ = error_of(s3.put_bucket_replication, Bucket=versioned,
                               ReplicationConfiguration=replication_config(plain))
    assert (code, status) == ("InvalidRequest", 400)


def test_replication_destination_must_exist(s3, versioned):
    code, status, _ = error_of(s3.put_bucket_replication, Bucket=versioned,
                               ReplicationConfiguration=replication_config(f"edge-cfg-none-{uuid.uuid4().hex[:8]}"))
    assert (code, status) == ("InvalidRequest", 400)


def test_replication_round_trip_and_delete(s3, versioned, make_bucket):
    destination = make_bucket("edge-cfg-dst")
    s3.put_bucket_versioning(Bucket=destination, VersioningConfiguration={"Status": "Enabled"})
    config = replication_config(destination)
    s3.put_bucket_replication(Bucket=versioned, ReplicationConfiguration=config)
    got = s3.get_bucket_replication(Bucket=versioned)["ReplicationConfiguration"]
    assert got == config
    assert status_of(s3.delete_bucket_replication(Bucket=versioned)) == 204
    assert error_of(s3.get_bucket_replication, Bucket=versioned)[:2] == \
        ("ReplicationConfigurationNotFoundError", 404)


# ---------------------------------------------------------------- logging

def test_logging_round_trip_and_disable(s3, bucket, make_bucket):
    target = make_bucket("edge-cfg-logs")
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": target, "TargetPrefix": "access/"}})
    got = s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]
    assert (got["TargetBucket"], got["TargetPrefix"]) == (target, "access/")
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)


def test_logging_target_missing(s3, bucket):
    code, status, _ = error_of(s3.put_bucket_logging, Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": f"edge-cfg-none-{uuid.uuid4().hex[:8]}", "TargetPrefix": "x/"}})
    assert (code, status) == ("InvalidTargetBucketForLogging", 400)


# ---------------------------------------------------------------- inventory / analytics / metrics / tiering

def inventory(id_, destination):
    return {"Id": id_, "IsEnabled": True, "IncludedObjectVersions": "Current",
            "Destination": {"S3BucketDestination": {"Bucket": f"arn:aws:s3:::{destination}", "Format": "CSV",
                                                    "Prefix": "inv", "AccountId": ACCOUNT}},
            "Schedule": {"Frequency": "Daily"}, "Filter": {"Prefix": "data/"},
            "OptionalFields": ["Size", "LastModifiedDate", "StorageClass"]}


def test_inventory_round_trip_list_delete(s3, bucket, make_bucket):
    destination = make_bucket("edge-cfg-inv")
    config = inventory("daily", destination)
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="daily", InventoryConfiguration=config)
    assert s3.get_bucket_inventory_configuration(Bucket=bucket, Id="daily")["InventoryConfiguration"] == config
    listed = s3.list_bucket_inventory_configurations(Bucket=bucket)
    assert listed["InventoryConfigurationList"] == [config]
    assert status_of(s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="daily")) == 204
    assert error_of(s3.get_bucket_inventory_configuration, Bucket=bucket, Id="daily")[:2] == \
        ("NoSuchConfiguration", 404)


def test_inventory_id_mismatch(s3, bucket, make_bucket):
    destination = make_bucket("edge-cfg-inv")
    code, status, _ = error_of(s3.put_bucket_inventory_configuration, Bucket=bucket, Id="one",
                               InventoryConfiguration=inventory("two", destination))
    assert status == 400


def test_delete_missing_inventory(s3, bucket):
    code, status, _ = error_of(s3.delete_bucket_inventory_configuration, Bucket=bucket, Id="nope")
    assert (code, status) == ("NoSuchConfiguration", 404)


def test_analytics_round_trip(s3, bucket, make_bucket):
    destination = make_bucket("edge-cfg-an")
    config = {"Id": "an", "Filter": {"Prefix": "data/"}, "StorageClassAnalysis": {"DataExport": {
        "OutputSchemaVersion": "V_1", "Destination": {"S3BucketDestination": {
            "Format": "CSV", "Bucket": f"arn:aws:s3:::{destination}", "Prefix": "an"}}}}}
    s3.put_bucket_analytics_configuration(Bucket=bucket, Id="an", AnalyticsConfiguration=config)
    assert s3.get_bucket_analytics_configuration(Bucket=bucket, Id="an")["AnalyticsConfiguration"] == config
    assert s3.list_bucket_analytics_configurations(Bucket=bucket)["AnalyticsConfigurationList"] == [config]
    s3.delete_bucket_analytics_configuration(Bucket=bucket, Id="an")
    assert error_of(s3.get_bucket_analytics_configuration, Bucket=bucket, Id="an")[:2] == \
        ("NoSuchConfiguration", 404)


def test_metrics_round_trip(s3, bucket):
    config = {"Id": "m", "Filter": {"And": {"Prefix": "data/", "Tags": [{"Key": "t", "Value": "1"}]}}}
    s3.put_bucket_metrics_configuration(Bucket=bucket, Id="m", MetricsConfiguration=config)
    assert s3.get_bucket_metrics_configuration(Bucket=bucket, Id="m")["MetricsConfiguration"] == config
    assert s3.list_bucket_metrics_configurations(Bucket=bucket)["MetricsConfigurationList"] == [config]


def test_metrics_id_mismatch(s3, bucket):
    code, status, _ = error_of(s3.put_bucket_metrics_configuration, Bucket=bucket, Id="a",
                               MetricsConfiguration={"Id": "b"})
    assert status == 400


def test_intelligent_tiering_round_trip(s3, bucket):
    config = {"Id": "it", "Filter": {"Prefix": "cold/"}, "Status": "Enabled",
              "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"},
                           {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]}
    s3.put_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="it", IntelligentTieringConfiguration=config)
    got = s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="it")["IntelligentTieringConfiguration"]
    assert got == config
    s3.delete_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="it")
    assert error_of(s3.get_bucket_intelligent_tiering_configuration, Bucket=bucket, Id="it")[:2] == \
        ("NoSuchConfiguration", 404)


def test_intelligent_tiering_archive_days_too_low(s3, bucket):
    # ARCHIVE_ACCESS needs at least 90 days, DEEP_ARCHIVE_ACCESS at least 180.
    code, status, _ = error_of(s3.put_bucket_intelligent_tiering_configuration, Bucket=bucket, Id="it",
                               IntelligentTieringConfiguration={
                                   "Id": "it", "Status": "Enabled",
                                   "Tierings": [{"Days": 30, "AccessTier": "ARCHIVE_ACCESS"}]})
    assert status == 400


# ---------------------------------------------------------------- accelerate / request payment

# (put, get, configuration member, field, the values S3 takes, one it refuses)
SWITCHES = [
    ("put_bucket_accelerate_configuration", "get_bucket_accelerate_configuration", "AccelerateConfiguration",
     "Status", ("Enabled", "Suspended"), "On"),
    ("put_bucket_request_payment", "get_bucket_request_payment", "RequestPaymentConfiguration",
     "Payer", ("Requester", "BucketOwner"), "Nobody"),
]


@pytest.mark.parametrize("put, get, member, field, values, refused", SWITCHES)
def test_switch_round_trips_and_refuses_other_values(s3, bucket, put, get, member, field, values, refused):
    for value in values:
        getattr(s3, put)(Bucket=bucket, **{member: {field: value}})
        assert getattr(s3, get)(Bucket=bucket)[field] == value
    code, status, _ = error_of(getattr(s3, put), Bucket=bucket, **{member: {field: refused}})
    assert (code, status) == ("MalformedXML", 400)


def test_accelerate_bucket_with_dots(s3, make_bucket):
    # "The name of the bucket used for Transfer Acceleration must be DNS-compliant and must
    # not contain periods (.)." -> InvalidRequest
    name = make_bucket("edge.cfg.dots", digits=8)
    code, status, _ = error_of(s3.put_bucket_accelerate_configuration, Bucket=name,
                               AccelerateConfiguration={"Status": "Enabled"})
    assert (code, status) == ("InvalidRequest", 400)


# ---------------------------------------------------------------- notification

def test_notification_eventbridge_round_trip_and_clear(s3, bucket):
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "EventBridgeConfiguration": {}})
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert got["EventBridgeConfiguration"] == {}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    assert "EventBridgeConfiguration" not in s3.get_bucket_notification_configuration(Bucket=bucket)


# ---------------------------------------------------------------- virtual-host addressing

@pytest.fixture
def virtual(lakebox_server, monkeypatch):
    """A client that puts the bucket in the host name: {bucket}.localhost:{port}."""
    if lakebox_server.endpoint is None:
        pytest.skip("virtual-host addressing against the local endpoint")
    resolve_localhost(monkeypatch)
    port = lakebox_server.endpoint.rsplit(":", 1)[1]
    import boto3
    return boto3.client("s3", endpoint_url=f"http://localhost:{port}", region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(s3={"addressing_style": "virtual"}))


def test_virtual_host_object_and_config_calls(s3, virtual, bucket):
    put = virtual.put_object(Bucket=bucket, Key="dir/a b.txt", Body=b"hello")
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object(Bucket=bucket, Key="dir/a b.txt")["Body"].read() == b"hello"
    assert virtual.get_object(Bucket=bucket, Key="dir/a b.txt")["Body"].read() == b"hello"
    assert [o["Key"] for o in virtual.list_objects_v2(Bucket=bucket)["Contents"]] == ["dir/a b.txt"]
    virtual.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "v", "Value": "1"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "v", "Value": "1"}]
    assert virtual.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None


def test_virtual_host_missing_bucket(virtual):
    code, status, response = error_of(virtual.get_object, Bucket=f"edge-cfg-none-{uuid.uuid4().hex[:8]}", Key="k")
    assert (code, status) == ("NoSuchBucket", 404)


def test_virtual_host_presigned_get(s3, virtual, bucket):
    s3.put_object(Bucket=bucket, Key="p.txt", Body=b"shared")
    url = virtual.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "p.txt"}, ExpiresIn=60)
    assert url.startswith(f"http://{bucket}.localhost:")
    status, _, body = http(url)
    assert (status, body) == (200, b"shared")


# ---------------------------------------------------------------- presigned edges

@pytest.fixture(scope="module")
def s3v4(lakebox_server):
    return lakebox_server.client("s3", config=Config(signature_version="s3v4"))


def test_presigned_get_missing_key_is_no_such_key(s3v4, bucket):
    url = s3v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "absent"}, ExpiresIn=60)
    status, _, body = http(url)
    assert status == 404
    assert b"<Code>NoSuchKey</Code>" in body


def test_presigned_expires_zero_or_negative(s3v4, bucket):
    url = s3v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    bad = url.replace("X-Amz-Expires=60", "X-Amz-Expires=-1")
    status, _, body = http(bad)
    assert status in (400, 403)
    assert b"AuthorizationQueryParametersError" in body or b"AccessDenied" in body


def test_presigned_response_overrides(s3v4, bucket):
    s3v4.put_object(Bucket=bucket, Key="r.csv", Body=b"a,b")
    url = s3v4.generate_presigned_url("get_object", Params={
        "Bucket": bucket, "Key": "r.csv", "ResponseContentDisposition": 'attachment; filename="x.csv"',
        "ResponseContentType": "text/csv"}, ExpiresIn=60)
    status, headers, body = http(url)
    assert status == 200
    assert headers["content-disposition"] == 'attachment; filename="x.csv"'
    assert headers["content-type"] == "text/csv"
