"""The catalog as Athena's metadata calls and SHOW statements show it, views included,
and what a finished query leaves: its result file, statistics and history."""
import pytest


@pytest.fixture
def events(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="events/dt=2024-01-01/a.csv", Body=b'1,"a,b"\n2,\n3,x\n')
    query("CREATE EXTERNAL TABLE events (id int, s string) PARTITIONED BY (dt string) "
          "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://%s/events/'" % bucket)
    query("MSCK REPAIR TABLE events")
    return "events"


def test_table_metadata_shows_formats_and_serde(athena, database, bucket, events):
    table = athena.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=database,
                                      TableName=events)["TableMetadata"]
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert table["Parameters"].pop("transient_lastDdlTime").isdigit()       # the time of CREATE TABLE
    assert table["Parameters"] == {
        "EXTERNAL": "TRUE", "location": f"s3://{bucket}/events/",
        "inputformat": "org.apache.hadoop.mapred.TextInputFormat",
        "outputformat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "serde.serialization.lib": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        "serde.param.field.delim": ",", "serde.param.serialization.format": ","}
    with pytest.raises(athena.exceptions.MetadataException):
        athena.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=database, TableName="missing")
    with pytest.raises(athena.exceptions.MetadataException) as caught:
        athena.list_table_metadata(CatalogName="AwsDataCatalog", DatabaseName="no_such_database_a10")
    assert caught.value.response["Error"]["Message"] == "Database no_such_database_a10 not found."


def test_show_statements(query, database, events):
    assert query("SHOW PARTITIONS events")[1] == [["dt=2024-01-01"]]
    assert query("SHOW COLUMNS IN events")[1] == [[f"{name:<20}"] for name in ("id", "s", "dt")]   # Hive pads
    assert query(f"SHOW TABLES IN {database} 'ev*'")[1] == [["events"]]
    assert query(f"SHOW DATABASES LIKE '{database}'")[1] == [[database]]
    properties = query("SHOW TBLPROPERTIES events")[1]
    assert properties[0] == ["EXTERNAL", "TRUE"]
    assert [key for key, _ in properties[1:]] == ["transient_lastDdlTime"]


def test_a_replaced_view_is_queried_and_stored_as_a_presto_view(query, glue, database, events):
    query("CREATE OR REPLACE VIEW recent AS SELECT id, upper(s) AS s FROM events WHERE id > 1")
    assert query("SELECT * FROM recent ORDER BY id")[1] == [["id", "s"], ["2", ""], ["3", "X"]]
    query("CREATE OR REPLACE VIEW recent AS SELECT id FROM events")
    assert query("SELECT * FROM recent ORDER BY id")[1] == [["id"], ["1"], ["2"], ["3"]]
    assert query("SHOW VIEWS")[1] == [["recent"]]
    view = glue.get_table(DatabaseName=database, Name="recent")["Table"]
    assert view["TableType"] == "VIRTUAL_VIEW" and view["Parameters"]["presto_view"] == "true"
    assert view["ViewOriginalText"].startswith("/* Presto View: ") and view["ViewExpandedText"] == "/* Presto View */"
    assert view["StorageDescriptor"]["Columns"] == [{"Name": "id", "Type": "int"}]


def test_result_file_quoting_statistics_and_history(athena, query, s3, bucket, events):
    execution, rows, _ = query("SELECT id, s, 'said \"hi\"' AS q, 'l1\nl2' AS nl FROM events ORDER BY id")
    query_id = execution["QueryExecutionId"]
    # LazySimpleSerDe knows no quotes: `"a,b"` is two fields, the first `"a`; an empty field is ''
    assert rows[1:] == [["1", '"a', 'said "hi"', "l1\nl2"], ["2", "", 'said "hi"', "l1\nl2"],
                        ["3", "x", 'said "hi"', "l1\nl2"]]
    body = s3.get_object(Bucket=bucket, Key=f"results/{query_id}.csv")["Body"].read()
    assert body.splitlines(keepends=True)[:3] == [b'"id","s","q","nl"\n', b'"1","""a","said ""hi""","l1\n',
                                                   b'l2"\n']
    assert b'"2","","said' in body
    statistics = execution["Statistics"]
    assert statistics["DataScannedInBytes"] == 15
    for field in ("EngineExecutionTimeInMillis", "TotalExecutionTimeInMillis", "QueryQueueTimeInMillis"):
        assert statistics[field] >= 0
    runtime = athena.get_query_runtime_statistics(QueryExecutionId=query_id)["QueryRuntimeStatistics"]
    assert runtime["Rows"]["OutputRows"] == 3 and runtime["Rows"]["InputBytes"] == 15
    missing = "00000000-0000-4000-8000-000000000000"
    batch = athena.batch_get_query_execution(QueryExecutionIds=[query_id, missing])
    assert [e["QueryExecutionId"] for e in batch["QueryExecutions"]] == [query_id]
    assert batch["UnprocessedQueryExecutionIds"] == [{"QueryExecutionId": missing, "ErrorCode": "INVALID_INPUT",
                                                      "ErrorMessage": f"QueryExecution {missing} was not found"}]
    assert query_id in athena.list_query_executions()["QueryExecutionIds"]


def test_null_is_an_empty_field_and_an_empty_string_is_quoted(query, s3, bucket):
    execution, rows, _ = query("SELECT CAST(NULL AS varchar) AS n, '' AS e, 'a,b' AS c")
    assert rows[1] == [None, "", "a,b"]
    body = s3.get_object(Bucket=bucket, Key=f"results/{execution['QueryExecutionId']}.csv")["Body"].read()
    assert body == b'"n","e","c"\n,"","a,b"\n'


def test_describe_one_column_and_the_table_keyword_mistake(query, events):
    assert query("DESCRIBE events s")[1] == [["s                   ", "string              ", "                    "]]
    assert query("DESCRIBE events dt")[1] == [["dt                  ", "string              ", "                    "]]
    # the guide's warning: DESCRIBE TABLE t looks for a table named `table`
    execution, _, _ = query("DESCRIBE TABLE events", expect="FAILED")
    assert execution["Status"]["StateChangeReason"].endswith(
        "FAILED: SemanticException [Error 10001]: Table not found table")
