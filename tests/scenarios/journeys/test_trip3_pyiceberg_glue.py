"""An Iceberg table made and fed by a Python job with pyiceberg's Glue catalog (partitioned
by day), evolved by that job (a new column), queried and written by analysts through
Athena (pyathena), read back by the job, trimmed with a pyiceberg delete, and travelled
back to its first snapshot by Athena; and a Hive-era Parquet folder adopted into a new
Iceberg table with add_files, then kept current with pyiceberg's upsert."""
import datetime

import pyarrow as pa
import pytest

from trip_helpers import KEY, REGION, SECRET, pyiceberg_catalog


def catalog_of(lakebox_server):
    return pyiceberg_catalog(lakebox_server, "lake")


def cursor_of(lakebox_server, bucket, database):
    from pyathena import connect
    return connect(s3_staging_dir=f"s3://{bucket}/athena/", region_name=REGION, schema_name=database,
                   aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                   endpoint_url=lakebox_server.endpoint).cursor()


def at(day, hour):
    return datetime.datetime(2024, 9, day, hour, 0)


FIRST = pa.table({"event_id": pa.array([1, 2, 3, 4], pa.int64()),
                  "user": ["u1", "u2", "u1", "u3"],
                  "ts": pa.array([at(1, 9), at(1, 17), at(2, 8), at(2, 23)], pa.timestamp("us")),
                  "amount": [10.0, 2.5, 7.25, 1.0]})


@pytest.fixture
def events(lakebox_server, bucket, database):
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import DayTransform
    from pyiceberg.types import DoubleType, LongType, NestedField, StringType, TimestampType
    schema = Schema(NestedField(1, "event_id", LongType(), required=False),
                    NestedField(2, "user", StringType(), required=False),
                    NestedField(3, "ts", TimestampType(), required=False),
                    NestedField(4, "amount", DoubleType(), required=False))
    spec = PartitionSpec(PartitionField(source_id=3, field_id=1000, transform=DayTransform(), name="ts_day"))
    table = catalog_of(lakebox_server).create_table(f"{database}.events", schema=schema, partition_spec=spec,
                                                     location=f"s3://{bucket}/iceberg/events")
    table.append(FIRST)
    return table


def test_pyiceberg_table_in_glue_and_athena(lakebox_server, client, bucket, database, events):
    glue, s3 = client("glue"), client("s3")
    entry = glue.get_table(DatabaseName=database, Name="events")["Table"]
    assert entry["Parameters"]["table_type"].upper() == "ICEBERG"
    metadata = entry["Parameters"]["metadata_location"]
    assert metadata.startswith(f"s3://{bucket}/iceberg/events/metadata/") and metadata.endswith(".metadata.json")
    data_keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="iceberg/events/data/")["Contents"]]
    assert sorted({key.split("/")[3] for key in data_keys}) == ["ts_day=2024-09-01", "ts_day=2024-09-02"]

    cursor = cursor_of(lakebox_server, bucket, database)
    cursor.execute("SELECT date(ts) AS day, count(*), sum(amount) FROM events GROUP BY date(ts) ORDER BY day")
    assert cursor.fetchall() == [(datetime.date(2024, 9, 1), 2, 12.5), (datetime.date(2024, 9, 2), 2, 8.25)]
    cursor.execute("SELECT event_id FROM events WHERE ts >= TIMESTAMP '2024-09-02 00:00:00' ORDER BY event_id")
    assert cursor.fetchall() == [(3,), (4,)]


def test_evolved_by_pyiceberg_written_by_athena_deleted_and_travelled(lakebox_server, bucket, database, events):
    from pyiceberg.expressions import EqualTo, GreaterThanOrEqual
    from pyiceberg.types import StringType
    first_snapshot = events.current_snapshot().snapshot_id
    with events.update_schema() as update:
        update.add_column("country", StringType())
    events.append(pa.table({"event_id": pa.array([5], pa.int64()), "user": ["u2"],
                            "ts": pa.array([at(3, 12)], pa.timestamp("us")), "amount": [4.0], "country": ["PT"]}))

    cursor = cursor_of(lakebox_server, bucket, database)
    cursor.execute("SELECT event_id, country FROM events WHERE event_id IN (1, 5) ORDER BY event_id")
    assert cursor.fetchall() == [(1, None), (5, "PT")]
    cursor.execute("INSERT INTO events VALUES (6, 'u4', TIMESTAMP '2024-09-03 18:30:00', 3.5, 'DE')")

    table = catalog_of(lakebox_server).load_table(f"{database}.events")
    rows = table.scan(row_filter=GreaterThanOrEqual("event_id", 5)).to_arrow().sort_by("event_id").to_pylist()
    assert rows == [{"event_id": 5, "user": "u2", "ts": at(3, 12), "amount": 4.0, "country": "PT"},
                    {"event_id": 6, "user": "u4", "ts": datetime.datetime(2024, 9, 3, 18, 30), "amount": 3.5,
                     "country": "DE"}]
    assert len(table.history()) == 3

    table.delete(delete_filter=EqualTo("user", "u2"))
    cursor.execute("SELECT user, count(*) FROM events GROUP BY user ORDER BY user")
    assert cursor.fetchall() == [("u1", 2), ("u3", 1), ("u4", 1)]
    cursor.execute(f"SELECT count(*), sum(amount) FROM events FOR VERSION AS OF {first_snapshot}")
    assert cursor.fetchall() == [(4, 20.75)]


def test_parquet_files_adopted_then_upserted(lakebox_server, client, bucket, database):
    """A Hive-era Parquet folder adopted into a new Iceberg table with add_files, then kept
    current with pyiceberg's upsert; Athena reads each state."""
    import io

    import pyarrow.parquet as pq
    from pyiceberg.schema import Schema
    from pyiceberg.types import LongType, NestedField, StringType
    s3 = client("s3")
    columns = pa.schema([pa.field("sku", pa.int64(), nullable=False), pa.field("name", pa.string())])
    legacy = [pa.table({"sku": [1, 2], "name": ["apple", "pear"]}, schema=columns),
              pa.table({"sku": [3], "name": ["plum"]}, schema=columns)]
    paths = []
    for n, part in enumerate(legacy):
        sink = io.BytesIO()
        pq.write_table(part, sink)
        s3.put_object(Bucket=bucket, Key=f"legacy/products/part-{n}.parquet", Body=sink.getvalue())
        paths.append(f"s3://{bucket}/legacy/products/part-{n}.parquet")
    schema = Schema(NestedField(1, "sku", LongType(), required=True), NestedField(2, "name", StringType(), required=False),
                    identifier_field_ids=[1])
    table = catalog_of(lakebox_server).create_table(f"{database}.products", schema=schema,
                                                     location=f"s3://{bucket}/iceberg/products")
    table.add_files(file_paths=paths)
    cursor = cursor_of(lakebox_server, bucket, database)
    cursor.execute("SELECT sku, name FROM products ORDER BY sku")
    assert cursor.fetchall() == [(1, "apple"), (2, "pear"), (3, "plum")]

    changes = pa.table({"sku": [2, 4], "name": ["nashi pear", "fig"]}, schema=columns)
    result = table.upsert(changes)
    assert (result.rows_updated, result.rows_inserted) == (1, 1)
    cursor.execute("SELECT sku, name FROM products ORDER BY sku")
    assert cursor.fetchall() == [(1, "apple"), (2, "nashi pear"), (3, "plum"), (4, "fig")]
    assert s3.head_object(Bucket=bucket, Key="legacy/products/part-0.parquet")["ContentLength"] > 0
