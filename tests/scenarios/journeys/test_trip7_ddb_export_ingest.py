"""A nightly ingestion job for an orders table, written by a data engineer: it exports the
table to S3 at a point in time, checks the export as its runbook says (the `_started`
marker, each manifest against its `.md5`, every data file against the md5Checksum and
itemCount that manifest-files.json gives), then declares an Athena table over the
export's `data/` folder with the OpenX JSON SerDe and asks pyathena for the day's totals.
A second export taken at an earlier time (the latest restorable one, as
DescribeContinuousBackups gives it, before some orders were cancelled) still holds them."""
import base64
import gzip
import hashlib
import json

import pytest

from trip_helpers import KEY, REGION, SECRET, exportable_table, keys_under, wait_export


pytestmark = pytest.mark.local_only          # the earlier export waits on the lakebox clock


def md5_of(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


@pytest.fixture
def orders(resource, table_name):
    table = exportable_table(resource("dynamodb"), table_name, "order_id")
    with table.batch_writer() as batch:
        for n in range(1, 11):
            batch.put_item(Item={"order_id": f"o-{n:03d}", "store": ["north", "south"][n % 2], "qty": n,
                                 "lines": [{"sku": f"s{n}", "price": "2.50"}]})
    return table


def verified_export(s3, bucket, export) -> list:
    """The runbook's checks of one finished export; returns its items (DynamoDB JSON)."""
    base = export["ExportManifest"].rsplit("/", 1)[0]
    assert s3.get_object(Bucket=bucket, Key=f"{base}/_started")["Body"].read() == b""
    for name in ("manifest-summary", "manifest-files"):
        manifest = s3.get_object(Bucket=bucket, Key=f"{base}/{name}.json")["Body"].read()
        assert s3.get_object(Bucket=bucket, Key=f"{base}/{name}.md5")["Body"].read().decode().strip() == md5_of(manifest)
    summary = json.loads(s3.get_object(Bucket=bucket, Key=export["ExportManifest"])["Body"].read())
    assert (summary["exportArn"], summary["itemCount"], summary["outputFormat"]) == (
        export["ExportArn"], export["ItemCount"], "DYNAMODB_JSON")
    assert summary["manifestFilesS3Key"] == f"{base}/manifest-files.json"
    items = []
    for line in s3.get_object(Bucket=bucket, Key=summary["manifestFilesS3Key"])["Body"].read().splitlines():
        entry = json.loads(line)
        assert entry["dataFileS3Key"].startswith(f"{base}/data/")
        body = s3.get_object(Bucket=bucket, Key=entry["dataFileS3Key"])
        data = body["Body"].read()
        assert (entry["md5Checksum"], entry["etag"]) == (md5_of(data), body["ETag"].strip('"'))
        found = [json.loads(row)["Item"] for row in gzip.decompress(data).splitlines()]
        assert len(found) == entry["itemCount"]
        items += found
    assert len(items) == summary["itemCount"]
    return items


def test_nightly_export_checked_and_queried(lakebox_server, client, clock, bucket, database, orders):
    ddb, s3 = client("dynamodb"), client("s3")
    clock(10 * 60)
    before_cancel = ddb.describe_continuous_backups(TableName=orders.name)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]["LatestRestorableDateTime"]
    for n in (2, 4):
        orders.delete_item(Key={"order_id": f"o-{n:03d}"})

    tonight = wait_export(ddb, ddb.export_table_to_point_in_time(
        TableArn=orders.table_arn, S3Bucket=bucket, S3Prefix="raw/orders/tonight")["ExportDescription"]["ExportArn"])
    earlier = wait_export(ddb, ddb.export_table_to_point_in_time(
        TableArn=orders.table_arn, S3Bucket=bucket, S3Prefix="raw/orders/earlier",
        ExportTime=before_cancel)["ExportDescription"]["ExportArn"])
    assert (tonight["ExportStatus"], tonight["ItemCount"]) == ("COMPLETED", 8)
    assert (earlier["ExportStatus"], earlier["ItemCount"]) == ("COMPLETED", 10)

    items = verified_export(s3, bucket, tonight)
    assert sorted(i["order_id"]["S"] for i in items) == [f"o-{n:03d}" for n in (1, 3, 5, 6, 7, 8, 9, 10)]
    assert next(i for i in items if i["order_id"]["S"] == "o-003") == {
        "order_id": {"S": "o-003"}, "store": {"S": "south"}, "qty": {"N": "3"},
        "lines": {"L": [{"M": {"sku": {"S": "s3"}, "price": {"S": "2.50"}}}]}}
    assert len(verified_export(s3, bucket, earlier)) == 10
    base = tonight["ExportManifest"].rsplit("/", 1)[0]
    assert {k.rsplit("/", 1)[1] for k in keys_under(s3, bucket, base + "/") if "/data/" not in k} == {
        "_started", "manifest-files.json", "manifest-files.md5", "manifest-summary.json", "manifest-summary.md5"}

    from pyathena import connect
    cursor = connect(s3_staging_dir=f"s3://{bucket}/athena/", region_name=REGION, schema_name=database,
                     aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                     endpoint_url=lakebox_server.endpoint).cursor()
    cursor.execute(f"""CREATE EXTERNAL TABLE orders_export (
        Item struct<order_id:struct<s:string>, store:struct<s:string>, qty:struct<n:string>>)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
        LOCATION 's3://{bucket}/{base}/data/'""")
    cursor.execute("""SELECT item.store.s AS store, count(*) AS orders, sum(CAST(item.qty.n AS integer)) AS units
                      FROM orders_export GROUP BY item.store.s ORDER BY store""")
    assert [d[0] for d in cursor.description] == ["store", "orders", "units"]
    assert cursor.fetchall() == [("north", 3, 6 + 8 + 10), ("south", 5, 1 + 3 + 5 + 7 + 9)]
