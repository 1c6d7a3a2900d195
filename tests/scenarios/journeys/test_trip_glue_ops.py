"""Catalog housekeeping with boto3 as pipelines do it: table versions on update,
partitions in batches (create, get, update, delete), paginated listings, and the errors
of a missing entity."""
import pytest

from trip_helpers import error_of


def table_input(bucket, columns, name="clicks"):
    return {"Name": name, "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
            "PartitionKeys": [{"Name": "dt", "Type": "string"}, {"Name": "hour", "Type": "int"}],
            "StorageDescriptor": {"Columns": [{"Name": n, "Type": t} for n, t in columns],
                                  "Location": f"s3://{bucket}/clicks/",
                                  "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                                  "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                                  "SerdeInfo": {"SerializationLibrary":
                                                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}}


def test_versions_partitions_and_pages(client, bucket, database):
    glue = client("glue")
    glue.create_table(DatabaseName=database, TableInput=table_input(bucket, [("url", "string")]))
    glue.update_table(DatabaseName=database, TableInput=table_input(bucket, [("url", "string"), ("ms", "bigint")]))
    versions = glue.get_table_versions(DatabaseName=database, TableName="clicks")["TableVersions"]
    assert sorted(v["VersionId"] for v in versions) == ["0", "1"]
    latest = glue.get_table(DatabaseName=database, Name="clicks")["Table"]
    assert [c["Name"] for c in latest["StorageDescriptor"]["Columns"]] == ["url", "ms"]
    assert latest["VersionId"] == "1"

    values = [[f"2024-01-{d:02d}", str(h)] for d in range(1, 6) for h in range(0, 24, 6)]
    for start in range(0, len(values), 7):
        created = glue.batch_create_partition(DatabaseName=database, TableName="clicks", PartitionInputList=[
            {"Values": v, "StorageDescriptor": {**latest["StorageDescriptor"],
                                                "Location": f"s3://{bucket}/clicks/dt={v[0]}/hour={v[1]}/"}}
            for v in values[start:start + 7]])
        assert created.get("Errors", []) == []
    again = glue.batch_create_partition(DatabaseName=database, TableName="clicks",
                                        PartitionInputList=[{"Values": values[0]}])
    assert again["Errors"][0]["ErrorDetail"]["ErrorCode"] == "AlreadyExistsException"
    pages = list(glue.get_paginator("get_partitions").paginate(DatabaseName=database, TableName="clicks",
                                                                PaginationConfig={"PageSize": 6}))
    assert sum(len(p["Partitions"]) for p in pages) == 20 and len(pages) >= 4
    filtered = glue.get_partitions(DatabaseName=database, TableName="clicks",
                                   Expression="dt = '2024-01-03' AND hour >= 12")["Partitions"]
    assert sorted(p["Values"][1] for p in filtered) == ["12", "18"]
    got = glue.batch_get_partition(DatabaseName=database, TableName="clicks", PartitionsToGet=[
        {"Values": ["2024-01-01", "0"]}, {"Values": ["2099-01-01", "0"]}])
    assert [p["Values"] for p in got["Partitions"]] == [["2024-01-01", "0"]]
    assert got["UnprocessedKeys"] == []
    glue.update_partition(DatabaseName=database, TableName="clicks", PartitionValueList=["2024-01-01", "0"],
                          PartitionInput={"Values": ["2024-01-01", "0"], "Parameters": {"checked": "yes"},
                                          "StorageDescriptor": latest["StorageDescriptor"]})
    one = glue.get_partition(DatabaseName=database, TableName="clicks", PartitionValues=["2024-01-01", "0"])
    assert one["Partition"]["Parameters"]["checked"] == "yes"
    deleted = glue.batch_delete_partition(DatabaseName=database, TableName="clicks", PartitionsToDelete=[
        {"Values": v} for v in values[:4]])
    assert deleted.get("Errors", []) == []
    remaining = [p for page in glue.get_paginator("get_partitions").paginate(DatabaseName=database,
                                                                              TableName="clicks")
                 for p in page["Partitions"]]
    assert len(remaining) == 16

    code, _ = error_of(glue.get_partition, DatabaseName=database, TableName="clicks",
                       PartitionValues=["2024-01-01", "0"])
    assert code == "EntityNotFoundException"
    code, message = error_of(glue.get_table, DatabaseName=database, Name="nope")
    assert code == "EntityNotFoundException"
    assert message == "Entity Not Found"
    code, _ = error_of(glue.create_table, DatabaseName=database, TableInput=table_input(bucket, [("url", "string")]))
    assert code == "AlreadyExistsException"
    glue.batch_delete_table(DatabaseName=database, TablesToDelete=["clicks"])
    assert glue.get_tables(DatabaseName=database)["TableList"] == []


def test_tables_paginate_and_search(client, bucket, database):
    glue = client("glue")
    for n in range(12):
        glue.create_table(DatabaseName=database, TableInput=table_input(bucket, [("v", "int")], name=f"t{n:02d}"))
    names = [t["Name"] for page in glue.get_paginator("get_tables").paginate(
        DatabaseName=database, PaginationConfig={"PageSize": 5}) for t in page["TableList"]]
    assert names == [f"t{n:02d}" for n in range(12)]
    matched = glue.get_tables(DatabaseName=database, Expression="t0*")["TableList"]
    assert [t["Name"] for t in matched] == [f"t{n:02d}" for n in range(10)]
    databases = [d["Name"] for page in glue.get_paginator("get_databases").paginate() for d in page["DatabaseList"]]
    assert database in databases
    glue.batch_delete_table(DatabaseName=database, TablesToDelete=[f"t{n:02d}" for n in range(12)])
