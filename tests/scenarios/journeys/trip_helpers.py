"""Helpers for cross-service journeys: the aws cli run as a user runs it, the
(code, message) of an error a boto3 call raises, and waiting for work done off the
request path."""
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from aws_cli import run_cli

KEY, SECRET, REGION = "test", "test", "us-east-1"


def aws(lakebox_server, *args, output="json", stdin=None):
    """Runs `aws <args> --output <output>` against the server, `stdin` (text) fed to it;
    returns the finished process."""
    return run_cli(lakebox_server, *args, access_key=KEY, output=output, input=stdin, timeout=120)


def ok(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def ran(done) -> str:
    """The output of a cli command that prints text (the `aws s3` commands)."""
    assert done.returncode == 0, done.stderr
    return done.stdout


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def wait_for(condition, timeout=60):
    """The first truthy value of `condition()`, polled until `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
    return found


def wait_crawled(glue, name):
    """Wait for the crawler's run to end, and require that it SUCCEEDED."""
    def finished():
        crawler = glue.get_crawler(Name=name)["Crawler"]
        return crawler if crawler["State"] == "READY" and "LastCrawl" in crawler else None
    crawler = wait_for(finished, timeout=120)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED", crawler["LastCrawl"]


def keyed_table(dynamodb, name, key):
    """A new on-demand DynamoDB table (a boto3 resource Table) keyed by the string `key`."""
    table = dynamodb.create_table(
        TableName=name, KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    table.wait_until_exists()
    return table


def client_table(ddb, name, *keys):
    """A new ACTIVE on-demand DynamoDB table made with the low-level client, keyed by
    `keys`: (name, type) of the partition key, then of the sort key if any."""
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": key, "KeyType": kind} for (key, _), kind in zip(keys, ("HASH", "RANGE"))],
                     AttributeDefinitions=[{"AttributeName": key, "AttributeType": kind} for key, kind in keys])
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


def exportable_table(dynamodb, name, key):
    """keyed_table with point-in-time recovery on, as ExportTableToPointInTime needs it."""
    table = keyed_table(dynamodb, name, key)
    table.meta.client.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    return table


def athena_execution(athena, sql, database, output) -> dict:
    """Runs one Athena statement (results under `output`) to its end; returns its
    QueryExecution, which must have SUCCEEDED."""
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": database},
                                            ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]

    def finished():
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        return execution if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED") else None
    execution = wait_for(finished)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    return execution


def athena_rows(athena, sql, database, output) -> list:
    """The rows of a SELECT, as text (None for NULL), without the header row."""
    execution = athena_execution(athena, sql, database, output)
    pages = athena.get_paginator("get_query_results").paginate(QueryExecutionId=execution["QueryExecutionId"])
    rows = [[c.get("VarCharValue") for c in r["Data"]] for page in pages for r in page["ResultSet"]["Rows"]]
    return rows[1:]


def partitioned_destination(bucket, prefix, key, role, delimit=True, query=None) -> dict:
    """A Firehose ExtendedS3DestinationConfiguration with dynamic partitioning on the JSON
    field `key` (or the keys a JQ `query` makes), flushed each minute, failures under
    `errors/`; `delimit` appends a newline to each record."""
    processors = [{"Type": "MetadataExtraction", "Parameters": [
        {"ParameterName": "MetadataExtractionQuery", "ParameterValue": query or f"{{{key}: .{key}}}"},
        {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]}]
    if delimit:
        processors.append({"Type": "AppendDelimiterToRecord", "Parameters": []})
    return {"RoleARN": role, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": prefix,
            "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
            "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
            "DynamicPartitioningConfiguration": {"Enabled": True},
            "ProcessingConfiguration": {"Enabled": True, "Processors": processors}}


def wait_export(ddb, arn, timeout=120) -> dict:
    """The ExportDescription of a DynamoDB export once it is no longer IN_PROGRESS."""
    def ended():
        export = ddb.describe_export(ExportArn=arn)["ExportDescription"]
        return export if export["ExportStatus"] != "IN_PROGRESS" else None
    return wait_for(ended, timeout=timeout)


def drop_lake(glue, s3, database, bucket):
    """Delete a Glue database with its tables, and empty and delete a bucket, through the
    clients of the account that owns them (journeys that act as another account)."""
    for table in glue.get_tables(DatabaseName=database)["TableList"]:
        glue.delete_table(DatabaseName=database, Name=table["Name"])
    glue.delete_database(Name=database)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)


PARQUET_FORMAT = {"InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                  "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                  "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}


def stream_records(streams, arn) -> list:
    """Every record of a DynamoDB stream, shard by shard from the trim horizon."""
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=100)
            records += page["Records"]
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records


def keys_under(s3, bucket, prefix) -> list:
    """The keys of every object under `prefix`, through the paginator."""
    return [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
            for o in page.get("Contents", [])]


def active_stream(kinesis, prefix, shards=1) -> tuple:
    """A new Kinesis stream, once ACTIVE: (name, ARN)."""
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=shards)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return name, kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]


def shard_read(kinesis, arn, shard_id) -> tuple:
    """(records, last GetRecords answer) of one Kinesis shard read from TRIM_HORIZON until
    it ends (no NextShardIterator) or the reader has caught up."""
    pages = [{"NextShardIterator": kinesis.get_shard_iterator(
        StreamARN=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"], "Records": [None]}]
    while "NextShardIterator" in pages[-1] and (pages[-1]["Records"] or pages[-1]["MillisBehindLatest"]):
        pages.append(kinesis.get_records(ShardIterator=pages[-1]["NextShardIterator"]))
    return [r for page in pages[1:] for r in page["Records"]], pages[-1]


def crawl_once(glue, role, database, path) -> str:
    """Creates a crawler of one S3 path, runs it to success and returns its name (the
    caller deletes it)."""
    name = f"crawl-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role=role, DatabaseName=database, Targets={"S3Targets": [{"Path": path}]})
    glue.start_crawler(Name=name)
    wait_crawled(glue, name)
    return name


def notifying_queue(sqs, s3, bucket, events, prefix=None) -> str:
    """A new SQS queue the bucket sends `events` to (for keys under `prefix`, if given);
    returns its URL (the caller deletes it)."""
    url = sqs.create_queue(QueueName=f"{bucket}-events-{uuid.uuid4().hex[:6]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rule = {"QueueArn": arn, "Events": events}
    if prefix:
        rule["Filter"] = {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [rule]})
    return url


def athena_lines(athena, sql, database, output) -> list:
    """Every row of a statement's result as text (None for NULL): a SELECT's header row
    first; a DDL statement's lines (SHOW, DESCRIBE, MSCK) as they are."""
    execution = athena_execution(athena, sql, database, output)
    pages = athena.get_paginator("get_query_results").paginate(QueryExecutionId=execution["QueryExecutionId"])
    return [[c.get("VarCharValue") for c in r["Data"]] for page in pages for r in page["ResultSet"]["Rows"]]


def athena_failure(athena, sql, database, output) -> str:
    """The StateChangeReason of an Athena statement that starts, runs and FAILS."""
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": database},
                                            ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]

    def ended():
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        return status if status["State"] in ("SUCCEEDED", "FAILED", "CANCELLED") else None
    status = wait_for(ended)
    assert status["State"] == "FAILED", status
    return status["StateChangeReason"]


def pyathena_connect(lakebox_server, bucket, database, **kwargs):
    """A pyathena connection to the server (results staged under the bucket's `staging/`),
    `database` its schema; `kwargs` go to pyathena (cursor_class, ...)."""
    from pyathena import connect
    kwargs.setdefault("s3_staging_dir", f"s3://{bucket}/staging/")
    return connect(region_name=REGION, schema_name=database, aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                   endpoint_url=lakebox_server.endpoint, **kwargs)


def subscription_events(kinesis, consumer_arn, shard_id, **position) -> list:
    """Every event of one SubscribeToShard until it is caught up or the shard ends; a
    refused subscribe is tried again a second later (one call a second per consumer and
    shard, 5 s before another connection takes a shard over)."""
    for _ in range(20):
        try:
            answer = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard_id, StartingPosition=position)
            break
        except (kinesis.exceptions.LimitExceededException, kinesis.exceptions.ResourceInUseException):
            time.sleep(1)
    events = []
    for event in answer["EventStream"]:
        shard_event = event["SubscribeToShardEvent"]
        events.append(shard_event)
        if shard_event["MillisBehindLatest"] == 0 or "ChildShards" in shard_event:
            break
    answer["EventStream"].close()
    return events


def pyiceberg_catalog(lakebox_server, name="lake"):
    """pyiceberg's Glue catalog pointed at the server (Glue and S3 both)."""
    from pyiceberg.catalog import load_catalog
    settings = {"type": "glue", "glue.region": REGION}
    if lakebox_server.endpoint:
        settings.update({"glue.endpoint": lakebox_server.endpoint, "glue.access-key-id": KEY,
                         "glue.secret-access-key": SECRET, "s3.endpoint": lakebox_server.endpoint,
                         "s3.access-key-id": KEY, "s3.secret-access-key": SECRET, "s3.region": REGION})
    return load_catalog(name, **settings)


def s3fs_options(lakebox_server) -> dict:
    """storage_options for pandas / s3fs pointed at the server (or AWS)."""
    options = {"key": KEY, "secret": SECRET, "client_kwargs": {"region_name": REGION}}
    if lakebox_server.endpoint:
        options["client_kwargs"]["endpoint_url"] = lakebox_server.endpoint
    return options


def arrow_s3(lakebox_server, region=REGION, **options):
    """pyarrow's own S3FileSystem pointed at the server (or AWS)."""
    from pyarrow import fs as pafs
    if lakebox_server.endpoint:
        options.update(endpoint_override=lakebox_server.endpoint.removeprefix("http://"), scheme="http")
    return pafs.S3FileSystem(access_key=KEY, secret_key=SECRET, region=region, **options)
