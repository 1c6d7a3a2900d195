"""A platform engineer's Iceberg warehouse folder outlived its catalog: the tables'
metadata files are in S3 but the Glue database that pointed at them is gone. They create
a crawler with IcebergTargets over the warehouse folder (a plain CSV folder sits beside
the Iceberg table, and an IcebergTarget catalogs only folders holding Iceberg metadata),
crawl into a new database, and find the table registered as Glue registers Iceberg
tables: an EXTERNAL_TABLE with Parameters table_type ICEBERG and metadata_location naming
the table's metadata file, the current schema's columns, the table folder as Location;
Athena reads the rows written before the catalog was lost through it.
A writer then commits a schema change (a newer metadata file with a new current schema);
the recrawl moves metadata_location to the newest file, keeps the old one as
previous_metadata_location and shows the new column, and the crawl's metrics count one
table updated."""
import json
import uuid

from trip_helpers import athena_execution, athena_rows, wait_crawled

ROLE = "arn:aws:iam::000000000000:role/GlueCrawlerRole-trip11"


def test_iceberg_target_registers_and_follows_metadata(client, bucket, database, fresh_database):
    glue, s3, athena = client("glue"), client("s3"), client("athena")
    output = f"s3://{bucket}/athena-results/"
    source = fresh_database("trip11src")
    location = f"s3://{bucket}/warehouse/orders/"
    glue.create_table(
        DatabaseName=source,
        TableInput={"Name": "orders", "StorageDescriptor": {"Location": location}},
        OpenTableFormatInput={"IcebergInput": {"MetadataOperation": "CREATE", "Version": "2",
                                               "CreateIcebergTableInput": {
                                                   "Location": location,
                                                   "Schema": {"Fields": [
                                                       {"Id": 1, "Name": "id", "Type": "long", "Required": True},
                                                       {"Id": 2, "Name": "item", "Type": "string", "Required": False},
                                                       {"Id": 3, "Name": "price", "Type": "double",
                                                        "Required": False}]}}}})
    athena_execution(athena, "INSERT INTO orders VALUES (1, 'lamp', 19.5), (2, 'desk', 120.0)", source, output)
    first = glue.get_table(DatabaseName=source, Name="orders")["Table"]["Parameters"]["metadata_location"]
    assert first.startswith(f"{location}metadata/00001-") and first.endswith(".metadata.json")
    s3.put_object(Bucket=bucket, Key="warehouse/notes/notes.csv", Body=b"a,b\n1,2\n")
    glue.delete_database(Name=source)           # the catalog is lost; the files stay

    name = f"iceberg-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=database,
                        Targets={"IcebergTargets": [{"Paths": [f"s3://{bucket}/warehouse/"],
                                                     "MaximumTraversalDepth": 3}]})
    try:
        assert glue.get_crawler(Name=name)["Crawler"]["Targets"]["IcebergTargets"] == [
            {"Paths": [f"s3://{bucket}/warehouse/"], "MaximumTraversalDepth": 3}]
        glue.start_crawler(Name=name)
        wait_crawled(glue, name)
        assert glue.get_crawler(Name=name)["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"
        assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == ["orders"]
        table = glue.get_table(DatabaseName=database, Name="orders")["Table"]
        assert table["TableType"] == "EXTERNAL_TABLE"
        assert table["Parameters"]["table_type"] == "ICEBERG"
        assert table["Parameters"]["metadata_location"] == first
        assert "previous_metadata_location" not in table["Parameters"]
        assert table["StorageDescriptor"]["Location"] == location.rstrip("/")
        assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
            ("id", "bigint"), ("item", "string"), ("price", "double")]
        assert table["PartitionKeys"] == []
        assert athena_rows(athena, "SELECT id, item, price FROM orders ORDER BY id", database, output) == [
            ["1", "lamp", "19.5"], ["2", "desk", "120.0"]]

        # a writer commits a schema change: a newer metadata file, a new current schema
        key = first.split(f"s3://{bucket}/", 1)[1]
        metadata = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        fields = metadata["schemas"][0]["fields"] + [{"id": 4, "name": "note", "required": False,
                                                      "type": "string"}]
        metadata["schemas"].append({"type": "struct", "schema-id": 1, "fields": fields})
        metadata["current-schema-id"] = 1
        metadata["last-column-id"] = 4
        second = f"{location}metadata/00002-{uuid.uuid4()}.metadata.json"
        s3.put_object(Bucket=bucket, Key=second.split(f"s3://{bucket}/", 1)[1], Body=json.dumps(metadata).encode())

        glue.start_crawler(Name=name)
        wait_crawled(glue, name)
        table = glue.get_table(DatabaseName=database, Name="orders")["Table"]
        assert table["Parameters"]["metadata_location"] == second
        assert table["Parameters"]["previous_metadata_location"] == first
        assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
            ("id", "bigint"), ("item", "string"), ("price", "double"), ("note", "string")]
        assert athena_rows(athena, "SELECT id, note FROM orders ORDER BY id", database, output) == [
            ["1", None], ["2", None]]
        metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"][0]
        assert (metrics["TablesCreated"], metrics["TablesUpdated"], metrics["TablesDeleted"]) == (0, 1, 0)
    finally:
        glue.delete_crawler(Name=name)
