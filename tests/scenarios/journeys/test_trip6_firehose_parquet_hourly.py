"""Web checkout events into an hourly Parquet lake, as a data engineer sets it up: a
DirectPut delivery stream converts JSON to Parquet with the schema of a Glue table
(OpenX JSON SerDe, whose column names are case-insensitive, and SNAPPY), writes under
`checkout/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/`
and failures under `failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`;
the web tier sends PutRecordBatch calls (entries are separate records, no delimiter
needed for Parquet); a record that is not JSON is written to the error prefix with its
raw bytes, and the analyst reads the hour back with pyarrow, and the whole prefix as one
hive-partitioned dataset with pandas over s3fs. A second stream keeps a raw GZIP copy
under the default `YYYY/MM/dd/HH/` prefix, named as Firehose names its objects. Setting
it up wrong is refused with Firehose's words."""
import base64
import datetime
import gzip
import io
import json
import re
import uuid

import pandas as pd
import pyarrow.parquet as pq
import pytest

from trip_helpers import KEY, REGION, SECRET, error_of, keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-delivery"
COLUMNS = [{"Name": "order_id", "Type": "string"}, {"Name": "amount", "Type": "decimal(10,2)"},
           {"Name": "items", "Type": "int"}, {"Name": "country", "Type": "string"}]


def destination(bucket, database=None, **changes):
    config = {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
              "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 300}}
    if database:
        config.update({
            "Prefix": "checkout/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
            "ErrorOutputPrefix": "failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
            "DataFormatConversionConfiguration": {
                "Enabled": True,
                "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "checkout"},
                "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {"CaseInsensitive": True}}},
                "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {"Compression": "SNAPPY"}}}}})
    return {**config, **changes}


def created(firehose, name, config):
    firehose.create_delivery_stream(DeliveryStreamName=name, DeliveryStreamType="DirectPut",
                                    ExtendedS3DestinationConfiguration=config)
    wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)[
        "DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")
    return name


def test_checkout_events_to_parquet_by_hour(lakebox_server, client, clock, bucket, database):
    firehose, s3, glue = client("firehose"), client("s3"), client("glue")
    glue.create_table(DatabaseName=database, TableInput={"Name": "checkout", "StorageDescriptor": {
        "Columns": COLUMNS, "Location": f"s3://{bucket}/checkout/"}})
    lake = created(firehose, f"checkout-{uuid.uuid4().hex[:8]}", destination(bucket, database))
    raw = created(firehose, f"checkout-raw-{uuid.uuid4().hex[:8]}", destination(bucket, CompressionFormat="GZIP"))
    try:
        events = [{"Order_Id": f"o-{n}", "amount": round(10 + n * 1.25, 2), "items": n % 4 + 1,
                   "country": ["PT", "DE", "US"][n % 3]} for n in range(30)]
        for name in (lake, raw):
            for start in (0, 15):
                answer = firehose.put_record_batch(DeliveryStreamName=name, Records=[
                    {"Data": json.dumps(e).encode() + b"\n"} for e in events[start:start + 15]])
                assert (answer["FailedPutCount"], len(answer["RequestResponses"])) == (0, 15)
                assert all("RecordId" in r for r in answer["RequestResponses"])
        firehose.put_record(DeliveryStreamName=lake, Record={"Data": b"order=o-99;amount=oops"})
        sent_at = datetime.datetime.now(datetime.timezone.utc)
        clock(301)

        parquet_keys = wait_for(lambda: keys_under(s3, bucket, "checkout/"))
        hour = sent_at.strftime("year=%Y/month=%m/day=%d/hour=%H/")
        assert all(k.startswith(f"checkout/{hour}") for k in parquet_keys)
        assert all(re.fullmatch(rf"checkout/{hour}{lake}-1-\d{{4}}(-\d\d){{5}}-[0-9a-f-]{{36}}\.parquet", k)
                   for k in parquet_keys), parquet_keys
        tables = [pq.read_table(io.BytesIO(s3.get_object(Bucket=bucket, Key=k)["Body"].read())) for k in parquet_keys]
        assert [f.name for f in tables[0].schema] == ["order_id", "amount", "items", "country"]
        assert str(tables[0].schema.field("amount").type) == "decimal128(10, 2)"
        frame = pd.concat([t.to_pandas() for t in tables]).sort_values("order_id")
        assert len(frame) == 30
        assert frame.groupby("country")["items"].sum().to_dict() == {
            c: sum(e["items"] for e in events if e["country"] == c) for c in ("DE", "PT", "US")}
        assert str(frame.set_index("order_id").loc["o-3", "amount"]) == "13.75"
        storage = {"key": KEY, "secret": SECRET, "client_kwargs": {"region_name": REGION}}
        if lakebox_server.endpoint:
            storage["client_kwargs"]["endpoint_url"] = lakebox_server.endpoint
        lake_view = pd.read_parquet(f"s3://{bucket}/checkout/", storage_options=storage)    # the analyst's way
        assert len(lake_view) == 30
        assert {str(v) for v in lake_view["hour"].unique()} == {str(int(sent_at.strftime("%H")))}
        assert {str(v) for v in lake_view["year"].unique()} == {sent_at.strftime("%Y")}

        failed_keys = wait_for(lambda: keys_under(s3, bucket, "failed/"))
        assert all(k.startswith("failed/format-conversion-failed/" + sent_at.strftime("%Y/%m/%d/"))
                   for k in failed_keys)
        failures = [json.loads(line) for k in failed_keys
                    for line in s3.get_object(Bucket=bucket, Key=k)["Body"].read().decode().splitlines()]
        assert [base64.b64decode(f["rawData"]) for f in failures] == [b"order=o-99;amount=oops"]
        assert failures[0]["dataCatalogTable"]["tableName"] == "checkout"

        raw_keys = wait_for(lambda: [k for k in keys_under(s3, bucket, sent_at.strftime("%Y/%m/%d/%H/"))])
        assert all(re.fullmatch(rf"\d{{4}}/\d\d/\d\d/\d\d/{raw}-1-\d{{4}}(-\d\d){{5}}-[0-9a-f-]{{36}}\.gz", k)
                   for k in raw_keys), raw_keys
        lines = [json.loads(line) for k in raw_keys
                 for line in gzip.decompress(s3.get_object(Bucket=bucket, Key=k)["Body"].read()).splitlines()]
        assert sorted(e["Order_Id"] for e in lines) == sorted(e["Order_Id"] for e in events)
    finally:
        for name in (lake, raw):
            firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_setting_it_up_wrong(client, bucket, database):
    firehose = client("firehose")
    name = f"wrong-{uuid.uuid4().hex[:8]}"

    def refusal(config):
        return error_of(firehose.create_delivery_stream, DeliveryStreamName=name, DeliveryStreamType="DirectPut",
                        ExtendedS3DestinationConfiguration=config)

    no_error_prefix = destination(bucket, Prefix="checkout/!{timestamp:yyyy}/")
    assert refusal(no_error_prefix) == (          # AWS's words, typo included (terraform-provider-aws#13416)
        "InvalidArgumentException", "Ths supplied prefix(es) do not satisfy the following constraint: "
                                    "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions")
    error_type_in_prefix = destination(bucket, Prefix="x/!{firehose:error-output-type}/", ErrorOutputPrefix="e/")
    assert refusal(error_type_in_prefix) == (
        "InvalidArgumentException", "The expression !{firehose:error-output-type} is only allowed in "
                                    "ErrorOutputPrefix.")
    gzip_parquet = destination(bucket, database, CompressionFormat="GZIP")
    code, message = refusal(gzip_parquet)
    assert code == "InvalidArgumentException"
    assert message.startswith("CompressionFormat must be UNCOMPRESSED when data format conversion is")
    assert error_of(firehose.describe_delivery_stream, DeliveryStreamName=name) == (
        "ResourceNotFoundException", f"Firehose {name} under account 000000000000 not found.")
    assert error_of(firehose.put_record, DeliveryStreamName=name, Record={"Data": b"{}"}) == (
        "ResourceNotFoundException", f"Firehose {name} under account 000000000000 not found.")
