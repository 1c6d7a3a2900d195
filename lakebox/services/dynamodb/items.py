"""Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem."""
import base64

from lakebox.services.dynamodb import capacity, expr_update, expressions, lookup, store, throttle, writes
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ConditionalCheckFailedException, ValidationException, invalid, \
    table_not_found
from lakebox.services.dynamodb.expr_eval import matches, path_tree, project

PUT_RETURN_VALUES = ("NONE", "ALL_OLD")


def writable_table(ctx, name, action=None, index=None):
    """A table items can be written to or read from: not one still being created.
    `action`: what its resource policy must allow (by default the operation itself), on
    the table or on its `index` (a Query or Scan of an index)."""
    table = lookup.find(ctx, name, action=action, index=index)
    if lookup.status(ctx, table) in ("CREATING", "DELETING"):
        raise table_not_found()
    return table


def check_size(item: dict, update=False) -> int:
    """The item's size, refused past 400 KB in the words of a put or (`update`) an update."""
    size = av.item_size(item)
    if size > av.MAX_ITEM_BYTES:
        raise ValidationException(f"Item size {'to update ' if update else ''}has exceeded the maximum allowed size")
    return size


def wire_item(item: dict) -> dict:
    """An item for an error body, which is written without the model: binary as base64."""
    return {name: _wire_value(value) for name, value in item.items()}


def _wire_value(value):
    (kind, body), = value.items()
    if kind == "B":
        return {"B": base64.b64encode(body).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(m).decode() for m in body]}
    if kind == "M":
        return {"M": wire_item(body)}
    if kind == "L":
        return {"L": [_wire_value(m) for m in body]}
    return value


def condition_failed(params, old) -> ConditionalCheckFailedException:
    if params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old:
        return ConditionalCheckFailedException(Item=wire_item(old))
    return ConditionalCheckFailedException()


def capacity_counts(ctx, params) -> bool:
    """Whether a write's consumed capacity matters: reported to the caller, or charged
    against the table's buckets (`--limits aws`)."""
    return ctx.limits_on or params.get("ReturnConsumedCapacity", "NONE") != "NONE"


def check_return_values(params, allowed):
    value = params.get("ReturnValues", "NONE")
    if value not in allowed:
        raise ValidationException("ReturnValues can only be ALL_OLD or NONE")
    return value


def _checked_item(item):
    """PutItem's Item, whose invalid values (an empty or repeated set, a NULL that is not
    true) DynamoDB reports as request validation: '1 validation error detected: ' first
    (stackd data.json, calls 22 and 38: an empty SS)."""
    try:
        return av.check_item(item)
    except ValidationException as refused:
        if refused.message.startswith(INVALID_VALUES):
            raise ValidationException(f"1 validation error detected: {refused.message}") from None
        raise


INVALID_VALUES = "One or more parameter values were invalid: "


def put_item(ctx, params):
    # The request's own faults (values, ReturnValues, size, expressions) are refused before
    # the table is looked up, as DynamoDB does: an oversize item for a missing table is a
    # ValidationException, not ResourceNotFoundException.
    item = _checked_item(params["Item"])
    return_values = check_return_values(params, PUT_RETURN_VALUES)
    size = check_size(item)
    compiled = expressions.compile_request(params, "condition")
    table = writable_table(ctx, params["TableName"])
    key = table.key_of_item(item)
    table.check_indexed_types(item)
    if "condition" in compiled or return_values == "ALL_OLD" or writes.needs_old_item(table):
        old, old_size = store.get_item_sized(ctx.state.db, table.uid, *key)
    else:
        # Nothing needs the item replaced but the capacity arithmetic (the larger of the two
        # sizes), and that only when it is reported or charged.
        old = None
        old_size = store.item_size_at(ctx.state.db, table.uid, *key) if capacity_counts(ctx, params) else 0
    if "condition" in compiled and not matches(old, compiled["condition"]):
        raise condition_failed(params, old)
    throttle.check(ctx, table, "write", writes.touched_indexes(table, old, item))
    index_units = writes.write(ctx, table, key, old, item, new_size=size)
    result = _metrics(ctx, table, params, item, key)
    if return_values == "ALL_OLD" and old:
        result["Attributes"] = old
    return _charged_write(ctx, params, table, result, max(size, old_size or 0), index_units)


def get_item(ctx, params):
    key_item = av.check_item(params["Key"])
    compiled = expressions.compile_request(params, "projection")
    table = writable_table(ctx, params["TableName"])
    key = table.key_of_param(key_item)
    throttle.check(ctx, table, "read")
    item, size = store.get_item_sized(ctx.state.db, table.uid, *key)
    result = {}
    if item is not None:
        result["Item"] = project(item, compiled["projection"]) if "projection" in compiled else item
    if capacity_counts(ctx, params):
        tally = capacity.Tally()
        units = capacity.read_units(size or 0, params.get("ConsistentRead", False))
        tally.read(table, units)
        throttle.charge(ctx, table, "read", units)
        _with_capacity(result, tally, params, table)
    return result


def delete_item(ctx, params):
    key_item = av.check_item(params["Key"])
    return_values = check_return_values(params, PUT_RETURN_VALUES)
    compiled = expressions.compile_request(params, "condition")
    table = writable_table(ctx, params["TableName"])
    key = table.key_of_param(key_item)
    old = store.get_item(ctx.state.db, table.uid, *key)
    if "condition" in compiled and not matches(old, compiled["condition"]):
        raise condition_failed(params, old)
    throttle.check(ctx, table, "write", writes.touched_indexes(table, old, None))
    index_units = writes.write(ctx, table, key, old, None) if old is not None else {}
    result = _metrics(ctx, table, params, old, key)
    if return_values == "ALL_OLD" and old:
        result["Attributes"] = old
    return _charged_write(ctx, params, table, result, av.item_size(old or {}), index_units)


def update_item(ctx, params):
    key_item = av.check_item(params["Key"])
    compiled = expressions.compile_request(params, "condition", "update")
    table = writable_table(ctx, params["TableName"])
    key = table.key_of_param(key_item)
    clauses = compiled.get("update", {})
    paths = check_update(table, clauses)
    old = store.get_item(ctx.state.db, table.uid, *key)
    if "condition" in compiled and not matches(old, compiled["condition"]):
        raise condition_failed(params, old)
    new, size = updated_item(table, old, key_item, clauses)
    throttle.check(ctx, table, "write", writes.touched_indexes(table, old, new))
    index_units = writes.write(ctx, table, key, old, new, new_size=size)
    result = _metrics(ctx, table, params, new, key)
    attributes = _update_return_values(params.get("ReturnValues", "NONE"), old, new, paths)
    if attributes:
        result["Attributes"] = attributes
    return _charged_write(ctx, params, table, result, max(size, av.item_size(old or {})), index_units)


def check_update(table, clauses) -> list:
    """The paths an update writes, refusing updates of key attributes and bad operands."""
    paths = expr_update.updated_paths(clauses)
    expr_update.check_operand_types(clauses)
    table.check_index_key_updates(expr_update.read_and_written_paths(clauses), expr_update.known_kinds(clauses))
    for path in paths:
        if path[1][0] in table.key_names:
            raise invalid(f"Cannot update attribute {path[1][0]}. This attribute is part of the key")
    return paths


def updated_item(table, old, key_item, clauses):
    """(the item after the update, its size)."""
    new = expr_update.apply(old if old is not None else dict(key_item), clauses, stored=old is not None)
    table.check_indexed_types(new, updated=True)
    return new, check_size(new, update=True)


def _update_return_values(mode, old, new, paths):
    if mode == "ALL_OLD":
        return old
    if mode == "ALL_NEW":
        return new
    if mode in ("UPDATED_OLD", "UPDATED_NEW"):
        source = old if mode == "UPDATED_OLD" else new
        return project(source, path_tree(paths, "UpdateExpression")) if source else None
    return None


def _metrics(ctx, table, params, item, key):
    """ItemCollectionMetrics: only for tables with local secondary indexes."""
    if params.get("ReturnItemCollectionMetrics") != "SIZE" or item is None or not table.has_local_indexes:
        return {}
    return {"ItemCollectionMetrics": _collection_metric(ctx.state.db, table, item, key)}


def _collection_metric(db, table, item, key) -> dict:
    return {"ItemCollectionKey": {table.hash_key.name: item[table.hash_key.name]},
            "SizeEstimateRangeGB": writes.collection_estimate(db, table, key)}


def collection_metrics(ctx, params, written) -> dict:
    """The ItemCollectionMetrics of a batch or a transaction: for each table with local
    secondary indexes, one entry per item collection its `written` (table, key, an item
    holding the key) touched, as the aws cli's batch-write-item and transact-write-items
    examples show ({} when not asked for)."""
    if params.get("ReturnItemCollectionMetrics") != "SIZE":
        return {}
    metrics, seen = {}, set()
    for table, key, item in written:
        if table.has_local_indexes and (table.uid, key[:2]) not in seen:
            seen.add((table.uid, key[:2]))
            metrics.setdefault(table.name, []).append(_collection_metric(ctx.state.db, table, item, key))
    return {"ItemCollectionMetrics": metrics} if metrics else {}


def _charged_write(ctx, params, table, result, size, index_units):
    """`result` with the ConsumedCapacity of a write of `size` bytes when asked for; the
    units are charged under `--limits aws`. Nothing to count otherwise."""
    if capacity_counts(ctx, params):
        tally = capacity.Tally()
        units = capacity.write_units(size)
        tally.write(table, units, index_units)
        throttle.charge(ctx, table, "write", units, index_units)
        _with_capacity(result, tally, params, table)
    return result


def _with_capacity(result, tally, params, table):
    consumed = tally.report(params.get("ReturnConsumedCapacity"), table.name)
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    return result
