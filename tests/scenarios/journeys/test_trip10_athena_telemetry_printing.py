"""A platform engineer checks how a telemetry export reads in GetQueryResults before a
dashboard parses it with boto3: doubles print as Java prints them (scientific from ten
million up and below a thousandth), a real keeps its seven digits, epoch seconds become
`timestamp with time zone` printed with the zone's name, bytes print as hex pairs, and
rows, arrays and maps print in Trino's `{name=value}` and `[a, b]` forms, each column
typed and sized in ResultSetMetadata as Athena reports it."""
import pytest

from trip_helpers import athena_execution

READINGS = """s1,1709622489,12345678.9
s2,1709622490,0.00001
s3,1709622491,0.5
"""


@pytest.fixture
def telemetry(client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="telemetry/readings.csv", Body=READINGS.encode())
    athena, output = client("athena"), f"s3://{bucket}/results/"
    athena_execution(athena, f"""CREATE EXTERNAL TABLE readings (sensor string, epoch bigint, reading double)
                                 ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
                                 LOCATION 's3://{bucket}/telemetry/'""", database, output)

    def result(sql):
        execution = athena_execution(athena, sql, database, output)
        page = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])["ResultSet"]
        rows = [[cell.get("VarCharValue") for cell in row["Data"]] for row in page["Rows"][1:]]
        return rows, [(c["Type"], c["Precision"], c["Scale"]) for c in page["ResultSetMetadata"]["ColumnInfo"]]
    return result


def test_numbers_times_and_bytes(telemetry):
    rows, types = telemetry("""
        SELECT sensor, reading, reading * 1000, CAST(reading AS real), from_unixtime(epoch),
               at_timezone(from_unixtime(epoch), 'Europe/Berlin'), to_utf8(sensor), width_bucket(reading, ARRAY[0.1, 1.0])
        FROM readings ORDER BY sensor""")
    assert rows == [
        ["s1", "1.23456789E7", "1.23456789E10", "1.2345679E7", "2024-03-05 07:08:09.000 UTC",
         "2024-03-05 08:08:09.000 Europe/Berlin", "73 31", "2"],
        ["s2", "1.0E-5", "0.01", "1.0E-5", "2024-03-05 07:08:10.000 UTC",
         "2024-03-05 08:08:10.000 Europe/Berlin", "73 32", "0"],
        ["s3", "0.5", "500.0", "0.5", "2024-03-05 07:08:11.000 UTC",
         "2024-03-05 08:08:11.000 Europe/Berlin", "73 33", "1"]]
    assert types == [("varchar", 2147483647, 0), ("double", 17, 0), ("double", 17, 0), ("float", 7, 0),
                     ("timestamp with time zone", 3, 0), ("timestamp with time zone", 3, 0),
                     ("varbinary", 1073741824, 0), ("bigint", 19, 0)]


def test_rows_arrays_and_maps(telemetry):
    rows, types = telemetry("""
        SELECT CAST(ROW(sensor, reading) AS ROW(name varchar, value double)), ROW(sensor, epoch),
               ARRAY[reading, reading / 2], MAP(ARRAY[sensor], ARRAY[ARRAY[epoch]]), INTERVAL '2' MONTH * 7
        FROM readings WHERE sensor = 's1'""")
    assert rows == [["{name=s1, value=1.23456789E7}", "{field0=s1, field1=1709622489}",
                     "[1.23456789E7, 6172839.45]", "{s1=[1709622489]}", "1-2"]]
    assert types == [("row", 0, 0), ("row", 0, 0), ("array", 0, 0), ("map", 0, 0), ("interval year to month", 0, 0)]
