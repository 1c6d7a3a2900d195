"""SHOW CREATE TABLE writes a table's comments back as Hive writes them: a column's
COMMENT after its type (partition keys too), the table's own COMMENT after the column
list (CREATE TABLE synopsis: `[(col_name data_type [COMMENT col_comment], ...)] [COMMENT
table_comment] [PARTITIONED BY (col_name data_type [COMMENT col_comment], ...)]`), a quote
in a comment after a backslash. awswrangler's show_create_table joins these lines."""


def _ddl(query, table):
    return [row[0] for row in query(f"SHOW CREATE TABLE {table}")[1]]


def test_column_and_table_comments_are_in_the_ddl(query, bucket):
    query(f"CREATE EXTERNAL TABLE sales (id bigint COMMENT 'the id', amount double, note string COMMENT "
          f"'free text') COMMENT 'daily sales' PARTITIONED BY (dt string COMMENT 'the day', region string) "
          f"STORED AS PARQUET LOCATION 's3://{bucket}/sales/'")
    lines = _ddl(query, "sales")
    at = lines.index("PARTITIONED BY (")
    assert lines[1:at] == ["  `id` bigint COMMENT 'the id',", "  `amount` double,",
                           "  `note` string COMMENT 'free text')", "COMMENT 'daily sales'"]
    assert lines[at + 1:at + 3] == ["  `dt` string COMMENT 'the day',", "  `region` string)"]


def test_a_table_without_comments_has_none(query, bucket):
    query(f"CREATE EXTERNAL TABLE plain (id bigint) PARTITIONED BY (dt string) STORED AS PARQUET "
          f"LOCATION 's3://{bucket}/plain/'")
    lines = _ddl(query, "plain")
    assert lines[1:4] == ["  `id` bigint)", "PARTITIONED BY (", "  `dt` string)"]
    assert not [line for line in lines if "COMMENT" in line]


def test_comments_set_through_glue_are_shown(query, glue, bucket, database):
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "notes", "Description": "it's ours", "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "int", "Comment": "key; unique"}],
            "Location": f"s3://{bucket}/notes/",
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}})
    lines = _ddl(query, "notes")
    assert lines[1:3] == ["  `id` int COMMENT 'key\\; unique')", "COMMENT 'it\\'s ours'"]
