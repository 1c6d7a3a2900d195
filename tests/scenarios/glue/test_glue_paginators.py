"""Every Glue paginator whose operation lakebox serves, driven with PageSize, MaxItems
and StartingToken over more items than a page holds. Databases and tables come back in
name order; the other listings' order is not documented, so they are checked as sets.
A NextToken Glue never gave is InvalidInputException. Account-wide listings run in an
account of their own, so that they hold only what the test made."""
import pytest

from paging import account_client, check_paginator, error_of, fresh_account

NAMES = [f"item_{n}" for n in range(6)]
ROLE = "arn:aws:iam::123456789012:role/service-role/glue"
BAD_TOKEN = ("InvalidInputException", "Invalid pagination token")


@pytest.fixture
def own(lakebox_server):
    return account_client(lakebox_server, "glue", fresh_account())


def _name(item):
    return item["Name"]


def test_tables_page_by_name(glue, database):
    for name in NAMES[::-1]:
        glue.create_table(DatabaseName=database, TableInput={"Name": name})
    check_paginator(glue, "GetTables", NAMES, key_of=_name, DatabaseName=database)
    assert error_of(glue.get_tables, DatabaseName=database, NextToken="bogus") == BAD_TOKEN


def test_partitions_page(glue, database):
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "events", "PartitionKeys": [{"Name": "day", "Type": "string"}],
        "StorageDescriptor": {"Location": "s3://bucket/events/"}})
    days = [f"2024-01-0{n}" for n in range(1, 8)]
    for day in days:
        glue.create_partition(DatabaseName=database, TableName="events", PartitionInput={
            "Values": [day], "StorageDescriptor": {"Location": f"s3://bucket/events/day={day}/"}})
    check_paginator(glue, "GetPartitions", [[day] for day in days], key_of=lambda p: p["Values"], ordered=False,
                    DatabaseName=database, TableName="events")
    check_paginator(glue, "GetPartitions", [["2024-01-05"], ["2024-01-06"], ["2024-01-07"]],
                    key_of=lambda p: p["Values"], ordered=False, DatabaseName=database, TableName="events",
                    Expression="day >= '2024-01-05'")
    assert error_of(glue.get_partitions, DatabaseName=database, TableName="events", NextToken="bogus") == BAD_TOKEN


def test_partition_indexes_page(glue, database):
    keys = [{"Name": name, "Type": "string"} for name in ("a", "b", "c")]
    glue.create_table(DatabaseName=database, TableInput={"Name": "wide", "PartitionKeys": keys})
    for key in keys:
        glue.create_partition_index(DatabaseName=database, TableName="wide",
                                    PartitionIndex={"Keys": [key["Name"]], "IndexName": f"by_{key['Name']}"})
    check_paginator(glue, "GetPartitionIndexes", ["by_a", "by_b", "by_c"], key_of=lambda i: i["IndexName"],
                    ordered=False, DatabaseName=database, TableName="wide")


def test_table_versions_page(glue, database):
    glue.create_table(DatabaseName=database, TableInput={"Name": "versioned"})
    for n in range(5):
        glue.update_table(DatabaseName=database, TableInput={"Name": "versioned", "Description": f"v{n}"})
    versions = [v["VersionId"] for v in glue.get_table_versions(DatabaseName=database, TableName="versioned")["TableVersions"]]
    assert len(versions) == 6
    check_paginator(glue, "GetTableVersions", versions, key_of=lambda v: v["VersionId"], ordered=False,
                    DatabaseName=database, TableName="versioned")
    assert error_of(glue.get_table_versions, DatabaseName=database, TableName="versioned",
                    NextToken="bogus") == BAD_TOKEN
    pruned = []         # the pruning loop: delete each page's old versions, then ask for the next page
    for page in glue.get_paginator("get_table_versions").paginate(
            DatabaseName=database, TableName="versioned", PaginationConfig={"PageSize": 2}):
        old = [v["VersionId"] for v in page["TableVersions"] if v["VersionId"] != versions[0]]
        if old:
            glue.batch_delete_table_version(DatabaseName=database, TableName="versioned", VersionIds=old)
        pruned += old
    assert sorted(pruned) == sorted(versions[1:])
    assert [v["VersionId"] for v in glue.get_table_versions(
        DatabaseName=database, TableName="versioned")["TableVersions"]] == versions[:1]


def test_functions_page(glue, database):
    for name in NAMES:
        glue.create_user_defined_function(DatabaseName=database, FunctionInput={
            "FunctionName": name, "ClassName": "com.example.Fn", "OwnerName": "me", "OwnerType": "USER"})
    check_paginator(glue, "GetUserDefinedFunctions", NAMES, key_of=lambda f: f["FunctionName"], ordered=False,
                    DatabaseName=database, Pattern="*")


@pytest.mark.local_only
def test_databases_page_by_name(own):
    for name in NAMES[::-1]:
        own.create_database(DatabaseInput={"Name": name})
    check_paginator(own, "GetDatabases", NAMES, key_of=_name)
    assert error_of(own.get_databases, NextToken="bogus") == BAD_TOKEN


@pytest.mark.local_only
def test_crawlers_and_their_metrics_page(own, bucket):
    for name in NAMES:
        own.create_crawler(Name=name, Role=ROLE, DatabaseName="db",
                           Targets={"S3Targets": [{"Path": f"s3://{bucket}/p/"}]})
    check_paginator(own, "GetCrawlers", NAMES, key_of=_name, ordered=False)
    check_paginator(own, "GetCrawlerMetrics", NAMES, key_of=lambda m: m["CrawlerName"], ordered=False)
    assert error_of(own.get_crawlers, NextToken="bogus") == BAD_TOKEN


@pytest.mark.local_only
def test_classifiers_page(own):
    for name in NAMES:
        own.create_classifier(GrokClassifier={"Name": name, "Classification": "logs", "GrokPattern": "%{WORD:w}"})
    check_paginator(own, "GetClassifiers", NAMES, key_of=lambda c: c["GrokClassifier"]["Name"], ordered=False)


@pytest.mark.local_only
def test_connections_page(own):
    for name in NAMES:
        own.create_connection(ConnectionInput={"Name": name, "ConnectionType": "JDBC", "ConnectionProperties": {
            "JDBC_CONNECTION_URL": "jdbc:postgresql://db:5432/app", "USERNAME": "u", "PASSWORD": "p"}})
    check_paginator(own, "GetConnections", NAMES, key_of=_name, ordered=False)


@pytest.mark.local_only
def test_jobs_page(own):
    for name in NAMES:
        own.create_job(Name=name, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://b/job.py"})
    check_paginator(own, "GetJobs", NAMES, key_of=_name, ordered=False)
    check_paginator(own, "ListJobs", NAMES, ordered=False)
    assert error_of(own.list_jobs, NextToken="bogus") == BAD_TOKEN


@pytest.mark.local_only
def test_security_configurations_page(own):
    for name in NAMES:
        own.create_security_configuration(Name=name, EncryptionConfiguration={
            "S3Encryption": [{"S3EncryptionMode": "SSE-S3"}]})
    check_paginator(own, "GetSecurityConfigurations", NAMES, key_of=_name, ordered=False)
    assert error_of(own.get_security_configurations, MaxResults=201) == (
        "InvalidInputException", "MaxResults size must be between 1 and 200")
    assert len(own.get_security_configurations(MaxResults=200)["SecurityConfigurations"]) == 6


@pytest.mark.local_only
def test_resource_policies_page(own):
    policy = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": '
              '"arn:aws:iam::123456789012:root"}, "Action": "glue:GetTable", "Resource": "*"}]}')
    own.put_resource_policy(PolicyInJson=policy)
    check_paginator(own, "GetResourcePolicies", [policy], key_of=lambda p: p["PolicyInJson"])


@pytest.mark.local_only
def test_objects_deleted_while_paging_skip_none(own, bucket):
    """The clean-up loop users write (delete each page's jobs, crawlers, triggers,
    workflows, connections, then ask for the next page) deletes them all: a NextToken
    names where the listing stopped, not how many came before."""
    for name in NAMES:
        own.create_job(Name=name, Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "s3://b/s.py"})
        own.create_crawler(Name=name, Role=ROLE, DatabaseName="lake",
                           Targets={"S3Targets": [{"Path": f"s3://{bucket}/p/"}]})
        own.create_trigger(Name=name, Type="ON_DEMAND", Actions=[{"JobName": name}])
        own.create_workflow(Name=name)
        own.create_connection(ConnectionInput={"Name": name, "ConnectionType": "NETWORK", "ConnectionProperties": {}})
    for operation, member, delete in (
            ("get_jobs", "Jobs", lambda item: own.delete_job(JobName=item["Name"])),
            ("list_jobs", "JobNames", lambda name: None),
            ("get_crawlers", "Crawlers", lambda item: own.delete_crawler(Name=item["Name"])),
            ("get_triggers", "Triggers", lambda item: own.delete_trigger(Name=item["Name"])),
            ("list_workflows", "Workflows", lambda name: own.delete_workflow(Name=name)),
            ("get_connections", "ConnectionList", lambda item: own.delete_connection(ConnectionName=item["Name"]))):
        seen = []
        for page in own.get_paginator(operation).paginate(PaginationConfig={"PageSize": 2}):
            for item in page[member]:
                seen.append(item if isinstance(item, str) else item["Name"])
                delete(item)
        assert sorted(seen) == (NAMES if operation != "list_jobs" else []), operation


@pytest.mark.local_only
def test_schema_registry_deleted_while_paging_skips_none(own):
    avro = '{"type": "record", "name": "r", "fields": [{"name": "f%d", "type": "int", "default": 0}]}'
    for name in NAMES:
        own.create_registry(RegistryName=name)
    for name in NAMES:
        own.create_schema(RegistryId={"RegistryName": NAMES[0]}, SchemaName=name, DataFormat="AVRO",
                          Compatibility="NONE", SchemaDefinition=avro % 0)
    schema = {"RegistryName": NAMES[0], "SchemaName": NAMES[0]}
    for n in range(1, 6):
        own.register_schema_version(SchemaId=schema, SchemaDefinition=avro % n)
    dropped = []        # keep the checkpoint (1) and the newest, delete the others page by page
    for page in own.get_paginator("list_schema_versions").paginate(SchemaId=schema, PaginationConfig={"PageSize": 2}):
        old = [v["VersionNumber"] for v in page["Schemas"] if v["VersionNumber"] not in (1, 6)]
        if old:
            own.delete_schema_versions(SchemaId=schema, Versions=f"{old[0]}-{old[-1]}" if len(old) > 1 else str(old[0]))
        dropped += old
    assert dropped == [2, 3, 4, 5]
    seen = []
    for page in own.get_paginator("list_schemas").paginate(RegistryId={"RegistryName": NAMES[0]},
                                                           PaginationConfig={"PageSize": 2}):
        for item in page["Schemas"]:
            seen.append(item["SchemaName"])
            own.delete_schema(SchemaId={"RegistryName": NAMES[0], "SchemaName": item["SchemaName"]})
    assert seen == NAMES
    seen = []
    for page in own.get_paginator("list_registries").paginate(PaginationConfig={"PageSize": 2}):
        for item in page["Registries"]:
            seen.append(item["RegistryName"])
            own.delete_registry(RegistryId={"RegistryName": item["RegistryName"]})
    assert seen == NAMES
