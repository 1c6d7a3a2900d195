"""Shared by the trip10 Firehose journeys: a processor entry as the API takes it, and a
delivery stream created and waited on until ACTIVE."""
from trip_helpers import wait_for


def processor(kind, **parameters):
    """One entry of ProcessingConfiguration.Processors."""
    return {"Type": kind, "Parameters": [{"ParameterName": k, "ParameterValue": v} for k, v in parameters.items()]}


def active_delivery_stream(firehose, name, **arguments):
    """CreateDeliveryStream(`name`, **arguments), then wait until the stream is ACTIVE."""
    firehose.create_delivery_stream(DeliveryStreamName=name, **arguments)
    wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)[
        "DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")
    return name


def s3_destination(role, bucket, **settings):
    """ExtendedS3DestinationConfiguration writing to `bucket` with `role`, plus `settings`."""
    return {"RoleARN": role, "BucketARN": f"arn:aws:s3:::{bucket}", **settings}


def kinesis_sourced(firehose, name, source_arn, role, destination):
    """A KinesisStreamAsSource delivery stream reading `source_arn` into the S3
    `destination` (ExtendedS3DestinationConfiguration), once ACTIVE."""
    return active_delivery_stream(firehose, name, DeliveryStreamType="KinesisStreamAsSource",
                                  KinesisStreamSourceConfiguration={"KinesisStreamARN": source_arn, "RoleARN": role},
                                  ExtendedS3DestinationConfiguration=destination)


def partitioned_by_query(prefix, error_prefix, query, size_mb=64, interval=60) -> dict:
    """Destination settings of a dynamically partitioned stream whose keys come from the JQ
    `query`, one record per line."""
    return {"Prefix": prefix, "ErrorOutputPrefix": error_prefix,
            "BufferingHints": {"SizeInMBs": size_mb, "IntervalInSeconds": interval},
            "DynamicPartitioningConfiguration": {"Enabled": True},
            "ProcessingConfiguration": {"Enabled": True, "Processors": [
                processor("MetadataExtraction", MetadataExtractionQuery=query, JsonParsingEngine="JQ-1.6"),
                processor("AppendDelimiterToRecord")]}}
