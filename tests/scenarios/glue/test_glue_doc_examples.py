"""The Glue documentation's examples, replayed as written (names adapted): the aws cli's
Glue reference (create-database, get-databases, create-table for a Kinesis stream, a
Kafka topic and an S3 location, get-tables), and the Developer Guide's "Creating a single
schema for each Amazon S3 include path" crawl. Every field the pages show is compared;
times and account ids by shape only."""
import json
import uuid

import pytest

from aws_cli import answer_of, run_cli
from glue_helpers import run_crawler

SENSOR_COLUMNS = [{"Name": "sensorid", "Type": "int"}, {"Name": "currenttemperature", "Type": "int"},
                  {"Name": "status", "Type": "string"}]
# create-table's three examples, and what get-tables shows of each table.
TABLE_INPUTS = {
    "test-kinesis-input": {
        "StorageDescriptor": {
            "Columns": SENSOR_COLUMNS, "Location": "my-testing-stream",
            "Parameters": {"typeOfData": "kinesis", "streamName": "my-testing-stream",
                           "kinesisUrl": "https://kinesis.us-east-1.amazonaws.com"},
            "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}},
        "Parameters": {"classification": "json"}},
    "test-kafka-input": {
        "StorageDescriptor": {
            "Columns": SENSOR_COLUMNS, "Location": "glue-topic",
            "Parameters": {"typeOfData": "kafka", "topicName": "glue-topic", "connectionName": "my-kafka-connection"},
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde"}},
        "Parameters": {"separatorChar": ","}},
    "s3-output": {
        "StorageDescriptor": {
            "Columns": [{"Name": "s1", "Type": "string"}, {"Name": "s2", "Type": "int"},
                        {"Name": "s3", "Type": "string"}],
            "Location": "s3://bucket-path/",
            "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}},
        "Parameters": {"classification": "json"}},
}
# What Glue fills in a StorageDescriptor the input left out (get-tables' output).
FILLED = {"Compressed": False, "NumberOfBuckets": 0, "SortColumns": [], "StoredAsSubDirectories": False}


def glue_cli(lakebox_server, *args):
    return answer_of(run_cli(lakebox_server, "glue", *args))


@pytest.fixture
def tempdb(lakebox_server, glue):
    name = f"tempdb_{uuid.uuid4().hex[:8]}"
    assert glue_cli(lakebox_server, "create-database", "--database-input", json.dumps({"Name": name})) == {}
    yield name
    glue.delete_database(Name=name)


def test_get_databases_example_shows_a_new_database_with_its_default_permissions(lakebox_server, tempdb):
    listed = {d["Name"]: d for d in glue_cli(lakebox_server, "get-databases")["DatabaseList"]}
    database = listed[tempdb]
    assert sorted(database) == ["CatalogId", "CreateTableDefaultPermissions", "CreateTime", "Name"]
    assert database["CreateTableDefaultPermissions"] == [
        {"Principal": {"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"}, "Permissions": ["ALL"]}]
    assert isinstance(database["CreateTime"], float) and database["CatalogId"].isdigit()


def test_create_table_examples_come_back_from_get_tables_as_the_page_shows(lakebox_server, tempdb):
    for name, table_input in TABLE_INPUTS.items():
        assert glue_cli(lakebox_server, "create-table", "--database-name", tempdb,
                        "--table-input", json.dumps({"Name": name, **table_input})) == {}
    tables = {t["Name"]: t for t in glue_cli(lakebox_server, "get-tables", "--database-name", tempdb)["TableList"]}
    assert sorted(tables) == sorted(TABLE_INPUTS)
    for name, table_input in TABLE_INPUTS.items():
        table = tables[name]
        assert (table["DatabaseName"], table["Retention"], table["IsRegisteredWithLakeFormation"]) == (
            tempdb, 0, False)
        assert table["CreateTime"] == table["UpdateTime"]
        assert table["Parameters"] == table_input["Parameters"]
        assert table["StorageDescriptor"] == {**FILLED, **table_input["StorageDescriptor"]}
        assert table["CreatedBy"].startswith("arn:aws:iam::") and table["CatalogId"].isdigit()


def test_a_storage_descriptor_without_serde_stays_without_one(glue, database):
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "s3-source", "Parameters": {"classification": "json"},
        "StorageDescriptor": {"Columns": SENSOR_COLUMNS, "Location": "s3://bucket-path/"}})
    descriptor = glue.get_table(DatabaseName=database, Name="s3-source")["Table"]["StorageDescriptor"]
    assert descriptor == {"Columns": SENSOR_COLUMNS, "Location": "s3://bucket-path/", **FILLED}


@pytest.mark.parametrize("configuration, expected", [
    # the page names the fields A..D; Glue keeps column names in lower case
    (None, {"year_2017": ([("a", "int"), ("b", "int")], []),
            "year_2018": ([("c", "int"), ("d", "int")], [])}),
    ({"Version": 1.0, "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"}},
     {"table1": ([("a", "int"), ("b", "int"), ("c", "int"), ("d", "int")], [("year", "string")])}),
], ids=["default", "single-schema"])
def test_grouping_policy_example(glue, s3, bucket, fresh_database, configuration, expected):
    s3.put_object(Bucket=bucket, Key="table1/year=2017/data1.json", Body=b'{"A": 1, "B": 2}\n')
    s3.put_object(Bucket=bucket, Key="table1/year=2018/data2.json", Body=b'{"C": 3, "D": 4}\n')
    database = fresh_database("grouping")
    crawler = dict(Name=database, Role="arn:aws:iam::123456789012:role/AWSGlueServiceRole-docs",
                   DatabaseName=database, Targets={"S3Targets": [{"Path": f"s3://{bucket}/table1/"}]})
    if configuration:
        crawler["Configuration"] = json.dumps(configuration)
    glue.create_crawler(**crawler)
    try:
        run_crawler(glue, database)
        tables = glue.get_tables(DatabaseName=database)["TableList"]
        found = {t["Name"]: ([(c["Name"], c["Type"]) for c in t["StorageDescriptor"]["Columns"]],
                             [(k["Name"], k["Type"]) for k in t["PartitionKeys"]]) for t in tables}
        assert found == expected
    finally:
        glue.delete_crawler(Name=database)


def test_create_connection_example_for_a_kafka_store(lakebox_server, glue):
    name = f"conn-kafka-custom-{uuid.uuid4().hex[:8]}"
    connection = {"Name": name, "Description": "kafka connection with ssl to custom kafka", "ConnectionType": "KAFKA",
                  "ConnectionProperties": {"KAFKA_BOOTSTRAP_SERVERS": "<Kafka-broker-server-url>:<SSL-Port>",
                                           "KAFKA_SSL_ENABLED": "true",
                                           "KAFKA_CUSTOM_CERT": "s3://bucket/prefix/cert-file.pem"},
                  "PhysicalConnectionRequirements": {"SubnetId": "subnet-1234", "SecurityGroupIdList": ["sg-1234"],
                                                     "AvailabilityZone": "us-east-1a"}}
    glue_cli(lakebox_server, "create-connection", "--connection-input", json.dumps(connection))
    try:
        stored = glue.get_connection(Name=name)["Connection"]
        assert {key: stored[key] for key in connection} == connection
    finally:
        glue.delete_connection(ConnectionName=name)


def test_merge_new_columns_example_adds_columns_and_changes_none(glue, s3, bucket, fresh_database):
    """"Preventing a crawler from changing an existing schema": update-crawler with
    CrawlerOutput.Tables.AddOrUpdateBehavior MergeNewColumns keeps the table's columns
    (a type the user set, a column the data no longer has) and adds the new ones."""
    s3.put_object(Bucket=bucket, Key="events/p1.json", Body=b'{"a": 1, "c": 2}\n')
    database = fresh_database("merge")
    glue.create_crawler(Name=database, Role="arn:aws:iam::123456789012:role/AWSGlueServiceRole-docs",
                        DatabaseName=database, Targets={"S3Targets": [{"Path": f"s3://{bucket}/events/"}]})
    try:
        run_crawler(glue, database)
        table = glue.get_table(DatabaseName=database, Name="events")["Table"]
        table_input = {k: table[k] for k in ("Name", "StorageDescriptor", "PartitionKeys", "TableType", "Parameters")}
        table_input["StorageDescriptor"]["Columns"][0]["Type"] = "string"
        glue.update_table(DatabaseName=database, TableInput=table_input)
        s3.delete_object(Bucket=bucket, Key="events/p1.json")
        s3.put_object(Bucket=bucket, Key="events/p2.json", Body=b'{"a": 1, "b": "x"}\n')
        glue.update_crawler(Name=database, Configuration=json.dumps(
            {"Version": 1.0, "CrawlerOutput": {"Tables": {"AddOrUpdateBehavior": "MergeNewColumns"}}}))
        run_crawler(glue, database)
        columns = glue.get_table(DatabaseName=database, Name="events")["Table"]["StorageDescriptor"]["Columns"]
        assert [(c["Name"], c["Type"]) for c in columns] == [("a", "string"), ("c", "int"), ("b", "string")]
    finally:
        glue.delete_crawler(Name=database)


@pytest.mark.parametrize("threshold, status", [(1, "FAILED"), (2, "SUCCEEDED")])
def test_table_threshold_example_fails_a_crawl_finding_more_tables(glue, s3, bucket, fresh_database, threshold,
                                                                     status):
    """"Specifying the maximum number of tables the crawler is allowed to create": a crawl
    that finds more tables than TableThreshold fails and writes nothing."""
    s3.put_object(Bucket=bucket, Key="table1/year=2017/data1.json", Body=b'{"A": 1, "B": 2}\n')
    s3.put_object(Bucket=bucket, Key="table1/year=2018/data2.json", Body=b'{"C": 3, "D": 4}\n')
    database = fresh_database("threshold")
    glue.create_crawler(Name=database, Role="arn:aws:iam::123456789012:role/AWSGlueServiceRole-docs",
                        DatabaseName=database, Targets={"S3Targets": [{"Path": f"s3://{bucket}/table1/"}]},
                        Configuration=json.dumps({"Version": 1.0, "CrawlerOutput": {"Tables": {
                            "TableThreshold": threshold}}}))
    try:
        last = run_crawler(glue, database)["LastCrawl"]
        assert last["Status"] == status
        tables = glue.get_tables(DatabaseName=database)["TableList"]
        if status == "FAILED":
            assert last["ErrorMessage"] == "Table Threshold value = 1, Tables detected - 2" and tables == []
        else:
            assert len(tables) == 2
    finally:
        glue.delete_crawler(Name=database)
