"""Delivery streams: create, describe, list, delete, UpdateDestination with version ids,
tags, encryption, and the configurations AWS refuses at create time."""
import uuid

import pytest
from botocore.exceptions import ClientError

from firehose_helpers import ACCOUNT, ROLE
from lakebox.testing import LakeboxServer


def error_of(call, **args):
    with pytest.raises(ClientError) as raised:
        call(**args)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_create_describe_list_delete(firehose, make_stream, bucket):
    name = make_stream(Prefix="raw/", ErrorOutputPrefix="errors/", BufferingHints={"IntervalInSeconds": 60})
    description = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert description["DeliveryStreamARN"] == f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/{name}"
    assert description["DeliveryStreamStatus"] == "ACTIVE"
    assert description["DeliveryStreamType"] == "DirectPut"
    assert description["VersionId"] == "1"
    destination = description["Destinations"][0]
    assert destination["DestinationId"] == "destinationId-000000000001"
    extended = destination["ExtendedS3DestinationDescription"]
    assert extended["BucketARN"] == f"arn:aws:s3:::{bucket}"
    assert extended["Prefix"] == "raw/"
    assert extended["BufferingHints"] == {"SizeInMBs": 5, "IntervalInSeconds": 60}
    assert extended["CompressionFormat"] == "UNCOMPRESSED"
    assert extended["S3BackupMode"] == "Disabled"
    assert destination["S3DestinationDescription"]["Prefix"] == "raw/"
    assert name in firehose.list_delivery_streams(Limit=10000)["DeliveryStreamNames"]

    firehose.delete_delivery_stream(DeliveryStreamName=name)
    code, message = error_of(firehose.describe_delivery_stream, DeliveryStreamName=name)
    assert (code, message) == ("ResourceNotFoundException", f"Firehose {name} under account {ACCOUNT} not found.")


def test_describe_pages_destinations_after_the_exclusive_start(firehose, make_stream):
    """ExclusiveStartDestinationId names the destination the page starts after (a stream
    has one: after it, none)."""
    name = make_stream()
    first = firehose.describe_delivery_stream(DeliveryStreamName=name, Limit=1)["DeliveryStreamDescription"]
    assert [d["DestinationId"] for d in first["Destinations"]] == ["destinationId-000000000001"]
    assert first["HasMoreDestinations"] is False
    after = firehose.describe_delivery_stream(DeliveryStreamName=name, Limit=1,
                                              ExclusiveStartDestinationId="destinationId-000000000001")
    assert after["DeliveryStreamDescription"]["Destinations"] == []
    assert after["DeliveryStreamDescription"]["HasMoreDestinations"] is False


def test_duplicate_name_is_in_use(firehose, make_stream, bucket):
    name = make_stream()
    code, _ = error_of(firehose.create_delivery_stream, DeliveryStreamName=name,
                       ExtendedS3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}"})
    assert code == "ResourceInUseException"


def test_list_pages_by_name_and_type(firehose, make_stream):
    names = sorted(make_stream() for _ in range(3))
    first = firehose.list_delivery_streams(Limit=1, ExclusiveStartDeliveryStreamName=names[0])
    assert first["DeliveryStreamNames"][0] == names[1]
    assert first["HasMoreDeliveryStreams"] is True
    kinesis_sourced = firehose.list_delivery_streams(DeliveryStreamType="KinesisStreamAsSource", Limit=10000)
    assert not set(names) & set(kinesis_sourced["DeliveryStreamNames"])


def test_update_destination_bumps_version_and_checks_it(firehose, make_stream):
    name = make_stream()
    firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                                DestinationId="destinationId-000000000001",
                                ExtendedS3DestinationUpdate={"Prefix": "v2/", "CompressionFormat": "GZIP"})
    description = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert description["VersionId"] == "2"
    assert "LastUpdateTimestamp" in description
    extended = description["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert (extended["Prefix"], extended["CompressionFormat"]) == ("v2/", "GZIP")
    assert extended["BufferingHints"] == {"SizeInMBs": 5, "IntervalInSeconds": 300}

    code, _ = error_of(firehose.update_destination, DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                       DestinationId="destinationId-000000000001", ExtendedS3DestinationUpdate={"Prefix": "v3/"})
    assert code == "ConcurrentModificationException"
    unchanged = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert unchanged["VersionId"] == "2"


def test_tags(firehose, make_stream):
    name = make_stream()
    firehose.tag_delivery_stream(DeliveryStreamName=name, Tags=[{"Key": "team", "Value": "data"},
                                                                {"Key": "env", "Value": "test"}])
    tags = firehose.list_tags_for_delivery_stream(DeliveryStreamName=name)
    assert tags["Tags"] == [{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "data"}]
    assert tags["HasMoreTags"] is False
    page = firehose.list_tags_for_delivery_stream(DeliveryStreamName=name, Limit=1)
    assert page["Tags"] == [{"Key": "env", "Value": "test"}] and page["HasMoreTags"] is True
    firehose.untag_delivery_stream(DeliveryStreamName=name, TagKeys=["env"])
    assert firehose.list_tags_for_delivery_stream(DeliveryStreamName=name)["Tags"] == [
        {"Key": "team", "Value": "data"}]
    code, _ = error_of(firehose.tag_delivery_stream, DeliveryStreamName=name,
                       Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert code == "LimitExceededException"


def test_created_with_tags(firehose, make_stream):
    name = make_stream({"Tags": [{"Key": "a", "Value": "1"}]})
    assert firehose.list_tags_for_delivery_stream(DeliveryStreamName=name)["Tags"] == [{"Key": "a", "Value": "1"}]


def test_encryption_start_and_stop(firehose, make_stream):
    name = make_stream()
    firehose.start_delivery_stream_encryption(DeliveryStreamName=name,
                                              DeliveryStreamEncryptionConfigurationInput={"KeyType": "AWS_OWNED_CMK"})
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert described["DeliveryStreamEncryptionConfiguration"] == {"KeyType": "AWS_OWNED_CMK", "Status": "ENABLED"}
    assert firehose.put_record(DeliveryStreamName=name, Record={"Data": b"x"})["Encrypted"] is True
    firehose.stop_delivery_stream_encryption(DeliveryStreamName=name)
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert described["DeliveryStreamEncryptionConfiguration"]["Status"] == "DISABLED"


@pytest.mark.local_only          # the codes are AWS's; most of the words are lakebox's (docs/notes-firehose.md)
@pytest.mark.parametrize("destination, fragment", [
    ({"Prefix": "year=!{timestamp:yyyy}/"}, "ErrorOutputPrefix cannot be null or empty when Prefix contains"),
    ({"Prefix": "!{firehose:error-output-type}/", "ErrorOutputPrefix": "e/"}, "error-output-type"),
    ({"Prefix": "!{nope:x}/", "ErrorOutputPrefix": "e/"}, "namespace nope"),
    ({"Prefix": "!{partitionKeyFromQuery:id}/", "ErrorOutputPrefix": "e/"}, "Dynamic Partitioning"),
    ({"DynamicPartitioningConfiguration": {"Enabled": True}, "ErrorOutputPrefix": "e/",
      "BufferingHints": {"IntervalInSeconds": 60}}, "partitionKeyFromQuery"),
    ({"DataFormatConversionConfiguration": {"Enabled": True}}, "SchemaConfiguration.DatabaseName"),
])
def test_invalid_configurations_are_refused(firehose, bucket, destination, fragment):
    name = f"bad-{uuid.uuid4().hex[:10]}"
    code, message = error_of(firehose.create_delivery_stream, DeliveryStreamName=name,
                             ExtendedS3DestinationConfiguration={"RoleARN": ROLE,
                                                                 "BucketARN": f"arn:aws:s3:::{bucket}",
                                                                 **destination})
    assert code == "InvalidArgumentException"
    assert fragment in message
    assert name not in firehose.list_delivery_streams(Limit=10000)["DeliveryStreamNames"]


def test_buffering_out_of_range_is_a_validation_error(firehose, bucket):
    code, message = error_of(firehose.create_delivery_stream, DeliveryStreamName="too-big",
                             ExtendedS3DestinationConfiguration={
                                 "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                                 "BufferingHints": {"SizeInMBs": 129, "IntervalInSeconds": 60}})
    assert code == "ValidationException"
    assert "Member must have value less than or equal to 128" in message


def test_tags_with_refused_characters_or_aws_prefix(firehose, make_stream):
    """The model's key pattern refuses both before Firehose's own checks."""
    name = make_stream()
    for tag in ({"Key": "bad#key", "Value": "v"}, {"Key": "aws:reserved", "Value": "v"}):
        code, message = error_of(firehose.tag_delivery_stream, DeliveryStreamName=name, Tags=[tag])
        assert code == "ValidationException"
        assert "Member must satisfy regular expression pattern" in message
    assert firehose.list_tags_for_delivery_stream(DeliveryStreamName=name)["Tags"] == []


@pytest.mark.local_only
def test_a_creating_stream_takes_no_data_updates_or_deletes():
    with LakeboxServer(env={"LAKEBOX_TRANSITION_DELAY": "30"}) as server:
        firehose = server.client("firehose")
        firehose.create_delivery_stream(DeliveryStreamName="young", ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::somewhere"})
        description = firehose.describe_delivery_stream(DeliveryStreamName="young")["DeliveryStreamDescription"]
        assert description["DeliveryStreamStatus"] == "CREATING"
        for call, args, code in (
                (firehose.put_record, {"Record": {"Data": b"x"}}, "ResourceNotFoundException"),
                (firehose.update_destination, {"CurrentDeliveryStreamVersionId": "1",
                                               "DestinationId": "destinationId-000000000001",
                                               "ExtendedS3DestinationUpdate": {"Prefix": "p/"}},
                 "ResourceInUseException"),
                (firehose.delete_delivery_stream, {}, "ResourceInUseException")):
            assert error_of(call, DeliveryStreamName="young", **args)[0] == code
        server.advance_clock(31)
        assert firehose.describe_delivery_stream(DeliveryStreamName="young")["DeliveryStreamDescription"][
            "DeliveryStreamStatus"] == "ACTIVE"
        firehose.put_record(DeliveryStreamName="young", Record={"Data": b"x"})
        firehose.delete_delivery_stream(DeliveryStreamName="young")


@pytest.mark.local_only          # on AWS it would leave a KMS key behind
def test_customer_managed_keys_must_be_usable_kms_keys(lakebox_server, firehose, make_stream):
    kms = lakebox_server.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    name = make_stream()
    firehose.start_delivery_stream_encryption(DeliveryStreamName=name, DeliveryStreamEncryptionConfigurationInput={
        "KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key_arn})
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert described["DeliveryStreamEncryptionConfiguration"] == {
        "KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key_arn, "Status": "ENABLED"}
    kms.disable_key(KeyId=key_arn)
    code, _ = error_of(firehose.start_delivery_stream_encryption, DeliveryStreamName=name,
                       DeliveryStreamEncryptionConfigurationInput={"KeyType": "CUSTOMER_MANAGED_CMK",
                                                                    "KeyARN": key_arn})
    assert code == "InvalidKMSResourceException"
    missing = key_arn.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
    code, _ = error_of(firehose.start_delivery_stream_encryption, DeliveryStreamName=name,
                       DeliveryStreamEncryptionConfigurationInput={"KeyType": "CUSTOMER_MANAGED_CMK",
                                                                    "KeyARN": missing})
    assert code == "InvalidKMSResourceException"


def test_dynamic_partitioning_cannot_be_enabled_on_an_existing_stream(firehose, make_stream):
    name = make_stream()
    code, _ = error_of(firehose.update_destination, DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                       DestinationId="destinationId-000000000001", ExtendedS3DestinationUpdate={
                           "Prefix": "k=!{partitionKeyFromQuery:k}/", "ErrorOutputPrefix": "e/",
                           "BufferingHints": {"IntervalInSeconds": 60},
                           "DynamicPartitioningConfiguration": {"Enabled": True}})
    assert code == "InvalidArgumentException"
    assert firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]["VersionId"] == "1"


def test_an_enabled_s3_backup_cannot_be_disabled(firehose, make_stream, bucket):
    """ExtendedS3DestinationUpdate's S3BackupMode: "If backup is enabled, you can't update
    the Firehose stream to disable it." Enabling it later is allowed."""
    name = make_stream()
    backup = {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "backup/"}
    firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                                DestinationId="destinationId-000000000001", ExtendedS3DestinationUpdate={
                                    "S3BackupMode": "Enabled", "S3BackupUpdate": backup})
    code, _ = error_of(firehose.update_destination, DeliveryStreamName=name, CurrentDeliveryStreamVersionId="2",
                       DestinationId="destinationId-000000000001",
                       ExtendedS3DestinationUpdate={"S3BackupMode": "Disabled"})
    assert code == "InvalidArgumentException"
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert described["VersionId"] == "2"
    destination = described["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert destination["S3BackupMode"] == "Enabled" and destination["S3BackupDescription"]["Prefix"] == "backup/"
