"""A BI developer builds a managed Iceberg copy of last month's events with CTAS (WITH
table_type ICEBERG, is_external false, its own location, partitioning by day): the table
and its rows are one commit, one metadata file. It is topped up with INSERT INTO ... SELECT
from the source Iceberg table, "$files", "$manifests" and "$refs" are inspected, one day's
files are compacted with OPTIMIZE ... WHERE on the partition column, and the table is
handed to a Python service that reads it with pyiceberg through the Glue catalog."""
from trip_helpers import athena_execution, athena_rows, pyiceberg_catalog

EVENTS = ", ".join(f"({n}, TIMESTAMP '2024-06-0{1 + n % 3} 0{n % 9}:15:00', 'k{n % 4}')" for n in range(1, 10))


def catalog_of(lakebox_server):
    return pyiceberg_catalog(lakebox_server, "bi")


def test_ctas_copy_topped_up_compacted_and_read_by_pyiceberg(lakebox_server, client, bucket, database):
    athena, glue, output = client("athena"), client("glue"), f"s3://{bucket}/athena/"
    athena_execution(athena, f"""CREATE TABLE events (id bigint, ts timestamp, kind string)
        PARTITIONED BY (day(ts)) LOCATION 's3://{bucket}/warehouse/events/' TBLPROPERTIES ('table_type'='ICEBERG')""",
                     database, output)
    athena_execution(athena, f"INSERT INTO events VALUES {EVENTS}", database, output)
    made = athena_execution(athena, f"""CREATE TABLE june WITH (table_type = 'ICEBERG', is_external = false,
        location = 's3://{bucket}/warehouse/june/', partitioning = ARRAY['day(ts)'])
        AS SELECT * FROM events WHERE id <= 6""", database, output)
    assert athena.get_query_results(QueryExecutionId=made["QueryExecutionId"])["UpdateCount"] == 6
    table = glue.get_table(DatabaseName=database, Name="june")["Table"]
    assert (table["TableType"], table["Parameters"]["table_type"]) == ("EXTERNAL_TABLE", "ICEBERG")
    # The table and its rows are one commit: one metadata file, nothing before it.
    assert table["Parameters"]["metadata_location"].startswith(f"s3://{bucket}/warehouse/june/metadata/00000-")
    assert "previous_metadata_location" not in table["Parameters"]
    assert athena_rows(athena, 'SELECT parent_id FROM "june$history"', database, output) == [[None]]

    athena_execution(athena, "INSERT INTO june SELECT * FROM events WHERE id > 6", database, output)
    assert athena_rows(athena, "SELECT count(*), min(id), max(id) FROM june", database, output) == [["9", "1", "9"]]
    assert athena_rows(athena, "SELECT * FROM june EXCEPT SELECT * FROM events", database, output) == []
    files = athena_rows(athena, 'SELECT file_path, partition, record_count FROM "june$files"', database, output)
    assert sum(int(row[2]) for row in files) == 9
    assert all(row[0].startswith(f"s3://{bucket}/warehouse/june/data/ts_day=2024-06-0")
               and row[0].endswith(".parquet") for row in files)
    assert sorted(row[1] for row in files) == ["{ts_day=2024-06-01}", "{ts_day=2024-06-01}", "{ts_day=2024-06-02}",
                                               "{ts_day=2024-06-02}", "{ts_day=2024-06-03}", "{ts_day=2024-06-03}"]
    assert athena_rows(athena, 'SELECT count(*), sum(added_data_files_count) FROM "june$manifests"',
                       database, output) == [["2", str(len(files))]]
    history = athena_rows(athena, 'SELECT snapshot_id FROM "june$history" ORDER BY made_current_at', database, output)
    assert athena_rows(athena, 'SELECT name, type, snapshot_id FROM "june$refs"', database, output) == [
        ["main", "BRANCH", history[-1][0]]]

    # One day's small files compacted into one; the other days' files untouched.
    first_day = sorted(row[0] for row in files if "ts_day=2024-06-02/" in row[0])
    others = sorted(row[0] for row in files if "ts_day=2024-06-02/" not in row[0])
    athena_execution(athena, "ALTER TABLE june SET TBLPROPERTIES ('optimize_rewrite_data_file_threshold'='2')",
                     database, output)
    athena_execution(athena, "OPTIMIZE june REWRITE DATA USING BIN_PACK WHERE ts >= TIMESTAMP '2024-06-02 00:00:00' "
                     "AND ts < TIMESTAMP '2024-06-03 00:00:00'", database, output)
    after = athena_rows(athena, 'SELECT file_path FROM "june$files"', database, output)
    assert sorted(row[0] for row in after if "ts_day=2024-06-02/" not in row[0]) == others
    compacted = [row[0] for row in after if "ts_day=2024-06-02/" in row[0]]
    assert len(first_day) == 2 and len(compacted) == 1 and compacted[0] not in first_day
    assert athena_rows(athena, "SELECT * FROM june EXCEPT SELECT * FROM events", database, output) == []
    assert athena_rows(athena, "SELECT count(*) FROM june", database, output) == [["9"]]
    assert athena_rows(athena, 'SELECT operation FROM "june$snapshots" ORDER BY committed_at', database, output)[
        -1] == ["replace"]

    scanned = catalog_of(lakebox_server).load_table(f"{database}.june").scan().to_arrow()
    assert sorted(zip(scanned["id"].to_pylist(), scanned["kind"].to_pylist())) == [
        (n, f"k{n % 4}") for n in range(1, 10)]
    assert str(catalog_of(lakebox_server).load_table(f"{database}.june").spec()).split() == [
        "[", "1000:", "ts_day:", "day(2)", "]"]
