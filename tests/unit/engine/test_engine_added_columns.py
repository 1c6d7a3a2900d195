"""A column added to a Parquet table after older partitions were written reads as NULL
in those partitions, and as its values in the newer ones."""
import os

import pyarrow as pa
import pyarrow.parquet as pq

from lakebox.engine import dialect, new_engine
from lakebox.engine.sources import DataFile, Part, TableSource


def data_file(tmp_path, name, table):
    path = str(tmp_path / name)
    pq.write_table(table, path)
    return DataFile(path, f"s3://b/t/{name}", os.path.getsize(path))


def test_a_column_newer_partitions_added_is_null_in_older_ones(tmp_path):
    old = data_file(tmp_path, "old.parquet", pa.table({"host": ["a", "b"], "cpu": [0.5, 0.75]}))
    new = data_file(tmp_path, "new.parquet", pa.table({"host": ["a"], "cpu": [0.25], "mem": [512]}))
    source = TableSource("db", "t", [("host", "string"), ("cpu", "double"), ("mem", "bigint")],
                         [("day", "string")], "parquet", parts=[Part(["1"], [old]), Part(["2"], [new])])
    query = new_engine().prepare(dialect.parse("SELECT day, host, mem FROM t ORDER BY day, host"), [source], "db")
    query.bind()
    try:
        assert query.rows() == [("1", "a", None), ("1", "b", None), ("2", "a", 512)]
    finally:
        query.close()
