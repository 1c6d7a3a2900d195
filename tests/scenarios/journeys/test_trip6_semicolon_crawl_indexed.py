"""A partner's semicolon-separated exports, with a header row, land under
`region=/year=` folders; the team registers a custom CSV classifier, crawls them, adds a
partition index on the key their dashboards filter on (beside the one the crawler
adds), and picks partitions with
GetPartitions expressions and BatchGetPartition (a partition that does not exist is
simply not returned); Athena reads the crawled table, header skipped. Mistakes: an
index on a column that is not a partition key, a second index with the same name, a
classifier name used twice, an expression on an unknown key."""
import pytest

from trip_helpers import athena_rows, error_of, wait_crawled

ROLE_ARN = "arn:aws:iam::000000000000:role/glue-crawler"

ROWS = {("eu", "2023"): [(1, 2.5)], ("eu", "2024"): [(2, 4.0), (3, 1.5)],
        ("us", "2023"): [(4, 10.0)], ("us", "2024"): [(5, 7.25)]}


@pytest.fixture
def classifier(client):
    glue = client("glue")
    glue.create_classifier(CsvClassifier={"Name": "partner-semicolon", "Delimiter": ";", "QuoteSymbol": '"',
                                          "ContainsHeader": "PRESENT"})
    yield "partner-semicolon"
    glue.delete_classifier(Name="partner-semicolon")


def test_semicolon_exports_crawled_and_indexed(client, bucket, database, classifier):
    s3, glue, athena = client("s3"), client("glue"), client("athena")
    for (region, year), rows in ROWS.items():
        body = "order_id;amount;shipped\n" + "".join(f"{o};{a};true\n" for o, a in rows)
        s3.put_object(Bucket=bucket, Key=f"partner/sales/region={region}/year={year}/export.csv", Body=body.encode())
    assert error_of(glue.create_classifier, CsvClassifier={"Name": classifier, "Delimiter": ","}) == (
        "AlreadyExistsException", f"Classifier {classifier} already exists. already exists")

    crawler = f"partner-{database[-6:]}"
    glue.create_crawler(Name=crawler, Role=ROLE_ARN, DatabaseName=database, Classifiers=[classifier],
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/partner/sales/"}]})
    try:
        glue.start_crawler(Name=crawler)
        wait_crawled(glue, crawler)
    finally:
        glue.delete_crawler(Name=crawler)
    table = glue.get_table(DatabaseName=database, Name="sales")["Table"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("order_id", "bigint"), ("amount", "double"), ("shipped", "boolean")]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["region", "year"]
    assert table["Parameters"]["classification"] == "csv"
    assert table["Parameters"]["skip.header.line.count"] == "1"
    assert table["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"] == ";"

    indexes = glue.get_partition_indexes(DatabaseName=database, TableName="sales")["PartitionIndexDescriptorList"]
    assert [(i["IndexName"], [k["Name"] for k in i["Keys"]]) for i in indexes] == [     # the crawler's own
        ("crawler_partition_index", ["region", "year"])]
    assert error_of(glue.create_partition_index, DatabaseName=database, TableName="sales",
                    PartitionIndex={"IndexName": "by_region_year", "Keys": ["region", "year"]}) == (
        "AlreadyExistsException", "Partition Index crawler_partition_index already exists with the same keys.")
    glue.create_partition_index(DatabaseName=database, TableName="sales",
                                PartitionIndex={"IndexName": "by_year", "Keys": ["year"]})
    indexes = glue.get_partition_indexes(DatabaseName=database, TableName="sales")["PartitionIndexDescriptorList"]
    assert sorted(i["IndexName"] for i in indexes) == ["by_year", "crawler_partition_index"]
    assert error_of(glue.create_partition_index, DatabaseName=database, TableName="sales",
                    PartitionIndex={"IndexName": "by_amount", "Keys": ["amount"]}) == (
        "InvalidInputException", "IndexKeys not a part of PartitionColumns. Verify the indexKeys : [amount]")
    assert error_of(glue.create_partition_index, DatabaseName=database, TableName="sales",
                    PartitionIndex={"IndexName": "by_year", "Keys": ["region"]}) == (
        "AlreadyExistsException", "Partition Index by_year already exists with the same name.")

    picked = glue.get_partitions(DatabaseName=database, TableName="sales",
                                 Expression="region = 'eu' AND year >= '2024'")["Partitions"]
    assert [p["Values"] for p in picked] == [["eu", "2024"]]
    assert picked[0]["StorageDescriptor"]["Location"] == f"s3://{bucket}/partner/sales/region=eu/year=2024/"
    in_list = glue.get_partitions(DatabaseName=database, TableName="sales", Expression="year IN ('2023')")
    assert sorted(p["Values"] for p in in_list["Partitions"]) == [["eu", "2023"], ["us", "2023"]]
    batch = glue.batch_get_partition(DatabaseName=database, TableName="sales", PartitionsToGet=[
        {"Values": ["us", "2024"]}, {"Values": ["fr", "2024"]}])
    assert [p["Values"] for p in batch["Partitions"]] == [["us", "2024"]]
    assert batch["UnprocessedKeys"] == []
    code, _ = error_of(glue.get_partitions, DatabaseName=database, TableName="sales", Expression="country = 'fr'")
    assert code == "InvalidInputException"

    output = f"s3://{bucket}/athena/"
    assert athena_rows(athena, "SELECT region, count(*), sum(amount) FROM sales WHERE year = '2024' "
                               "GROUP BY region ORDER BY region", database, output) == [
        ["eu", "2", "5.5"], ["us", "1", "7.25"]]
    glue.delete_partition_index(DatabaseName=database, TableName="sales", IndexName="by_year")
    assert error_of(glue.delete_partition_index, DatabaseName=database, TableName="sales", IndexName="by_year") == (
        "EntityNotFoundException", "Index with the given indexName : by_year does not exist.")
