"""Partition indexes: named lists of partition keys. Lookups are served the same way
with or without one (the filter runs in SQLite); the index is kept and described.

Registering an index on a table that has partitions backfills it, and a partition whose
value at an index key does not read as the key's type fails the index: it is listed
FAILED with an INVALID_PARTITION_TYPE_DATA_ERROR backfill error naming those partitions
(Glue API reference, PartitionIndexDescriptor and BackfillError; the types indexes take
and the date range are the Glue Developer Guide's "Creating partition indexes")."""
import calendar
import re

from lakebox.services.glue import store
from lakebox.services.glue.catalog import in_catalog, owned_table
from lakebox.services.glue.errors import (AlreadyExistsException, EntityNotFoundException, InvalidInputException,
                                          ResourceNumberLimitExceededException)

MAX_INDEXES_PER_TABLE = 3
BACKFILL = "partition_index_backfill"     # the store's kind for a failed index's backfill errors
# "a limited number of partitions" (BackfillError): how many a backfill error names (no
# recorded AWS reply gives the number)
BACKFILL_PARTITIONS_SHOWN = 10
_INTEGER_RANGES = {"tinyint": 1 << 7, "smallint": 1 << 15, "int": 1 << 31, "integer": 1 << 31,
                   "bigint": 1 << 63, "long": 1 << 63}
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _reads_as(value: str, key_type: str) -> bool:
    """Whether a partition value reads as the index key's type (strings always do)."""
    kind = key_type.lower().split("(")[0].strip()
    if kind in _INTEGER_RANGES:
        if re.fullmatch(r"[-+]?[0-9]+", value or "") is None:
            return False
        return -_INTEGER_RANGES[kind] <= int(value) < _INTEGER_RANGES[kind]
    if kind == "date":
        match = _DATE.fullmatch(value or "")
        if match is None:
            return False
        year, month, day = (int(part) for part in match.groups())
        return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year or 2000, month)[1]
    return True


def _backfill_errors(ctx, table: dict, keys: list) -> list:
    key_types = [(position, key.get("Type") or "string") for position, key in
                 enumerate(table.get("PartitionKeys") or []) if key["Name"].lower() in keys]
    bad = []
    for _, doc in store.partitions_page(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"],
                                        table["Name"], None, [], 0, 1 << 62):
        values = doc.get("Values") or []
        if any(position >= len(values) or not _reads_as(values[position], key_type)
               for position, key_type in key_types):
            bad.append({"Values": values})
    if not bad:
        return []
    return [{"Code": "INVALID_PARTITION_TYPE_DATA_ERROR", "Partitions": bad[:BACKFILL_PARTITIONS_SHOWN]}]


def add_index(ctx, table: dict, index: dict):
    """Adds a partition index, refused in the order and with the words AWS answers
    (measured against Glue, github.com/floci-io/floci/pull/3551): a key that is not a
    partition key, the limit of 3 (before duplicates), then a same name or the same keys."""
    key_types = {k["Name"].lower(): k.get("Type", "string") for k in table.get("PartitionKeys", [])}
    keys = [key.lower() for key in index["Keys"]]
    for key in index["Keys"]:
        if key.lower() not in key_types:
            raise InvalidInputException(
                f"IndexKeys not a part of PartitionColumns. Verify the indexKeys : [{key}]")
    existing = store.partition_indexes(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"])
    if len(existing) >= MAX_INDEXES_PER_TABLE:
        raise ResourceNumberLimitExceededException(
            f"Partition index limit exceeded. Maximum: {MAX_INDEXES_PER_TABLE}")
    for name, existing_keys in existing:
        if name == index["IndexName"]:
            raise AlreadyExistsException(f"Partition Index {name} already exists with the same name.")
        if existing_keys == keys:
            raise AlreadyExistsException(f"Partition Index {name} already exists with the same keys.")
    store.put_partition_index(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"],
                              index["IndexName"], keys)
    errors = _backfill_errors(ctx, table, keys)
    if errors:
        store.put_object(ctx.state.db, ctx.account, ctx.region, BACKFILL, _scope(table), index["IndexName"],
                         {"BackfillErrors": errors})


def _scope(table: dict) -> str:
    return f"{table['DatabaseName']}/{table['Name']}"


def create_partition_index(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    add_index(ctx, table, params["PartitionIndex"])
    return {}


def get_partition_indexes(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    key_types = {k["Name"].lower(): k.get("Type", "string") for k in table.get("PartitionKeys", [])}
    found = store.partition_indexes(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"])
    described = []
    for name, keys in found:
        entry = {"IndexName": name, "IndexStatus": "ACTIVE",
                 "Keys": [{"Name": key, "Type": key_types.get(key, "string")} for key in keys]}
        failed = store.get_object(ctx.state.db, ctx.account, ctx.region, BACKFILL, _scope(table), name)
        if failed is not None:
            entry.update(IndexStatus="FAILED", BackfillErrors=failed["BackfillErrors"])
        described.append(entry)
    return {"PartitionIndexDescriptorList": described}


def delete_partition_index(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    if not store.delete_partition_index(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"],
                                        table["Name"], params["IndexName"]):
        raise EntityNotFoundException(f"Index with the given indexName : {params['IndexName']} does not exist.")
    store.delete_object(ctx.state.db, ctx.account, ctx.region, BACKFILL, _scope(table), params["IndexName"])
    return {}
