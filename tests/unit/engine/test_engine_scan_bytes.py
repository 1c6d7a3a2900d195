"""DataScannedInBytes for Parquet: the named columns' chunks in the row groups that the
WHERE cannot rule out by their statistics."""
import os

import pyarrow as pa
import pyarrow.parquet as pq

from lakebox.engine import dialect, new_engine
from lakebox.engine.sources import DataFile, Part, TableSource


def scanned(tmp_path, sql):
    path = str(tmp_path / "data.parquet")
    if not os.path.exists(path):
        table = pa.table({"id": pa.array(range(20_000), pa.int64()), "pad": [f"value-{i}" for i in range(20_000)]})
        pq.write_table(table, path, row_group_size=10_000)      # ids 0-9999, then 10000-19999
    source = TableSource("db", "t", [("id", "bigint"), ("pad", "string")], [], "parquet",
                         parts=[Part([], [DataFile(path, "s3://b/t/data.parquet", os.path.getsize(path))])])
    query = new_engine().prepare(dialect.parse(sql), [source], "db")
    query.bind()
    query.close()
    return query.bytes_scanned


def test_only_named_columns_and_surviving_row_groups_count(tmp_path):
    both = scanned(tmp_path, "SELECT id, pad FROM t")
    ids = scanned(tmp_path, "SELECT id FROM t")
    assert 0 < ids < both
    later = scanned(tmp_path, "SELECT id FROM t WHERE id >= 15000")      # the second row group only
    earlier = scanned(tmp_path, "SELECT id FROM t WHERE id BETWEEN 100 AND 200")     # the first only
    assert later + earlier == ids and 0.4 * ids < later < 0.6 * ids
    assert scanned(tmp_path, "SELECT id FROM t WHERE 5000 > id OR id > 15000") == ids     # an OR rules nothing out
