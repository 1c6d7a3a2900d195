"""Rows.InputRows of GetQueryRuntimeStatistics: the rows the scans of a table's files
produced, read from DuckDB's profile of the statement; constants read no table."""
import duckdb

from lakebox.engine import scan_rows


def profile_of(sql, setup=()):
    connection = duckdb.connect()
    for statement in setup:
        connection.execute(statement)
    connection.execute("SET enable_profiling = 'no_output'")
    connection.execute(sql).fetchall()
    return connection.get_profiling_information(format="json")


def test_rows_of_file_scans_are_counted(tmp_path):
    parquet, csv = tmp_path / "t.parquet", tmp_path / "t.csv"
    made = [f"COPY (SELECT range AS x FROM range(40)) TO '{parquet}'",
            f"COPY (SELECT range AS x FROM range(7)) TO '{csv}'"]
    sql = (f"SELECT sum(x) FROM read_parquet('{parquet}') UNION ALL SELECT max(x) FROM read_csv('{csv}') "
           "UNION ALL SELECT count(*) FROM range(1000) UNION ALL SELECT count(*) FROM (VALUES (1), (2)) AS v(a)")
    assert scan_rows.input_rows(profile_of(sql, made)) == 47


def test_a_count_from_footers_has_no_plan(tmp_path):
    parquet = tmp_path / "t.parquet"
    made = [f"COPY (SELECT range AS x FROM range(40)) TO '{parquet}'"]
    assert scan_rows.input_rows(profile_of(f"SELECT count(*) FROM read_parquet('{parquet}')", made)) is None


def test_arrow_tables_count_as_files():
    import pyarrow as pa
    connection = duckdb.connect()
    connection.register("orc_files", pa.table({"a": [1, 2, 3]}))
    connection.execute("SET enable_profiling = 'no_output'")
    connection.execute("SELECT max(a) FROM orc_files").fetchall()
    assert scan_rows.input_rows(connection.get_profiling_information(format="json")) == 3
