"""An analytics engineer chooses the columnar codec of a payments feed: one Glue table
gives the schema, and six DirectPut delivery streams convert the same JSON payments,
Parquet with UNCOMPRESSED, GZIP and SNAPPY (OpenX JSON SerDe) and ORC with NONE, ZLIB and
SNAPPY (Hive JSON SerDe with `millis` and a pattern of its own in TimestampFormats; the
ZLIB one in ORC's format version 0.11 with a bloom filter), each
under its own prefix. The files are read back with pyarrow: the codec each column chunk or
file names, the exact values and types (Parquet timestamps are Hive's INT96); then Athena's CREATE EXTERNAL TABLE over one
prefix of each format answers the same totals. Buffers under the 64 MiB conversion needs,
a GZIP CompressionFormat and a serializer left out are refused as Firehose refuses them."""
import datetime
import decimal
import io
import json
import uuid

import pyarrow.orc as orc
import pyarrow.parquet as pq
import pytest

from trip_helpers import athena_rows, error_of, keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-delivery"
COLUMNS = [{"Name": "payment_id", "Type": "string"}, {"Name": "amount", "Type": "decimal(12,2)"},
           {"Name": "attempts", "Type": "int"}, {"Name": "captured", "Type": "boolean"},
           {"Name": "paid_at", "Type": "timestamp"}, {"Name": "labels", "Type": "array<string>"}]
CODECS = [("ParquetSerDe", "UNCOMPRESSED", "UNCOMPRESSED"), ("ParquetSerDe", "GZIP", "GZIP"),
          ("ParquetSerDe", "SNAPPY", "SNAPPY"), ("OrcSerDe", "NONE", "UNCOMPRESSED"),
          ("OrcSerDe", "ZLIB", "ZLIB"), ("OrcSerDe", "SNAPPY", "SNAPPY")]
BASE = datetime.datetime(2024, 3, 1, 8, 0, tzinfo=datetime.timezone.utc)


def payment(n, hive):
    at = BASE + datetime.timedelta(minutes=7 * n)
    if hive:      # epoch milliseconds for some, the team's own pattern for the others
        paid_at = int(at.timestamp() * 1000) if n % 2 else at.strftime("%d/%m/%Y %H:%M")
    else:
        paid_at = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"payment_id": f"p-{n:03d}", "amount": f"{n * 3 + 0.5:.2f}", "attempts": n % 3 + 1,
            "captured": n % 4 != 0, "paid_at": paid_at, "labels": ["card"] + ["retry"] * (n % 3)}


def destination(bucket, database, serializer, compression, **changes):
    hive = serializer == "OrcSerDe"
    deserializer = ({"HiveJsonSerDe": {"TimestampFormats": ["millis", "dd/MM/yyyy HH:mm"]}} if hive
                    else {"OpenXJsonSerDe": {}})
    config = {
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": f"pay/{compression.lower()}-{serializer}/",
        "ErrorOutputPrefix": f"pay-errors/{compression.lower()}-{serializer}/",
        "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 120},
        "DataFormatConversionConfiguration": {
            "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "payments_schema"},
            "InputFormatConfiguration": {"Deserializer": deserializer},
            "OutputFormatConfiguration": {"Serializer": {serializer: {"Compression": compression, **(
                {"FormatVersion": "V0_11", "BloomFilterColumns": ["payment_id"]} if compression == "ZLIB" else {})}}}}}
    return {**config, **changes}


@pytest.fixture
def schema_table(client, bucket, database):
    client("glue").create_table(DatabaseName=database, TableInput={
        "Name": "payments_schema", "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://{bucket}/schema/"}})


def test_six_codecs_read_back_exactly_and_queried(client, clock, bucket, database, schema_table,
                                                  delivery_streams):
    firehose, s3, athena = client("firehose"), client("s3"), client("athena")
    made = {(serializer, compression): delivery_streams(
        "pay", ExtendedS3DestinationConfiguration=destination(bucket, database, serializer, compression))
            for serializer, compression, _ in CODECS}
    stored = firehose.describe_delivery_stream(DeliveryStreamName=made["ParquetSerDe", "GZIP"])[
        "DeliveryStreamDescription"]["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert stored["CompressionFormat"] == "UNCOMPRESSED"
    assert stored["DataFormatConversionConfiguration"]["Enabled"] is True
    assert stored["BufferingHints"] == {"SizeInMBs": 64, "IntervalInSeconds": 120}
    for (serializer, _), name in made.items():
        records = [{"Data": json.dumps(payment(n, serializer == "OrcSerDe")).encode()} for n in range(40)]
        answer = firehose.put_record_batch(DeliveryStreamName=name, Records=records)
        assert answer["FailedPutCount"] == 0
    clock(121)

    expected_amounts = [decimal.Decimal(f"{n * 3 + 0.5:.2f}") for n in range(40)]
    for serializer, compression, codec in CODECS:
        prefix = f"pay/{compression.lower()}-{serializer}/"
        keys = wait_for(lambda: keys_under(s3, bucket, prefix))
        assert len(keys) == 1, keys
        assert keys[0].endswith(".parquet" if serializer == "ParquetSerDe" else ".orc")
        body = io.BytesIO(s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read())
        if serializer == "ParquetSerDe":
            metadata = pq.ParquetFile(body).metadata
            assert {metadata.row_group(0).column(i).compression for i in range(metadata.num_columns)} == {codec}
            # Hive's Parquet writer keeps timestamps as INT96
            assert metadata.schema.column(4).physical_type == "INT96"
            table = pq.read_table(body)
        else:
            assert orc.ORCFile(body).compression == codec
            assert orc.ORCFile(body).file_version == ("0.11" if compression == "ZLIB" else "0.12")
            table = orc.read_table(body)
        assert table.column_names == [c["Name"] for c in COLUMNS]
        assert str(table.schema.field("amount").type) == "decimal128(12, 2)"
        assert str(table.schema.field("attempts").type) == "int32"
        assert str(table.schema.field("paid_at").type) == "timestamp[ns]"
        rows = sorted(table.to_pylist(), key=lambda row: row["payment_id"])
        assert [row["amount"] for row in rows] == expected_amounts
        assert [row["captured"] for row in rows] == [n % 4 != 0 for n in range(40)]
        assert [row["labels"] for row in rows[:3]] == [["card"], ["card", "retry"], ["card", "retry", "retry"]]
        paid = [row["paid_at"].replace(tzinfo=datetime.timezone.utc) for row in rows]
        assert paid == [BASE + datetime.timedelta(minutes=7 * n) for n in range(40)], serializer
        assert keys_under(s3, bucket, f"pay-errors/{compression.lower()}-{serializer}/") == []

    output = f"s3://{bucket}/athena-results/"
    for fmt, prefix in (("PARQUET", "pay/gzip-ParquetSerDe/"), ("ORC", "pay/zlib-OrcSerDe/")):
        athena_rows(athena, f"""CREATE EXTERNAL TABLE payments_{fmt.lower()} (payment_id string,
            amount decimal(12,2), attempts int, captured boolean, paid_at timestamp, labels array<string>)
            STORED AS {fmt} LOCATION 's3://{bucket}/{prefix}'""", database, output)
        rows = athena_rows(athena, f"""SELECT count(*), sum(amount), sum(attempts), count_if(captured),
            max(paid_at), sum(cardinality(labels)) FROM payments_{fmt.lower()}""", database, output)
        assert rows[0] == ["40", str(sum(expected_amounts)), str(sum(n % 3 + 1 for n in range(40))), "30",
                           "2024-03-01 12:33:00.000", str(sum(1 + n % 3 for n in range(40)))], fmt


def test_conversion_setups_refused(client, bucket, database, schema_table):
    firehose = client("firehose")

    def refusal(config):
        return error_of(firehose.create_delivery_stream, DeliveryStreamName=f"pay-{uuid.uuid4().hex[:10]}",
                        ExtendedS3DestinationConfiguration=config)

    small = destination(bucket, database, "ParquetSerDe", "SNAPPY",
                        BufferingHints={"SizeInMBs": 63, "IntervalInSeconds": 120})
    assert refusal(small) == ("InvalidArgumentException",
                              "BufferingHints.SizeInMBs must be at least 64 when data format conversion is enabled.")
    gzip = destination(bucket, database, "OrcSerDe", "ZLIB", CompressionFormat="GZIP")
    code, message = refusal(gzip)
    assert code == "InvalidArgumentException"
    assert message.startswith("CompressionFormat must be UNCOMPRESSED when data format conversion is")
    no_output = destination(bucket, database, "ParquetSerDe", "SNAPPY")
    del no_output["DataFormatConversionConfiguration"]["OutputFormatConfiguration"]
    assert refusal(no_output)[0] == "InvalidArgumentException"
    assert refusal(destination(bucket, database, "ParquetSerDe", "LZO")) == (
        "ValidationException", "1 validation error detected: Value 'LZO' at "
        "'extendedS3DestinationConfiguration.dataFormatConversionConfiguration.outputFormatConfiguration.serializer."
        "parquetSerDe.compression' failed to satisfy constraint: Member must satisfy enum value set: "
        "[UNCOMPRESSED, GZIP, SNAPPY]")
