"""A platform engineer sets up the Iceberg tables of a new team through Athena with the
maintenance properties their runbook asks for (Parquet with ZSTD, a low delete-file
threshold for OPTIMIZE, a one-day snapshot age for VACUUM), checks them with SHOW
TBLPROPERTIES and SHOW CREATE TABLE, tries a property Athena does not take (refused,
nothing made), and follows in Glue how each commit moves metadata_location on and keeps
the one before as previous_metadata_location."""
from trip_helpers import athena_execution, athena_failure, athena_rows


def shown(athena, sql, database, output) -> list:
    """Every row of a SHOW statement (they have no header row)."""
    execution = athena_execution(athena, sql, database, output)
    rows = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])["ResultSet"]["Rows"]
    return [[cell.get("VarCharValue") for cell in row["Data"]] for row in rows]


def test_team_tables_created_with_their_maintenance_properties(client, bucket, database):
    athena, glue, output = client("athena"), client("glue"), f"s3://{bucket}/athena/"
    athena_execution(athena, f"""CREATE TABLE clicks (id bigint, ts timestamp, page string)
        PARTITIONED BY (day(ts)) LOCATION 's3://{bucket}/warehouse/clicks/'
        TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet', 'write_compression'='zstd',
                       'optimize_rewrite_delete_file_threshold'='2', 'vacuum_max_snapshot_age_seconds'='86400')""",
                     database, output)
    assert shown(athena, "SHOW TBLPROPERTIES clicks('vacuum_max_snapshot_age_seconds')", database,
                 output) == [["86400"]]
    properties = dict(shown(athena, "SHOW TBLPROPERTIES clicks", database, output))
    assert {key: properties[key] for key in ("format", "write_compression", "optimize_rewrite_delete_file_threshold",
                                        "vacuum_max_snapshot_age_seconds", "table_type")} == {
        "format": "parquet", "write_compression": "zstd", "optimize_rewrite_delete_file_threshold": "2",
        "vacuum_max_snapshot_age_seconds": "86400", "table_type": "ICEBERG"}
    assert [row[0] for row in shown(athena, "SHOW CREATE TABLE clicks", database, output)] == [
        f"CREATE TABLE {database}.clicks (", "  id bigint,", "  ts timestamp,", "  page string)",
        "PARTITIONED BY (day(ts))", f"LOCATION 's3://{bucket}/warehouse/clicks'", "TBLPROPERTIES (",
        "  'table_type'='iceberg',", "  'format'='parquet',", "  'write_compression'='zstd',",
        "  'optimize_rewrite_delete_file_threshold'='2',", "  'vacuum_max_snapshot_age_seconds'='86400')"]

    # A Hive-style property is not an Iceberg one: refused, and no table is left behind.
    reason = athena_failure(athena, f"""CREATE TABLE sessions (id bigint) LOCATION 's3://{bucket}/warehouse/sessions/'
        TBLPROPERTIES ('table_type'='ICEBERG', 'parquet.compression'='SNAPPY')""", database, output)
    assert reason == "Unsupported table property key: parquet.compression"
    assert "sessions" not in [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]]

    # Each commit writes a new metadata file; Glue keeps the last two.
    locations = [glue.get_table(DatabaseName=database, Name="clicks")["Table"]["Parameters"]]
    for statement in ("INSERT INTO clicks VALUES (1, TIMESTAMP '2024-05-01 08:00:00', '/home')",
                      "INSERT INTO clicks VALUES (2, TIMESTAMP '2024-05-02 09:30:00', '/cart')",
                      "DELETE FROM clicks WHERE id = 1"):
        athena_execution(athena, statement, database, output)
        locations.append(glue.get_table(DatabaseName=database, Name="clicks")["Table"]["Parameters"])
    assert [params["table_type"] for params in locations] == ["ICEBERG"] * 4
    for before, after in zip(locations, locations[1:]):
        assert after["previous_metadata_location"] == before["metadata_location"]
        assert after["metadata_location"] != before["metadata_location"]
    assert [params["metadata_location"].rsplit("/", 1)[1][:6] for params in locations] == [
        "00000-", "00001-", "00002-", "00003-"]
    assert all(params["metadata_location"].startswith(f"s3://{bucket}/warehouse/clicks/metadata/")
               and params["metadata_location"].endswith(".metadata.json") for params in locations)
    assert athena_rows(athena, "SELECT id, page FROM clicks", database, output) == [["2", "/cart"]]
    # The table's own files record the same commits.
    assert athena_rows(athena, 'SELECT count(*) FROM "clicks$history"', database, output) == [["3"]]
    s3 = client("s3")
    metadata_files = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="warehouse/clicks/metadata/")[
        "Contents"] if o["Key"].endswith(".metadata.json")]
    assert len(metadata_files) == 4
