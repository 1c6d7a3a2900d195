"""A warehouse team keeps stock levels in an Iceberg table. Each night the day's movements
(a CSV table) are MERGEd in: lines whose stock runs out are deleted, the others updated,
new SKUs inserted. A feed that repeats a SKU is refused by Athena and changes nothing. Then
the clean-up jobs: a DELETE of the SKUs a discontinued-list subquery names and an UPDATE
whose new price is a scalar subquery, each counted and each its own snapshot."""
from trip_helpers import athena_execution, athena_failure, athena_rows

STOCK = "INSERT INTO stock VALUES ('a1', 'bolts', 10, 1.0), ('a2', 'nuts', 3, 0.5), ('a3', 'nails', 7, 0.25)"
MOVES = "a1,-4\na2,-3\nb7,12\n"
REPEATED = "a1,1\na1,2\n"

MERGE = """MERGE INTO stock t USING moves m ON t.sku = m.sku
    WHEN MATCHED AND t.qty + m.delta <= 0 THEN DELETE
    WHEN MATCHED THEN UPDATE SET qty = t.qty + m.delta
    WHEN NOT MATCHED THEN INSERT (sku, name, qty, price) VALUES (m.sku, 'unnamed', m.delta, 0.0)"""


def test_nightly_stock_merge_and_clean_ups(client, bucket, database):
    athena, s3, output = client("athena"), client("s3"), f"s3://{bucket}/athena/"
    athena_execution(athena, f"""CREATE TABLE stock (sku string, name string, qty int, price double)
        LOCATION 's3://{bucket}/warehouse/stock/' TBLPROPERTIES ('table_type'='ICEBERG')""", database, output)
    athena_execution(athena, f"""CREATE EXTERNAL TABLE moves (sku string, delta int)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/moves/'""", database, output)
    athena_execution(athena, STOCK, database, output)
    s3.put_object(Bucket=bucket, Key="moves/night1.csv", Body=MOVES.encode())
    merged = athena_execution(athena, MERGE, database, output)
    assert athena.get_query_results(QueryExecutionId=merged["QueryExecutionId"])["UpdateCount"] == 3
    after_merge = [["a1", "bolts", "6", "1.0"], ["a3", "nails", "7", "0.25"], ["b7", "unnamed", "12", "0.0"]]
    assert athena_rows(athena, "SELECT * FROM stock ORDER BY sku", database, output) == after_merge

    # Two movements of one SKU in one feed: Athena will not pick one.
    s3.delete_object(Bucket=bucket, Key="moves/night1.csv")
    s3.put_object(Bucket=bucket, Key="moves/night2.csv", Body=REPEATED.encode())
    assert athena_failure(athena, MERGE, database, output) == (
        "MERGE_TARGET_ROW_MULTIPLE_MATCHES: One MERGE target table row matched more than one source row")
    assert athena_rows(athena, "SELECT * FROM stock ORDER BY sku", database, output) == after_merge
    assert athena_rows(athena, 'SELECT operation FROM "stock$snapshots" ORDER BY committed_at',
                       database, output) == [["append"], ["overwrite"]]

    athena_execution(athena, f"""CREATE EXTERNAL TABLE discontinued (sku string) LOCATION 's3://{bucket}/disc/'""",
                     database, output)
    s3.put_object(Bucket=bucket, Key="disc/list.txt", Body=b"a3\nzz\n")
    deleted = athena_execution(athena, "DELETE FROM stock WHERE sku IN (SELECT sku FROM discontinued)",
                               database, output)
    assert athena.get_query_results(QueryExecutionId=deleted["QueryExecutionId"])["UpdateCount"] == 1
    updated = athena_execution(athena, """UPDATE stock SET price = (SELECT max(price) FROM stock) * 2
        WHERE qty > (SELECT avg(qty) FROM stock)""", database, output)
    assert athena.get_query_results(QueryExecutionId=updated["QueryExecutionId"])["UpdateCount"] == 1
    assert athena_rows(athena, "SELECT * FROM stock ORDER BY sku", database, output) == [
        ["a1", "bolts", "6", "1.0"], ["b7", "unnamed", "12", "2.0"]]
    assert athena_rows(athena, 'SELECT operation FROM "stock$snapshots" ORDER BY committed_at',
                       database, output) == [["append"], ["overwrite"], ["delete"], ["overwrite"]]
    # The night's merge can still be read as it was.
    first_merge = athena_rows(athena, 'SELECT snapshot_id FROM "stock$snapshots" ORDER BY committed_at',
                              database, output)[1][0]
    assert athena_rows(athena, f"SELECT * FROM stock FOR VERSION AS OF {first_merge} ORDER BY sku",
                       database, output) == after_merge
