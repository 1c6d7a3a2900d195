"""A catalog upkeep job (the kind dbt-athena and Spark's Glue client run) meets every
partial failure Glue reports, in Glue's own words as a capture of real Glue recorded them
(radkawar/stackd, testdata/aws/glue/catalog_verified.json): a partition batch with one
entry of the wrong arity is refused whole and creates nothing; an existing partition,
a missing partition to update or delete, and a missing table to delete come back as
error entries (each with its own wording); the current table version cannot be deleted;
a version the table never reached and one it no longer keeps are told apart; GetTable
of a table that is gone says "Entity Not Found"; and another account's catalog is
refused with the reason."""
from trip_helpers import error_of

COLUMNS = [{"Name": "category", "Type": "string"}, {"Name": "amount", "Type": "int"}]


def descriptor(bucket, suffix=""):
    return {"Columns": COLUMNS, "Location": f"s3://{bucket}/sales/{suffix}",
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                          "Parameters": {"field.delim": ","}}}


def part(bucket, day):
    return {"Values": [day], "StorageDescriptor": descriptor(bucket, f"day={day}/")}


def test_upkeep_meets_each_partial_failure(client, bucket, database):
    glue = client("glue")
    account = client("sts").get_caller_identity()["Account"]
    table = {"Name": "sales", "Description": "revision-0", "TableType": "EXTERNAL_TABLE",
             "Parameters": {"classification": "csv"}, "StorageDescriptor": descriptor(bucket),
             "PartitionKeys": [{"Name": "day", "Type": "string"}]}
    glue.create_table(DatabaseName=database, TableInput=table)
    glue.create_table(DatabaseName=database, TableInput={"Name": "alpha"})
    got = glue.get_table(DatabaseName=database, Name="sales")["Table"]
    assert (got["VersionId"], got["IsMultiDialectView"], got["IsMaterializedView"]) == ("0", False, False)
    bare = glue.get_tables(DatabaseName=database, MaxResults=1)
    assert ([t["Name"] for t in bare["TableList"]], "NextToken" in bare) == (["alpha"], True)
    assert sorted(bare["TableList"][0]) == [
        "CatalogId", "CreateTime", "CreatedBy", "DatabaseName", "IsMaterializedView", "IsMultiDialectView",
        "IsRegisteredWithLakeFormation", "Name", "Retention", "UpdateTime", "VersionId"]

    # versions: 0 archived by a plain update, 1 replaced without archive, 2 current
    glue.update_table(DatabaseName=database, TableInput=dict(table, Description="revision-1"))
    glue.update_table(DatabaseName=database, TableInput=dict(table, Description="revision-2"), SkipArchive=True)
    assert [(v["VersionId"], v["Table"]["Description"]) for v in glue.get_table_versions(
        DatabaseName=database, TableName="sales")["TableVersions"]] == [("2", "revision-2"), ("0", "revision-0")]
    assert error_of(glue.get_table_version, DatabaseName=database, TableName="sales", VersionId="1") == (
        "EntityNotFoundException", "Table version not found.")
    assert error_of(glue.get_table_version, DatabaseName=database, TableName="sales", VersionId="999") == (
        "EntityNotFoundException", "Version not found.")
    assert error_of(glue.delete_table_version, DatabaseName=database, TableName="sales", VersionId="2") == (
        "InvalidInputException", "VersionId cannot be equal to the latest.")
    glue.delete_table_version(DatabaseName=database, TableName="sales", VersionId="0")
    assert [v["VersionId"] for v in glue.get_table_versions(DatabaseName=database, TableName="sales")[
        "TableVersions"]] == ["2"]

    glue.create_partition(DatabaseName=database, TableName="sales", PartitionInput=part(bucket, "2026-01-01"))
    wrong_arity = {"Values": ["bad", "extra"], "StorageDescriptor": descriptor(bucket)}
    assert error_of(glue.batch_create_partition, DatabaseName=database, TableName="sales", PartitionInputList=[
        part(bucket, "2026-01-01"), part(bucket, "2026-01-02"), wrong_arity]) == (
        "InvalidInputException", "The number of partition keys do not match the number of partition values")
    assert [p["Values"] for p in glue.get_partitions(DatabaseName=database, TableName="sales")["Partitions"]] == [
        ["2026-01-01"]]
    created = glue.batch_create_partition(DatabaseName=database, TableName="sales", PartitionInputList=[
        part(bucket, "2026-01-01"), part(bucket, "2026-01-02")])
    assert created["Errors"] == [{"PartitionValues": ["2026-01-01"], "ErrorDetail": {
        "ErrorCode": "AlreadyExistsException", "ErrorMessage": "Partition already exists."}}]

    fetched = glue.batch_get_partition(DatabaseName=database, TableName="sales", PartitionsToGet=[
        {"Values": ["2026-01-02"]}, {"Values": ["missing"]}, {"Values": ["2026-01-01"]}])
    assert ([p["Values"] for p in fetched["Partitions"]], fetched["UnprocessedKeys"]) == (
        [["2026-01-02"], ["2026-01-01"]], [])
    updated = glue.batch_update_partition(DatabaseName=database, TableName="sales", Entries=[
        {"PartitionValueList": ["2026-01-02"], "PartitionInput": dict(part(bucket, "2026-01-02"),
                                                                       Parameters={"updated": "yes"})},
        {"PartitionValueList": ["missing"], "PartitionInput": part(bucket, "missing")}])
    assert updated["Errors"] == [{"PartitionValueList": ["missing"], "ErrorDetail": {
        "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Partition [missing] not found"}}]
    assert glue.get_partition(DatabaseName=database, TableName="sales", PartitionValues=["2026-01-02"])[
        "Partition"]["Parameters"] == {"updated": "yes"}
    deleted = glue.batch_delete_partition(DatabaseName=database, TableName="sales", PartitionsToDelete=[
        {"Values": ["2026-01-01"]}, {"Values": ["missing"]}])
    assert deleted["Errors"] == [{"PartitionValues": ["missing"], "ErrorDetail": {
        "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Partition not found"}}]
    assert error_of(glue.get_partition, DatabaseName=database, TableName="sales", PartitionValues=["2026-01-01"]) == (
        "EntityNotFoundException", "Cannot find partition.")

    dropped = glue.batch_delete_table(DatabaseName=database, TablesToDelete=["alpha", "missing"])
    assert dropped["Errors"] == [{"TableName": "missing", "ErrorDetail": {
        "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Table missing not found"}}]
    assert error_of(glue.get_table, DatabaseName=database, Name="alpha") == (
        "EntityNotFoundException", "Entity Not Found")
    glue.delete_table(DatabaseName=database, Name="sales")
    assert error_of(glue.get_partition, DatabaseName=database, TableName="sales", PartitionValues=["2026-01-02"]) == (
        "EntityNotFoundException", "Table sales not found.")
    assert error_of(glue.delete_table, DatabaseName=database, Name="sales") == (
        "EntityNotFoundException", "Table sales not found.")

    other = "917546008205" if account != "917546008205" else "917546008206"
    caller = client("sts").get_caller_identity()["Arn"]
    assert error_of(glue.get_database, CatalogId=other, Name=database) == (
        "AccessDeniedException", f"User: {caller} is not authorized to perform: glue:GetDatabase on resource: "
                                 f"arn:aws:glue:us-east-1:{other}:catalog because no resource-based policy allows "
                                 "the glue:GetDatabase action")
