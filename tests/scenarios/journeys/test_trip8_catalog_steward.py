"""A catalog steward evolves a partitioned CSV table of customers: Athena's MSCK REPAIR
TABLE registers the daily folders, ALTER TABLE ADD COLUMNS adds a country (a new table
version; the older one stays in GetTableVersions; the partitions keep their own columns,
and the older day reads NULL for it); adding a column the table has is refused in Hive's
words and changes nothing. Two stewards then edit the table through the Glue API with the
VersionId they read: the second, stale one gets ConcurrentModificationException. Column
statistics computed from the files are stored for the table and for one day, and read
back; the tables of the area are found with GetTables' Expression."""
import datetime

import pytest

from trip_helpers import athena_failure, athena_rows, error_of

DAYS = {"2024-05-01": b"1,ana\n2,ben\n", "2024-05-02": b"3,cy,PT\n4,dee,BR\n5,eve,PT\n"}
ANALYZED = datetime.datetime(2024, 5, 3, 6, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def customers(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    for day, body in DAYS.items():
        s3.put_object(Bucket=bucket, Key=f"crm/customers/dt={day}/part-0.csv", Body=body)
    output = f"s3://{bucket}/athena/"
    athena_rows(athena, f"""CREATE EXTERNAL TABLE crm_customers (id int, name string) PARTITIONED BY (dt string)
                            ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/crm/customers/'""",
                database, output)
    athena_rows(athena, f"""CREATE EXTERNAL TABLE crm_orders (id int, customer int) ROW FORMAT DELIMITED
                            FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/crm/orders/'""", database, output)
    athena_rows(athena, f"""CREATE EXTERNAL TABLE web_visits (id int) ROW FORMAT DELIMITED
                            FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/web/visits/'""", database, output)
    return "crm_customers"


def long_stats(name, low, high, nulls, distinct):
    return {"ColumnName": name, "ColumnType": "int", "AnalyzedTime": ANALYZED, "StatisticsData": {
        "Type": "LONG", "LongColumnStatisticsData": {"MinimumValue": low, "MaximumValue": high,
                                                     "NumberOfNulls": nulls, "NumberOfDistinctValues": distinct}}}


def test_steward_evolves_the_customers_table(client, bucket, database, customers):
    glue, athena, output = client("glue"), client("athena"), f"s3://{bucket}/athena/"

    def rows(sql):
        return athena_rows(athena, sql, database, output)

    rows("MSCK REPAIR TABLE crm_customers")
    assert sorted(p["Values"] for p in glue.get_partitions(DatabaseName=database, TableName=customers)[
        "Partitions"]) == [["2024-05-01"], ["2024-05-02"]]
    first = glue.get_table(DatabaseName=database, Name=customers)["Table"]["VersionId"]
    rows("ALTER TABLE crm_customers ADD COLUMNS (country string)")
    table = glue.get_table(DatabaseName=database, Name=customers)["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id", "name", "country"]
    versions = glue.get_table_versions(DatabaseName=database, TableName=customers)["TableVersions"]
    assert sorted(v["VersionId"] for v in versions) == sorted([first, table["VersionId"]])
    parts = glue.get_partitions(DatabaseName=database, TableName=customers)["Partitions"]
    assert {tuple(c["Name"] for c in p["StorageDescriptor"]["Columns"]) for p in parts} == {("id", "name")}
    assert rows("SELECT dt, id, name, country FROM crm_customers ORDER BY id") == [
        ["2024-05-01", "1", "ana", None], ["2024-05-01", "2", "ben", None], ["2024-05-02", "3", "cy", "PT"],
        ["2024-05-02", "4", "dee", "BR"], ["2024-05-02", "5", "eve", "PT"]]

    for added, twice in (("Name string", "name"), ("segment string, segment int", "segment")):
        assert athena_failure(athena, f"ALTER TABLE crm_customers ADD COLUMNS ({added})", database, output) == (
            "FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. "
            f"Duplicate column name: {twice}")
    assert glue.get_table(DatabaseName=database, Name=customers)["Table"]["VersionId"] == table["VersionId"]

    read = glue.get_table(DatabaseName=database, Name=customers)["Table"]
    edit = {key: read[key] for key in ("Name", "TableType", "PartitionKeys", "StorageDescriptor", "Parameters")}
    glue.update_table(DatabaseName=database, VersionId=read["VersionId"],
                      TableInput={**edit, "Description": "customers, one folder a day"})
    assert error_of(glue.update_table, DatabaseName=database, VersionId=read["VersionId"],
                    TableInput={**edit, "Description": "the other steward's words"}) == (
        "ConcurrentModificationException", "Update table failed due to concurrent modifications.")
    assert glue.get_table(DatabaseName=database, Name=customers)["Table"]["Description"] == \
        "customers, one folder a day"

    counted = rows("SELECT min(id), max(id), count(*) - count(id), count(DISTINCT id) FROM crm_customers")[0]
    table_stats = long_stats("id", *(int(v) for v in counted))
    assert glue.update_column_statistics_for_table(DatabaseName=database, TableName=customers,
                                                   ColumnStatisticsList=[table_stats])["Errors"] == []
    day = rows("SELECT min(id), max(id), count(*) - count(id), count(DISTINCT id) FROM crm_customers "
               "WHERE dt = '2024-05-02'")[0]
    day_stats = long_stats("id", *(int(v) for v in day))
    assert glue.update_column_statistics_for_partition(DatabaseName=database, TableName=customers,
                                                       PartitionValues=["2024-05-02"],
                                                       ColumnStatisticsList=[day_stats])["Errors"] == []
    got = glue.get_column_statistics_for_table(DatabaseName=database, TableName=customers, ColumnNames=["id", "name"])
    assert got["ColumnStatisticsList"][0]["StatisticsData"]["LongColumnStatisticsData"] == {
        "MinimumValue": 1, "MaximumValue": 5, "NumberOfNulls": 0, "NumberOfDistinctValues": 5}
    assert [(e["ColumnName"], e["Error"]["ErrorCode"]) for e in got["Errors"]] == [("name", "EntityNotFoundException")]
    got = glue.get_column_statistics_for_partition(DatabaseName=database, TableName=customers,
                                                   PartitionValues=["2024-05-02"], ColumnNames=["id"])
    assert got["ColumnStatisticsList"][0]["StatisticsData"]["LongColumnStatisticsData"] == {
        "MinimumValue": 3, "MaximumValue": 5, "NumberOfNulls": 0, "NumberOfDistinctValues": 3}
    assert error_of(glue.update_column_statistics_for_partition, DatabaseName=database, TableName=customers,
                    PartitionValues=["2024-04-30"], ColumnStatisticsList=[day_stats]) == (
        "EntityNotFoundException", "Partition [2024-04-30] not found")

    found = glue.get_tables(DatabaseName=database, Expression="crm_*")["TableList"]
    assert sorted(t["Name"] for t in found) == ["crm_customers", "crm_orders"]
    assert [t["Name"] for t in glue.get_tables(DatabaseName=database, Expression="web.*|nothing")["TableList"]] == [
        "web_visits"]
