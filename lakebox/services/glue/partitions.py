"""Partitions: create (one or a batch), get (one, a batch, or a filtered page), update,
delete. The `Expression` filter is compiled to SQL (`expression.py`)."""
import sqlite3

from lakebox.services.glue import catalog, store
from lakebox.services.glue.catalog import in_catalog, owned_table
from lakebox.services.glue.errors import (AlreadyExistsException, EntityNotFoundException, InvalidInputException,
                                         InvalidStateException)
from lakebox.services.glue.tables import STORAGE_DEFAULTS
from lakebox.services.glue.expression import ExpressionError, Filter, compile_filter, leading_equalities, not_an_integer

GET_PARTITIONS_MAX = 1000


def _check_values(table: dict, values: list):
    if len(values) != len(table.get("PartitionKeys") or []):
        raise InvalidInputException("The number of partition keys do not match the number of partition values")


def new_partition_doc(ctx, table: dict, partition_input: dict, created: float) -> dict:
    """A partition as Glue answers it: its storage descriptor with the defaults a table's
    gets, its CreationTime in whole seconds (recorded from Glue: radkawar/stackd
    testdata/aws/glue/catalog_complete.json, get-partitions-after-invalid-arity)."""
    doc = dict(partition_input)
    doc.update(DatabaseName=table["DatabaseName"], TableName=table["Name"], CreationTime=catalog.whole_seconds(created),
               CatalogId=ctx.account)
    if isinstance(doc.get("StorageDescriptor"), dict):
        doc["StorageDescriptor"] = {**STORAGE_DEFAULTS, **doc["StorageDescriptor"]}
    return doc


def _error(values, code, message) -> dict:
    return {"PartitionValues": values, "ErrorDetail": {"ErrorCode": code, "ErrorMessage": message}}


def add_partitions(ctx, table: dict, partition_inputs: list[dict]) -> list[dict]:
    """Create partitions of `table`; returns BatchCreatePartition's per-partition errors."""
    db = ctx.state.db
    errors, docs, seen = [], [], set()
    for partition_input in partition_inputs:
        values = partition_input.get("Values") or []       # optional in the model
        key = store.values_key(values)
        if len(values) != len(table.get("PartitionKeys") or []):
            errors.append(_error(values, "InvalidInputException",
                                 "The number of partition keys do not match the number of partition values"))
        elif key in seen or store.get_partition(db, ctx.account, ctx.region, table["DatabaseName"], table["Name"],
                                                values) is not None:
            errors.append(_error(values, "AlreadyExistsException", "Partition already exists."))
        else:
            seen.add(key)
            docs.append(new_partition_doc(ctx, table, partition_input, ctx.now))
    store.insert_partitions(db, ctx.account, ctx.region, table["DatabaseName"], table["Name"], docs)
    return errors


def create_partition(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    _check_values(table, params["PartitionInput"].get("Values") or [])
    errors = add_partitions(ctx, table, [params["PartitionInput"]])
    if errors:
        raise AlreadyExistsException(errors[0]["ErrorDetail"]["ErrorMessage"])
    return {}


def batch_create_partition(ctx, params):
    """An entry whose values do not match the table's keys in number fails the whole call
    and creates nothing (recorded from Glue: radkawar/stackd testdata/aws/glue/
    catalog_verified.json, batch-create-invalid-arity); an existing partition is an
    error entry."""
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    for partition_input in params["PartitionInputList"]:
        _check_values(table, partition_input.get("Values") or [])
    return {"Errors": add_partitions(ctx, table, params["PartitionInputList"])}


def partition_or_error(ctx, table, values, message: str = "Partition not found.") -> dict:
    found = store.get_partition(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"], values)
    if found is None:
        raise EntityNotFoundException(message)
    return found


def get_partition(ctx, params):
    """A partition that is not there is AWS's "Cannot find partition." (a client written
    against Glue tests for "GetPartition operation: Cannot find partition.")."""
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    return {"Partition": partition_or_error(ctx, table, params["PartitionValues"], "Cannot find partition.")}


def batch_get_partition(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    found = []
    for wanted in params["PartitionsToGet"]:
        doc = store.get_partition(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"],
                                  wanted["Values"])
        if doc is not None:
            found.append(doc)
    return {"Partitions": found, "UnprocessedKeys": []}


def partition_filter(table: dict, expression: str | None) -> Filter | None:
    """The compiled `expression` over the table's partition keys (None: all)."""
    if not expression or not expression.strip():
        return None
    keys = [(k["Name"], k.get("Type") or "string") for k in table.get("PartitionKeys") or []]
    try:
        return compile_filter(expression, keys)
    except ExpressionError as bad:
        raise InvalidInputException(str(bad)) from None
    except RecursionError:       # parentheses nested deeper than the parser goes
        raise InvalidInputException("Invalid partition expression!") from None


def matching_partitions(ctx, table: dict, expression: str | None, after_seq: int = 0, limit: int = 1 << 62,
                        segment=None) -> list[tuple[int, dict]]:
    found = partition_filter(table, expression)
    if found is None:
        return store.partitions_page(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"],
                                     None, [], after_seq, limit, segment)
    keys = [(k["Name"], k.get("Type") or "string") for k in table.get("PartitionKeys") or []]
    try:
        rows = store.partitions_page(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"],
                                     found.sql_with_suspects(), found.args, after_seq, limit, segment,
                                     leading_equalities(expression, keys))
    except sqlite3.Error:      # e.g. a comparison SQLite refuses: still the caller's expression
        raise InvalidInputException("Invalid partition expression!") from None
    for _, doc in rows:
        bad = not_an_integer(doc["Values"], found.integer_keys)
        if bad is not None:
            # AWS's reply (github.com/aws/aws-sdk/issues/670) to `n >= 0` over a partition n=null.
            raise InvalidStateException(f'For input string: "{bad}" is not an integer.')
    return rows


def get_partitions(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    segment = params.get("Segment")
    if segment is not None:
        if segment["SegmentNumber"] >= segment["TotalSegments"]:
            raise InvalidInputException("SegmentNumber must be less than TotalSegments")
        segment = (segment["SegmentNumber"], segment["TotalSegments"])
    after = catalog.decode_token(params.get("NextToken"), 0)
    if not isinstance(after, int):
        raise InvalidInputException("Invalid pagination token")
    limit = catalog.page_size(params, GET_PARTITIONS_MAX, GET_PARTITIONS_MAX)
    rows = matching_partitions(ctx, table, params.get("Expression"), after, limit + 1, segment)
    page = [doc for _, doc in rows[:limit]]
    if params.get("ExcludeColumnSchema"):
        for doc in page:
            doc.get("StorageDescriptor", {}).pop("Columns", None)
    result = {"Partitions": page}
    if len(rows) > limit:
        result["NextToken"] = catalog.encode_token(rows[limit - 1][0])
    return result


def _replace(ctx, table, values, partition_input):
    current = partition_or_error(ctx, table, values)
    new_values = partition_input.get("Values", values)     # optional: an update keeps the values
    _check_values(table, new_values)
    partition_input = dict(partition_input, Values=new_values)
    if new_values != values and store.get_partition(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"],
                                                    table["Name"], new_values) is not None:
        raise AlreadyExistsException("Partition already exists.")
    doc = new_partition_doc(ctx, table, partition_input, current["CreationTime"])
    store.replace_partition(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"], values, doc)


def update_partition(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    _replace(ctx, table, params["PartitionValueList"], params["PartitionInput"])
    return {}


def batch_update_partition(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    errors = []
    for entry in params["Entries"]:
        try:
            # a partition not there is named as Java prints the list (recorded from Glue:
            # radkawar/stackd catalog_verified.json, batch-update-partial)
            partition_or_error(ctx, table, entry["PartitionValueList"],
                               f"Partition [{', '.join(entry['PartitionValueList'])}] not found")
            _replace(ctx, table, entry["PartitionValueList"], entry["PartitionInput"])
        except (EntityNotFoundException, AlreadyExistsException, InvalidInputException) as failed:
            errors.append({"PartitionValueList": entry["PartitionValueList"],
                           "ErrorDetail": {"ErrorCode": failed.code, "ErrorMessage": failed.message}})
    return {"Errors": errors}


def delete_partition(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    if not store.delete_partition(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"],
                                  params["PartitionValues"]):
        raise EntityNotFoundException("Partition not found.")
    return {}


def batch_delete_partition(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, table = owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    errors = []
    for wanted in params["PartitionsToDelete"]:
        if not store.delete_partition(ctx.state.db, ctx.account, ctx.region, table["DatabaseName"], table["Name"],
                                      wanted["Values"]):
            # no full stop here, unlike DeletePartition's (recorded from Glue: radkawar/stackd
            # catalog_verified.json, batch-delete-partial)
            errors.append(_error(wanted["Values"], "EntityNotFoundException", "Partition not found"))
    return {"Errors": errors}
