"""Glue's CreateTable with OpenTableFormatInput creates an empty Iceberg table as AWS
does (its first metadata file under the location, `table_type=ICEBERG` and
`metadata_location` on the table), which Athena then writes and reads and pyiceberg
opens."""
import json

import pytest

from athena_helpers import pyiceberg_catalog


@pytest.fixture
def catalog(lakebox_server):
    return pyiceberg_catalog(lakebox_server)


def _create(glue, database, bucket, **extra):
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "events", "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {"Location": f"s3://{bucket}/iceberg/events",
                              "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "kind", "Type": "string"}]},
        **extra}, OpenTableFormatInput={"IcebergInput": {"MetadataOperation": "CREATE", "Version": "2"}})


def test_create_table_with_open_table_format_input_makes_an_empty_iceberg_table(query, glue, s3, catalog, bucket,
                                                                                 database):
    _create(glue, database, bucket)
    table = glue.get_table(DatabaseName=database, Name="events")["Table"]
    assert table["Parameters"]["table_type"] == "ICEBERG"
    location = table["Parameters"]["metadata_location"]
    assert location.startswith(f"s3://{bucket}/iceberg/events/metadata/00000-")
    key = location.split(f"s3://{bucket}/", 1)[1]
    metadata = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    assert (metadata["format-version"], metadata["current-snapshot-id"]) == (2, -1)
    assert [(f["id"], f["name"], f["type"]) for f in metadata["schemas"][0]["fields"]] == [
        (1, "id", "long"), (2, "kind", "string")]
    assert table["StorageDescriptor"]["Columns"][0]["Parameters"]["iceberg.field.id"] == "1"
    query("INSERT INTO events VALUES (1, 'click'), (2, 'view')")
    _, rows, _ = query("SELECT id, kind FROM events ORDER BY id")
    assert rows[1:] == [["1", "click"], ["2", "view"]]
    assert sorted(row["id"] for row in catalog.load_table(f"{database}.events").scan().to_arrow().to_pylist()) \
        == [1, 2]


def test_partition_spec_of_create_iceberg_table_input(query, glue, s3, bucket, database):
    glue.create_table(DatabaseName=database, TableInput={"Name": "events"}, OpenTableFormatInput={"IcebergInput": {
        "MetadataOperation": "CREATE", "CreateIcebergTableInput": {
            "Location": f"s3://{bucket}/iceberg/events",
            "Schema": {"Type": "struct", "Fields": [{"Id": 1, "Name": "id", "Type": "long", "Required": False},
                                                    {"Id": 2, "Name": "ts", "Type": "timestamp", "Required": False}]},
            "PartitionSpec": {"Fields": [{"SourceId": 2, "Transform": "day", "Name": "ts_day"},
                                         {"SourceId": 1, "Transform": "bucket[8]", "Name": "id_bucket"}]}}}})
    _, rows, _ = query("SHOW CREATE TABLE events")
    assert ["PARTITIONED BY (day(ts), bucket(8, id))"] in rows
    query("INSERT INTO events VALUES (1, TIMESTAMP '2024-03-01 10:00:00')")
    _, rows, _ = query('SELECT partition.ts_day, record_count FROM "events$partitions"')
    assert rows[1:] == [["2024-03-01", "1"]]


def test_bad_open_table_format_inputs_are_refused_and_create_nothing(glue, bucket, database):
    with pytest.raises(glue.exceptions.InvalidInputException, match="Location is required"):
        glue.create_table(DatabaseName=database, TableInput={"Name": "events"},
                          OpenTableFormatInput={"IcebergInput": {"MetadataOperation": "CREATE"}})
    with pytest.raises(glue.exceptions.InvalidInputException, match="bucket nope-missing-bucket does not exist"):
        glue.create_table(DatabaseName=database, TableInput={
            "Name": "events", "StorageDescriptor": {"Location": "s3://nope-missing-bucket/t"}},
            OpenTableFormatInput={"IcebergInput": {"MetadataOperation": "CREATE"}})
    assert glue.get_tables(DatabaseName=database)["TableList"] == []
