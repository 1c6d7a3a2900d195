"""A data-mesh consumer gives a producer's curated tables local names with Glue resource
links, as the Lake Formation Developer Guide's "Resource link handling in AWS Glue APIs"
describes them: a database link stands for its target wherever a database name goes
(GetTables lists the target's tables, GetTable and GetPartitions read them, CreateTable
creates in the target), a table link in a local database reads as the table it points at
(GetTable, GetTables, GetPartitions), and deleting a link (table or database) leaves its
target alone."""
from trip_helpers import error_of

COLUMNS = [{"Name": "order_id", "Type": "string"}, {"Name": "total", "Type": "double"}]


def table_input(bucket, name, keys=True):
    found = {"Name": name, "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
             "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://{bucket}/curated/{name}/"}}
    if keys:
        found["PartitionKeys"] = [{"Name": "dt", "Type": "string"}]
    return found


def test_consumer_reads_through_resource_links(client, bucket, fresh_database):
    glue = client("glue")
    account = client("sts").get_caller_identity()["Account"]
    producer, consumer = fresh_database("curated"), fresh_database("consumer")
    link_db = consumer + "_sales"
    glue.create_table(DatabaseName=producer, TableInput=table_input(bucket, "orders"))
    glue.batch_create_partition(DatabaseName=producer, TableName="orders", PartitionInputList=[
        {"Values": [day], "StorageDescriptor": {"Columns": COLUMNS,
                                                "Location": f"s3://{bucket}/curated/orders/dt={day}/"}}
        for day in ("2024-05-01", "2024-05-02", "2024-05-03")])
    glue.create_table(DatabaseName=producer, TableInput=table_input(bucket, "refunds", keys=False))

    # a database resource link: the producer's tables under the consumer's name
    glue.create_database(DatabaseInput={"Name": link_db,
                                        "TargetDatabase": {"CatalogId": account, "DatabaseName": producer}})
    try:
        assert glue.get_database(Name=link_db)["Database"]["TargetDatabase"] == {
            "CatalogId": account, "DatabaseName": producer}
        listed = glue.get_tables(DatabaseName=link_db)["TableList"]
        assert sorted((t["Name"], t["StorageDescriptor"]["Location"]) for t in listed) == [
            ("orders", f"s3://{bucket}/curated/orders/"), ("refunds", f"s3://{bucket}/curated/refunds/")]
        through = glue.get_table(DatabaseName=link_db, Name="orders")["Table"]
        assert through["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]
        assert through["StorageDescriptor"]["Columns"] == COLUMNS
        days = glue.get_partitions(DatabaseName=link_db, TableName="orders",
                                   Expression="dt >= '2024-05-02'")["Partitions"]
        assert sorted(p["Values"] for p in days) == [["2024-05-02"], ["2024-05-03"]]
        # a table created through the database link lands in the target database
        glue.create_table(DatabaseName=link_db, TableInput=table_input(bucket, "returns", keys=False))
        assert glue.get_table(DatabaseName=producer, Name="returns")["Table"]["StorageDescriptor"]["Location"] == (
            f"s3://{bucket}/curated/returns/")
        assert error_of(glue.get_table, DatabaseName=link_db, Name="shipments") == (
            "EntityNotFoundException", "Entity Not Found")
        # updating the database link updates the producer's database; the link stays a link
        glue.update_database(Name=link_db, DatabaseInput={"Name": link_db, "Description": "curated sales",
                                                          "Parameters": {"owner": "sales-data"}})
        target = glue.get_database(Name=producer)["Database"]
        assert (target["Description"], target["Parameters"]) == ("curated sales", {"owner": "sales-data"})
        assert glue.get_database(Name=link_db)["Database"]["TargetDatabase"] == {
            "CatalogId": account, "DatabaseName": producer}
        assert len(glue.get_tables(DatabaseName=link_db)["TableList"]) == 3
    finally:
        # deleting the database link deletes the link, not the producer's database
        glue.delete_database(Name=link_db)
    assert sorted(t["Name"] for t in glue.get_tables(DatabaseName=producer)["TableList"]) == [
        "orders", "refunds", "returns"]

    # a table resource link in the consumer's own database
    glue.create_table(DatabaseName=consumer, TableInput={
        "Name": "orders_link", "TargetTable": {"CatalogId": account, "DatabaseName": producer, "Name": "orders"}})
    glue.create_table(DatabaseName=consumer, TableInput=table_input(bucket, "scratch", keys=False))
    # the link answers as itself (what Terraform reads back for target_table) with the
    # target's properties
    linked = glue.get_table(DatabaseName=consumer, Name="orders_link")["Table"]
    assert (linked["Name"], linked["DatabaseName"], linked["TargetTable"]) == (
        "orders_link", consumer, {"CatalogId": account, "DatabaseName": producer, "Name": "orders"})
    assert linked["StorageDescriptor"]["Location"] == f"s3://{bucket}/curated/orders/"
    assert linked["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]
    assert linked["Parameters"] == {"classification": "parquet"}
    assert sorted((t["Name"], t["StorageDescriptor"]["Location"])
                  for t in glue.get_tables(DatabaseName=consumer)["TableList"]) == [
        ("orders_link", f"s3://{bucket}/curated/orders/"), ("scratch", f"s3://{bucket}/curated/scratch/")]
    glue.create_partition_index(DatabaseName=producer, TableName="orders",
                                PartitionIndex={"IndexName": "by_day", "Keys": ["dt"]})
    assert [i["IndexName"] for i in glue.get_partition_indexes(
        DatabaseName=consumer, TableName="orders_link")["PartitionIndexDescriptorList"]] == ["by_day"]
    one = glue.get_partitions(DatabaseName=consumer, TableName="orders_link",
                              Expression="dt IN ('2024-05-01', '2024-05-09')")["Partitions"]
    assert [p["StorageDescriptor"]["Location"] for p in one] == [f"s3://{bucket}/curated/orders/dt=2024-05-01/"]
    assert glue.get_partition(DatabaseName=consumer, TableName="orders_link",
                              PartitionValues=["2024-05-03"])["Partition"]["Values"] == ["2024-05-03"]

    # deleting the table link leaves the producer's table and its partitions
    glue.delete_table(DatabaseName=consumer, Name="orders_link")
    assert error_of(glue.get_table, DatabaseName=consumer, Name="orders_link") == (
        "EntityNotFoundException", "Entity Not Found")
    assert len(glue.get_partitions(DatabaseName=producer, TableName="orders")["Partitions"]) == 3
