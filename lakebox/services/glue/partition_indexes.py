"""Partition indexes: named lists of partition keys. Lookups are served the same way
with or without one (the filter runs in SQLite); the index is kept and described."""
from lakebox.services.glue import store
from lakebox.services.glue.catalog import in_catalog, table_or_error
from lakebox.services.glue.errors import AlreadyExistsException, EntityNotFoundException, InvalidInputException

MAX_INDEXES_PER_TABLE = 3


def add_index(ctx, table: dict, index: dict):
    key_types = {k["Name"].lower(): k.get("Type", "string") for k in table.get("PartitionKeys", [])}
    keys = index["Keys"]
    for key in keys:
        if key.lower() not in key_types:
            raise InvalidInputException(f"Partition key {key} is not a partition key of table {table['Name']}.")
    existing = store.partition_indexes(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"])
    if any(name == index["IndexName"] for name, _ in existing):
        raise AlreadyExistsException(f"Partition index {index['IndexName']} already exists.")
    if len(existing) >= MAX_INDEXES_PER_TABLE:
        raise InvalidInputException(f"A table can have at most {MAX_INDEXES_PER_TABLE} partition indexes.")
    store.put_partition_index(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"],
                              index["IndexName"], [k.lower() for k in keys])


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
        raise EntityNotFoundException(f"Partition index {params['IndexName']} not found.")
    return {}
