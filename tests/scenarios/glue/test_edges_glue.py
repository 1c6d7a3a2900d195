"""Glue's answers to edge cases, each from a public record of Glue's own reply."""
import uuid

import pytest
from botocore.exceptions import ClientError

from glue_helpers import parquet_table, partition


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_database_that_exists(glue, database):
    # github.com/moj-analytical-services/etl_manager/issues/71: "AlreadyExistsException ...
    # when calling the CreateDatabase operation: Database already exists."
    assert error_of(glue.create_database, DatabaseInput={"Name": database}) == (
        "AlreadyExistsException", "Database already exists.")


def test_table_that_does_not_exist(glue, database):
    # github.com/hashicorp/terraform-provider-aws/issues/34132: "(EntityNotFoundException) when
    # calling the GetPartitionIndexes operation: Table image_metadata not found."
    assert error_of(glue.get_partition_indexes, DatabaseName=database, TableName="image_metadata") == (
        "EntityNotFoundException", "Table image_metadata not found.")


def test_expression_on_a_column_that_is_not_a_partition_key(glue, database):
    # github.com/getmoto/moto/pull/9306 (AWS's reply quoted): "InvalidInputException ... when calling
    # the GetPartitions operation: Invalid partition expression!"
    glue.create_table(DatabaseName=database, TableInput=parquet_table("t", [("existing_column", "string")],
                                                                      [("dt", "string")]))
    assert error_of(glue.get_partitions, DatabaseName=database, TableName="t",
                    Expression="non_existing_column IS NULL") == (
        "InvalidInputException", "Invalid partition expression!")


def test_integer_comparison_over_a_partition_whose_value_is_not_an_integer(glue, database):
    # github.com/aws/aws-sdk/issues/670: `--expression "(int_partition_col >= 0)"` over a partition
    # int_partition_col=null answered "An error occurred (InvalidStateException) when calling the
    # GetPartitions operation: For input string: "null" is not an integer."; `string_partition_col =
    # 'null'` matched it, and `IS NULL` matched nothing.
    glue.create_table(DatabaseName=database, TableInput=parquet_table(
        "t", [("x", "string")], [("int_partition_col", "int"), ("string_partition_col", "string")]))
    glue.batch_create_partition(DatabaseName=database, TableName="t", PartitionInputList=[
        partition(["null", "null"]), partition(["1", "A"]), partition(["2", "B"])])
    assert error_of(glue.get_partitions, DatabaseName=database, TableName="t",
                    Expression="(int_partition_col >= 0)") == (
        "InvalidStateException", 'For input string: "null" is not an integer.')

    def values(expression):
        found = glue.get_partitions(DatabaseName=database, TableName="t", Expression=expression)["Partitions"]
        return sorted(p["Values"] for p in found)
    assert values("(string_partition_col = 'null')") == [["null", "null"]]
    assert values("(string_partition_col is null)") == []
    assert values("int_partition_col is null") == []


def test_blank_expression_is_no_filter(glue, database):
    # github.com/getmoto/moto/pull/10122: "Real AWS Glue treats an empty/blank Expression in
    # GetPartitions as 'no filter' and returns every partition" (the Hive metastore client sends '').
    glue.create_table(DatabaseName=database, TableInput=parquet_table("t", [], [("dt", "string")]))
    glue.batch_create_partition(DatabaseName=database, TableName="t",
                                PartitionInputList=[partition(["a"]), partition(["b"])])
    assert len(glue.get_partitions(DatabaseName=database, TableName="t", Expression="")["Partitions"]) == 2


def test_crawler_that_does_not_exist(glue):
    # github.com/awslabs/aws-customer-churn-pipeline/issues/15: "(EntityNotFoundException) when calling
    # the StartCrawler operation: Crawler with name crawler-customer-churn-sagemaker-pipeline does not exist"
    name = "crawler-customer-churn-sagemaker-pipeline"
    assert error_of(glue.start_crawler, Name=name) == ("EntityNotFoundException",
                                                       f"Crawler with name {name} does not exist")
    # github.com/iann0036/AWSConsoleRecorder/issues/35: getCrawler answered "EntityNotFoundException",
    # "Crawler entry with name jdbc-crawler does not exist"
    assert error_of(glue.get_crawler, Name="jdbc-crawler") == ("EntityNotFoundException",
                                                               "Crawler entry with name jdbc-crawler does not exist")


def test_database_names_fold_to_lower_case(glue):
    # Glue API reference, DatabaseInput.Name: "For Hive compatibility, this is folded to lowercase
    # when it is stored." (TableInput.Name likewise.)
    name = f"Mixed_{uuid.uuid4().hex[:6]}"
    glue.create_database(DatabaseInput={"Name": name})
    try:
        assert glue.get_database(Name=name)["Database"]["Name"] == name.lower()
    finally:
        glue.delete_database(Name=name)


def test_a_job_definition_shows_the_defaults_glue_fills(glue, bucket):
    # The aws cli's Glue reference, get-job example: a job created with a command and default
    # arguments only comes back with "ExecutionProperty": {"MaxConcurrentRuns": 1} and "MaxRetries": 0.
    name = f"defaults-{uuid.uuid4().hex[:8]}"
    command = {"Name": "pythonshell", "ScriptLocation": f"s3://{bucket}/scripts/job.py", "PythonVersion": "3.9"}
    glue.create_job(Name=name, Role="arn:aws:iam::000000000000:role/GlueJobRole", Command=command,
                    DefaultArguments={"--stage": "raw"})
    try:
        job = glue.get_job(JobName=name)["Job"]
        assert (job["ExecutionProperty"], job["MaxRetries"]) == ({"MaxConcurrentRuns": 1}, 0)
        # a retry of the same CreateJob is still the same request
        assert glue.create_job(Name=name, Role="arn:aws:iam::000000000000:role/GlueJobRole", Command=command,
                               DefaultArguments={"--stage": "raw"})["Name"] == name
        glue.update_job(JobName=name, JobUpdate={"Role": "arn:aws:iam::000000000000:role/GlueJobRole",
                                                 "Command": command, "MaxRetries": 2})
        job = glue.batch_get_jobs(JobNames=[name])["Jobs"][0]
        assert (job["ExecutionProperty"], job["MaxRetries"]) == ({"MaxConcurrentRuns": 1}, 2)
        assert "DefaultArguments" not in job
    finally:
        glue.delete_job(JobName=name)


def test_a_partition_that_is_not_there(glue, database):
    # A client written against Glue tests for "GetPartition operation: Cannot find partition."
    # (permits sync task, code corpus); trinodb/trino#7035 quotes Glue's answer to statistics for a
    # partition not there yet: "Partition [10] not found (Service: AWSGlue; Status Code: 400; Error
    # Code: EntityNotFoundException ...)".
    glue.create_table(DatabaseName=database, TableInput=parquet_table("p", [("a", "bigint")], [("b", "bigint")]))
    assert error_of(glue.get_partition, DatabaseName=database, TableName="p", PartitionValues=["10"]) == (
        "EntityNotFoundException", "Cannot find partition.")
    stats = [{"ColumnName": "a", "ColumnType": "bigint", "AnalyzedTime": "2024-01-01T00:00:00Z", "StatisticsData": {
        "Type": "LONG", "LongColumnStatisticsData": {"NumberOfNulls": 0, "NumberOfDistinctValues": 1,
                                                     "MinimumValue": 10, "MaximumValue": 10}}}]
    assert error_of(glue.update_column_statistics_for_partition, DatabaseName=database, TableName="p",
                    PartitionValues=["10"], ColumnStatisticsList=stats) == (
        "EntityNotFoundException", "Partition [10] not found")


def test_column_and_partition_key_names_are_kept_in_lower_case(glue, database):
    # apache/flink-connector-aws#206 (a run against Glue itself): "Creating a table with columns
    # userId / EventTime stores and returns userid / eventtime"; nasa/cumulus#3953 (Terraform's
    # endless diff on camelCase columns) and redpanda-data/docs#1387 say the same.
    glue.create_table(DatabaseName=database, TableInput=parquet_table(
        "events", [("userId", "bigint"), ("EventTime", "string")], [("Region", "string")]))
    table = glue.get_table(DatabaseName=database, Name="events")["Table"]
    assert table["StorageDescriptor"]["Columns"] == [{"Name": "userid", "Type": "bigint"},
                                                     {"Name": "eventtime", "Type": "string"}]
    assert table["PartitionKeys"] == [{"Name": "region", "Type": "string"}]
    glue.update_table(DatabaseName=database, TableInput=parquet_table(
        "events", [("userId", "bigint"), ("DeviceType", "string")], [("Region", "string")]))
    table = glue.get_table(DatabaseName=database, Name="events")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["userid", "devicetype"]


def test_deleting_column_statistics_that_are_not_there(glue, database):
    # floci-io/floci#1319 (the aws cli against Glue): "Deleting existing table column statistics
    # returns success with an empty response. Deleting missing table column statistics also
    # returns success."
    glue.create_table(DatabaseName=database, TableInput=parquet_table("s", [("a", "bigint")], [("b", "string")]))
    glue.create_partition(DatabaseName=database, TableName="s", PartitionInput=partition(["x"]))
    for _ in range(2):
        glue.delete_column_statistics_for_table(DatabaseName=database, TableName="s", ColumnName="a")
        glue.delete_column_statistics_for_partition(DatabaseName=database, TableName="s", PartitionValues=["x"],
                                                    ColumnName="a")
    assert error_of(glue.delete_column_statistics_for_partition, DatabaseName=database, TableName="s",
                    PartitionValues=["y"], ColumnName="a") == ("EntityNotFoundException", "Partition [y] not found")
