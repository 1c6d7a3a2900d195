"""JSON to Parquet and ORC with the schema of a Glue table: pyarrow and Athena read the
rows back with the table's types; records that do not convert go to error output as the documented
`format-conversion-failed` JSON record."""
import base64
import io
import json
import uuid
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.orc as pa_orc
import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError

from firehose_helpers import athena_rows, catalog_table, objects, parquet_table, wait_for_objects

pytestmark = pytest.mark.local_only

COLUMNS = [{"Name": "id", "Type": "bigint"}, {"Name": "name", "Type": "string"},
           {"Name": "price", "Type": "double"}, {"Name": "ok", "Type": "boolean"},
           {"Name": "tags", "Type": "array<string>"}]


@pytest.fixture
def glue_table(lakebox_server):
    with catalog_table(lakebox_server.client("glue"), "events", COLUMNS) as database:
        yield database, "events"


def conversion(database, table, serializer):
    return {"Enabled": True,
            "SchemaConfiguration": {"RoleARN": "arn:aws:iam::000000000000:role/firehose", "DatabaseName": database,
                                    "TableName": table},
            "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
            "OutputFormatConfiguration": {"Serializer": serializer}}


@pytest.mark.parametrize("serializer, read", [
    ({"ParquetSerDe": {"Compression": "SNAPPY"}}, lambda body: pq.read_table(io.BytesIO(body))),
    ({"ParquetSerDe": {"Compression": "GZIP"}}, lambda body: pq.read_table(io.BytesIO(body))),
    ({"OrcSerDe": {}}, lambda body: pa_orc.read_table(io.BytesIO(body)))])
def test_json_to_columnar_with_glue_types(firehose, s3, bucket, make_stream, clock, glue_table, serializer, read):
    name = make_stream(Prefix="data/", ErrorOutputPrefix="errors/", BufferingHints={"IntervalInSeconds": 60},
                       DataFormatConversionConfiguration=conversion(*glue_table, serializer))
    buffering = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"][
        "Destinations"][0]["ExtendedS3DestinationDescription"]["BufferingHints"]
    assert buffering == {"SizeInMBs": 128, "IntervalInSeconds": 60}
    rows = [{"id": i, "Name": f"item-{i}", "price": i * 1.5, "ok": i % 2 == 0, "tags": ["a", str(i)]}
            for i in range(50)]
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": json.dumps(r).encode()} for r in rows])
    clock(61)
    (key, body), = wait_for_objects(s3, bucket, "data/").items()
    assert key.endswith(".parquet" if "ParquetSerDe" in serializer else ".orc")
    table = read(body)
    kinds = [f.type for f in table.schema]
    assert kinds[:4] == [pa.int64(), pa.string(), pa.float64(), pa.bool_()]
    assert pa.types.is_list(kinds[4]) and kinds[4].value_type == pa.string()
    assert table.to_pylist() == [{"id": r["id"], "name": r["Name"], "price": r["price"], "ok": r["ok"],
                                  "tags": r["tags"]} for r in rows]
    assert objects(s3, bucket, "errors/") == {}


def test_records_that_do_not_convert_go_to_error_output(firehose, s3, bucket, make_stream, clock, glue_table):
    database, table = glue_table
    name = make_stream(Prefix="data/", ErrorOutputPrefix="errors/!{firehose:error-output-type}/",
                       BufferingHints={"IntervalInSeconds": 60},
                       DataFormatConversionConfiguration=conversion(database, table, {"ParquetSerDe": {}}))
    firehose.put_record_batch(DeliveryStreamName=name, Records=[
        {"Data": b'{"id": 1, "name": "good"}'}, {"Data": b'{"id": "not a number"}'}, {"Data": b"not json"}])
    clock(61)
    delivered = wait_for_objects(s3, bucket, count=2)
    (data_body,) = [v for k, v in delivered.items() if k.startswith("data/")]
    assert pq.read_table(io.BytesIO(data_body)).column("id").to_pylist() == [1]
    (error_key, error_body), = [(k, v) for k, v in delivered.items() if k.startswith("errors/")]
    assert error_key.startswith("errors/format-conversion-failed/")
    failed = [json.loads(line) for line in error_body.splitlines()]
    assert [base64.b64decode(f["rawData"]) for f in failed] == [b'{"id": "not a number"}', b"not json"]
    assert {f["lastErrorCode"] for f in failed} == {"DataFormatConversion.MalformedData"}
    assert failed[0]["dataCatalogTable"]["databaseName"] == database
    assert failed[0]["dataCatalogTable"]["tableName"] == table


def test_missing_table_sends_records_to_error_output(firehose, s3, bucket, make_stream, clock):
    name = make_stream(Prefix="data/", ErrorOutputPrefix="errors/", BufferingHints={"IntervalInSeconds": 60},
                       DataFormatConversionConfiguration=conversion("nodb", "notable", {"ParquetSerDe": {}}))
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b'{"id": 1}'})
    clock(61)
    (key, body), = wait_for_objects(s3, bucket, "errors/").items()
    assert json.loads(body)["lastErrorCode"] == "DataFormatConversion.InvalidSchema"


def test_conversion_with_compression_is_refused(firehose, bucket, glue_table):
    with pytest.raises(ClientError) as raised:
        firehose.create_delivery_stream(DeliveryStreamName=f"bad-{uuid.uuid4().hex[:8]}",
                                        ExtendedS3DestinationConfiguration={
                                            "RoleARN": "arn:aws:iam::000000000000:role/firehose",
                                            "BucketARN": f"arn:aws:s3:::{bucket}", "CompressionFormat": "GZIP",
                                            "DataFormatConversionConfiguration": conversion(*glue_table,
                                                                                            {"ParquetSerDe": {}})})
    assert raised.value.response["Error"]["Code"] == "InvalidArgumentException"


def test_pyarrow_reads_the_delivered_dataset_from_s3(lakebox_server, firehose, s3, bucket, make_stream, clock,
                                                     glue_table):
    """The lake's reader: pyarrow's S3FileSystem reads every Parquet object under the
    prefix as one dataset, with the Glue table's types."""
    name = make_stream(Prefix="lake/", ErrorOutputPrefix="errors/", BufferingHints={"IntervalInSeconds": 60},
                       DataFormatConversionConfiguration=conversion(*glue_table, {"ParquetSerDe": {}}))
    for batch in range(3):
        firehose.put_record_batch(DeliveryStreamName=name, Records=[
            {"Data": json.dumps({"id": batch * 10 + i, "name": f"n{i}", "ok": True}).encode()} for i in range(10)])
        clock(61)
        wait_for_objects(s3, bucket, "lake/", count=batch + 1)
    url = urlsplit(lakebox_server.endpoint)
    filesystem = pafs.S3FileSystem(access_key="test", secret_key="test", region="us-east-1",
                                   endpoint_override=url.netloc, scheme=url.scheme)
    table = ds.dataset(f"{bucket}/lake/", format="parquet", filesystem=filesystem).to_table()
    assert sorted(table.column("id").to_pylist()) == list(range(30))
    assert table.schema.field("price").type == pa.float64()


def test_athena_queries_what_the_stream_converted(lakebox_server, firehose, s3, bucket, make_stream, clock):
    """The lake end to end: Firehose converts JSON to Parquet under a Glue table's
    location, and Athena reads the rows back with their types."""
    glue, athena = lakebox_server.client("glue"), lakebox_server.client("athena")
    database = f"db_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": database})
    parquet_table(glue, database, "events", COLUMNS, f"s3://{bucket}/events/")
    try:
        name = make_stream(Prefix="events/", ErrorOutputPrefix="errors/", BufferingHints={"IntervalInSeconds": 60},
                           DataFormatConversionConfiguration=conversion(database, "events", {"ParquetSerDe": {}}))
        firehose.put_record_batch(DeliveryStreamName=name, Records=[
            {"Data": json.dumps({"id": i, "name": f"n{i % 2}", "price": 2.5, "ok": i % 2 == 0}).encode()}
            for i in range(20)])
        clock(61)
        wait_for_objects(s3, bucket, "events/")
        rows = athena_rows(athena, "SELECT name, count(*) AS n, sum(price) AS total, sum(id) AS ids FROM events "
                                   "GROUP BY name ORDER BY name", database, f"s3://{bucket}/results/")
        assert rows == [["name", "n", "total", "ids"], ["n0", "10", "25.0", "90"], ["n1", "10", "25.0", "100"]]
    finally:
        glue.delete_table(DatabaseName=database, Name="events")
        glue.delete_database(Name=database)
