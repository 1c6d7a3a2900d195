"""TransactWriteItems and TransactGetItems: all or nothing, with per-action
CancellationReasons and ClientRequestToken idempotency for 10 minutes.

As DynamoDB does, a fault of the request itself (an expression, a missing table, two
actions on one item) is a ValidationException of the whole call, while a fault of one
action's item (a key of the wrong shape or type, an item past 400 KB, an update that
cannot apply to the item as it is) or a throttled table cancels the transaction with that action's
ValidationError, ProvisionedThroughputExceeded or ThrottlingError reason, the codes and
words the model's TransactionCanceledException documents; TransactGetItems cancels so on
a key not matching its table's schema. An empty string or binary in a lookup key stays a
ValidationException of the request. The items are checked before any condition: the
first faulty item is reported and the other actions are "None".

Requests run one at a time on the server's event loop and a transaction's writes land in
one SQLite transaction, so no other request ever sees half a transaction and two
transactions never interleave: TransactionConflictException cannot arise here."""
import hashlib

import orjson

from lakebox.services.dynamodb import capacity, expressions, lookup, store, throttle, writes
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import IdempotentParameterMismatchException, TransactionCanceledException, \
    ValidationException
from lakebox.services.dynamodb.expr_eval import matches, project
from lakebox.services.dynamodb.items import check_size, check_update, collection_metrics, updated_item, wire_item, \
    writable_table

TOKEN_LIFETIME_MS = 10 * 60 * 1000
MAX_REQUEST_BYTES = 4 * 1024 * 1024
ACTIONS = ("ConditionCheck", "Put", "Delete", "Update")
# What a resource policy must allow for each action of a transaction (IAM's actions).
_POLICY_ACTIONS = {"ConditionCheck": "dynamodb:ConditionCheckItem", "Put": "dynamodb:PutItem",
                   "Delete": "dynamodb:DeleteItem", "Update": "dynamodb:UpdateItem"}


class Action:
    """One action of a TransactWriteItems call, checked and ready to run. `refusal` is
    the ValidationException of an item the action cannot write."""

    def __init__(self, ctx, entry):
        kinds = [kind for kind in ACTIONS if kind in entry]
        if len(kinds) != 1:
            raise ValidationException("TransactItems can only contain one of Check, Put, Update or Delete")
        self.kind = kinds[0]
        self.params = entry[self.kind]
        self.table = writable_table(ctx, self.params["TableName"], _POLICY_ACTIONS[self.kind])
        allowed = ("condition", "update") if self.kind == "Update" else ("condition",)
        self.compiled = expressions.compile_request(self.params, *allowed)
        if self.kind == "Update":
            self.clauses = self.compiled.get("update", {})
            check_update(self.table, self.clauses)
        if self.kind == "ConditionCheck" and "condition" not in self.compiled:
            raise ValidationException("The ConditionExpression parameter is required for ConditionCheck")
        self.key = self.refusal = self.new = None
        try:
            self._check_item()
        except ValidationException as error:
            self.refusal = error
        if self.kind != "Put" and self.refusal is None:
            # An empty string or binary in a lookup Key is a fault of the request (recorded
            # DynamoDB answers), unlike a key of the wrong shape or type, which cancels.
            self.key = self.table.key_of_item(self.key_item)

    def _check_item(self):
        if self.kind == "Put":
            self.item = av.check_item(self.params["Item"])
            self.key = self.table.key_of_item(self.item)
            self.table.check_indexed_types(self.item)
            check_size(self.item)
        else:
            self.key_item = av.check_item(self.params["Key"])
            self.table.check_key_schema(self.key_item)

    def reason(self, ctx, old) -> dict:
        """Why this action cancels the transaction ({"Code": "None"} if it does not); the
        item it would write is kept in `new`."""
        if "condition" in self.compiled and not matches(old, self.compiled["condition"]):
            reason = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
            if self.params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old:
                reason["Item"] = wire_item(old)
            return reason
        try:
            self.new = self._new_item(old)
        except ValidationException as error:
            return _validation_error(error)
        if self.kind == "ConditionCheck":
            return {"Code": "None"}
        refusal = throttle.refusal(ctx, self.table, "write", writes.touched_indexes(self.table, old, self.new))
        if refusal is not None:
            return {"Code": _THROTTLE_CODES[refusal.code], "Message": refusal.message}
        return {"Code": "None"}

    def _new_item(self, old):
        if self.kind == "Put":
            return self.item
        if self.kind == "Update":
            return updated_item(self.table, old, self.key_item, self.clauses)[0]
        return None if self.kind == "Delete" else old


_THROTTLE_CODES = {"ProvisionedThroughputExceededException": "ProvisionedThroughputExceeded",
                   "ThrottlingException": "ThrottlingError"}


def _schema_refusal(table, key_item):
    """The ValidationException of a Key that does not match the table's key schema, or None."""
    try:
        table.check_key_schema(key_item)
    except ValidationException as error:
        return error
    return None


def _validation_error(error) -> dict:
    return {"Code": "ValidationError", "Message": error.message}


def cancel(reasons, ctx=None, token=None, params=None):
    """Cancels a transaction when any of its actions (or statements) has a reason to. A
    cancelled transaction's ClientRequestToken stays bound to its request: another request
    with it is a mismatch, the same one runs again (as recorded against DynamoDB, stackd
    transaction_tokens)."""
    if any(r["Code"] != "None" for r in reasons):
        if token is not None:
            store.remember_token(ctx.state.db, ctx.account, ctx.region, token, _request_hash(params),
                                 lookup.now_ms(ctx), ran=False)
        codes = ", ".join(r["Code"] for r in reasons)
        raise TransactionCanceledException(
            f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
            CancellationReasons=reasons)


def transact_write_items(ctx, params):
    db = ctx.state.db
    actions = [Action(ctx, entry) for entry in params["TransactItems"]]
    targets = [(a.table.uid, a.key) for a in actions if a.key is not None]
    if len(set(targets)) != len(targets):
        raise ValidationException("Transaction request cannot include multiple operations on one item")
    if len(orjson.dumps(params, default=_text)) > MAX_REQUEST_BYTES:
        raise ValidationException("Transaction request size exceeded the maximum allowed size")
    token = params.get("ClientRequestToken")
    earlier = already_ran(ctx, token, params) if token is not None else None
    if earlier is not None:
        return _report({}, repeated_capacity([a.table for a in actions], earlier), params)
    faulty = next((a for a in actions if a.refusal is not None), None)
    if faulty is not None:
        cancel([_validation_error(a.refusal) if a is faulty else {"Code": "None"} for a in actions], ctx, token, params)
    olds = [store.get_item(db, a.table.uid, *a.key) for a in actions]
    cancel([a.reason(ctx, old) for a, old in zip(actions, olds)], ctx, token, params)
    tally, sizes = capacity.Tally(transactional=True), []
    with db.transaction():
        for action, old in zip(actions, olds):
            new = action.new
            index_units = {}
            if action.kind != "ConditionCheck" and (old or new):
                index_units = writes.write(ctx, action.table, action.key, old, new)
            sizes.append(max(av.item_size(old or {}), av.item_size(new or {})))
            units = capacity.write_units(sizes[-1], transactional=True)
            tally.write(action.table, units, index_units)      # index writes are not doubled
            throttle.charge(ctx, action.table, "write", units, index_units)
        if token is not None:
            remember(ctx, token, params, sizes)
    written = [(a.table, a.key, a.item if a.kind == "Put" else a.key_item)
               for a in actions if a.kind != "ConditionCheck"]
    return _report(collection_metrics(ctx, params, written), tally, params)


def _text(value):
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    raise TypeError(type(value))


def _request_hash(params) -> str:
    """What a ClientRequestToken is bound to. As recorded against DynamoDB (stackd
    transaction_tokens): the order of map members and the spelling of a number (1, 1.0,
    1e0, 01, +1) do not count, nor does a trailing space after a PartiQL statement, and an
    omitted ReturnConsumedCapacity, ReturnItemCollectionMetrics or
    ReturnValuesOnConditionCheckFailure is NONE; any other change does (another
    ReturnConsumedCapacity, the actions in another order, another table)."""
    body = {**params, "ReturnConsumedCapacity": params.get("ReturnConsumedCapacity", "NONE")}
    if "TransactItems" in params:
        body["ReturnItemCollectionMetrics"] = params.get("ReturnItemCollectionMetrics", "NONE")
        body["TransactItems"] = [{kind: {"ReturnValuesOnConditionCheckFailure": "NONE", **action}
                                  for kind, action in entry.items()} for entry in params["TransactItems"]]
    else:
        body["TransactStatements"] = [{"ReturnValuesOnConditionCheckFailure": "NONE", **entry,
                                       "Statement": entry["Statement"].rstrip()}
                                      for entry in params.get("TransactStatements", [])]
    return hashlib.sha256(orjson.dumps(_numbers_in_form(body), default=_text,
                                       option=orjson.OPT_SORT_KEYS)).hexdigest()


def _numbers_in_form(value):
    """The value with each number AttributeValue ({"N": ...}, {"NS": [...]}) as DynamoDB writes it."""
    if isinstance(value, list):
        return [_numbers_in_form(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        kind, text = next(iter(value.items()))
        if kind == "N" and isinstance(text, str):
            return {"N": _number_or_text(text)}
        if kind == "NS" and isinstance(text, list):
            return {"NS": [_number_or_text(t) for t in text]}
    return {k: _numbers_in_form(v) for k, v in value.items()}


def _number_or_text(text):
    try:
        return av.normalize_number(text) if isinstance(text, str) else text
    except ValidationException:
        return text


def already_ran(ctx, token, params):
    """The item sizes of this token's transaction (TransactWriteItems, or ExecuteTransaction's
    writes) if it ran in the last 10 minutes, else None; the same token with other
    parameters (also after a cancelled run) is IdempotentParameterMismatchException."""
    row = store.transaction_token(ctx.state.db, ctx.account, ctx.region, token)
    if row is None or row["created_ms"] < lookup.now_ms(ctx) - TOKEN_LIFETIME_MS:
        return None
    if row["request_hash"] != _request_hash(params):
        raise IdempotentParameterMismatchException("Specified idempotent token was used with different request "
                                                   "parameters within the idempotency window")
    return orjson.loads(row["replay_units"]) if row["ran"] else None


def remember(ctx, token, params, sizes):
    """Records a transaction that ran, inside its database transaction, with the size of
    each item it touched (the larger of before and after)."""
    store.remember_token(ctx.state.db, ctx.account, ctx.region, token, _request_hash(params), lookup.now_ms(ctx),
                         replay_units=orjson.dumps(sizes).decode())


def repeated_capacity(tables, sizes) -> capacity.Tally:
    """A repeated transaction changes nothing; DynamoDB reports it as a transactional read
    of each item the first run touched, at the size it had then, whatever the item has
    become since (recorded against DynamoDB, stackd transaction_tokens: 2 units to 4 KB,
    4 for 4097 bytes)."""
    tally = capacity.Tally(transactional=True)
    for table, size in zip(tables, sizes or [0] * len(tables)):
        tally.read(table, capacity.read_units(size, True, transactional=True))
    return tally


def _report(result, tally, params):
    consumed = tally.report(params.get("ReturnConsumedCapacity"))
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    return result


def transact_get_items(ctx, params):
    db = ctx.state.db
    plans, refusals = [], []
    for entry in params["TransactItems"]:
        get = entry["Get"]
        table = writable_table(ctx, get["TableName"], "dynamodb:GetItem")
        compiled = expressions.compile_request(get, "projection")
        key_item = av.check_item(get["Key"])
        refusals.append(_schema_refusal(table, key_item))
        key = table.key_of_item(key_item) if refusals[-1] is None else None
        plans.append((table, key, compiled))
    targets = [(t.uid, k) for t, k, _ in plans if k is not None]
    if len(set(targets)) != len(targets):
        raise ValidationException("Transaction request cannot include multiple operations on one item")
    # A key not matching its table's schema cancels the transaction with that action's
    # ValidationError, as recorded DynamoDB answers show (other key faults stay request faults).
    faulty = next((r for r in refusals if r is not None), None)
    if faulty is not None:
        cancel([_validation_error(r) if r is faulty else {"Code": "None"} for r in refusals])
    tally, responses = capacity.Tally(transactional=True), []
    for table, key, compiled in plans:
        item = store.get_item(db, table.uid, *key)
        tally.read(table, capacity.read_units(av.item_size(item or {}), True, transactional=True))
        if item is None:
            responses.append({})
        else:
            responses.append({"Item": project(item, compiled["projection"]) if "projection" in compiled else item})
    return _report({"Responses": responses}, tally, params)
