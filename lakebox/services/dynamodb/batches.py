"""BatchGetItem and BatchWriteItem: many independent reads or writes in one call. All
requests are checked before any is done; the writes of one call land in one SQLite
transaction."""
from lakebox.services.dynamodb import capacity, expressions, store, throttle, writes
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ProvisionedThroughputExceededException, ValidationException
from lakebox.services.dynamodb.expr_eval import project
from lakebox.services.dynamodb.items import capacity_counts, check_size, collection_metrics, writable_table

MAX_GET_KEYS = 100
MAX_WRITES = 25
MAX_RESPONSE_BYTES = 16 * 1024 * 1024


def _duplicates() -> ValidationException:
    return ValidationException("Provided list of item keys contains duplicates")


def batch_get_item(ctx, params):
    requests = params["RequestItems"]
    if sum(len(r["Keys"]) for r in requests.values()) > MAX_GET_KEYS:
        raise ValidationException("Too many items requested for the BatchGetItem call")
    # Every key and expression is checked before any table is looked up, as DynamoDB does.
    checked = {name: (expressions.compile_request(request, "projection"), [av.check_item(k) for k in request["Keys"]])
               for name, request in requests.items()}
    plans = []
    for name, request in requests.items():
        table = writable_table(ctx, name)
        compiled, key_items = checked[name]
        keys = [table.key_of_param(k) for k in key_items]
        if len(set(keys)) != len(keys):
            raise _duplicates()
        plans.append((name, table, request, compiled, keys))
    tally, responses, unprocessed, sent = capacity.Tally(), {}, {}, 0
    for name, table, request, compiled, keys in plans:
        found = responses.setdefault(name, [])
        for position, key in enumerate(keys):
            throttled = not throttle.has_room(ctx, table, "read")
            item = None if throttled else store.get_item(ctx.state.db, table.uid, *key)
            size = av.item_size(item or {})
            if throttled or sent + size > MAX_RESPONSE_BYTES:     # the answer stays within 16 MB
                unprocessed[name] = {**request, "Keys": request["Keys"][position:]}
                break
            units = capacity.read_units(size, request.get("ConsistentRead", False))
            tally.read(table, units)
            throttle.charge(ctx, table, "read", units)
            if item is not None:
                sent += size
                found.append(project(item, compiled["projection"]) if "projection" in compiled else item)
    if unprocessed and not any(responses.values()) and len(unprocessed) == len(plans) and \
            all(len(unprocessed[n]["Keys"]) == len(requests[n]["Keys"]) for n in unprocessed):
        raise ProvisionedThroughputExceededException()
    result = {"Responses": responses, "UnprocessedKeys": unprocessed}
    consumed = tally.report(params.get("ReturnConsumedCapacity"))
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    return result


def batch_write_item(ctx, params):
    requests = params["RequestItems"]
    if sum(len(r) for r in requests.values()) > MAX_WRITES:
        raise ValidationException("Too many items requested for the BatchWriteItem call")
    # Every request's values and size are checked before any table is looked up, as
    # DynamoDB does: an oversize item for a missing table is a ValidationException.
    checked = {name: [_checked_request(request) for request in writes_for_table]
               for name, writes_for_table in requests.items()}
    plans = []
    for name, writes_for_table in requests.items():
        table = writable_table(ctx, name)
        seen = set()
        for request, (item, size) in zip(writes_for_table, checked[name]):
            plan = _plan_write(table, request, item, size)
            if plan[1] in seen:
                raise _duplicates()
            seen.add(plan[1])
            plans.append(plan)
    tally, unprocessed = capacity.Tally(), {}
    db = ctx.state.db
    plain = _plain_tables(ctx, params, {plan[0].uid: plan[0] for plan in plans}.values())
    with db.transaction():
        # Writes nothing needs to read first are stored together, in two statements.
        store.replace_items(db, [(t.uid, *key, size, new) for t, key, new, size, _ in plans if t.uid in plain])
        for table, key, new, size, request in plans:
            if table.uid in plain:
                continue
            if writes.needs_old_item(table):
                old, old_size = store.get_item_sized(db, table.uid, *key)
            else:
                old, old_size = None, store.item_size_at(db, table.uid, *key)
            if not throttle.has_room(ctx, table, "write", writes.touched_indexes(table, old, new)):
                unprocessed.setdefault(table.name, []).append(request)
                continue
            index_units = {}
            if old_size is not None or new is not None:
                index_units = writes.write(ctx, table, key, old, new, new_size=size)
            units = capacity.write_units(max(old_size or 0, size))
            tally.write(table, units, index_units)
            throttle.charge(ctx, table, "write", units, index_units)
    if len(unprocessed) and sum(map(len, unprocessed.values())) == len(plans):
        raise ProvisionedThroughputExceededException()
    done = [plan for plan in plans if plan[4] not in unprocessed.get(plan[0].name, ())]
    result = {"UnprocessedItems": unprocessed, **collection_metrics(ctx, params, [
        (table, key, new if new is not None else av.check_item(request["DeleteRequest"]["Key"]))
        for table, key, new, _, request in done])}
    consumed = tally.report(params.get("ReturnConsumedCapacity"))
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    return result


def _plain_tables(ctx, params, tables) -> set:
    """The uids of the tables whose writes need not read the items they replace: no
    index, stream, TTL or history to keep, no capacity counted."""
    if capacity_counts(ctx, params):
        return set()
    return {table.uid for table in tables if not writes.needs_old_item(table)}


def _checked_request(request):
    """(the checked item of a put or key of a delete, the put item's size or 0): what a
    write request can be refused for without its table."""
    put, delete = request.get("PutRequest"), request.get("DeleteRequest")
    if (put is None) == (delete is None):
        raise ValidationException("Supplied AttributeValue has more than one datatypes set, must contain exactly "
                                  "one of the supported datatypes" if put else
                                  "Supplied AttributeValue is empty, must contain exactly one of the supported "
                                  "datatypes")
    if put is not None:
        item = av.check_item(put["Item"])
        return item, check_size(item)
    return av.check_item(delete["Key"]), 0


def _plan_write(table, request, item, size):
    """(table, key, new item or None for a delete, its size, the request) of one checked write request."""
    if "PutRequest" in request:
        table.check_indexed_types(item)
        return table, table.key_of_item(item), item, size, request
    return table, table.key_of_param(item), None, 0, request
