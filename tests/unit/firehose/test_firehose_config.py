"""Destination settings: defaults, UpdateDestination merges and kind changes."""
import pytest

from lakebox.services.firehose import config
from lakebox.services.firehose.errors import InvalidArgumentException

ROLE = "arn:aws:iam::000000000000:role/r"


def s3_destination(**extra):
    return config.destination_from_create({"ExtendedS3DestinationConfiguration": {
        "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::b", **extra}})


def test_defaults_are_filled_in():
    made = s3_destination(BufferingHints={"IntervalInSeconds": 60})["config"]
    assert made["BufferingHints"] == {"SizeInMBs": 5, "IntervalInSeconds": 60}
    assert (made["CompressionFormat"], made["S3BackupMode"]) == ("UNCOMPRESSED", "Disabled")
    assert made["EncryptionConfiguration"] == {"NoEncryptionConfig": "NoEncryption"}


def test_exactly_one_destination():
    with pytest.raises(InvalidArgumentException):
        config.destination_from_create({})


def test_same_kind_update_merges_member_by_member():
    updated = config.destination_after_update(s3_destination(Prefix="a/"), {
        "ExtendedS3DestinationUpdate": {"BufferingHints": {"SizeInMBs": 10}}})["config"]
    assert updated["Prefix"] == "a/"
    assert updated["BufferingHints"] == {"SizeInMBs": 10, "IntervalInSeconds": 300}


def test_changing_kind_keeps_the_s3_settings_for_backups():
    updated = config.destination_after_update(s3_destination(Prefix="a/"), {"HttpEndpointDestinationUpdate": {
        "EndpointConfiguration": {"Url": "https://example.com/"}}})
    assert updated["kind"] == "HttpEndpoint"
    assert updated["config"]["S3Configuration"]["Prefix"] == "a/"
    assert config.buffering(updated) == {"SizeInMBs": 5, "IntervalInSeconds": 300}
    back = config.destination_after_update(updated, {"ExtendedS3DestinationUpdate": {"Prefix": "b/"}})
    assert (back["kind"], back["config"]["Prefix"], back["config"]["BucketARN"]) == ("ExtendedS3", "b/",
                                                                                   "arn:aws:s3:::b")


def test_conversion_defaults_to_128_mib_buffers_and_refuses_smaller():
    conversion = {"SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": "d", "TableName": "t"},
                  "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
                  "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}}}
    assert s3_destination(DataFormatConversionConfiguration=conversion)["config"]["BufferingHints"]["SizeInMBs"] == 128
    with pytest.raises(InvalidArgumentException):
        s3_destination(DataFormatConversionConfiguration=conversion, BufferingHints={"SizeInMBs": 5})


def test_extensions():
    assert config.extension({"CompressionFormat": "HADOOP_SNAPPY"}) == ".snappy"
    assert config.extension({"CompressionFormat": "GZIP", "FileExtension": ".json.gz"}) == ".json.gz"
    assert config.extension({"DataFormatConversionConfiguration": {"Enabled": True, "OutputFormatConfiguration": {
        "Serializer": {"OrcSerDe": {}}}}}) == ".orc"


BACKUP = {"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::backup"}


def test_an_enabled_s3_backup_cannot_be_disabled_but_a_disabled_one_can_be_enabled():
    plain = s3_destination()
    enabled = config.destination_after_update(plain, {"ExtendedS3DestinationUpdate": {
        "S3BackupMode": "Enabled", "S3BackupUpdate": BACKUP}})
    assert enabled["config"]["S3BackupMode"] == "Enabled"
    with pytest.raises(InvalidArgumentException, match="^Disabling S3 backup is not currently supported.$"):
        config.destination_after_update(enabled, {"ExtendedS3DestinationUpdate": {"S3BackupMode": "Disabled"}})
    with pytest.raises(InvalidArgumentException, match="S3BackupConfiguration is required"):
        config.destination_after_update(plain, {"ExtendedS3DestinationUpdate": {"S3BackupMode": "Enabled"}})


def test_other_destinations_backup_modes_default_and_change_one_way():
    splunk = config.destination_from_create({"SplunkDestinationConfiguration": {
        "HECEndpoint": "https://splunk.example.com", "HECEndpointType": "Raw", "HECToken": "t",
        "S3Configuration": BACKUP}})
    assert splunk["config"]["S3BackupMode"] == "FailedEventsOnly"
    every = config.destination_after_update(splunk, {"SplunkDestinationUpdate": {"S3BackupMode": "AllEvents"}})
    with pytest.raises(InvalidArgumentException, match="^Disabling S3 backup is not currently supported.$"):
        config.destination_after_update(every, {"SplunkDestinationUpdate": {"S3BackupMode": "FailedEventsOnly"}})
    search = config.destination_from_create({"AmazonopensearchserviceDestinationConfiguration": {
        "RoleARN": ROLE, "IndexName": "i", "S3Configuration": BACKUP}})
    assert search["config"]["S3BackupMode"] == "FailedDocumentsOnly"


def test_iceberg_backs_up_failed_data_only():
    with pytest.raises(InvalidArgumentException, match="FailedDataOnly"):
        config.destination_from_create({"IcebergDestinationConfiguration": {
            "RoleARN": ROLE, "CatalogConfiguration": {"CatalogARN": "arn:aws:glue:us-east-1:000000000000:catalog"},
            "S3Configuration": BACKUP, "S3BackupMode": "AllData"}})
