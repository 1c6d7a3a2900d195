"""Partitioned Iceberg tables through Athena: hidden partitioning declared with
transforms (CREATE's PARTITIONED BY, CTAS's `partitioning`), writes split into one
file per partition value with the values in the manifests, pruning by predicates on
the source columns before any data file is read, `"t$partitions"`, and pyiceberg
agreeing on every partition value (its own transforms prune the same files)."""
import io
import json

import fastavro
import pyarrow as pa
import pytest
from pyiceberg.expressions import EqualTo

from athena_helpers import pyiceberg_catalog

_ROWS = """(1, TIMESTAMP '2024-01-01 08:00:00', 'alpha', 'eu'), (2, TIMESTAMP '2024-01-01 23:59:59', 'beta', 'us'),
           (3, TIMESTAMP '2024-01-02 00:00:00', 'alps', 'eu'), (4, TIMESTAMP '2024-02-10 12:30:00', 'gamma', NULL)"""


@pytest.fixture
def catalog(lakebox_server):
    return pyiceberg_catalog(lakebox_server)


def _read(s3, uri):
    bucket, key = uri[len("s3://"):].split("/", 1)
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def _create(query, bucket, partitioning="day(ts), bucket(4, id), truncate(2, s), region"):
    query(f"""CREATE TABLE events (id bigint, ts timestamp, s string, region string)
              PARTITIONED BY ({partitioning})
              LOCATION 's3://{bucket}/iceberg/events/' TBLPROPERTIES ('table_type'='ICEBERG')""")


def _metadata(glue, s3, database, name="events"):
    table = glue.get_table(DatabaseName=database, Name=name)["Table"]
    return table, json.loads(_read(s3, table["Parameters"]["metadata_location"]))


def test_create_records_the_partition_spec_as_iceberg_writes_it(query, glue, s3, bucket, database):
    _create(query, bucket)
    table, metadata = _metadata(glue, s3, database)
    assert table["PartitionKeys"] == []         # hidden partitioning: Glue sees no partition keys
    assert metadata["partition-specs"] == [{"spec-id": 0, "fields": [
        {"source-id": 2, "field-id": 1000, "name": "ts_day", "transform": "day"},
        {"source-id": 1, "field-id": 1001, "name": "id_bucket", "transform": "bucket[4]"},
        {"source-id": 3, "field-id": 1002, "name": "s_trunc", "transform": "truncate[2]"},
        {"source-id": 4, "field-id": 1003, "name": "region", "transform": "identity"}]}]
    assert metadata["last-partition-id"] == 1003
    _, rows, _ = query("SHOW CREATE TABLE events")
    assert ["PARTITIONED BY (day(ts), bucket(4, id), truncate(2, s), region)"] in rows


def test_inserts_are_split_by_partition_and_read_back_whole(query, glue, s3, bucket, database):
    _create(query, bucket, "day(ts), region")
    query(f"INSERT INTO events VALUES {_ROWS}")
    _, rows, _ = query("SELECT id, s, region FROM events ORDER BY id")
    assert rows[1:] == [["1", "alpha", "eu"], ["2", "beta", "us"], ["3", "alps", "eu"], ["4", "gamma", None]]
    _, metadata = _metadata(glue, s3, database)
    manifest_list = list(fastavro.reader(io.BytesIO(_read(s3, metadata["snapshots"][0]["manifest-list"]))))
    entries = list(fastavro.reader(io.BytesIO(_read(s3, manifest_list[0]["manifest_path"]))))
    found = sorted((str(e["data_file"]["partition"]["ts_day"]), e["data_file"]["partition"]["region"],
                    e["data_file"]["record_count"]) for e in entries)
    assert found == [("2024-01-01", "eu", 1), ("2024-01-01", "us", 1), ("2024-01-02", "eu", 1),
                     ("2024-02-10", None, 1)]
    paths = sorted(e["data_file"]["file_path"].split("/data/")[1].rsplit("/", 1)[0] for e in entries)
    assert paths == ["ts_day=2024-01-01/region=eu", "ts_day=2024-01-01/region=us", "ts_day=2024-01-02/region=eu",
                     "ts_day=2024-02-10/region=null"]


def test_predicates_on_source_columns_prune_files_before_reading(query, bucket):
    _create(query, bucket, "day(ts), bucket(4, id)")
    query(f"INSERT INTO events VALUES {_ROWS}")
    everything, rows, _ = query("SELECT id FROM events")
    assert len(rows) == 5
    with_ts, _, _ = query("SELECT id, ts FROM events")
    one_day, rows, _ = query("SELECT id FROM events WHERE ts >= TIMESTAMP '2024-01-02 00:00:00' "
                             "AND ts < TIMESTAMP '2024-01-03 00:00:00'")
    assert rows[1:] == [["3"]]
    by_id, rows, _ = query("SELECT id FROM events WHERE id IN (2, 4)")
    assert sorted(rows[1:]) == [["2"], ["4"]]
    assert 0 < one_day["Statistics"]["DataScannedInBytes"] < with_ts["Statistics"]["DataScannedInBytes"]
    assert 0 < by_id["Statistics"]["DataScannedInBytes"] < everything["Statistics"]["DataScannedInBytes"]
    none, rows, _ = query("SELECT id FROM events WHERE ts < TIMESTAMP '2023-12-31 00:00:00'")
    assert rows[1:] == [] and none["Statistics"]["DataScannedInBytes"] == 0
    # a predicate pruning cannot read never loses rows
    _, rows, _ = query("SELECT id FROM events WHERE id + 0 = 3 OR s = 'gamma'")
    assert sorted(rows[1:]) == [["3"], ["4"]]
    deleted, _, _ = query("DELETE FROM events WHERE ts >= TIMESTAMP '2024-02-01 00:00:00'")
    assert 0 < deleted["Statistics"]["DataScannedInBytes"] < with_ts["Statistics"]["DataScannedInBytes"]
    _, rows, _ = query("SELECT id FROM events ORDER BY id")
    assert rows[1:] == [["1"], ["2"], ["3"]]


def test_partitions_table(query, bucket):
    _create(query, bucket, "month(ts)")
    query(f"INSERT INTO events VALUES {_ROWS}")
    _, rows, _ = query('SELECT partition.ts_month, record_count, file_count, total_size > 0 '
                       'FROM "events$partitions" ORDER BY 1')
    assert rows == [["ts_month", "record_count", "file_count", "_col3"], ["648", "3", "1", "true"],
                    ["649", "1", "1", "true"]]
    _, rows, _ = query('SELECT content, partition.ts_month, record_count FROM "events$files" ORDER BY 2')
    assert rows[1:] == [["0", "648", "3"], ["0", "649", "1"]]


def test_ctas_partitioning_and_dml_keep_the_partitions(query, glue, s3, bucket, database):
    query(f"""CREATE TABLE events WITH (table_type = 'ICEBERG', location = 's3://{bucket}/iceberg/events/',
              is_external = false, partitioning = ARRAY['year(ts)', 'region'])
              AS SELECT * FROM (VALUES {_ROWS}) AS t (id, ts, s, region)""")
    _, metadata = _metadata(glue, s3, database)
    assert [f["name"] for f in metadata["partition-specs"][0]["fields"]] == ["ts_year", "region"]
    query("DELETE FROM events WHERE region = 'us'")
    query("UPDATE events SET region = 'eu' WHERE id = 4")
    _, rows, _ = query("SELECT id, region FROM events WHERE region = 'eu' ORDER BY id")
    assert rows[1:] == [["1", "eu"], ["3", "eu"], ["4", "eu"]]
    _, rows, _ = query('SELECT partition.region, record_count FROM "events$partitions" ORDER BY 1')
    assert rows[1:] == [["eu", "3"], ["us", "1"], [None, "1"]]      # rows of the data files, before deletes
    query("ALTER TABLE events SET TBLPROPERTIES ('optimize_rewrite_delete_file_threshold'='1')")
    query("OPTIMIZE events REWRITE DATA USING BIN_PACK")       # folds the position deletes in
    _, rows, _ = query('SELECT partition.region, record_count FROM "events$partitions" ORDER BY 1')
    assert rows[1:] == [["eu", "3"]]


def test_pyiceberg_agrees_on_partition_values_and_appends_partitioned(query, catalog, bucket, database):
    _create(query, bucket)
    query(f"INSERT INTO events VALUES {_ROWS}")
    table = catalog.load_table(f"{database}.events")
    assert str(table.spec()).count("bucket[4]") == 1
    # pyiceberg prunes by its own transforms: a wrong bucket or day value would lose rows
    for key in (1, 2, 3, 4):
        assert [row["id"] for row in table.scan(row_filter=EqualTo("id", key)).to_arrow().to_pylist()] == [key]
    assert [row["id"] for row in table.scan(row_filter=EqualTo("s", "alps")).to_arrow().to_pylist()] == [3]
    table.append(pa.table({"id": pa.array([5], pa.int64()), "ts": pa.array([1717200000000000], pa.timestamp("us")),
                           "s": ["delta"], "region": ["ap"]}))
    scanned, rows, _ = query("SELECT id, s FROM events WHERE ts > TIMESTAMP '2024-05-01 00:00:00'")
    assert rows[1:] == [["5", "delta"]]
    _, rows, _ = query("SELECT count(*) FROM events")
    assert rows[1:] == [["5"]]


def test_partitioning_on_a_missing_column_or_a_wrong_type_is_refused(query, athena, glue, database, bucket):
    failed, _, _ = query(f"""CREATE TABLE events (id bigint) PARTITIONED BY (day(nope))
                             LOCATION 's3://{bucket}/iceberg/events/' TBLPROPERTIES ('table_type'='ICEBERG')""",
                         expect="FAILED")
    assert failed["Status"]["AthenaError"]["ErrorMessage"].startswith("COLUMN_NOT_FOUND")
    failed, _, _ = query(f"""CREATE TABLE events (id bigint) PARTITIONED BY (day(id))
                             LOCATION 's3://{bucket}/iceberg/events/' TBLPROPERTIES ('table_type'='ICEBERG')""",
                         expect="FAILED")
    assert "Cannot partition type long by day" in failed["Status"]["StateChangeReason"]
    assert glue.get_tables(DatabaseName=database)["TableList"] == []


def test_optimize_where_compacts_only_the_partitions_it_selects(query, catalog, bucket, database):
    _create(query, bucket, "region")
    for rows in ("(1, TIMESTAMP '2024-01-01 00:00:00', 'a', 'eu')", "(2, TIMESTAMP '2024-01-01 00:00:00', 'b', 'eu')",
                 "(3, TIMESTAMP '2024-01-01 00:00:00', 'c', 'us'), (4, TIMESTAMP '2024-01-01 00:00:00', 'd', 'us')"):
        query(f"INSERT INTO events VALUES {rows}")
    query("DELETE FROM events WHERE id IN (1, 3)")
    query("ALTER TABLE events SET TBLPROPERTIES ('optimize_rewrite_delete_file_threshold'='1')")
    query("OPTIMIZE events REWRITE DATA USING BIN_PACK WHERE region = 'eu'")
    _, rows, _ = query('SELECT partition.region, content, record_count FROM "events$files" ORDER BY 1, 2')
    assert rows[1:] == [["eu", "0", "1"], ["us", "0", "2"], ["us", "1", "1"]]     # us untouched, deletes and all
    _, rows, _ = query("SELECT id FROM events ORDER BY id")
    assert rows[1:] == [["2"], ["4"]]
    assert sorted(row["id"] for row in catalog.load_table(f"{database}.events").scan().to_arrow().to_pylist()) \
        == [2, 4]          # the new manifests list the untouched files as existing
    query("OPTIMIZE events REWRITE DATA USING BIN_PACK")
    _, rows, _ = query('SELECT partition.region, content, record_count FROM "events$files" ORDER BY 1, 2')
    assert rows[1:] == [["eu", "0", "1"], ["us", "0", "1"]]


def test_describe_shows_the_partition_transforms_and_show_tblproperties_the_tables(query, bucket):
    _create(query, bucket)
    _, rows, _ = query("DESCRIBE events")
    assert rows == [["# Table schema:", "", ""], ["# col_name", "data_type", "comment"],
                    ["id", "bigint", ""], ["ts", "timestamp", ""], ["s", "string", ""], ["region", "string", ""],
                    ["", "", ""], ["# Partition spec:", "", ""], ["# field_name", "field_transform", "column_name"],
                    ["ts_day", "day", "ts"], ["id_bucket", "bucket[4]", "id"], ["s_trunc", "truncate[2]", "s"],
                    ["region", "identity", "region"]]      # unpadded, as Athena answers an Iceberg table
    _, rows, _ = query("SHOW COLUMNS IN events")
    assert [row[0].strip() for row in rows] == ["id", "ts", "s", "region"]
    query("ALTER TABLE events SET TBLPROPERTIES ('optimize_rewrite_delete_file_threshold'='4')")
    _, rows, _ = query("SHOW TBLPROPERTIES events")
    properties = {row[0]: row[1] for row in rows}
    assert properties["optimize_rewrite_delete_file_threshold"] == "4" and properties["table_type"] == "ICEBERG"
    _, rows, _ = query("SHOW TBLPROPERTIES events ('optimize_rewrite_delete_file_threshold')")
    assert rows == [["4"]]
