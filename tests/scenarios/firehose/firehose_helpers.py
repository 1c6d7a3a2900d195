"""Shared by the Firehose scenarios: clients without retries, the role and account
streams are created with, and reading what a delivery stream wrote into its bucket.
(Helpers live here, not in conftest: several scenario folders have a conftest module.)"""
import contextlib
import os
import time
import uuid

from botocore.config import Config

NO_RETRIES = Config(retries={"total_max_attempts": 1}, parameter_validation=False)
ACCOUNT = os.environ.get("FIREHOSE_TEST_ACCOUNT", "000000000000")
ROLE = f"arn:aws:iam::{ACCOUNT}:role/firehose"


def objects(s3, bucket, prefix=""):
    """{key: body bytes} of every object under `prefix`."""
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found[item["Key"]] = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return found


def wait_for_objects(s3, bucket, prefix="", count=1, timeout=30):
    """Objects once at least `count` are there (delivery of big buffers runs off the request path)."""
    deadline = time.monotonic() + timeout
    while True:
        found = objects(s3, bucket, prefix)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def wait_until(condition, timeout=30):
    """True once `condition()` is (deliveries run after the request that made them due)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def athena_rows(athena, sql, database, output, timeout=60):
    """Rows (header first) of an Athena query, once it succeeded."""
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": database},
                                            ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]
    deadline = time.monotonic() + timeout
    while True:
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if status["State"] in ("SUCCEEDED", "FAILED", "CANCELLED") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert status["State"] == "SUCCEEDED", status
    rows = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
    return [[cell.get("VarCharValue") for cell in row["Data"]] for row in rows]


def active_kinesis_stream(kinesis, name, shards=1):
    """ARN of a new Kinesis stream, once it is ACTIVE."""
    kinesis.create_stream(StreamName=name, ShardCount=shards)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]


def kinesis_source_args(stream_arn, bucket, **destination):
    """CreateDeliveryStream arguments of a stream reading `stream_arn` into `bucket`."""
    return {"DeliveryStreamType": "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration": {"KinesisStreamARN": stream_arn, "RoleARN": ROLE},
            "ExtendedS3DestinationConfiguration": {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                                                   **destination}}


def processor(kind, **parameters):
    """One entry of ProcessingConfiguration.Processors: `processor("MetadataExtraction",
    MetadataExtractionQuery="{k: .k}", JsonParsingEngine="JQ-1.6")`."""
    return {"Type": kind, "Parameters": [{"ParameterName": k, "ParameterValue": v} for k, v in parameters.items()]}


def partitioned(prefix, error_prefix, *processors, **settings):
    """Destination settings of a dynamically partitioned stream flushing every 60 seconds."""
    return {"Prefix": prefix, "ErrorOutputPrefix": error_prefix,
            "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
            "DynamicPartitioningConfiguration": {"Enabled": True},
            "ProcessingConfiguration": {"Enabled": True, "Processors": list(processors)}, **settings}


def parquet_table(glue, database, table, columns, location):
    """Create the Glue table Athena reads Parquet objects under `location` through."""
    glue.create_table(DatabaseName=database, TableInput={
        "Name": table, "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {
            "Columns": columns, "Location": location,
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}})


@contextlib.contextmanager
def catalog_table(glue, table, columns, prefix="db"):
    """A new Glue database holding `table` with `columns`; yields the database's name and
    deletes both afterwards."""
    database = f"{prefix}_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": database})
    glue.create_table(DatabaseName=database, TableInput={
        "Name": table, "StorageDescriptor": {"Columns": columns, "Location": f"s3://nowhere/{table}/"}})
    try:
        yield database
    finally:
        glue.delete_table(DatabaseName=database, Name=table)
        glue.delete_database(Name=database)


@contextlib.contextmanager
def functions_server(tmp_path, handlers: dict):
    """A server of its own whose Lambda processors run `handlers` ({function name: the
    source of its module}) from a functions directory under `tmp_path`."""
    from lakebox.testing import LakeboxServer
    functions = tmp_path / "functions"
    functions.mkdir()
    for name, source in handlers.items():
        (functions / f"{name}.py").write_text(source)
    with LakeboxServer(env={"LAKEBOX_FUNCTIONS": str(functions)}) as running:
        yield running
