"""Seeding a product catalog table from the lake: the nightly extract lands as gzipped
CSV files with a header; ImportTable makes a new table (with a GSI on category) from
them; the row without a key is counted as an error and fails the import as a whole
(FAILED, ItemValidationError) while the valid rows stay in the table; the service reads
it by key, by GSI and with PartiQL; a second import into the existing name is
refused."""
import gzip

import pytest

from trip_helpers import wait_for

ROWS = ["sku,name,category,price", "p-1,apple,fruit,1.5", "p-2,pear,fruit,2", "p-3,kale,veg,3.25",
        ",nameless,veg,9"]
MORE = ["sku,name,category,price", "p-4,fig,fruit,4"]


def import_spec(bucket, prefix, table):
    return {"S3BucketSource": {"S3Bucket": bucket, "S3KeyPrefix": prefix}, "InputFormat": "CSV",
            "InputCompressionType": "GZIP", "TableCreationParameters": {
                "TableName": table, "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "sku", "AttributeType": "S"},
                                         {"AttributeName": "category", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "sku", "KeyType": "HASH"}],
                "GlobalSecondaryIndexes": [{"IndexName": "by-category", "Projection": {"ProjectionType": "ALL"},
                                            "KeySchema": [{"AttributeName": "category", "KeyType": "HASH"}]}]}}


def finished(ddb, arn):
    def done():
        description = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
        return description if description["ImportStatus"] not in ("IN_PROGRESS",) else None
    return wait_for(done, timeout=120)


def test_catalog_seeded_from_gzipped_csv(client, bucket, table_name):
    s3, ddb = client("s3"), client("dynamodb")
    s3.put_object(Bucket=bucket, Key="extracts/products/part-0.csv.gz", Body=gzip.compress("\n".join(ROWS).encode()))
    s3.put_object(Bucket=bucket, Key="extracts/products/part-1.csv.gz", Body=gzip.compress("\n".join(MORE).encode()))

    started = ddb.import_table(**import_spec(bucket, "extracts/products/", table_name))["ImportTableDescription"]
    assert started["ImportStatus"] == "IN_PROGRESS" and started["TableArn"].endswith(f":table/{table_name}")
    done = finished(ddb, started["ImportArn"])
    assert (done["ImportStatus"], done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (
        "FAILED", 5, 4, 1)
    assert (done["FailureCode"], done["FailureMessage"]) == (
        "ItemValidationError", "Some of the items failed validation checks and were not imported. Please check "
                               "CloudWatch error logs for more details.")
    assert [i["ImportArn"] for i in ddb.list_imports(TableArn=started["TableArn"])["ImportSummaryList"]] == [
        started["ImportArn"]]

    item = ddb.get_item(TableName=table_name, Key={"sku": {"S": "p-3"}})["Item"]
    assert item == {"sku": {"S": "p-3"}, "name": {"S": "kale"}, "category": {"S": "veg"}, "price": {"S": "3.25"}}
    fruit = ddb.query(TableName=table_name, IndexName="by-category", KeyConditionExpression="category = :c",
                      ExpressionAttributeValues={":c": {"S": "fruit"}})["Items"]
    assert sorted(i["name"]["S"] for i in fruit) == ["apple", "fig", "pear"]
    cheap = ddb.execute_statement(Statement=f'SELECT sku FROM "{table_name}" WHERE category = ? AND price < ?',
                                  Parameters=[{"S": "fruit"}, {"S": "3"}])["Items"]
    assert sorted(i["sku"]["S"] for i in cheap) == ["p-1", "p-2"]

    with pytest.raises(ddb.exceptions.ResourceInUseException) as taken:
        ddb.import_table(**import_spec(bucket, "extracts/products/", table_name))
    assert taken.value.response["Error"]["Message"] == f"Table already exists: {table_name}"

