"""Format conversion against a version of the Glue table: SchemaConfiguration's VersionId
"Specifies the table version for the output data schema. If you don't specify this
version ID, or if you set it to LATEST, Firehose uses the most recent version. This
means that any updates to the table are automatically picked up." (API reference,
SchemaConfiguration). A table that gained a column after it was created: a stream pinned
to its first version (Glue numbers it 0) keeps writing the first columns, a LATEST one writes the new column too, and
a version the table does not have sends the records to format-conversion-failed."""
import base64
import io
import json
import uuid

import pyarrow.parquet as pq
import pytest

from firehose_helpers import ROLE, wait_for_objects

pytestmark = pytest.mark.local_only      # the clock is moved to flush

FIRST = [{"Name": "id", "Type": "int"}, {"Name": "name", "Type": "string"}]


@pytest.fixture
def evolved_table(lakebox_server):
    """A database whose table `users` has version 0 (id, name: as created) and version 1 (+ score)."""
    glue = lakebox_server.client("glue")
    database = f"versions_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": database})
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "users", "StorageDescriptor": {"Columns": FIRST, "Location": "s3://nowhere/users/"}})
    glue.update_table(DatabaseName=database, TableInput={
        "Name": "users", "StorageDescriptor": {"Columns": FIRST + [{"Name": "score", "Type": "double"}],
                                               "Location": "s3://nowhere/users/"}})
    versions = glue.get_table_versions(DatabaseName=database, TableName="users")["TableVersions"]
    assert sorted(v["VersionId"] for v in versions) == ["0", "1"]
    yield database
    glue.delete_table(DatabaseName=database, Name="users")
    glue.delete_database(Name=database)


def _stream(make_stream, database, prefix, **version):
    return make_stream(Prefix=f"{prefix}/", ErrorOutputPrefix=f"{prefix}-errors/",
                       BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 60},
                       DataFormatConversionConfiguration={
                           "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "users",
                                                   **version},
                           "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
                           "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}}})


def _rows(s3, bucket, prefix):
    (body,) = wait_for_objects(s3, bucket, f"{prefix}/").values()
    return pq.read_table(io.BytesIO(body)).to_pylist()


def test_a_pinned_version_keeps_its_columns_and_latest_follows_the_table(firehose, s3, bucket, make_stream, clock,
                                                                         evolved_table):
    record = {"Data": json.dumps({"id": 1, "name": "ann", "score": 9.5}).encode()}
    pinned = _stream(make_stream, evolved_table, "pinned", VersionId="0")
    latest = _stream(make_stream, evolved_table, "latest", VersionId="LATEST")
    unnamed = _stream(make_stream, evolved_table, "unnamed")
    missing = _stream(make_stream, evolved_table, "missing", VersionId="7")
    for name in (pinned, latest, unnamed, missing):
        firehose.put_record(DeliveryStreamName=name, Record=record)
    clock(61)
    assert _rows(s3, bucket, "pinned") == [{"id": 1, "name": "ann"}]
    assert _rows(s3, bucket, "latest") == [{"id": 1, "name": "ann", "score": 9.5}]
    assert _rows(s3, bucket, "unnamed") == [{"id": 1, "name": "ann", "score": 9.5}]

    (error,) = wait_for_objects(s3, bucket, "missing-errors/").values()
    document = json.loads(error)
    assert base64.b64decode(document["rawData"]) == record["Data"]
    assert document["dataCatalogTable"]["versionId"] == "7"
    assert document["lastErrorCode"] == "DataFormatConversion.InvalidSchema"
    assert wait_for_objects(s3, bucket, "missing/", timeout=0) == {}
