"""`"t$partitions"` of a partitioned Hive table: one row per partition in the catalog, one
column per partition key, typed as the key is (Trino's Hive connector; Athena's guide
lists a table's partitions this way: `SELECT * FROM "db"."t$partitions"`)."""
from sqlglot import exp

from lakebox.engine import dialect
from lakebox.engine.types import trino_type_of_hive
from lakebox.services.glue import public as glue

_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__"      # Hive's name for a NULL key value


def has_partitions_table(table: dict) -> bool:
    """Only a partitioned table has one; Trino knows no `$partitions` of any other."""
    return bool(table.get("PartitionKeys"))


def partitions_table(ctx, database: str, table: dict) -> exp.Expression:
    """The rows of `"t$partitions"` as a Trino query."""
    keys = [(_quoted(key["Name"]), trino_type_of_hive(key.get("Type") or "string"))
            for key in table["PartitionKeys"]]
    partitions = glue.list_partitions(ctx, database, table["Name"])
    if not partitions:
        nulls = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in keys)
        return dialect.parse(f"SELECT {nulls} WHERE false")
    selects = ["SELECT " + ", ".join(f"{_cast(value, kind)} AS {name}"
                                     for value, (name, kind) in zip(doc["Values"], keys))
               for doc in partitions]
    return dialect.parse(" UNION ALL ".join(selects))


def _cast(value: str, kind: str) -> str:
    if value == _DEFAULT_PARTITION:
        return f"CAST(NULL AS {kind})"
    return "CAST('" + value.replace("'", "''") + f"' AS {kind})"


def _quoted(name: str) -> str:
    return '"' + name.lower().replace('"', '""') + '"'
