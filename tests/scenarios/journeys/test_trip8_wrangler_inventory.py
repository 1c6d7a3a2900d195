"""A retail analyst keeps store inventory with awswrangler: a Parquet dataset in the Glue
catalog, partitioned by store and month (an int key), written with mode overwrite, then a
recount of the same partitions with overwrite_partitions and a new store with append. The
catalog answers what was written (columns with their comment, partitions, an Expression
filter on the string and int keys); Athena's answers are the same through
read_sql_query's CTAS path and its plain path, in chunks too; a query whose two columns
share a name cannot take the CTAS path (Athena refuses the table it would make), and
takes the plain one."""
import pytest

INVENTORY = {"sku": ["A", "B", "C"], "qty": [1, 2, 3], "price": [1.5, 2.0, 3.25], "store": ["lis", "opo", "lis"],
             "month": [1, 1, 2]}
VALUE = "SELECT store, month, sum(qty * price) AS value FROM inventory GROUP BY store, month ORDER BY store, month"


@pytest.fixture
def inventory(wr, session, bucket, database):
    import pandas as pd
    path = f"s3://{bucket}/retail/inventory/"
    options = {"dataset": True, "database": database, "table": "inventory", "partition_cols": ["store", "month"],
               "dtype": {"month": "int"}, "boto3_session": session}
    frame = pd.DataFrame(INVENTORY)
    wr.s3.to_parquet(frame, path=path, mode="overwrite", **options,
                     glue_table_settings={"description": "store inventory", "columns_comments": {"qty": "units"}})
    wr.s3.to_parquet(frame.assign(qty=[10, 20, 30]), path=path, mode="overwrite_partitions", **options)
    wr.s3.to_parquet(pd.DataFrame({"sku": ["D"], "qty": [4], "price": [9.0], "store": ["fao"], "month": [3]}),
                     path=path, mode="append", **options)
    return "inventory"


def test_inventory_dataset(wr, session, client, bucket, database, inventory):
    glue, output = client("glue"), f"s3://{bucket}/athena/"
    opts = {"database": database, "s3_output": output, "boto3_session": session}
    table = glue.get_table(DatabaseName=database, Name="inventory")["Table"]
    assert table["Description"] == "store inventory"
    assert table["StorageDescriptor"]["Columns"] == [
        {"Name": "sku", "Type": "string"}, {"Name": "qty", "Type": "bigint", "Comment": "units"},
        {"Name": "price", "Type": "double"}]
    assert table["PartitionKeys"] == [{"Name": "store", "Type": "string"}, {"Name": "month", "Type": "int"}]

    def partitions(**expression):
        found = glue.get_partitions(DatabaseName=database, TableName="inventory", **expression)["Partitions"]
        return sorted(p["Values"] for p in found)
    assert partitions() == [["fao", "3"], ["lis", "1"], ["lis", "2"], ["opo", "1"]]
    assert partitions(Expression="month >= 2 AND store <> 'fao'") == [["lis", "2"]]
    assert partitions(Expression="store IN ('lis', 'opo') AND month < 2") == [["lis", "1"], ["opo", "1"]]
    assert sorted(wr.catalog.get_partitions(database=database, table="inventory", expression="month = 3",
                                         boto3_session=session).values()) \
        == [["fao", "3"]]

    expected = [["fao", 3, 36.0], ["lis", 1, 15.0], ["lis", 2, 97.5], ["opo", 1, 40.0]]   # the recount's numbers
    for ctas in (True, False):
        frame = wr.athena.read_sql_query(VALUE, ctas_approach=ctas, **opts)
        assert frame.values.tolist() == expected, ctas
        assert str(frame["month"].dtype) == "Int32" and str(frame["value"].dtype) == "float64"
    chunks = wr.athena.read_sql_query("SELECT sku, qty FROM inventory ORDER BY sku", ctas_approach=False,
                                      chunksize=2, **opts)
    assert [chunk.values.tolist() for chunk in chunks] == [[["A", 10], ["B", 20]], [["C", 30], ["D", 4]]]

    same_names = ("SELECT a.sku, b.sku FROM inventory a JOIN inventory b ON a.store = b.store AND a.sku < b.sku "
                  "ORDER BY 1")
    with pytest.raises(wr.exceptions.InvalidCtasApproachQuery) as refused:     # awswrangler knows Athena's words
        wr.athena.read_sql_query(same_names, ctas_approach=True, **opts)
    assert str(refused.value) == ("Please, define distinct names for your columns. Root error message: "
                                  "DUPLICATE_COLUMN_NAME: line 1:1: Column name 'sku' specified more than once")
    frame = wr.athena.read_sql_query(same_names, ctas_approach=False, **opts)
    assert frame.values.tolist() == [["A", "C"]]
    assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == ["inventory"]
