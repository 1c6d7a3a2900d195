"""Column statistics of tables and partitions: stored as given, returned as stored.
A column must be one of the table's columns (or partition keys, for a table)."""
from lakebox.services.glue import store
from lakebox.services.glue.catalog import in_catalog, table_or_error
from lakebox.services.glue.partitions import partition_or_error

KIND = "column_statistics"


def _scope(table: dict, values=None) -> str:
    if values is not None:
        return store.partition_scope(table["DatabaseName"], table["Name"], values)
    return f"{table['DatabaseName']}/{table['Name']}"


def _columns(table: dict) -> set:
    sd = table.get("StorageDescriptor") or {}
    return {c["Name"].lower() for c in (sd.get("Columns") or []) + (table.get("PartitionKeys") or [])}


def _partition(ctx, table, values) -> dict:
    """The partition, or EntityNotFoundException in the words Glue answered Trino's
    statistics update for a partition not there yet: "Partition [10] not found"
    (trinodb/trino#7035; the values as Java prints a list)."""
    return partition_or_error(ctx, table, values, f"Partition [{', '.join(values)}] not found")


def _error(code, message) -> dict:
    return {"ErrorCode": code, "ErrorMessage": message}


def _update(ctx, table, scope, statistics_list) -> list:
    known, errors = _columns(table), []
    for statistics in statistics_list:
        name = statistics["ColumnName"].lower()
        if name not in known:
            errors.append({"ColumnStatistics": statistics, "Error": _error(
                "EntityNotFoundException", f"Column {statistics['ColumnName']} not found in table {table['Name']}.")})
            continue
        store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, scope, name, statistics)
    return errors


def _get(ctx, scope, names) -> dict:
    found, errors = [], []
    for name in names:
        doc = store.get_object(ctx.state.db, ctx.account, ctx.region, KIND, scope, name.lower())
        if doc is None:
            errors.append({"ColumnName": name, "Error": _error(
                "EntityNotFoundException", f"Column statistics for column {name} not found.")})
        else:
            found.append(doc)
    return {"ColumnStatisticsList": found, "Errors": errors}


def _delete(ctx, scope, name):
    """Statistics that are not there are deleted all the same: Glue answers success (as
    floci-io/floci#1319 records it from the aws cli; only a missing table or partition is
    EntityNotFoundException)."""
    store.delete_object(ctx.state.db, ctx.account, ctx.region, KIND, scope, name.lower())


def update_column_statistics_for_table(ctx, params):
    ctx = in_catalog(ctx, params)
    table = table_or_error(ctx, params["DatabaseName"], params["TableName"])
    return {"Errors": _update(ctx, table, _scope(table), params["ColumnStatisticsList"])}


def get_column_statistics_for_table(ctx, params):
    ctx = in_catalog(ctx, params)
    table = table_or_error(ctx, params["DatabaseName"], params["TableName"])
    return _get(ctx, _scope(table), params["ColumnNames"])


def delete_column_statistics_for_table(ctx, params):
    ctx = in_catalog(ctx, params)
    table = table_or_error(ctx, params["DatabaseName"], params["TableName"])
    _delete(ctx, _scope(table), params["ColumnName"])
    return {}


def update_column_statistics_for_partition(ctx, params):
    ctx = in_catalog(ctx, params)
    table = table_or_error(ctx, params["DatabaseName"], params["TableName"])
    _partition(ctx, table, params["PartitionValues"])
    return {"Errors": _update(ctx, table, _scope(table, params["PartitionValues"]), params["ColumnStatisticsList"])}


def get_column_statistics_for_partition(ctx, params):
    ctx = in_catalog(ctx, params)
    table = table_or_error(ctx, params["DatabaseName"], params["TableName"])
    _partition(ctx, table, params["PartitionValues"])
    return _get(ctx, _scope(table, params["PartitionValues"]), params["ColumnNames"])


def delete_column_statistics_for_partition(ctx, params):
    ctx = in_catalog(ctx, params)
    table = table_or_error(ctx, params["DatabaseName"], params["TableName"])
    _partition(ctx, table, params["PartitionValues"])
    _delete(ctx, _scope(table, params["PartitionValues"]), params["ColumnName"])
    return {}
