"""The aws cli's Athena examples (its reference pages, and the Athena User Guide's
"Using the AWS CLI with Hive metastores" catalog commands), replayed as written with
names adapted: work groups created with a configuration and tags, disabled and listed;
named queries saved and read back one by one and in a batch; a DDL statement and a
SELECT started and described, alone and in a batch; data catalogs registered, described,
listed, tagged, updated and deleted; a table's metadata. Every field a page shows is
compared; ids and times by shape only."""
import contextlib
import uuid

import pytest

from athena_helpers import wait
from aws_cli import answer_of, run_cli

DYNAMO_LAMBDA = "arn:aws:lambda:us-west-2:111122223333:function:dynamo_db_lambda"


def athena_cli(lakebox_server, *args):
    return answer_of(run_cli(lakebox_server, "athena", *args))


def _error(call, **args):
    with pytest.raises(Exception) as raised:
        call(**args)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def workgroup(lakebox_server, athena, bucket):
    name = f"Data_Analyst_Group_{uuid.uuid4().hex[:8]}"
    assert athena_cli(lakebox_server, "create-work-group", "--name", name, "--configuration",
                      f'ResultConfiguration={{OutputLocation="s3://{bucket}"}},EnforceWorkGroupConfiguration="true",'
                      'PublishCloudWatchMetricsEnabled="true"',
                      "--description", "Workgroup for data analysts",
                      "--tags", "Key=Division,Value=West", "Key=Location,Value=Seattle",
                      "Key=Team,Value=Big Data") == {}
    yield name
    athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


@pytest.fixture
def catalog(athena):
    name = f"dynamo_db_catalog_{uuid.uuid4().hex[:8]}"
    yield name
    with contextlib.suppress(athena.exceptions.InvalidRequestException):     # already deleted by the test
        athena.delete_data_catalog(Name=name)


def test_work_group_examples(lakebox_server, athena, bucket, workgroup):
    group = athena_cli(lakebox_server, "get-work-group", "--work-group", workgroup)["WorkGroup"]
    assert (group["Name"], group["State"], group["Description"]) == (
        workgroup, "ENABLED", "Workgroup for data analysts")
    configuration = group["Configuration"]
    assert configuration["ResultConfiguration"] == {"OutputLocation": f"s3://{bucket}"}
    assert (configuration["EnforceWorkGroupConfiguration"], configuration["PublishCloudWatchMetricsEnabled"],
            configuration["RequesterPaysEnabled"]) == (True, True, False)
    arn = f"arn:aws:athena:us-east-1:{_account(lakebox_server)}:workgroup/{workgroup}"
    tags = athena_cli(lakebox_server, "list-tags-for-resource", "--resource-arn", arn)["Tags"]
    assert sorted(tags, key=lambda t: t["Key"]) == [{"Key": "Division", "Value": "West"},
                                                     {"Key": "Location", "Value": "Seattle"},
                                                     {"Key": "Team", "Value": "Big Data"}]
    assert athena_cli(lakebox_server, "update-work-group", "--work-group", workgroup, "--state", "DISABLED") == {}
    listed = {g["Name"]: g for g in athena_cli(lakebox_server, "list-work-groups")["WorkGroups"]}
    assert listed[workgroup]["State"] == "DISABLED" and listed["primary"]["State"] == "ENABLED"


def _account(lakebox_server):
    return answer_of(run_cli(lakebox_server, "sts", "get-caller-identity"))["Account"]


def test_named_query_examples(lakebox_server, athena, workgroup):
    query = ("SELECT flightdate, carrier, flightnum, origin, dest, depdelayminutes, arrdelayminutes "
             "FROM sampledb.flights_parquet WHERE yr = 2016 AND month = 1 AND origin = '\"SEA\"' "
             "AND dest = '\"JFK\"' AND depdelayminutes > 10 AND arrdelayminutes > 10")
    made = athena_cli(lakebox_server, "create-named-query", "--name", "SEA to JFK delayed flights Jan 2016",
                      "--description", "Both arrival and departure delayed more than 10 minutes.",
                      "--database", "sampledb", "--query-string", query, "--work-group", workgroup)
    named_id = made["NamedQueryId"]
    expected = {"Name": "SEA to JFK delayed flights Jan 2016",
                "Description": "Both arrival and departure delayed more than 10 minutes.",
                "Database": "sampledb", "QueryString": query, "NamedQueryId": named_id, "WorkGroup": workgroup}
    assert athena_cli(lakebox_server, "get-named-query", "--named-query-id", named_id) == {"NamedQuery": expected}
    assert athena_cli(lakebox_server, "list-named-queries", "--work-group", workgroup) == {
        "NamedQueryIds": [named_id]}
    assert athena_cli(lakebox_server, "batch-get-named-query", "--named-query-ids", named_id) == {
        "NamedQueries": [expected], "UnprocessedNamedQueryIds": []}


def test_start_and_describe_query_examples(athena, bucket, database, workgroup):
    ddl_id = athena.start_query_execution(QueryString="create database if not exists webdata",
                                          WorkGroup=workgroup)["QueryExecutionId"]
    dml_id = athena.start_query_execution(QueryString="SELECT 1 AS status", WorkGroup=workgroup,
                                          QueryExecutionContext={"Database": database})["QueryExecutionId"]
    ddl, dml = wait(athena, ddl_id), wait(athena, dml_id)
    assert (ddl["StatementType"], ddl["QueryExecutionContext"], ddl["WorkGroup"]) == ("DDL", {}, workgroup)
    assert ddl["ResultConfiguration"]["OutputLocation"] == f"s3://{bucket}/{ddl_id}.txt"
    assert (dml["StatementType"], dml["QueryExecutionContext"]) == ("DML", {"Database": database})
    assert dml["ResultConfiguration"]["OutputLocation"] == f"s3://{bucket}/{dml_id}.csv"
    for execution in (ddl, dml):
        assert execution["Status"]["State"] == "SUCCEEDED"
        assert {"EngineExecutionTimeInMillis", "DataScannedInBytes", "TotalExecutionTimeInMillis",
                "QueryQueueTimeInMillis"} <= set(execution["Statistics"])
    batch = athena.batch_get_query_execution(QueryExecutionIds=[ddl_id, dml_id])
    assert [e["QueryExecutionId"] for e in batch["QueryExecutions"]] == [ddl_id, dml_id]
    assert batch["UnprocessedQueryExecutionIds"] == []
    listed = athena.list_query_executions(WorkGroup=workgroup, MaxResults=10)["QueryExecutionIds"]
    assert sorted(listed) == sorted([ddl_id, dml_id])
    athena.start_query_execution(QueryString="DROP DATABASE IF EXISTS webdata", WorkGroup=workgroup)


def test_data_catalog_examples(lakebox_server, athena, catalog):
    assert athena_cli(lakebox_server, "create-data-catalog", "--name", catalog, "--type", "LAMBDA",
                      "--description", "DynamoDB Catalog", "--parameters", f"function={DYNAMO_LAMBDA}")
    shown = {"Name": catalog, "Description": "DynamoDB Catalog", "Type": "LAMBDA",
             "Parameters": {"catalog": catalog, "metadata-function": DYNAMO_LAMBDA, "record-function": DYNAMO_LAMBDA}}
    assert athena_cli(lakebox_server, "get-data-catalog", "--name", catalog) == {"DataCatalog": shown}
    summaries = athena_cli(lakebox_server, "list-data-catalogs")["DataCatalogsSummary"]
    assert summaries[0] == {"CatalogName": "AwsDataCatalog", "Type": "GLUE"}
    assert {"CatalogName": catalog, "Type": "LAMBDA"} in summaries
    arn = f"arn:aws:athena:us-east-1:{_account(lakebox_server)}:datacatalog/{catalog}"
    tags = [{"Key": "Division", "Value": "Mountain"}, {"Key": "Organization", "Value": "Retail"},
            {"Key": "Product_Line", "Value": "Shoes"}, {"Key": "Location", "Value": "Denver"}]
    athena.tag_resource(ResourceARN=arn, Tags=tags)
    assert sorted(athena.list_tags_for_resource(ResourceARN=arn)["Tags"], key=lambda t: t["Key"]) == sorted(
        tags, key=lambda t: t["Key"])
    assert athena_cli(lakebox_server, "update-data-catalog", "--name", catalog, "--type", "LAMBDA",
                      "--description", "New DynamoDB Catalog Description",
                      "--parameters", f"function={DYNAMO_LAMBDA}") == {}
    assert athena.get_data_catalog(Name=catalog)["DataCatalog"]["Description"] == "New DynamoDB Catalog Description"
    assert athena_cli(lakebox_server, "delete-data-catalog", "--name", catalog)["DataCatalog"]["Name"] == catalog
    assert _error(athena.get_data_catalog, Name=catalog) == (
        "InvalidRequestException", f"DataCatalog {catalog} was not found")
    assert {"CatalogName": catalog, "Type": "LAMBDA"} not in athena.list_data_catalogs()["DataCatalogsSummary"]


@pytest.mark.parametrize("catalog_type, parameters", [
    ("LAMBDA", {"metadata-function": DYNAMO_LAMBDA, "record-function": DYNAMO_LAMBDA}),
    ("HIVE", {"metadata-function": DYNAMO_LAMBDA, "sdk-version": "1.0"}),
    ("GLUE", {"catalog-id": "111122223333"}),
])
def test_each_catalog_type_keeps_its_parameters(athena, catalog, catalog_type, parameters):
    athena.create_data_catalog(Name=catalog, Type=catalog_type, Parameters=parameters)
    described = athena.get_data_catalog(Name=catalog)["DataCatalog"]
    expected = {"catalog": catalog, **parameters} if catalog_type == "LAMBDA" else parameters
    assert (described["Type"], described["Parameters"]) == (catalog_type, expected)
    assert _error(athena.create_data_catalog, Name=catalog, Type=catalog_type, Parameters=parameters)[0] == (
        "InvalidRequestException")


def test_a_catalog_missing_its_required_parameter_is_refused_and_not_kept(athena, catalog):
    code, _ = _error(athena.create_data_catalog, Name=catalog, Type="GLUE", Parameters={})
    assert code == "InvalidRequestException"
    assert _error(athena.get_data_catalog, Name=catalog)[0] == "InvalidRequestException"


def test_the_aws_data_catalog_cannot_be_changed(athena):
    for call, args in ((athena.create_data_catalog, {"Type": "GLUE", "Parameters": {"catalog-id": "1"}}),
                       (athena.update_data_catalog, {"Type": "GLUE"}), (athena.delete_data_catalog, {})):
        assert _error(call, Name="AwsDataCatalog", **args)[0] == "InvalidRequestException"
    assert athena.get_data_catalog(Name="AwsDataCatalog")["DataCatalog"]["Type"] == "GLUE"


def test_get_table_metadata_example_of_a_table_with_a_named_serde(athena, query, bucket, database):
    query("CREATE EXTERNAL TABLE counties (name string, boundaryshape binary, motto string, population int) "
          "ROW FORMAT SERDE 'com.esri.hadoop.hive.serde.JsonSerde' "
          "STORED AS INPUTFORMAT 'com.esri.json.hadoop.EnclosedJsonInputFormat' "
          "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat' "
          f"LOCATION 's3://{bucket}/json'")
    table = athena.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=database,
                                      TableName="counties")["TableMetadata"]
    assert (table["Name"], table["TableType"], table["PartitionKeys"]) == ("counties", "EXTERNAL_TABLE", [])
    assert table["LastAccessTime"].timestamp() == 0
    assert table["Parameters"].pop("transient_lastDdlTime") == str(int(table["CreateTime"].timestamp()))
    assert [(c["Name"], c["Type"]) for c in table["Columns"]] == [
        ("name", "string"), ("boundaryshape", "binary"), ("motto", "string"), ("population", "int")]
    assert table["Parameters"] == {
        "EXTERNAL": "TRUE", "inputformat": "com.esri.json.hadoop.EnclosedJsonInputFormat",
        "location": f"s3://{bucket}/json",
        "outputformat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "serde.param.serialization.format": "1", "serde.serialization.lib": "com.esri.hadoop.hive.serde.JsonSerde"}


# The Athena User Guide's SQL examples (arrays, maps, rows, JSON, strings) with the
# result each page documents, as GetQueryResults gives it.
SQL_EXAMPLES = [
    ("SELECT 'This' || ' is' || ' a' || ' test.' AS Concatenated_String", [["This is a test."]]),
    ("SELECT concat_ws(' ', 'This', 'is', 'a', 'test.') as Concatenated_String", [["This is a test."]]),
    ("WITH dataset AS ( SELECT ARRAY ['Hello', 'Amazon', 'Athena'] AS words, ARRAY ['Hi', 'Alexa'] AS alexa ) "
     "SELECT concat(words, alexa) AS welcome_msg FROM dataset", [["[Hello, Amazon, Athena, Hi, Alexa]"]]),
    ("WITH dataset AS ( SELECT ARRAY [ ARRAY[1,2,3,4], ARRAY[5,6,7,8], ARRAY[9,0] ] AS items ) "
     "SELECT i AS array_items FROM dataset CROSS JOIN UNNEST(items) AS t(i) WHERE contains(i, 2)", [["[1, 2, 3, 4]"]]),
    ("SELECT filter(ARRAY [1,0,5,-1], x -> x>0)", [["[1, 5]"]]),
    ("SELECT filter(ARRAY [-1, NULL, 10, NULL], q -> q IS NOT NULL)", [["[-1, 10]"]]),
    ("SELECT ARRAY[ ARRAY[1,2], ARRAY[3,4] ] AS items", [["[[1, 2], [3, 4]]"]]),
    ("SELECT ARRAY[CAST(ROW('Bob', 38) AS ROW(name VARCHAR, age INTEGER)), "
     "CAST(ROW('Alice', 35) AS ROW(name VARCHAR, age INTEGER)), CAST(ROW('Jane', 27) AS ROW(name VARCHAR, age INTEGER))] "
     "AS users", [["[{name=Bob, age=38}, {name=Alice, age=35}, {name=Jane, age=27}]"]]),
    ("SELECT ARRAY [CAST(MAP(ARRAY['a1', 'a2', 'a3'], ARRAY[1, 2, 3]) AS JSON)] || "
     "ARRAY [CAST(MAP(ARRAY['b1', 'b2', 'b3'], ARRAY[4, 5, 6]) AS JSON)] AS items",
     [['[{"a1":1,"a2":2,"a3":3}, {"b1":4,"b2":5,"b3":6}]']]),
    ("WITH dataset AS ( SELECT ARRAY ['hello', 'amazon', 'athena'] AS words ) "
     "SELECT element_at(words, -1) AS last_word FROM dataset", [["athena"]]),
    ("SELECT flatten(ARRAY[ ARRAY[1,2], ARRAY[3,4] ]) AS items", [["[1, 2, 3, 4]"]]),
    ("WITH dataset AS ( SELECT ARRAY[3,1,2,5,2,3,6,3,4,5] AS items ) "
     "SELECT array_sort(array_agg(distinct i)) AS array_items FROM dataset CROSS JOIN UNNEST(items) AS t(i)",
     [["[1, 2, 3, 4, 5, 6]"]]),
    ("WITH dataset AS ( SELECT ARRAY ['hello', 'amazon', 'athena'] AS words ) "
     "SELECT array_join(words, ' ') AS welcome_msg FROM dataset", [["hello amazon athena"]]),
    ("SELECT map(ARRAY['first', 'last', 'age'],ARRAY['Bob', 'Smith', '35']) AS user",
     [["{first=Bob, last=Smith, age=35}"]]),
    ("WITH dataset AS ( SELECT ROW('Bob', 38) AS users ) SELECT * FROM dataset", [["{field0=Bob, field1=38}"]]),
    ("WITH dataset AS ( SELECT CAST( ROW('aws.amazon.com', ROW(true)) AS ROW(hostname VARCHAR, "
     "flaggedActivity ROW(isNew BOOLEAN)) ) AS sites ) SELECT * FROM dataset",
     [["{hostname=aws.amazon.com, flaggedactivity={isnew=true}}"]]),
    ("WITH dataset AS (SELECT '{\"name\": \"Susan Smith\",\"org\": \"engineering\",\"projects\": "
     "[{\"name\":\"project1\", \"completed\":false},{\"name\":\"project2\", \"completed\":true}]}' AS myblob) "
     "SELECT json_extract_scalar(myblob, '$.name') AS name, json_extract_scalar(myblob, '$.projects') AS projects "
     "FROM dataset", [["Susan Smith", None]]),
    ("WITH dataset AS ( SELECT * FROM (VALUES (JSON '{\"name\": \"Bob Smith\", \"org\": \"legal\", \"projects\": "
     "[\"project1\"]}'), (JSON '{\"name\": \"Susan Smith\", \"org\": \"engineering\", \"projects\": "
     "[\"project1\", \"project2\", \"project3\"]}'), (JSON '{\"name\": \"Jane Smith\", \"org\": \"finance\", "
     "\"projects\": [\"project1\", \"project2\"]}') ) AS t (users) ) SELECT json_extract_scalar(users, '$.name') "
     "AS user FROM dataset WHERE json_array_contains(json_extract(users, '$.projects'), 'project2')",
     [["Susan Smith"], ["Jane Smith"]]),
    ("SELECT CAST(JSON '{\"k1\":1,\"k2\":23,\"k3\":456}' AS MAP(VARCHAR, INTEGER))", [["{k1=1, k2=23, k3=456}"]]),
]


@pytest.mark.parametrize("sql, expected", SQL_EXAMPLES, ids=[sql[:60] for sql, _ in SQL_EXAMPLES])
def test_user_guide_sql_examples_return_the_documented_result(query, sql, expected):
    assert query(sql)[1][1:] == expected
