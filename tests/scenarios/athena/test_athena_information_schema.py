"""information_schema answered from the Glue catalog, as dbt-athena and BI tools read it."""


def _make_tables(query, glue, bucket, database):
    query("CREATE EXTERNAL TABLE events (id bigint, tags array<string>, attrs struct<k:int,v:string>, "
          "price decimal(10,2), at timestamp, score float) PARTITIONED BY (dt string) STORED AS PARQUET "
          "LOCATION 's3://%s/events/'" % bucket)
    query("CREATE VIEW recent AS SELECT id FROM events WHERE dt > '2024'")


def test_schemata_tables_and_views(query, glue, bucket, database):
    _make_tables(query, glue, bucket, database)
    _, rows, columns = query(f"SELECT catalog_name, schema_name FROM information_schema.schemata "
                             f"WHERE schema_name IN ('{database}', 'information_schema') ORDER BY 2")
    assert rows == [["catalog_name", "schema_name"], ["awsdatacatalog", database],
                    ["awsdatacatalog", "information_schema"]]
    _, rows, _ = query(f"SELECT table_catalog, table_schema, table_name, table_type FROM information_schema.tables "
                       f"WHERE table_schema = '{database}' ORDER BY table_name")
    assert rows[1:] == [["awsdatacatalog", database, "events", "BASE TABLE"],
                        ["awsdatacatalog", database, "recent", "VIEW"]]
    _, rows, _ = query(f"SELECT table_name, view_definition FROM information_schema.views "
                       f"WHERE table_schema = '{database}'")
    assert rows[1][0] == "recent" and rows[1][1].startswith("SELECT id FROM events")
    _, rows, _ = query("SELECT count(*) FROM information_schema.tables t WHERE t.table_schema = 'information_schema'")
    assert rows[1] == ["4"]


def test_columns_with_trinos_type_names(query, glue, bucket, database):
    _make_tables(query, glue, bucket, database)
    _, rows, columns = query(
        "SELECT table_name, column_name, ordinal_position, is_nullable, data_type, extra_info "
        f"FROM information_schema.columns WHERE table_schema = '{database}' AND table_name = 'events' "
        "ORDER BY ordinal_position")
    assert rows[1:] == [["events", "id", "1", "YES", "bigint", None],
                        ["events", "tags", "2", "YES", "array(varchar)", None],
                        ["events", "attrs", "3", "YES", "row(k integer, v varchar)", None],
                        ["events", "price", "4", "YES", "decimal(10,2)", None],
                        ["events", "at", "5", "YES", "timestamp(3)", None],
                        ["events", "score", "6", "YES", "real", None],
                        ["events", "dt", "7", "YES", "varchar", "partition key"]]
    assert [c["Type"] for c in columns] == ["varchar", "varchar", "bigint", "varchar", "varchar", "varchar"]


def test_unknown_information_schema_table(query):
    execution, _, _ = query("SELECT * FROM information_schema.nope", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.information_schema.nope' does not exist"


def test_show_tblproperties_of_one_property(query, glue, bucket, database):
    query("CREATE EXTERNAL TABLE props (id int) LOCATION 's3://%s/props/' "
          "TBLPROPERTIES ('classification'='csv', 'owner'='me')" % bucket)
    _, rows, _ = query("SHOW TBLPROPERTIES props('owner')")
    assert rows == [["me"]]
    _, rows, _ = query("SHOW TBLPROPERTIES props")
    assert ["owner", "me"] in rows and ["classification", "csv"] in rows


def test_missing_qualified_table_is_placed_at_its_first_part(query, database):
    execution, _, _ = query(f"SELECT * FROM {database}.nope", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        f"TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.{database}.nope' does not exist"
