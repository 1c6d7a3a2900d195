"""An ETL script on pyathena alone: a DataFrame loaded with pyathena's `to_sql` (Parquet in
S3, a partitioned table, `if_exists` append and replace), queried with pyformat parameters,
several queries run at once with the AsyncCursor, rows added with executemany, and a
pandas cursor for the report."""
import pandas as pd
import pytest

from trip_helpers import KEY, REGION, SECRET


@pytest.fixture
def connection(lakebox_server, bucket, database):
    from pyathena import connect
    return connect(s3_staging_dir=f"s3://{bucket}/staging/", region_name=REGION, schema_name=database,
                   aws_access_key_id=KEY, aws_secret_access_key=SECRET, endpoint_url=lakebox_server.endpoint)


def readings(station, values):
    return pd.DataFrame({"station": [station] * len(values), "hour": list(range(len(values))),
                         "celsius": values})


def test_to_sql_then_parameters_async_and_executemany(lakebox_server, client, bucket, database, connection):
    from pyathena.async_cursor import AsyncCursor
    from pyathena.pandas.cursor import PandasCursor
    from pyathena.pandas.util import to_sql

    location = f"s3://{bucket}/warehouse/readings/"
    to_sql(readings("oslo", [-3.5, -2.0, 0.5]), "readings", connection, location, schema=database,
           index=False, partitions=["station"], if_exists="fail")
    to_sql(readings("lima", [18.0, 19.5]), "readings", connection, location, schema=database,
           index=False, partitions=["station"], if_exists="append")
    table = client("glue").get_table(DatabaseName=database, Name="readings")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["hour", "celsius"]
    assert table["PartitionKeys"] == [{"Name": "station", "Type": "string"}]
    keys = [o["Key"] for o in client("s3").list_objects_v2(Bucket=bucket, Prefix="warehouse/")["Contents"]]
    assert sorted({k.split("/")[2] for k in keys}) == ["station=lima", "station=oslo"]

    cursor = connection.cursor()
    cursor.execute("SELECT station, max(celsius) FROM readings WHERE celsius > %(floor)s GROUP BY station "
                   "ORDER BY station", {"floor": -1.0})
    assert cursor.fetchall() == [("lima", 19.5), ("oslo", 0.5)]
    assert [d[0] for d in cursor.description] == ["station", "_col1"]

    async_cursor = connection.cursor(AsyncCursor)
    futures = {station: async_cursor.execute(f"SELECT count(*) FROM readings WHERE station = '{station}'")[1]
               for station in ("oslo", "lima", "rome")}
    counts = {station: future.result().fetchone()[0] for station, future in futures.items()}
    assert counts == {"oslo": 3, "lima": 2, "rome": 0}
    assert all(future.result().state == "SUCCEEDED" for future in futures.values())

    cursor.execute(f"CREATE EXTERNAL TABLE alerts (station string, hour int, note string) STORED AS PARQUET "
                   f"LOCATION 's3://{bucket}/warehouse/alerts/'")
    cursor.executemany("INSERT INTO alerts VALUES (%(station)s, %(hour)d, %(note)s)",
                       [{"station": "oslo", "hour": 0, "note": "frost"},
                        {"station": "oslo", "hour": 1, "note": "it's icy"}])
    cursor.execute("SELECT note FROM alerts ORDER BY hour")
    assert cursor.fetchall() == [("frost",), ("it's icy",)]

    to_sql(readings("oslo", [1.0]), "readings", connection, location, schema=database,
           index=False, partitions=["station"], if_exists="replace")
    report = connection.cursor(PandasCursor).execute(
        "SELECT r.station, r.hour, r.celsius, a.note FROM readings r LEFT JOIN alerts a "
        "ON r.station = a.station AND r.hour = a.hour ORDER BY r.station, r.hour").as_pandas()
    assert report.to_dict("records") == [{"station": "oslo", "hour": 0, "celsius": 1.0, "note": "frost"}]
