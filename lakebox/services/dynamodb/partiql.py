"""PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.

A SELECT whose WHERE fixes the partition key with `=` reads that partition (a Query, or
its items one by one when it names them by sort key: partiql_keys), any other reads the
table or index (a Scan), the whole WHERE filtering what is read.
INSERT refuses an existing item (DuplicateItemException); UPDATE and DELETE need the full
key in WHERE and treat the rest of it as a condition; UPDATE of a missing item fails its
condition, as on DynamoDB."""
from lakebox.services.dynamodb import capacity, expr_update, reads, store, throttle, transactions, writes
from lakebox.services.dynamodb import partiql_index as index_rules
from lakebox.services.dynamodb import partiql_keys as key_reads
from lakebox.services.dynamodb import partiql_tokens as tokens
from lakebox.services.dynamodb import partiql_order as order
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import (
    ConditionalCheckFailedException, DuplicateItemException, ResourceNotFoundException, ServiceError,
    ValidationException)
from lakebox.services.dynamodb.expr_eval import matches, path_tree, project, resolve
from lakebox.services.dynamodb.items import check_size, check_update, wire_item, writable_table
from lakebox.services.dynamodb.partiql_parse import ParameterFault, column_name, parse

MAX_BATCH = 25
MAX_TRANSACTION = 100
MAX_LEVELS = 32
NESTING = "Nesting Levels have exceeded supported limits"
# A statement's error in BatchExecuteStatement names its code as BatchStatementErrorCodeEnum
# does (the model's enum); the others drop "Exception" from the operation's error code.
# A key's fault in a transaction's statement cancels it (a ValidationError reason).
# Faults of a statement's key that cancel a transaction (TransactWriteItems' words for them).
_NOT_ONE_ITEM = ("Key attribute's data type should match", "Where clause does not contain a mandatory equality",
                 "Multiple conditions on same key")
_BATCH_CODES = {"ValidationException": "ValidationError", "ThrottlingException": "ThrottlingError",
                "AccessDeniedException": "AccessDenied"}


def _table(ctx, statement):
    try:
        kind = "SELECT" if statement.kind == "EXISTS" else statement.kind      # EXISTS reads its item
        return writable_table(ctx, statement.table, f"dynamodb:PartiQL{kind.capitalize()}")
    except ResourceNotFoundException:
        raise ResourceNotFoundException("Requested resource not found") from None


def _key_values(table, where) -> dict:
    """The `key = value` terms of the top-level AND of a WHERE clause, by attribute."""
    found, stack = {}, [where] if where else []
    while stack:
        node = stack.pop()
        if node[0] == "and":
            stack += [node[1], node[2]]
        elif node[0] == "cmp" and node[1] == "=":
            left, right = node[2], node[3]
            if right[0] == "path":
                left, right = right, left
            if left[0] == "path" and len(left[1]) == 1 and right[0] == "value":
                found.setdefault(left[1][0], right[1])
    return found


def _columns(item, paths) -> dict:
    """A SELECT list's answer for one item: each path that holds a value, in its column."""
    row = {}
    for path in paths:
        value = resolve(item, path)
        if value is not None:
            row[column_name(path)] = value
    return row


def _check_key_types(table, where, index=None):
    """A key attribute compared with `=` or IN to a value of another type than its
    definition is refused (DynamoDB Local's words; public records of DynamoDB's answers
    give them for a parameter of the wrong type)."""
    names = set(table.key_names) | ({k.name for k in (index.hash_key, index.range_key) if k} if index else set())
    stack = [where] if where else []
    while stack:
        node = stack.pop()
        if node[0] in ("and", "or"):
            stack += [node[1], node[2]]
        elif node[0] in ("cmp", "in") and (node[0] == "in" or node[1] == "="):
            path, values = (node[1], node[2]) if node[0] == "in" else (node[2], [node[3]])
            if node[0] == "cmp" and path[0] != "path":
                path, values = node[3], [node[2]]
            if path[0] == "path" and len(path[1]) == 1 and path[1][0] in names and any(
                    v[0] == "value" and av.kind_of(v[1]) != table.attribute_types[path[1][0]] for v in values):
                raise ValidationException("Key attribute's data type should match its data type in table's schema: "
                                          f"Key {path[1][0]}")


def _check_inserted_key(table, item):
    for name in table.key_names:
        if name not in item:
            raise ValidationException(f"Key attribute should be present in the item: Key {name}")
        if av.kind_of(item[name]) != table.attribute_types[name]:
            raise ValidationException(f"Key attribute's data type should match its data type in table's schema: "
                                      f"Key {name}")


def _check_one_item(table, where, key_item):
    """An UPDATE or DELETE names one item: a key attribute given two values is refused
    (DynamoDB Local's words; a public test suite records them from DynamoDB)."""
    for term in _terms(where):
        if term[0] != "cmp" or term[1] != "=":
            continue
        for path, value in ((term[2], term[3]), (term[3], term[2])):
            name = path[1][0] if path[0] == "path" and len(path[1]) == 1 else None
            if name in table.key_names and value[0] == "value" and not av.equal(value[1], key_item[name]):
                raise ValidationException(f"Multiple conditions on same key {name}. Only single item "
                                          "Update/Insert/Delete are supported")


def _full_key(table, statement) -> dict:
    found = _key_values(table, statement.where)
    if any(name not in found for name in table.key_names):
        raise ValidationException("Where clause does not contain a mandatory equality on all key attributes")
    return {name: found[name] for name in table.key_names}


# --- one statement -----------------------------------------------------------------------------

def execute_statement(ctx, params):
    statement = parse(params["Statement"], params.get("Parameters"))
    table = _table(ctx, statement)
    tally = capacity.Tally()
    if statement.kind == "SELECT":
        result = _select(ctx, table, statement, params, tally)
    else:
        result = _write(ctx, table, statement, params, tally)
    consumed = tally.report(params.get("ReturnConsumedCapacity"), table.name)
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    return result


def _select(ctx, table, statement, params, tally):
    index = table.indexes.get(statement.index) if statement.index else None
    if statement.index and index is None:
        raise ValidationException("The table does not have the specified index")     # unnamed, unlike Query's
    if index is not None and index.kind == "GSI" and statement.paths and index.projection_type != "ALL":
        index_rules.check_projected(index, statement.paths)
    if index is not None and index.kind == "GSI" and params.get("ConsistentRead"):
        raise ValidationException("Strongly consistent read is not supported on Global Secondary Indexes")
    hash_key = index.hash_key if index else table.hash_key
    range_key = index.range_key if index else table.range_key
    if statement.order:
        order.check_order(statement, hash_key.name)
    _check_key_types(table, statement.where, index)
    key_reads.check_decomposed(_terms(statement.where), hash_key.name, range_key.name if range_key else None)
    keys = _key_values(table, statement.where)
    query = {"TableName": table.name, "ConsistentRead": params.get("ConsistentRead", False),
             "ReturnConsumedCapacity": "TOTAL"}
    if index is not None:
        query["IndexName"] = index.name
    if params.get("Limit"):
        query["Limit"] = params["Limit"]
    if params.get("NextToken"):
        query["ExclusiveStartKey"] = tokens.read_token(params["NextToken"], params)
    compiled = {"filter": statement.where} if statement.where else {}
    if statement.paths:
        roots = list(dict.fromkeys(path[1][0] for path in statement.paths))
        compiled["projection"] = path_tree([("path", [root]) for root in roots], "ProjectionExpression")
    query["ScanIndexForward"] = order.ascending(statement, range_key.name if range_key else None)
    named = order.hash_values(statement.where, hash_key.name) if statement.where else None
    if named and any(av.equal(value, other) for n, value in enumerate(named) for other in named[:n]):
        # a partition named twice (a public test suite's records of DynamoDB's answers)
        raise ValidationException("Overlapping conditions with range keys are not supported in where clause")
    partitions = named if statement.order or hash_key.name not in keys else None      # a fan-out
    sort_plan = key_reads.plan(_terms(statement.where), range_key.name, range_key.type) \
        if hash_key.name in keys and index is None and range_key is not None else None
    if sort_plan is not None and sort_plan[0] == "scan" and statement.order:
        raise ValidationException(key_reads.NO_HASH_CONDITION)       # no key condition: ORDER BY has none
    if sort_plan is not None and sort_plan[0] == "keys":
        answer = key_reads.read_keys(ctx, table, keys[hash_key.name], sort_plan[1], statement.where, query,
                                     not query["ScanIndexForward"])
    else:
        if hash_key.name in keys and (sort_plan is None or sort_plan[0] == "range"):
            if index is not None and index.projection_type != "ALL":
                index_rules.check_filter_projected(index, statement.where)
            compiled["key"] = ("cmp", "=", ("path", [hash_key.name]), ("value", keys[hash_key.name]))
            if sort_plan is not None:           # ("range", the one sort key condition): the Query's own
                compiled["key"] = ("and", compiled["key"], sort_plan[1])

        fan_out = "key" not in compiled and bool(partitions)

        def read(request):
            if "key" in compiled:
                return reads.run_query(ctx, table, index, request, compiled)
            if fan_out:
                return order.query_partitions(ctx, table, index, request, compiled, hash_key.name, partitions,
                                              order.ascending(statement, hash_key.name), bool(statement.order))
            return reads.run_scan(ctx, table, index, request, compiled)
        answer = read(dict(query))
        last = answer.get("LastEvaluatedKey")
        if last is not None and not fan_out and not read({**query, "ExclusiveStartKey": last, "Limit": 1,
                                                          "ReturnConsumedCapacity": "NONE"})["ScannedCount"]:
            del answer["LastEvaluatedKey"]     # the page ended where the read does (stackd key_ordering)
    tally.read(table, answer.get("ConsumedCapacity", {}).get("CapacityUnits", 0.0), index)  # on the index read
    items = answer.get("Items", [])
    result = {"Items": [_columns(item, statement.paths) for item in items] if statement.paths else items}
    if "NextPartition" in answer:            # a fan-out page that ended with a partition: no key
        result["NextToken"] = tokens.token(answer["NextPartition"], params)
    if "LastEvaluatedKey" in answer:
        if not answer.get("final"):          # final: a page that reached its Limit with nothing left
            result["NextToken"] = tokens.token(answer["LastEvaluatedKey"], params)
        result["LastEvaluatedKey"] = answer["LastEvaluatedKey"]
    return result


def _plan(ctx, table, statement):
    """(key, old item, new item or None, returned attributes mode) of a write statement,
    checked; raises the statement's own failure."""
    if statement.kind == "INSERT":
        _check_inserted_key(table, statement.item)
        item = av.check_item(statement.item)
        key = table.key_of_item(item)
        table.check_indexed_types(item)
        check_size(item)
        _check_nesting(item)
        old = store.get_item(ctx.state.db, table.uid, *key)
        if old is not None:
            raise DuplicateItemException("Duplicate primary key exists in table")
        return key, old, item
    _check_key_types(table, statement.where)
    key_item = _full_key(table, statement)
    if statement.kind != "EXISTS":
        _check_one_item(table, statement.where, key_item)
    key = table.key_of_param(key_item)
    old = store.get_item(ctx.state.db, table.uid, *key)
    if statement.kind == "EXISTS":
        if old is None or not matches(old, statement.where):
            raise ConditionalCheckFailedException()
        return key, old, old
    if statement.kind == "DELETE":
        if statement.where is not None and old is not None and not matches(old, statement.where):
            raise ConditionalCheckFailedException()
        return key, old, None
    if old is None or not matches(old, statement.where):
        raise ConditionalCheckFailedException()
    check_update(table, statement.clauses)
    new = expr_update.apply(old, statement.clauses)
    table.check_indexed_types(new)
    check_size(new)
    _check_nesting(new)
    return key, old, new


def _check_nesting(item):
    """An item nests at most 32 levels deep, its attributes' own level counted (a public
    test suite's records of DynamoDB's answers to PartiQL writes)."""
    if any(_levels(value) > MAX_LEVELS for value in item.values()):
        raise ValidationException(NESTING)


def _levels(value) -> int:
    (kind, body), = value.items()
    if kind in ("M", "L"):
        return 1 + max((_levels(member) for member in (body.values() if kind == "M" else body)), default=0)
    return 1


def _write(ctx, table, statement, params, tally):
    try:
        key, old, new = _plan(ctx, table, statement)
    except ConditionalCheckFailedException:
        raise _condition_failed(ctx, table, statement, params) from None
    _apply(ctx, table, key, old, new, tally)
    return _returning(statement, old, new)


def _condition_failed(ctx, table, statement, params):
    if params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and statement.kind != "INSERT":
        key = table.key_of_param(_full_key(table, statement))
        old = store.get_item(ctx.state.db, table.uid, *key)
        if old:
            return ConditionalCheckFailedException(Item=wire_item(old))
    return ConditionalCheckFailedException()


def _apply(ctx, table, key, old, new, tally, transactional=False):
    throttle.check(ctx, table, "write", writes.touched_indexes(table, old, new))
    index_units = writes.write(ctx, table, key, old, new) if (old or new) else {}
    units = capacity.write_units(max(av.item_size(old or {}), av.item_size(new or {})), transactional)
    tally.write(table, units, index_units)          # a transaction doubles the table's units only
    throttle.charge(ctx, table, "write", units, index_units)


def _returning(statement, old, new) -> dict:
    mode = statement.returning
    if mode is None:
        return {"Items": []}
    if mode == "ALL_OLD":
        return {"Items": [old] if old else []}
    if mode == "ALL_NEW":
        return {"Items": [new] if new else []}
    paths = expr_update.updated_paths(statement.clauses)
    source = old if mode == "UPDATED_OLD" else new
    return {"Items": [project(source, path_tree(paths, "UpdateExpression"))] if source else []}


# --- batches and transactions ----------------------------------------------------------------------

def batch_execute_statement(ctx, params):
    statements = params["Statements"]
    if len(statements) > MAX_BATCH:
        raise ValidationException(f"Member must have length less than or equal to {MAX_BATCH}")
    kinds = {_statement_kind(request) for request in statements} - {None}
    if len(kinds) > 1:
        raise ValidationException("Read and write requests together in the same batch is not supported.")
    written = [key for key in (_written_key(ctx, request) for request in statements) if key is not None]
    if len(set(written)) < len(written):          # two writes of one item (stackd partiql_duplicate_keys.json)
        raise ValidationException("Provided list of item keys contains duplicates")
    tally, responses = capacity.Tally(), []
    for request in statements:
        responses.append(_batch_member(ctx, request, params, tally))
    result = {"Responses": responses}
    consumed = tally.report(params.get("ReturnConsumedCapacity"))
    if consumed is not None and any("Error" not in response for response in responses):
        result["ConsumedCapacity"] = consumed         # none when every statement failed (stackd, calls 32-33)
    return result


def _statement_kind(request):
    """READ or WRITE by the statement's first word (None for one that does not parse: it
    fails on its own in the batch)."""
    words = request.get("Statement", "").split(None, 1)
    if not words:
        return None
    first = words[0].upper()
    return "READ" if first == "SELECT" else "WRITE" if first in ("INSERT", "UPDATE", "DELETE") else None


def _written_key(ctx, request):
    """(table, key) of the item a batch's INSERT, UPDATE or DELETE writes, or None when it
    names none (it then fails on its own)."""
    try:
        statement = parse(request["Statement"], request.get("Parameters"))
        if statement.kind not in ("INSERT", "UPDATE", "DELETE"):
            return None
        table = _table(ctx, statement)
        named = {n: statement.item[n] for n in table.key_names} if statement.kind == "INSERT" \
            else _full_key(table, statement)
        return table.uid, table.key_of_param(av.check_item(named))
    except (ServiceError, KeyError, TypeError):
        return None


def _charge_refused(ctx, table, request, tally):
    """A batch's write refused by its condition or as a duplicate still costs the write of
    the item it found, counted in the total but not in the table's part (stackd
    partiql_duplicate_keys.json, calls 47-48: 10 units with Table 1 for a refused write of
    a 9 KB item and an accepted small one)."""
    named = _written_key(ctx, request)
    size = store.item_size_at(ctx.state.db, table.uid, *named[1]) if named is not None else None
    tally.refused_write(table, capacity.write_units(size or 0))


def _batch_member(ctx, request, params, tally) -> dict:
    """One statement of a batch: its item or its own error, never the batch's."""
    table = None
    try:
        statement = parse(request["Statement"], request.get("Parameters"))
        table = _table(ctx, statement)
        if statement.kind == "SELECT":
            key_reads.check_decomposed(_terms(statement.where), table.hash_key.name,
                                       table.range_key.name if table.range_key else None)
            found = _read_key(table, statement.where)
            if statement.index or found is None:
                raise ValidationException("Select statements within BatchExecuteStatement must specify the primary "
                                          "key in the where clause.")
            _check_key_types(table, statement.where)
            key = table.key_of_param(found)
            item = store.get_item(ctx.state.db, table.uid, *key)
            tally.read(table, capacity.read_units(av.item_size(item or {}), request.get("ConsistentRead", False)))
            answer = {"TableName": table.name}
            if item is not None and matches(item, statement.where):
                answer["Item"] = _columns(item, statement.paths) if statement.paths else item
            return answer
        try:
            key, old, new = _plan(ctx, table, statement)
        except ConditionalCheckFailedException:
            raise _condition_failed(ctx, table, statement, request) from None
        _apply(ctx, table, key, old, new, tally)
        return {"TableName": table.name}
    except ServiceError as error:
        code = _BATCH_CODES.get(error.code, error.code.replace("Exception", ""))
        failed = {"Code": code, "Message": error.message or ""}
        if "Item" in error.fields:          # the old item, on ReturnValuesOnConditionCheckFailure
            failed["Item"] = error.fields["Item"]
        if table is not None and code in ("ConditionalCheckFailed", "DuplicateItem"):
            _charge_refused(ctx, table, request, tally)
        if table is not None and (code in ("ConditionalCheckFailed", "DuplicateItem") or error.message == NESTING):
            return {"Error": failed, "TableName": table.name}     # a fault of the write itself names its table
        return {"Error": failed}


def execute_transaction(ctx, params):
    entries = params["TransactStatements"]
    if len(entries) > MAX_TRANSACTION:
        raise ValidationException(f"Member must have length less than or equal to {MAX_TRANSACTION}")
    parsed = [(_transaction_statement(number, e), e) for number, e in enumerate(entries)]
    kinds = {"SELECT" if s.kind == "SELECT" else "WRITE" for s, _ in parsed}
    if len(kinds) > 1:
        raise ValidationException("ExecuteTransaction API does not support both read and write operations in the "
                                  "same request.")
    tables = _transaction_tables(ctx, parsed)
    tally = capacity.Tally(transactional=True)
    if kinds == {"SELECT"}:
        return _read_transaction(ctx, parsed, tables, params, tally)
    token = params.get("ClientRequestToken")
    earlier = transactions.already_ran(ctx, token, params) if token is not None else None
    if earlier is not None:
        return _report({"Responses": []}, transactions.repeated_capacity(tables, earlier), params)
    for number, ((statement, _), table) in enumerate(zip(parsed, tables)):
        if statement.kind == "EXISTS" and not _checks_more_than_key(table, statement.where):
            raise ValidationException(f"Validation failed in TransactStatements[{number}]: EXISTS() must contain a "
                                      "single item read with additional condition")
    plans, reasons = [], []
    for (statement, entry), table in zip(parsed, tables):
        try:
            plans.append((table, *_plan(ctx, table, statement)))
            reasons.append({"Code": "None"})
        except DuplicateItemException as failed:
            plans.append(None)
            reasons.append({"Code": "DuplicateItem", "Message": failed.message})
        except ConditionalCheckFailedException:
            plans.append(None)
            failed = _condition_failed(ctx, table, statement, entry)
            reasons.append({**failed.fields, "Code": "ConditionalCheckFailed", "Message": failed.message})
        except ValidationException as failed:
            plans.append(None)
            reasons.append({"Code": "ValidationError", "Message": _transaction_key_fault(failed)})
    targets = [(p[0].uid, p[1]) for p in plans if p]
    if len(set(targets)) != len(targets):
        raise ValidationException("Transaction request cannot include multiple operations on one item")
    transactions.cancel(reasons, ctx, token, params)
    sizes = [max(av.item_size(old or {}), av.item_size(new or {})) for _, _, old, new in plans]
    with ctx.state.db.transaction():
        for (statement, _), (table, key, old, new) in zip(parsed, plans):
            if statement.kind == "EXISTS":      # a condition check: costs a write, changes nothing
                tally.write(table, capacity.write_units(av.item_size(old), True), {})
            else:
                _apply(ctx, table, key, old, new, tally, transactional=True)
        if token is not None:
            transactions.remember(ctx, token, params, sizes)
    return _report({"Responses": []}, tally, params)          # writes answer no member each


def _transaction_key_fault(error) -> str:
    """A statement of ExecuteTransaction that names no one item of its table, or would nest
    it too deep, cancels it, in TransactWriteItems' words (as a public test suite records
    DynamoDB's answers); any other fault is the request's."""
    message = error.message
    if message == NESTING:
        return message
    if message.startswith("Key attribute should be present in the item: Key "):
        name = message.rsplit(" ", 1)[1]
        return f"One or more parameter values were invalid: Missing the key {name} in the item"
    if message.startswith(_NOT_ONE_ITEM):
        return "The provided key element does not match the schema"
    raise error


def _transaction_statement(number, entry):
    """A statement of ExecuteTransaction; a fault of its own text is named with its place
    (DynamoDB's words, as DynamoDB Local and public records of DynamoDB's answers give them)."""
    try:
        return parse(entry["Statement"], entry.get("Parameters"), in_transaction=True)
    except ParameterFault:
        raise
    except ValidationException as error:
        raise _at(number, error.message) from None


def _at(number, message) -> ValidationException:
    return ValidationException(f"Validation failed in TransactStatements[{number}]: {message}")


def _transaction_tables(ctx, parsed) -> list:
    """The table of each statement, in order; a statement of a table that does not exist
    cancels the transaction (ResourceNotFound) and is not checked further, one of a table
    that does is refused what a transaction cannot do (a public test suite's records of
    DynamoDB's answers)."""
    tables = []
    for number, (statement, _) in enumerate(parsed):
        try:
            tables.append(_table(ctx, statement))
        except ResourceNotFoundException as missing:
            tables.append(missing)
            continue
        if statement.returning:
            raise _at(number, "RETURNING clause is not supported in ExecuteTransaction.")
        if statement.kind == "SELECT" and statement.index:
            raise _at(number, "Reads on indices are not supported within transactions.")
        if statement.kind == "EXISTS" and statement.index:
            raise _at(number, "Operations on indices are not supported in transactions")
    transactions.cancel([{"Code": "ResourceNotFound", "Message": t.message} if isinstance(t, ServiceError)
                         else {"Code": "None"} for t in tables])
    return tables


def _terms(where) -> list:
    """The terms of a WHERE clause's top-level AND."""
    terms, stack = [], [where] if where else []
    while stack:
        node = stack.pop()
        if node[0] == "and":
            stack += [node[1], node[2]]
        else:
            terms.append(node)
    return terms


def _checks_more_than_key(table, where) -> bool:
    """EXISTS(...) reads one item by its whole key and tests something more of it."""
    found = _key_values(table, where)
    return all(name in found for name in table.key_names) and \
        not all(_pins_key(t, table, found) for t in _terms(where))


def _only_key(table, where, number) -> dict:
    """A read in a transaction names its item by its key alone; the key it names."""
    found = _read_key(table, where)
    if found is None:
        raise ValidationException(f"Validation failed in TransactStatements[{number}]: Select statements within "
                                  "ExecuteTransaction must specify the primary key in the where clause.")
    return found


def _read_key(table, where) -> dict | None:
    """The key a batch's or a transaction's read names by its WHERE alone (`=`, or IN one
    value, on each key attribute, each with one value, and nothing else), or None."""
    found = {}
    for term in _terms(where):
        pinned = _pinned(term, table)
        if pinned is None:
            return None
        name, value = pinned
        if name in found and not av.equal(found[name], value):
            return None
        found[name] = value
    return found if all(name in found for name in table.key_names) else None


def _pinned(term, table):
    """(key attribute, value) of a term `key = value` or `key IN [value]`, else None."""
    if term[0] == "in" and len(term[2]) == 1:
        term = ("cmp", "=", term[1], term[2][0])
    if term[0] != "cmp" or term[1] != "=":
        return None
    for path, value in ((term[2], term[3]), (term[3], term[2])):
        if path[0] == "path" and len(path[1]) == 1 and path[1][0] in table.key_names and value[0] == "value":
            return path[1][0], value[1]
    return None


def _pins_key(term, table, found) -> bool:
    """Whether a term is `key attribute = the value the key is read with`."""
    pinned = _pinned(term, table) if term[0] == "cmp" else None
    return pinned is not None and av.equal(pinned[1], found[pinned[0]])


def _read_transaction(ctx, parsed, tables, params, tally):
    reads, reasons = [], []
    for number, ((statement, _), table) in enumerate(zip(parsed, tables)):
        found = _only_key(table, statement.where, number)
        try:
            _check_key_types(table, statement.where)
            reads.append((statement, table, table.key_of_param(found)))
            reasons.append({"Code": "None"})
        except ValidationException as failed:       # a key of the wrong type cancels, as in a write
            reasons.append({"Code": "ValidationError", "Message": _transaction_key_fault(failed)})
    transactions.cancel(reasons)
    responses = []
    for statement, table, key in reads:
        item = store.get_item(ctx.state.db, table.uid, *key)
        tally.read(table, capacity.read_units(av.item_size(item or {}), True, transactional=True))
        if item is not None and matches(item, statement.where):
            responses.append({"Item": _columns(item, statement.paths) if statement.paths else item})
        else:
            responses.append({})
    return _report({"Responses": responses}, tally, params)


def _report(result, tally, params):
    consumed = tally.report(params.get("ReturnConsumedCapacity"))
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    return result
