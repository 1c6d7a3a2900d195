"""A data steward evolves a customer table in place through Athena (a column added, one
renamed with CHANGE COLUMN, one dropped, then the table renamed) and audits it: SHOW
COLUMNS and information_schema follow the changes, Glue also keeps the names only older
schemas had (marked not current), today's rows read in the new schema, and each older
snapshot reads in the schema it was written with, by FOR VERSION AS OF and FOR TIMESTAMP
AS OF; asking for a time before the table's first snapshot, or a snapshot it never had, is
refused with Athena's words."""
import datetime
import time

from trip_helpers import athena_execution, athena_failure, athena_rows


def columns_of(athena, table, database, output) -> list:
    execution = athena_execution(athena, f"SHOW COLUMNS IN {table}", database, output)
    rows = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])["ResultSet"]["Rows"]
    return [row["Data"][0]["VarCharValue"].strip() for row in rows]


def snapshots(athena, table, database, output) -> list:
    return [row[0] for row in athena_rows(athena, f'SELECT snapshot_id FROM "{table}$snapshots" '
                                                  "ORDER BY committed_at", database, output)]


def test_customer_table_evolves_and_every_version_still_reads(client, bucket, database):
    athena, output = client("athena"), f"s3://{bucket}/athena/"
    athena_execution(athena, f"""CREATE TABLE customers (id int, name string, phone string, city string)
        LOCATION 's3://{bucket}/warehouse/customers/' TBLPROPERTIES ('table_type'='ICEBERG')""", database, output)
    before_any = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    reason = athena_failure(athena, f"SELECT * FROM customers FOR TIMESTAMP AS OF TIMESTAMP '{before_any} UTC'",
                            database, output)
    assert reason == (f"INVALID_ARGUMENTS: No version history table {database}.customers at or before "
                      f"{before_any.replace(' ', 'T')}Z")
    time.sleep(1.1)
    athena_execution(athena, "INSERT INTO customers VALUES (1, 'Ada', '555-1', 'Paris'), (2, 'Bo', '555-2', 'Oslo')",
                     database, output)
    time.sleep(1.1)
    between = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    time.sleep(1.1)

    athena_execution(athena, "ALTER TABLE customers ADD COLUMNS (tier string)", database, output)
    athena_execution(athena, "ALTER TABLE customers CHANGE COLUMN city town string", database, output)
    athena_execution(athena, "ALTER TABLE customers DROP COLUMN phone", database, output)
    athena_execution(athena, "INSERT INTO customers VALUES (3, 'Cy', 'Rome', 'gold')", database, output)
    athena_execution(athena, "UPDATE customers SET tier = 'silver' WHERE id = 1", database, output)
    athena_execution(athena, "ALTER TABLE customers RENAME TO clients", database, output)

    assert columns_of(athena, "clients", database, output) == ["id", "name", "town", "tier"]
    # Glue keeps the names only older schemas have, after the current columns, marked not current.
    glue_columns = client("glue").get_table(DatabaseName=database, Name="clients")["Table"]["StorageDescriptor"][
        "Columns"]
    assert [(c["Name"], c["Type"], c["Parameters"]["iceberg.field.current"], c["Parameters"]["iceberg.field.id"])
            for c in glue_columns] == [("id", "int", "true", "1"), ("name", "string", "true", "2"),
                                       ("town", "string", "true", "4"), ("tier", "string", "true", "5"),
                                       ("phone", "string", "false", "3"), ("city", "string", "false", "4")]
    assert athena_rows(athena, f"""SELECT column_name FROM information_schema.columns
        WHERE table_schema = '{database}' AND table_name = 'clients' ORDER BY ordinal_position""",
                       database, output) == [["id"], ["name"], ["town"], ["tier"]]
    assert athena_rows(athena, "SELECT * FROM clients ORDER BY id", database, output) == [
        ["1", "Ada", "Paris", "silver"], ["2", "Bo", "Oslo", None], ["3", "Cy", "Rome", "gold"]]
    first, second, third = snapshots(athena, "clients", database, output)
    as_loaded = [["1", "Ada", "555-1", "Paris"], ["2", "Bo", "555-2", "Oslo"]]
    assert athena_rows(athena, f"SELECT * FROM clients FOR VERSION AS OF {first} ORDER BY id",
                       database, output) == as_loaded
    assert athena_rows(athena, f"SELECT * FROM clients FOR TIMESTAMP AS OF TIMESTAMP '{between} UTC' ORDER BY id",
                       database, output) == as_loaded
    assert athena_rows(athena, f"SELECT * FROM clients FOR VERSION AS OF {second} ORDER BY id",
                       database, output) == [["1", "Ada", "Paris", None], ["2", "Bo", "Oslo", None],
                                             ["3", "Cy", "Rome", "gold"]]
    assert athena_rows(athena, f"SELECT id, tier FROM clients FOR VERSION AS OF {third} WHERE tier IS NOT NULL "
                               "ORDER BY id", database, output) == [["1", "silver"], ["3", "gold"]]
    assert athena_failure(athena, "SELECT * FROM clients FOR VERSION AS OF 42", database, output) == (
        "INVALID_ARGUMENTS: Iceberg snapshot ID does not exists: 42")
    assert athena_failure(athena, "SELECT * FROM customers", database, output) == (
        f"TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.{database}.customers' does not exist")
