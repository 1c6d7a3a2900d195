"""An Iceberg CREATE TABLE's column comments (`col type COMMENT '...'`, in Athena's
CREATE TABLE synopsis for Iceberg) are kept: on the Glue columns (what GetTable and
awswrangler's get_columns_comments read), in DESCRIBE's comment column and in SHOW CREATE
TABLE, and they outlive writes to the table. awswrangler's to_iceberg writes them from
glue_table_settings columns_comments; they were dropped."""


def _glue_comments(glue, database, table):
    columns = glue.get_table(DatabaseName=database, Name=table)["Table"]["StorageDescriptor"]["Columns"]
    return {column["Name"]: column.get("Comment") for column in columns}


def test_column_comments_of_an_iceberg_table(query, glue, bucket, database):
    query(f"CREATE TABLE orders (id bigint COMMENT 'order key', total double, day string COMMENT 'order day') "
          f"PARTITIONED BY (day) LOCATION 's3://{bucket}/orders/' TBLPROPERTIES ('table_type'='ICEBERG')")
    assert _glue_comments(glue, database, "orders") == {"id": "order key", "total": None, "day": "order day"}
    described = [[cell.strip() for cell in row] for row in query("DESCRIBE orders")[1][2:5]]
    assert described == [["id", "bigint", "order key"], ["total", "double", ""], ["day", "string", "order day"]]
    ddl = [row[0] for row in query("SHOW CREATE TABLE orders")[1]]
    assert ddl[1:4] == ["  id bigint COMMENT 'order key',", "  total double,", "  day string COMMENT 'order day')"]

    query("INSERT INTO orders VALUES (1, 9.5, '2024-01-01')")
    query("ALTER TABLE orders ADD COLUMNS (note string, channel string COMMENT 'web or store')")
    assert _glue_comments(glue, database, "orders") == {"id": "order key", "total": None, "day": "order day",
                                                        "note": None, "channel": "web or store"}
    assert [cell.strip() for cell in query("DESCRIBE orders")[1][6]] == ["channel", "string", "web or store"]
