"""An analyst receives a partner's inventory drops: semicolon-separated lines without a
header, whose free-text field is wrapped in single quotes (and may hold a semicolon), and
a JSON export whose rows sit in a `records` array. The analyst registers a custom CSV
classifier (delimiter `;`, quote symbol `'`, header ABSENT with the column names the
partner documents) and a JSON path classifier (`$.records[*]`), crawls both folders with
one crawler and reads the inventory through Athena: each quoted note stays one value. A
third drop pads its cells with spaces; its classifier trims values before judging their
type (DisableValueTrimming false), so the padded numbers are typed as numbers."""
import json
import uuid

import pytest

from trip_helpers import athena_rows, wait_crawled

ROLE = "arn:aws:iam::000000000000:role/GlueCrawlerRole-trip9"
INVENTORY = b"A-1;3;'fragile; keep dry'\nA-2;10;'boxed'\nB-7;0;'sold out'\n"
EXPORT = {"exported": "2024-06-01", "records": [{"sku": "A-1", "price": 2.5}, {"sku": "B-7", "price": 11.0}]}


@pytest.fixture
def classifiers(client):
    glue, suffix = client("glue"), uuid.uuid4().hex[:8]
    names = (f"partner-csv-{suffix}", f"partner-json-{suffix}", f"partner-padded-{suffix}")
    glue.create_classifier(CsvClassifier={"Name": names[0], "Delimiter": ";", "QuoteSymbol": "'",
                                          "ContainsHeader": "ABSENT", "Header": ["sku", "qty", "note"]})
    glue.create_classifier(JsonClassifier={"Name": names[1], "JsonPath": "$.records[*]"})
    glue.create_classifier(CsvClassifier={"Name": names[2], "Delimiter": ",", "ContainsHeader": "PRESENT",
                                          "DisableValueTrimming": False})
    yield names
    for name in names:
        glue.delete_classifier(Name=name)


def test_partner_drops_crawled_with_custom_classifiers(client, bucket, database, classifiers):
    glue, s3, athena = client("glue"), client("s3"), client("athena")
    s3.put_object(Bucket=bucket, Key="partner/inventory/2024-06-01.txt", Body=INVENTORY)
    s3.put_object(Bucket=bucket, Key="partner/prices/2024-06-01.json", Body=json.dumps(EXPORT).encode())
    s3.put_object(Bucket=bucket, Key="partner/stock/2024-06-01.csv",
                  Body=b"sku , qty , weight\nA-1 ,  3 , 0.5\nB-7 , 12 , 1.25\n")
    name = f"partner-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=database, Classifiers=list(classifiers),
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/partner/inventory/"},
                                               {"Path": f"s3://{bucket}/partner/prices/"},
                                               {"Path": f"s3://{bucket}/partner/stock/"}]})
    glue.start_crawler(Name=name)
    wait_crawled(glue, name)
    inventory = glue.get_table(DatabaseName=database, Name="inventory")["Table"]
    sd = inventory["StorageDescriptor"]
    assert [(c["Name"], c["Type"]) for c in sd["Columns"]] == [("sku", "string"), ("qty", "bigint"),
                                                               ("note", "string")]
    assert sd["SerdeInfo"] == {"SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                               "Parameters": {"separatorChar": ";", "quoteChar": "'"}}
    assert (inventory["Parameters"]["classification"], inventory["Parameters"]["delimiter"],
            inventory["Parameters"]["areColumnsQuoted"]) == ("csv", ";", "true")
    assert "skip.header.line.count" not in inventory["Parameters"]

    prices = glue.get_table(DatabaseName=database, Name="prices")["Table"]
    assert [(c["Name"], c["Type"]) for c in prices["StorageDescriptor"]["Columns"]] == [("sku", "string"),
                                                                                      ("price", "double")]
    assert prices["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    assert (prices["Parameters"]["classification"], prices["Parameters"]["jsonPath"]) == ("json", "$.records[*]")

    stock = glue.get_table(DatabaseName=database, Name="stock")["Table"]
    assert [(c["Name"], c["Type"]) for c in stock["StorageDescriptor"]["Columns"]] == [
        ("sku", "string"), ("qty", "bigint"), ("weight", "double")]
    assert stock["Parameters"]["skip.header.line.count"] == "1"

    assert athena_rows(athena, "SELECT sku, qty, note FROM inventory ORDER BY sku", database,
                       f"s3://{bucket}/athena/") == [["A-1", "3", "fragile; keep dry"], ["A-2", "10", "boxed"],
                                                     ["B-7", "0", "sold out"]]
    glue.delete_crawler(Name=name)
