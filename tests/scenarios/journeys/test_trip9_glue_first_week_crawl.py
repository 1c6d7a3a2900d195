"""A data engineer has a year of daily folders (year/month/day, no `key=` names) and,
as the Glue guide's own example does, crawls only the first week of January 2015 by
excluding every other day: `2015/01/{[!0],0[8-9]}**`, `2015/0[2-9]/**` and
`2015/1[0-2]/**` (a negated bracket and a bracket inside a brace group). Editor backups
(`**.{bak,tmp}`) are excluded too. The table gets the seven first days as partitions
(partition_0..2), and Athena counts the rows of the days it has."""
import uuid

from trip_helpers import athena_rows, wait_crawled

ROLE = "arn:aws:iam::000000000000:role/GlueCrawlerRole-trip9"
DAYS = [("01", "01"), ("01", "03"), ("01", "07"), ("01", "08"), ("01", "10"), ("01", "21"), ("01", "31"),
        ("02", "01"), ("09", "07"), ("10", "02"), ("12", "31")]
FIRST_WEEK = ["2015/0[2-9]/**", "2015/1[0-2]/**", "2015/01/{[!0],0[8-9]}**", "**.{bak,tmp}"]


def test_first_week_of_january_only(client, bucket, database):
    glue, s3, athena = client("glue"), client("s3"), client("athena")
    for month, day in DAYS:
        s3.put_object(Bucket=bucket, Key=f"myfolder/2015/{month}/{day}/sales.csv",
                      Body=f"store,units\ns{day},{int(day)}\ns{month},{int(month)}\n".encode())
    s3.put_object(Bucket=bucket, Key="myfolder/2015/01/03/sales.csv.bak", Body=b"old\n")
    s3.put_object(Bucket=bucket, Key="myfolder/2015/01/07/upload.tmp", Body=b"\x00\x01")
    name = f"first-week-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/myfolder/", "Exclusions": FIRST_WEEK}]})
    try:
        glue.start_crawler(Name=name)
        wait_crawled(glue, name)
        assert glue.get_crawler(Name=name)["Crawler"]["Targets"]["S3Targets"][0]["Exclusions"] == FIRST_WEEK
    finally:
        glue.delete_crawler(Name=name)

    table = glue.get_table(DatabaseName=database, Name="myfolder")["Table"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["partition_0", "partition_1", "partition_2"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [("store", "string"),
                                                                                       ("units", "bigint")]
    parts = glue.get_partitions(DatabaseName=database, TableName="myfolder")["Partitions"]
    assert sorted(p["Values"] for p in parts) == [["2015", "01", "01"], ["2015", "01", "03"], ["2015", "01", "07"]]
    assert athena_rows(athena, "SELECT partition_2, sum(units) FROM myfolder GROUP BY partition_2 ORDER BY 1",
                       database, f"s3://{bucket}/athena/") == [["01", "2"], ["03", "4"], ["07", "8"]]
