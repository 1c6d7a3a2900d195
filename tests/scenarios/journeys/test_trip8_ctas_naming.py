"""A data scientist summarises sensor readings with awswrangler, whose read_sql_query runs
each query as a CTAS by default: an unnamed count(*) and a bare NULL column are refused by
Athena (Trino's words), which awswrangler turns into its own advice; named and cast, the
same summary comes back through the CTAS path as through the plain one. The summary is
then kept as a table whose columns are named by a column list (`CREATE TABLE t (a, b)
AS ...`, which Trino reads), a list of the wrong length being refused at its first name; a
view of an unnamed column is refused as the table was."""
import pytest

from trip_helpers import athena_failure, athena_rows

READINGS = b"s1,2024-06-01 10:00:00,21.5\ns1,2024-06-01 11:00:00,22.0\ns2,2024-06-01 10:00:00,19.0\n" \
           b"s2,2024-06-01 11:00:00,\ns3,2024-06-01 10:00:00,25.25\n"


@pytest.fixture
def readings(client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="iot/readings/part-0.csv", Body=READINGS)
    athena_rows(client("athena"), f"""CREATE EXTERNAL TABLE readings (sensor string, at timestamp, celsius double)
                ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/iot/readings/'""",
                database, f"s3://{bucket}/athena/")


def test_ctas_columns_need_names_and_types(wr, session, client, bucket, database, readings):
    athena, glue, output = client("athena"), client("glue"), f"s3://{bucket}/athena/"
    opts = {"database": database, "s3_output": output, "boto3_session": session}

    with pytest.raises(wr.exceptions.InvalidArgumentValue) as unnamed:
        wr.athena.read_sql_query("SELECT sensor, count(*), avg(celsius) AS mean FROM readings GROUP BY sensor", **opts)
    assert str(unnamed.value) == ("Please, define all columns names in your query. "
                                  "(E.g. 'SELECT MAX(col1) AS max_col1, ...')")
    with pytest.raises(wr.exceptions.InvalidArgumentValue) as untyped:
        wr.athena.read_sql_query("SELECT sensor, NULL AS note FROM readings", **opts)
    assert str(untyped.value).startswith("Please, don't leave undefined columns types in your query.")

    summary = ("SELECT sensor, count(*) AS n, count(celsius) AS measured, max(celsius) AS top, "
               "CAST(NULL AS varchar) AS note FROM readings GROUP BY sensor ORDER BY sensor")
    expected = [["s1", 2, 2, 22.0, None], ["s2", 2, 1, 19.0, None], ["s3", 1, 1, 25.25, None]]
    for ctas in (True, False):
        frame = wr.athena.read_sql_query(summary, ctas_approach=ctas, **opts)
        assert frame["note"].isna().all(), ctas
        assert frame.drop(columns="note").values.tolist() == [row[:4] for row in expected], ctas

    assert athena_failure(athena, "CREATE TABLE sensor_counts AS SELECT sensor, count(*) FROM readings "
                                  "GROUP BY sensor", database, output) == \
        "MISSING_COLUMN_NAME: line 1:1: Column name not specified at position 2"
    assert athena_failure(athena, "CREATE TABLE sensor_counts (sensor) AS SELECT sensor, count(*) FROM readings "
                                  "GROUP BY sensor", database, output) == \
        "MISMATCHED_COLUMN_ALIASES: line 1:29: Column alias list has 1 entries but relation has 2 columns"
    assert athena_failure(athena, "CREATE VIEW sensor_view AS SELECT sensor, max(celsius) FROM readings "
                                  "GROUP BY sensor", database, output) == \
        "MISSING_COLUMN_NAME: line 1:1: Column name not specified at position 2"
    athena_rows(athena, f"""CREATE TABLE sensor_counts (sensor, readings, hottest)
                            WITH (format = 'PARQUET', external_location = 's3://{bucket}/iot/sensor_counts/')
                            AS SELECT sensor, count(*), max(celsius) FROM readings GROUP BY sensor""",
                database, output)
    columns = glue.get_table(DatabaseName=database, Name="sensor_counts")["Table"]["StorageDescriptor"]["Columns"]
    assert columns == [{"Name": "sensor", "Type": "string"}, {"Name": "readings", "Type": "bigint"},
                       {"Name": "hottest", "Type": "double"}]
    assert athena_rows(athena, "SELECT sensor, readings, hottest FROM sensor_counts ORDER BY sensor",
                       database, output) == [["s1", "2", "22.0"], ["s2", "2", "19.0"], ["s3", "1", "25.25"]]
