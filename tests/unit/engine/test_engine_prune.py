"""Partition pruning over the partitions' values held as a relation: the WHERE's
conjuncts on partition keys, with the keys cast to their catalog types."""
import duckdb
import pyarrow as pa
from sqlglot import exp

from lakebox.engine import duck_read
from lakebox.engine.dialect import parse
from lakebox.engine.sources import DataFile, Part, TableSource


def kept(values, keys, sql) -> list[list[str]]:
    source = TableSource("db", "t", [("v", "string")], keys, "json",
                         parts=[Part(list(v), [DataFile("f", "", 0)]) for v in values])
    tree = parse(sql)
    predicate = duck_read.partition_filter(tree, tree.find(exp.Table), [name for name, _ in keys])
    db = duckdb.connect()
    db.register("parts", pa.table(duck_read.partition_values(source)))
    chosen = {row[0] for row in db.execute(duck_read.prune_sql(source, predicate, "parts")).fetchall()}
    return [list(values[index]) for index in sorted(chosen)]


def test_typed_keys_compare_as_their_types():
    values = [("eu", "9"), ("eu", "10"), ("us", "11"), ("eu", "x")]
    assert kept(values, [("region", "string"), ("hour", "int")],
                "SELECT * FROM t WHERE region = 'eu' AND hour > 9 AND v <> 'z'") == [["eu", "10"]]


def test_many_projected_partitions():
    values = [("acme", f"2020/01/{day:02d}/{hour:02d}") for day in range(1, 29) for hour in range(24)] * 50
    assert len(kept(values, [("tenant", "string"), ("dt", "string")],
                    "SELECT * FROM t WHERE tenant = 'acme' AND dt = '2020/01/03/07'")) == 50
