"""Column statistics, user-defined functions, connections, encryption settings,
resource policies and SearchTables through boto3."""
import datetime as dt
import json

import pytest
from botocore.exceptions import ClientError

from glue_helpers import parquet_table, partition


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


ANALYZED = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)


def long_stats(name, low, high):
    return {"ColumnName": name, "ColumnType": "bigint", "AnalyzedTime": ANALYZED,
            "StatisticsData": {"Type": "LONG", "LongColumnStatisticsData": {
                "MinimumValue": low, "MaximumValue": high, "NumberOfNulls": 0, "NumberOfDistinctValues": 10}}}


def test_column_statistics(glue, database):
    glue.create_table(DatabaseName=database, TableInput=dict(
        parquet_table("t", [("id", "bigint"), ("price", "decimal(10,2)")], [("dt", "string")]),
        LastAccessTime=ANALYZED))
    assert glue.get_table(DatabaseName=database, Name="t")["Table"]["LastAccessTime"] == ANALYZED
    decimal = {"ColumnName": "price", "ColumnType": "decimal(10,2)", "AnalyzedTime": ANALYZED,
               "StatisticsData": {"Type": "DECIMAL", "DecimalColumnStatisticsData": {
                   "MinimumValue": {"UnscaledValue": b"\x01\x00", "Scale": 2}, "NumberOfNulls": 1,
                   "NumberOfDistinctValues": 3}}}
    errors = glue.update_column_statistics_for_table(DatabaseName=database, TableName="t", ColumnStatisticsList=[
        long_stats("id", 1, 99), decimal, long_stats("nope", 0, 1)])["Errors"]
    assert [e["ColumnStatistics"]["ColumnName"] for e in errors] == ["nope"]
    got = glue.get_column_statistics_for_table(DatabaseName=database, TableName="t", ColumnNames=["id", "price",
                                                                                                  "missing"])
    assert got["ColumnStatisticsList"][0] == long_stats("id", 1, 99)
    assert got["ColumnStatisticsList"][1]["StatisticsData"]["DecimalColumnStatisticsData"]["MinimumValue"] == {
        "UnscaledValue": b"\x01\x00", "Scale": 2}
    assert [e["ColumnName"] for e in got["Errors"]] == ["missing"]
    glue.delete_column_statistics_for_table(DatabaseName=database, TableName="t", ColumnName="id")
    assert [e["ColumnName"] for e in glue.get_column_statistics_for_table(
        DatabaseName=database, TableName="t", ColumnNames=["id"])["Errors"]] == ["id"]

    glue.create_partition(DatabaseName=database, TableName="t", PartitionInput=partition(["2024-01-01"]))
    glue.update_column_statistics_for_partition(DatabaseName=database, TableName="t", PartitionValues=["2024-01-01"],
                                                ColumnStatisticsList=[long_stats("id", 5, 6)])
    got = glue.get_column_statistics_for_partition(DatabaseName=database, TableName="t",
                                                   PartitionValues=["2024-01-01"], ColumnNames=["id"])
    assert got["ColumnStatisticsList"] == [long_stats("id", 5, 6)]
    assert error_of(glue.get_column_statistics_for_partition, DatabaseName=database, TableName="t",
                    PartitionValues=["1999"], ColumnNames=["id"]) == ("EntityNotFoundException",
                                                                      "Partition [1999] not found")


def test_user_defined_functions(glue, database):
    function = {"FunctionName": "Normalize", "ClassName": "com.example.Normalize", "OwnerName": "me",
                "OwnerType": "USER", "ResourceUris": [{"ResourceType": "JAR", "Uri": "s3://b/udf.jar"}]}
    glue.create_user_defined_function(DatabaseName=database, FunctionInput=function)
    assert error_of(glue.create_user_defined_function, DatabaseName=database, FunctionInput=function)[0] == \
        "AlreadyExistsException"
    got = glue.get_user_defined_function(DatabaseName=database, FunctionName="normalize")["UserDefinedFunction"]
    assert (got["FunctionName"], got["ClassName"], got["DatabaseName"]) == (
        "normalize", "com.example.Normalize", database)
    glue.update_user_defined_function(DatabaseName=database, FunctionName="normalize",
                                      FunctionInput=dict(function, ClassName="com.example.V2"))
    listed = glue.get_user_defined_functions(DatabaseName=database, Pattern="norm*")["UserDefinedFunctions"]
    assert [f["ClassName"] for f in listed] == ["com.example.V2"]
    glue.delete_user_defined_function(DatabaseName=database, FunctionName="normalize")
    assert error_of(glue.get_user_defined_function, DatabaseName=database,
                    FunctionName="normalize")[0] == "EntityNotFoundException"


def test_user_defined_function_without_a_name_is_refused(glue, database):
    code, _ = error_of(glue.create_user_defined_function, DatabaseName=database,
                       FunctionInput={"ClassName": "com.example.Normalize", "OwnerType": "USER"})
    assert code == "InvalidInputException"
    assert glue.get_user_defined_functions(DatabaseName=database, Pattern="*")["UserDefinedFunctions"] == []


def test_connections(glue):
    connection = {"Name": "warehouse", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": "jdbc:postgresql://db:5432/dw", "USERNAME": "u", "PASSWORD": "p"}}
    glue.create_connection(ConnectionInput=connection)
    try:
        assert error_of(glue.create_connection, ConnectionInput=connection)[0] == "AlreadyExistsException"
        got = glue.get_connection(Name="warehouse")["Connection"]
        assert got["ConnectionProperties"]["PASSWORD"] == "p"
        hidden = glue.get_connection(Name="warehouse", HidePassword=True)["Connection"]
        assert "PASSWORD" not in hidden["ConnectionProperties"]
        assert [c["Name"] for c in glue.get_connections(Filter={"ConnectionType": "JDBC"})["ConnectionList"]] == [
            "warehouse"]
        glue.update_connection(Name="warehouse", ConnectionInput=dict(connection, Description="dw"))
        assert glue.get_connection(Name="warehouse")["Connection"]["Description"] == "dw"
    finally:
        result = glue.batch_delete_connection(ConnectionNameList=["warehouse", "nope"])
    assert result["Succeeded"] == ["warehouse"]
    assert list(result["Errors"]) == ["nope"]
    assert error_of(glue.get_connection, Name="warehouse")[0] == "EntityNotFoundException"


def test_encryption_settings_and_resource_policy(glue):
    settings = glue.get_data_catalog_encryption_settings()["DataCatalogEncryptionSettings"]
    assert settings["EncryptionAtRest"]["CatalogEncryptionMode"] == "DISABLED"
    glue.put_data_catalog_encryption_settings(DataCatalogEncryptionSettings={
        "EncryptionAtRest": {"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": "alias/glue"}})
    settings = glue.get_data_catalog_encryption_settings()["DataCatalogEncryptionSettings"]
    assert settings["EncryptionAtRest"] == {"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": "alias/glue"}
    glue.put_data_catalog_encryption_settings(DataCatalogEncryptionSettings={
        "EncryptionAtRest": {"CatalogEncryptionMode": "DISABLED"}})

    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
        "AWS": "arn:aws:iam::111122223333:root"}, "Action": "glue:GetTable", "Resource": "*"}]})
    policy_hash = glue.put_resource_policy(PolicyInJson=policy)["PolicyHash"]
    got = glue.get_resource_policy()
    assert (got["PolicyInJson"], got["PolicyHash"]) == (policy, policy_hash)
    assert error_of(glue.put_resource_policy, PolicyInJson=policy, PolicyExistsCondition="NOT_EXIST")[0] == \
        "ConcurrentModificationException"
    assert error_of(glue.put_resource_policy, PolicyInJson="{nope")[0] == "InvalidInputException"
    glue.delete_resource_policy(PolicyHashCondition=policy_hash)
    assert error_of(glue.get_resource_policy) == ("EntityNotFoundException", "Policy not found")


def test_search_tables(glue, database):
    glue.create_table(DatabaseName=database, TableInput=dict(parquet_table("orders", [("customer_id", "bigint")]),
                                                             Description="orders of the shop"))
    glue.create_table(DatabaseName=database, TableInput=parquet_table("customers", [("id", "bigint")]))
    names = lambda **kw: [t["Name"] for t in glue.search_tables(**kw)["TableList"] if t["DatabaseName"] == database]
    assert names(SearchText="customer") == ["customers", "orders"]
    assert names(SearchText="shop") == ["orders"]
    assert names(Filters=[{"Key": "DatabaseName", "Value": database}],
                 SortCriteria=[{"FieldName": "Name", "Sort": "ASC"}]) == ["customers", "orders"]
    assert names(Filters=[{"Key": "classification", "Value": "parquet"}, {"Key": "Name", "Value": "orders"}]) == [
        "orders"]


def test_security_configurations_and_import_status(glue):
    encryption = {"S3Encryption": [{"S3EncryptionMode": "SSE-S3"}],
                  "CloudWatchEncryption": {"CloudWatchEncryptionMode": "DISABLED"}}
    assert glue.create_security_configuration(Name="sec", EncryptionConfiguration=encryption)["Name"] == "sec"
    try:
        assert error_of(glue.create_security_configuration, Name="sec",
                        EncryptionConfiguration=encryption)[0] == "AlreadyExistsException"
        got = glue.get_security_configuration(Name="sec")["SecurityConfiguration"]
        assert got["EncryptionConfiguration"]["S3Encryption"] == [{"S3EncryptionMode": "SSE-S3"}]
        assert [c["Name"] for c in glue.get_security_configurations()["SecurityConfigurations"]] == ["sec"]
    finally:
        glue.delete_security_configuration(Name="sec")
    assert error_of(glue.get_security_configuration, Name="sec")[0] == "EntityNotFoundException"
    assert glue.get_catalog_import_status()["ImportStatus"]["ImportCompleted"] is True
