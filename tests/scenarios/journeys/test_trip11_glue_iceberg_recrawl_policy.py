"""An analytics engineer keeps an Iceberg warehouse catalogued by a crawler whose
SchemaChangePolicy only logs schema changes (UpdateBehavior LOG) but deletes tables whose
folders are gone (DeleteBehavior DELETE_FROM_DATABASE). Two Iceberg tables are crawled;
then a writer commits a newer metadata file to one and the other's folder is removed.
The recrawl leaves the first table pointing at the metadata file it had (the change is
only logged), drops the second, and the crawler's metrics and LastCrawl show that crawl
(one table deleted; Status SUCCEEDED, the crawler's log group and the crawl's id as
MessagePrefix, as ListCrawls reports it)."""
import json
import uuid

from trip_helpers import wait_crawled

ROLE = "arn:aws:iam::000000000000:role/GlueCrawlerRole-trip11"


def iceberg_table(glue, database, location, name):
    glue.create_table(DatabaseName=database, TableInput={"Name": name},
                      OpenTableFormatInput={"IcebergInput": {"MetadataOperation": "CREATE",
                                                             "CreateIcebergTableInput": {
                                                                 "Location": location,
                                                                 "Schema": {"Fields": [
                                                                     {"Id": 1, "Name": "id", "Type": "long",
                                                                      "Required": True},
                                                                     {"Id": 2, "Name": "amount", "Type": "double",
                                                                      "Required": False}]}}}})
    return glue.get_table(DatabaseName=database, Name=name)["Table"]["Parameters"]["metadata_location"]


def test_iceberg_recrawl_logs_updates_and_deletes_gone_tables(client, bucket, database, fresh_database):
    glue, s3 = client("glue"), client("s3")
    scratch = fresh_database("trip11w")
    orders = iceberg_table(glue, scratch, f"s3://{bucket}/lake/orders", "orders")
    iceberg_table(glue, scratch, f"s3://{bucket}/lake/refunds", "refunds")
    name = f"lake-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=database,
                        Targets={"IcebergTargets": [{"Paths": [f"s3://{bucket}/lake/"]}]},
                        SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "DELETE_FROM_DATABASE"})
    try:
        glue.start_crawler(Name=name)
        wait_crawled(glue, name)
        assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == ["orders", "refunds"]

        key = orders.split(f"s3://{bucket}/", 1)[1]
        metadata = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        s3.put_object(Bucket=bucket, Key=f"lake/orders/metadata/00001-{uuid.uuid4()}.metadata.json",
                      Body=json.dumps(metadata).encode())
        for obj in s3.list_objects_v2(Bucket=bucket, Prefix="lake/refunds/")["Contents"]:
            s3.delete_object(Bucket=bucket, Key=obj["Key"])

        glue.start_crawler(Name=name)
        wait_crawled(glue, name)
        assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == ["orders"]
        table = glue.get_table(DatabaseName=database, Name="orders")["Table"]
        assert table["Parameters"]["metadata_location"] == orders
        assert "previous_metadata_location" not in table["Parameters"]
        metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"][0]
        assert (metrics["TablesCreated"], metrics["TablesUpdated"], metrics["TablesDeleted"]) == (0, 0, 1)
        last = glue.get_crawler(Name=name)["Crawler"]["LastCrawl"]
        crawls = glue.list_crawls(CrawlerName=name)["Crawls"]
        assert len(crawls) == 2 and {c["State"] for c in crawls} == {"COMPLETED"}
        newest = max(crawls, key=lambda c: c["StartTime"])
        assert (last["Status"], last["LogGroup"], last["LogStream"], last["MessagePrefix"]) == (
            "SUCCEEDED", "/aws-glue/crawlers", name, newest["CrawlId"])
        assert "ErrorMessage" not in last
    finally:
        glue.delete_crawler(Name=name)
