"""A sales dashboard over a projected table: the nightly job writes Parquet with pyarrow
under `sales/dt=<day>/channel=<name>/`; the table (created with Glue's CreateTable, as
the platform's infrastructure code does) projects `dt` as a date range and `channel` as
an enum, so nothing is ever registered; the dashboard queries it through pyathena with
server-side parameters (qmark: Athena's ExecutionParameters) and with pyformat, and a
channel the enum does not list simply has no rows; grouping by a select alias fails as
Trino refuses it."""
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from trip_helpers import KEY, PARQUET_FORMAT, REGION, SECRET

DAYS = ["2024-03-01", "2024-03-02", "2024-03-03"]
CHANNELS = {"web": 3, "app": 2, "store": 1}


def connect(lakebox_server, bucket, database):
    from pyathena import connect as athena_connect
    return athena_connect(s3_staging_dir=f"s3://{bucket}/staging/", region_name=REGION, schema_name=database,
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                          endpoint_url=lakebox_server.endpoint)


@pytest.fixture
def sales(client, bucket, database):
    s3, glue = client("s3"), client("glue")
    for d, day in enumerate(DAYS):
        for channel, units in CHANNELS.items():
            sink = io.BytesIO()
            pq.write_table(pa.table({"sku": [f"sku-{i}" for i in range(units)],
                                     "units": pa.array([units * (d + 1)] * units, pa.int32()),
                                     "price": pa.array([2.5] * units, pa.float64())}), sink)
            s3.put_object(Bucket=bucket, Key=f"sales/dt={day}/channel={channel}/part-0.parquet",
                          Body=sink.getvalue())
    s3.put_object(Bucket=bucket, Key="sales/dt=2024-03-02/channel=partner/part-0.parquet", Body=sink.getvalue())
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "sales", "TableType": "EXTERNAL_TABLE",
        "PartitionKeys": [{"Name": "dt", "Type": "string"}, {"Name": "channel", "Type": "string"}],
        "Parameters": {"classification": "parquet", "projection.enabled": "true",
                       "projection.dt.type": "date", "projection.dt.format": "yyyy-MM-dd",
                       "projection.dt.range": "2024-01-01,NOW", "projection.dt.interval": "1",
                       "projection.dt.interval.unit": "DAYS",
                       "projection.channel.type": "enum", "projection.channel.values": "web,app,store"},
        "StorageDescriptor": {
            "Columns": [{"Name": "sku", "Type": "string"}, {"Name": "units", "Type": "int"},
                        {"Name": "price", "Type": "double"}],
            "Location": f"s3://{bucket}/sales/", **PARQUET_FORMAT}})
    return "sales"


def test_dashboard_queries_with_server_side_parameters(lakebox_server, client, bucket, database, sales):
    cursor = connect(lakebox_server, bucket, database).cursor()
    cursor.execute("SELECT channel, sum(units), count(*) FROM sales WHERE dt = ? AND channel IN (?, ?) "
                   "GROUP BY channel ORDER BY channel", ["'2024-03-02'", "'web'", "'store'"], paramstyle="qmark")
    assert cursor.fetchall() == [("store", 2, 1), ("web", 18, 3)]
    execution = client("athena").get_query_execution(QueryExecutionId=cursor.query_id)["QueryExecution"]
    assert execution["ExecutionParameters"] == ["'2024-03-02'", "'web'", "'store'"]
    narrow = execution["Statistics"]["DataScannedInBytes"]

    cursor.execute("SELECT dt, sum(units * price) AS revenue FROM sales WHERE dt BETWEEN %(first)s AND %(last)s "
                   "GROUP BY dt ORDER BY dt", {"first": "2024-03-01", "last": "2024-03-03"})
    assert cursor.fetchall() == [("2024-03-01", 35.0), ("2024-03-02", 70.0), ("2024-03-03", 105.0)]
    assert cursor.data_scanned_in_bytes > narrow

    cursor.execute("SELECT count(*) FROM sales WHERE channel = ?", ["'partner'"], paramstyle="qmark")
    assert cursor.fetchall() == [(0,)]
    cursor.execute("SELECT count(*), min(dt), max(dt) FROM sales")
    assert cursor.fetchall() == [(18, "2024-03-01", "2024-03-03")]
    assert client("glue").get_partitions(DatabaseName=database, TableName=sales)["Partitions"] == []

    from pyathena.error import OperationalError
    with pytest.raises(OperationalError) as by_alias:         # Trino groups by columns, not select aliases
        cursor.execute("SELECT upper(channel) AS ch, count(*) FROM sales GROUP BY ch")
    assert str(by_alias.value) == ("COLUMN_NOT_FOUND: line 1:59: Column 'ch' cannot be resolved or requester is not "
                                   "authorized to access requested resources")
    with pytest.raises(OperationalError) as failed:      # Athena takes the query; it then fails
        cursor.execute("SELECT count(*) FROM sales WHERE dt = ?", ["'2024-03-02'", "'web'"], paramstyle="qmark")
    assert str(failed.value) == "Incorrect number of parameters: expected 1 but found 2"
    status = client("athena").get_query_execution(QueryExecutionId=cursor.query_id)["QueryExecution"]["Status"]
    assert (status["State"], status["AthenaError"]["ErrorCategory"], status["AthenaError"]["ErrorType"]) == (
        "FAILED", 2, 1006)
