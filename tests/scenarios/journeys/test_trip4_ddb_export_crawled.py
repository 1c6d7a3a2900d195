"""A DynamoDB table exported to S3 and catalogued by a crawler, as AWS's walkthroughs do
it: items of several shapes (optional attributes, a map, a list, booleans) exported as
DYNAMODB_JSON; a crawler pointed at the export's `data/` folder makes one table whose
`item` column is a struct of every attribute's type descriptors; Athena reads the
typed values out of it (`item.price.n`, the list's members through UNNEST)."""
import uuid

import pytest

from trip_helpers import athena_rows, exportable_table, wait_crawled, wait_export

ROLE = "arn:aws:iam::000000000000:role/glue-crawler"


@pytest.fixture
def products(client, resource, table_name):
    ddb = client("dynamodb")
    exportable_table(resource("dynamodb"), table_name, "sku")
    items = [
        {"sku": {"S": "kettle"}, "price": {"N": "25.5"}, "active": {"BOOL": True},
         "tags": {"L": [{"S": "kitchen"}, {"S": "sale"}]}, "dims": {"M": {"h": {"N": "20"}, "w": {"N": "15"}}}},
        {"sku": {"S": "lamp"}, "price": {"N": "40"}, "active": {"BOOL": False}, "tags": {"L": [{"S": "living"}]}},
        {"sku": {"S": "mug"}, "price": {"N": "5.25"}, "active": {"BOOL": True}},
    ]
    for item in items:
        ddb.put_item(TableName=table_name, Item=item)
    return ddb.describe_table(TableName=table_name)["Table"]["TableArn"]


def test_export_crawled_and_queried(client, bucket, database, products):
    ddb, glue, athena = client("dynamodb"), client("glue"), client("athena")
    started = ddb.export_table_to_point_in_time(TableArn=products, S3Bucket=bucket, S3Prefix="ddb",
                                                ExportFormat="DYNAMODB_JSON")["ExportDescription"]
    export = wait_export(ddb, started["ExportArn"])
    assert (export["ExportStatus"], export["ItemCount"]) == ("COMPLETED", 3)
    data = f"s3://{bucket}/ddb/AWSDynamoDB/{export['ExportArn'].split('/')[-1]}/data/"

    crawler = f"ddb-export-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=crawler, Role=ROLE, DatabaseName=database, TablePrefix="products_",
                        Targets={"S3Targets": [{"Path": data}]})
    try:
        glue.start_crawler(Name=crawler)
        wait_crawled(glue, crawler)
    finally:
        glue.delete_crawler(Name=crawler)
    tables = glue.get_tables(DatabaseName=database)["TableList"]
    assert [t["Name"] for t in tables] == ["products_data"]
    (item,) = tables[0]["StorageDescriptor"]["Columns"]
    # Compared without case: names are case-insensitive to Athena, as to Hive.
    assert item["Name"].lower() == "item"
    for attribute in ("sku:struct<s:string>", "price:struct<n:string>", "active:struct<bool:boolean>",
                      "tags:struct<l:array<struct<s:string>>>"):
        assert attribute in item["Type"].lower(), item["Type"]
    assert tables[0]["Parameters"]["classification"] == "json"

    output = f"s3://{bucket}/athena/"
    rows = athena_rows(athena, "SELECT item.sku.s, CAST(item.price.n AS decimal(10, 2)), item.active.bool, "
                               "cardinality(item.tags.l) FROM products_data ORDER BY 1", database, output)
    assert rows == [["kettle", "25.50", "true", "2"], ["lamp", "40.00", "false", "1"], ["mug", "5.25", "true", None]]
    rows = athena_rows(athena, "SELECT tag.s, count(*) FROM products_data CROSS JOIN UNNEST(item.tags.l) AS t(tag) "
                               "GROUP BY 1 ORDER BY 1", database, output)
    assert rows == [["kitchen", "1"], ["living", "1"], ["sale", "1"]]
    rows = athena_rows(athena, "SELECT item.sku.s, CAST(item.dims.m.h.n AS integer) FROM products_data "
                               "WHERE item.dims IS NOT NULL", database, output)
    assert rows == [["kettle", "20"]]
