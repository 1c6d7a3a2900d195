"""The Athena API around queries: work groups and their scan cut-off, named queries,
prepared statements, execution parameters, idempotency, paging, stopping, catalogs."""
import time
import uuid

import pytest

from athena_helpers import all_rows, wait


def test_pages_of_results(athena, query):
    execution, _, _ = query("SELECT x FROM UNNEST(sequence(1, 2500)) AS t(x) ORDER BY x")
    query_id = execution["QueryExecutionId"]
    first = athena.get_query_results(QueryExecutionId=query_id, MaxResults=1000)
    assert len(first["ResultSet"]["Rows"]) == 1000 and "NextToken" in first
    rows, _ = all_rows(athena, query_id)
    assert len(rows) == 2501 and rows[0] == ["x"] and rows[-1] == ["2500"]


def test_execution_parameters_and_client_token(athena, bucket, database):
    token = uuid.uuid4().hex
    args = {"QueryString": "SELECT ? + 1 AS n, ? AS s", "ExecutionParameters": ["41", "'x'"],
            "ClientRequestToken": token, "QueryExecutionContext": {"Database": database},
            "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/r/"}}
    first = athena.start_query_execution(**args)["QueryExecutionId"]
    assert athena.start_query_execution(**args)["QueryExecutionId"] == first
    wait(athena, first)
    assert all_rows(athena, first)[0] == [["n", "s"], ["42", "x"]]


def test_prepared_statement_and_execute(athena, query):
    workgroup = "primary"
    name = f"p{uuid.uuid4().hex[:8]}"
    athena.create_prepared_statement(StatementName=name, WorkGroup=workgroup, QueryStatement="SELECT ? * 2 AS d")
    try:
        _, rows, _ = query(f"EXECUTE {name} USING 21")
        assert rows == [["d"], ["42"]]
        listed = athena.list_prepared_statements(WorkGroup=workgroup)["PreparedStatements"]
        assert name in [p["StatementName"] for p in listed]
    finally:
        athena.delete_prepared_statement(StatementName=name, WorkGroup=workgroup)


def test_named_queries(athena, database):
    query_id = athena.create_named_query(Name="daily", Database=database, QueryString="SELECT 1")["NamedQueryId"]
    got = athena.get_named_query(NamedQueryId=query_id)["NamedQuery"]
    assert (got["Name"], got["Database"], got["QueryString"], got["WorkGroup"]) == ("daily", database, "SELECT 1",
                                                                                     "primary")
    assert query_id in athena.list_named_queries()["NamedQueryIds"]
    athena.delete_named_query(NamedQueryId=query_id)
    with pytest.raises(athena.exceptions.InvalidRequestException):
        athena.get_named_query(NamedQueryId=query_id)


def test_workgroup_configuration_is_enforced(athena, s3, bucket):
    name = f"wg-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=name, Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/wg/"}, "EnforceWorkGroupConfiguration": True})
    try:
        got = athena.get_work_group(WorkGroup=name)["WorkGroup"]
        assert got["State"] == "ENABLED" and got["Configuration"]["EnforceWorkGroupConfiguration"] is True
        query_id = athena.start_query_execution(
            QueryString="SELECT 1", WorkGroup=name,
            ResultConfiguration={"OutputLocation": f"s3://{bucket}/mine/"})["QueryExecutionId"]
        execution = wait(athena, query_id)
        assert execution["ResultConfiguration"]["OutputLocation"] == f"s3://{bucket}/wg/{query_id}.csv"
        assert query_id in athena.list_query_executions(WorkGroup=name)["QueryExecutionIds"]
        assert name in [w["Name"] for w in athena.list_work_groups()["WorkGroups"]]
    finally:
        athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)
    with pytest.raises(athena.exceptions.InvalidRequestException) as caught:
        athena.get_work_group(WorkGroup=name)
    assert caught.value.response["Error"]["Message"] == "WorkGroup is not found."


def test_missing_workgroup_is_refused_at_submission(athena, bucket):
    with pytest.raises(athena.exceptions.InvalidRequestException) as caught:
        athena.start_query_execution(QueryString="SELECT 1", WorkGroup="no-such-group",
                                     ResultConfiguration={"OutputLocation": f"s3://{bucket}/r/"})
    assert caught.value.response["Error"]["Message"] == "WorkGroup is not found."


def test_no_output_location_is_refused(athena):
    with pytest.raises(athena.exceptions.InvalidRequestException) as caught:
        athena.start_query_execution(QueryString="SELECT 1")
    assert caught.value.response["Error"]["Message"].startswith("No output location provided.")


@pytest.fixture
def cutoff_group(athena, s3, query, bucket):
    """A table of 24 MB in six files, and a work group that cuts queries off at 10 MB."""
    line = b"%d,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
    for part in range(6):
        s3.put_object(Bucket=bucket, Key=f"big/part-{part}.csv",
                      Body=b"".join(line % (part * 1_000_000 + i) for i in range(62_000)))
    query("CREATE EXTERNAL TABLE big (id int, pad string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
          "LOCATION 's3://%s/big/'" % bucket)
    name = f"wg-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=name, Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/cut/"}, "BytesScannedCutoffPerQuery": 10_000_000})
    yield name
    athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def test_scan_cutoff_cancels_the_query(s3, query, bucket, cutoff_group):
    total = sum(item["Size"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="big/")["Contents"])
    execution, _, _ = query("SELECT count(*) FROM big", expect="CANCELLED", WorkGroup=cutoff_group)
    assert execution["Status"]["StateChangeReason"] == "Query cancelled! Bytes scanned limit was exceeded"
    assert 10_000_000 < execution["Statistics"]["DataScannedInBytes"] <= total
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="cut/")


def test_a_query_that_stops_reading_early_is_not_cut_off(query, cutoff_group):
    execution, rows, _ = query("SELECT id FROM big LIMIT 2", WorkGroup=cutoff_group)
    assert len(rows) == 3
    assert 0 < execution["Statistics"]["DataScannedInBytes"] <= 10_000_000


def test_a_ctas_over_the_cutoff_leaves_no_table_and_no_files(s3, glue, query, bucket, database, cutoff_group):
    execution, _, _ = query("CREATE TABLE copied WITH (external_location = 's3://%s/copied/') AS SELECT * FROM big"
                            % bucket, expect="CANCELLED", WorkGroup=cutoff_group)
    assert execution["Status"]["StateChangeReason"] == "Query cancelled! Bytes scanned limit was exceeded"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="copied/")
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="cut/")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName=database, Name="copied")


def test_stop_interrupts_a_running_query(athena, bucket):
    query_id = athena.start_query_execution(
        QueryString="SELECT count(*) FROM UNNEST(sequence(1, 10000)) a CROSS JOIN UNNEST(sequence(1, 10000)) b "
                    "CROSS JOIN UNNEST(sequence(1, 10000)) c",
        ResultConfiguration={"OutputLocation": f"s3://{bucket}/stop/"})["QueryExecutionId"]
    deadline = time.monotonic() + 60     # queries of earlier tests may still hold the workers
    while athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]["State"] != "RUNNING":
        assert time.monotonic() < deadline, "the query never ran"
        time.sleep(0.01)
    athena.stop_query_execution(QueryExecutionId=query_id)
    execution = wait(athena, query_id, timeout=60)
    assert execution["Status"]["State"] == "CANCELLED"


@pytest.mark.local_only     # AWS answers QUEUED or RUNNING first; lakebox's first answer waits for a short query
@pytest.mark.parametrize("sql, state", [("SELECT 1", "SUCCEEDED"), ("SELECT CAST('x' AS integer)", "FAILED")])
def test_the_first_poll_sees_a_short_query_end(athena, bucket, sql, state):
    """pyathena, awswrangler and dbt-athena ask right after submitting, then once a
    second: a short query is seen ended at that first ask, not a second later."""
    query_id = athena.start_query_execution(
        QueryString=sql, ResultConfiguration={"OutputLocation": f"s3://{bucket}/first/"})["QueryExecutionId"]
    assert athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]["State"] == state


def test_unknown_query_execution(athena):
    with pytest.raises(athena.exceptions.InvalidRequestException) as caught:
        athena.get_query_execution(QueryExecutionId="7e3c8a5f-0000-4000-8000-000000000000")
    assert caught.value.response["Error"]["Message"] == \
        "QueryExecution 7e3c8a5f-0000-4000-8000-000000000000 was not found"


def test_catalog_metadata(athena, query, bucket, database):
    query("CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (dt string) STORED AS PARQUET "
          "LOCATION 's3://%s/t/'" % bucket)
    catalogs = athena.list_data_catalogs()["DataCatalogsSummary"]
    assert catalogs == [{"CatalogName": "AwsDataCatalog", "Type": "GLUE"}]
    names = [d["Name"] for d in athena.list_databases(CatalogName="AwsDataCatalog", MaxResults=50)["DatabaseList"]]
    assert database in names or "NextToken" in athena.list_databases(CatalogName="AwsDataCatalog")
    table = athena.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=database, TableName="t")
    assert table["TableMetadata"]["Columns"] == [{"Name": "a", "Type": "int"}]
    assert table["TableMetadata"]["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]
    listed = athena.list_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=database)
    assert [t["Name"] for t in listed["TableMetadataList"]] == ["t"]


def test_workgroup_tags(athena, lakebox_server):
    name = f"wg-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=name, Tags=[{"Key": "team", "Value": "data"}])
    try:
        account = lakebox_server.client("sts").get_caller_identity()["Account"]
        arn = f"arn:aws:athena:{athena.meta.region_name}:{account}:workgroup/{name}"
        athena.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "dev"}])
        assert athena.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
            {"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "data"}]
        athena.untag_resource(ResourceARN=arn, TagKeys=["team"])
        assert athena.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
        with pytest.raises(athena.exceptions.InvalidRequestException):
            athena.tag_resource(ResourceARN=arn, Tags=[{"Key": "aws:x", "Value": "y"}])
    finally:
        athena.delete_work_group(WorkGroup=name)


def test_workgroup_with_refused_tags_is_not_created(athena):
    name = f"wg-{uuid.uuid4().hex[:8]}"
    for tags in ([{"Key": "aws:x", "Value": "y"}], [{"Value": "no key"}]):
        with pytest.raises(athena.exceptions.InvalidRequestException):
            athena.create_work_group(Name=name, Tags=tags)
        with pytest.raises(athena.exceptions.InvalidRequestException):
            athena.get_work_group(WorkGroup=name)


def test_result_reuse(athena, bucket, database):
    sql = f"SELECT 40 + 2 AS answer, '{uuid.uuid4().hex}' AS tag"
    args = {"QueryString": sql, "QueryExecutionContext": {"Database": database},
            "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/reuse/"},
            "ResultReuseConfiguration": {"ResultReuseByAgeConfiguration": {"Enabled": True, "MaxAgeInMinutes": 5}}}
    first = wait(athena, athena.start_query_execution(**args)["QueryExecutionId"])
    assert first["Statistics"]["ResultReuseInformation"]["ReusedPreviousResult"] is False
    second = wait(athena, athena.start_query_execution(**args)["QueryExecutionId"])
    assert second["Statistics"]["ResultReuseInformation"]["ReusedPreviousResult"] is True
    assert second["ResultConfiguration"]["OutputLocation"] == first["ResultConfiguration"]["OutputLocation"]
    assert all_rows(athena, second["QueryExecutionId"])[0][1][0] == "42"
    args.pop("ResultReuseConfiguration")
    third = wait(athena, athena.start_query_execution(**args)["QueryExecutionId"])
    assert third["Statistics"]["ResultReuseInformation"]["ReusedPreviousResult"] is False


def test_engine_versions(athena):
    versions = athena.list_engine_versions()["EngineVersions"]
    assert {v["EffectiveEngineVersion"] for v in versions} == {"Athena engine version 3"}
    assert "AUTO" in [v["SelectedEngineVersion"] for v in versions]
