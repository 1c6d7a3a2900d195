"""Partition indexes: named lists of partition keys. Lookups are served the same way
with or without one (the filter runs in SQLite); the index is kept and described."""
from lakebox.services.glue import store
from lakebox.services.glue.catalog import in_catalog, table_or_error
from lakebox.services.glue.errors import (AlreadyExistsException, EntityNotFoundException, InvalidInputException,
                                          ResourceNumberLimitExceededException)

MAX_INDEXES_PER_TABLE = 3


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


def create_partition_index(ctx, params):
    ctx = in_catalog(ctx, params)
    table = table_or_error(ctx, params["DatabaseName"], params["TableName"])
    add_index(ctx, table, params["PartitionIndex"])
    return {}


def get_partition_indexes(ctx, params):
    ctx = in_catalog(ctx, params)
    table = table_or_error(ctx, params["DatabaseName"], params["TableName"])
    key_types = {k["Name"].lower(): k.get("Type", "string") for k in table.get("PartitionKeys", [])}
    found = store.partition_indexes(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"])
    return {"PartitionIndexDescriptorList": [
        {"IndexName": name, "IndexStatus": "ACTIVE",
         "Keys": [{"Name": key, "Type": key_types.get(key, "string")} for key in keys]} for name, keys in found]}


def delete_partition_index(ctx, params):
    ctx = in_catalog(ctx, params)
    table = table_or_error(ctx, params["DatabaseName"], params["TableName"])
    if not store.delete_partition_index(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"],
                                        table["Name"], params["IndexName"]):
        raise EntityNotFoundException(f"Index with the given indexName : {params['IndexName']} does not exist.")
    return {}
