"""A data steward curates a domain database: tables described and labelled with
parameters, found again with SearchTables (text, a parameter filter, the database
filter, sorted by name), listed with GetTables name patterns. For the table the
analysts query most, the steward records column statistics for the table and for one
partition; statistics for a column the table does not have come back in Errors while
the rest are kept, and reading them back names the columns that have none."""
import datetime

from trip_helpers import error_of

ANALYZED = datetime.datetime(2024, 6, 1, 4, 0, tzinfo=datetime.timezone.utc)


def table(bucket, name, description, domain, columns, keys=()):
    return {"Name": name, "Description": description, "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "parquet", "domain": domain},
            "PartitionKeys": [{"Name": k, "Type": "string"} for k in keys],
            "StorageDescriptor": {"Columns": [{"Name": c, "Type": t} for c, t in columns],
                                  "Location": f"s3://{bucket}/{name}/"}}


def long_stats(column, low, high, distinct):
    return {"ColumnName": column, "ColumnType": "bigint", "AnalyzedTime": ANALYZED, "StatisticsData": {
        "Type": "LONG", "LongColumnStatisticsData": {"MinimumValue": low, "MaximumValue": high, "NumberOfNulls": 0,
                                                     "NumberOfDistinctValues": distinct}}}


def string_stats(column, longest, average, distinct):
    return {"ColumnName": column, "ColumnType": "string", "AnalyzedTime": ANALYZED, "StatisticsData": {
        "Type": "STRING", "StringColumnStatisticsData": {"MaximumLength": longest, "AverageLength": average,
                                                         "NumberOfNulls": 1, "NumberOfDistinctValues": distinct}}}


def test_steward_searches_and_records_statistics(client, bucket, database):
    glue = client("glue")
    for name, description, domain, columns, keys in (
            ("customer_orders", "Orders placed by customers", "sales",
             [("order_id", "bigint"), ("customer", "string")], ["order_date"]),
            ("customer_profiles", "Customer master data", "crm", [("customer", "string"), ("tier", "string")], []),
            ("returns", "Orders sent back", "sales", [("order_id", "bigint"), ("reason", "string")], []),
            ("web_sessions", "Clickstream sessions", "web", [("session_id", "string")], ["day"])):
        glue.create_table(DatabaseName=database, TableInput=table(bucket, name, description, domain, columns, keys))

    in_database = {"Key": "DatabaseName", "Value": database}
    by_name = [{"FieldName": "Name", "Sort": "ASC"}]
    found = glue.search_tables(SearchText="customer", Filters=[in_database], SortCriteria=by_name)["TableList"]
    assert [t["Name"] for t in found] == ["customer_orders", "customer_profiles"]
    sales = glue.search_tables(Filters=[in_database, {"Key": "domain", "Value": "sales"}],
                               SortCriteria=[{"FieldName": "Name", "Sort": "DESC"}])["TableList"]
    assert [t["Name"] for t in sales] == ["returns", "customer_orders"]
    assert [t["Name"] for t in glue.search_tables(Filters=[in_database, {"Key": "Name", "Value": "returns"}])[
        "TableList"]] == ["returns"]

    assert [t["Name"] for t in glue.get_tables(DatabaseName=database, Expression="customer_.*")["TableList"]] == [
        "customer_orders", "customer_profiles"]
    assert glue.get_tables(DatabaseName=database, Expression="*sessions|returns",
                           AttributesToGet=["NAME", "TABLE_TYPE"])["TableList"] == [
        {"Name": "returns", "TableType": "EXTERNAL_TABLE"}, {"Name": "web_sessions", "TableType": "EXTERNAL_TABLE"}]

    recorded = glue.update_column_statistics_for_table(
        DatabaseName=database, TableName="customer_orders",
        ColumnStatisticsList=[long_stats("order_id", 1, 5000, 5000), string_stats("customer", 40, 12.5, 800),
                              long_stats("discount", 0, 30, 7)])
    assert [(e["ColumnStatistics"]["ColumnName"], e["Error"]["ErrorCode"]) for e in recorded["Errors"]] == [
        ("discount", "EntityNotFoundException")]
    read = glue.get_column_statistics_for_table(DatabaseName=database, TableName="customer_orders",
                                                ColumnNames=["customer", "order_id", "order_date"])
    assert {s["ColumnName"]: s["StatisticsData"]["Type"] for s in read["ColumnStatisticsList"]} == {
        "customer": "STRING", "order_id": "LONG"}
    assert [(e["ColumnName"], e["Error"]["ErrorCode"]) for e in read["Errors"]] == [
        ("order_date", "EntityNotFoundException")]
    customer = next(s for s in read["ColumnStatisticsList"] if s["ColumnName"] == "customer")
    assert customer["StatisticsData"]["StringColumnStatisticsData"] == {
        "MaximumLength": 40, "AverageLength": 12.5, "NumberOfNulls": 1, "NumberOfDistinctValues": 800}
    assert customer["AnalyzedTime"] == ANALYZED

    glue.create_partition(DatabaseName=database, TableName="customer_orders", PartitionInput={
        "Values": ["2024-05-31"], "StorageDescriptor": {"Location": f"s3://{bucket}/customer_orders/2024-05-31/"}})
    assert glue.update_column_statistics_for_partition(
        DatabaseName=database, TableName="customer_orders", PartitionValues=["2024-05-31"],
        ColumnStatisticsList=[long_stats("order_id", 4100, 5000, 901)])["Errors"] == []
    day = glue.get_column_statistics_for_partition(DatabaseName=database, TableName="customer_orders",
                                                   PartitionValues=["2024-05-31"], ColumnNames=["order_id"])
    assert [s["StatisticsData"]["LongColumnStatisticsData"]["MinimumValue"]
            for s in day["ColumnStatisticsList"]] == [4100]
    assert error_of(glue.get_column_statistics_for_partition, DatabaseName=database, TableName="customer_orders",
                    PartitionValues=["2024-06-01"], ColumnNames=["order_id"]) == (
        "EntityNotFoundException", "Partition [2024-06-01] not found")

    # the table's statistics for one column are dropped; the partition's stay
    for _ in range(2):       # a rerun of the cleanup deletes nothing and succeeds
        glue.delete_column_statistics_for_table(DatabaseName=database, TableName="customer_orders",
                                                ColumnName="order_id")
    after = glue.get_column_statistics_for_table(DatabaseName=database, TableName="customer_orders",
                                                 ColumnNames=["order_id", "customer"])
    assert [s["ColumnName"] for s in after["ColumnStatisticsList"]] == ["customer"]
    assert len(glue.get_column_statistics_for_partition(
        DatabaseName=database, TableName="customer_orders", PartitionValues=["2024-05-31"],
        ColumnNames=["order_id"])["ColumnStatisticsList"]) == 1
