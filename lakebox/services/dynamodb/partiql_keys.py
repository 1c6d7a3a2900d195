"""How a PartiQL SELECT on a partition of a table reads, by its conditions on the sort key,
as recorded against DynamoDB (radkawar/stackd testdata/aws/dynamodb/
partiql_compound_predicates.json and partiql_ordered_ranges.json):

- one bound, BETWEEN or begins_with on the sort key: a Query of the partition with that key
  condition, charged for the range it reads;
- the sort key equal to a value, or IN a list of them: each item is read by its whole key
  as GetItem reads it (its own units; a missing one still costs a read), in the order of
  the sort key; Limit counts the items found, and the page that reaches it with no key
  left answers LastEvaluatedKey without a NextToken; a value listed twice (also 2 and
  2.0) is 'Overlapping conditions with range keys are not supported in where clause';
- more than one condition on the sort key (two bounds, a BETWEEN and a bound, an
  equality and a bound, an IN and a bound), unless they are the same equality: DynamoDB
  makes no key condition of them and scans the table, and refuses them with ORDER BY."""
from lakebox.services.dynamodb import capacity, store, throttle
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ValidationException
from lakebox.services.dynamodb.expr_eval import matches

MAX_DECOMPOSED_READS = 50
KEY_OPERATORS = ("=", "<", "<=", ">", ">=")
OVERLAPPING = "Overlapping conditions with range keys are not supported in where clause"
NO_HASH_CONDITION = ("Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY "
                     "clause.")


def _on_sort(term, range_name) -> bool:
    """Whether a term of the WHERE's top-level AND compares the sort key with values."""
    key = ("path", [range_name])
    if term[0] == "cmp":
        return term[1] in KEY_OPERATORS and key in term[2:] and any(o[0] == "value" for o in term[2:])
    if term[0] == "between":
        return term[1] == key
    if term[0] == "in":
        return term[1] == key and all(o[0] == "value" for o in term[2])
    if term[0] == "func":
        return term[1] == "begins_with" and bool(term[2]) and term[2][0] == key
    return False


def _equal_to(term):
    """The value of a term `sort key = value`, else None."""
    if term[0] != "cmp" or term[1] != "=":
        return None
    return next((o[1] for o in term[2:] if o[0] == "value"), None)


def plan(terms, range_name, sort_type):
    """("keys", sort values) for items named by their key, ("range", condition) for the one
    condition of a Query on the partition, ("scan", None) for conditions DynamoDB makes no
    key condition of, or None to query the whole partition."""
    on_sort = [t for t in terms if _on_sort(t, range_name)]
    if not on_sort:
        return None
    equal = [_equal_to(t) for t in on_sort]
    if all(v is not None for v in equal) and all(av.equal(v, equal[0]) for v in equal):
        return "keys", equal[:1]
    if len(on_sort) > 1:
        return "scan", None
    term = on_sort[0]
    if term[0] != "in":
        return ("range", term) if _typed_as(term, sort_type) else None
    values = [o[1] for o in term[2]]
    if any(av.equal(value, other) for n, value in enumerate(values) for other in values[:n]):
        raise ValidationException(OVERLAPPING)
    return "keys", values


def _typed_as(term, sort_type) -> bool:
    """Whether a range condition compares the sort key with values of its type (others
    match nothing, as a filter); begins_with takes strings and binaries only."""
    values = [o[1] for o in (term[2] if term[0] == "func" else term[1:] if term[0] == "between" else term[2:])
              if o[0] == "value"]
    if term[0] == "func" and sort_type == "N":
        return False
    return all(set(v) == {sort_type} for v in values)


def read_keys(ctx, table, hash_value, sort_values, where, query, descending):
    """The items of one partition named by their sort key values, read one by one (a
    Query-like answer: Items, ConsumedCapacity, LastEvaluatedKey; `final` when the page
    reached its Limit with no key left)."""
    hash_name, range_name = table.hash_key.name, table.range_key.name
    ordered = sorted(sort_values, key=av.encode_key, reverse=descending)
    start = query.get("ExclusiveStartKey")
    if start is not None:
        resumed = next((n for n, v in enumerate(ordered) if av.equal(v, start.get(range_name, {}))), None)
        if resumed is None or not av.equal(start.get(hash_name, {}), hash_value):
            raise ValidationException("The provided starting key is invalid")
        ordered = ordered[resumed + 1:]
    consistent, limit = query.get("ConsistentRead", False), query.get("Limit")
    throttle.check(ctx, table, "read")
    items, units, answer = [], 0.0, {}
    for number, value in enumerate(ordered):
        key = {hash_name: hash_value, range_name: value}
        item, size = store.get_item_sized(ctx.state.db, table.uid, *table.key_of_param(key))
        units += capacity.read_units(size or 0, consistent)
        if item is not None and (where is None or matches(item, where)):
            items.append(item)
            if limit and len(items) >= limit:
                answer["LastEvaluatedKey"] = key
                answer["final"] = number == len(ordered) - 1
                break
    throttle.charge(ctx, table, "read", units)
    return {"Items": items, "ConsumedCapacity": {"CapacityUnits": units}, **answer}


def check_decomposed(terms, hash_name, range_name):
    """A SELECT that names its partitions reads each pair of the hash key values and sort
    key values its WHERE lists: at most 50 (a public test suite's records of DynamoDB)."""
    hashes, ranges = 0, 1
    for term in terms:
        name, count = _fixed(term)
        if name == hash_name:
            hashes = count
        elif name == range_name:
            ranges = count
    if hashes * ranges > MAX_DECOMPOSED_READS:
        raise ValidationException("Too many decomposed read operations for a given query.")


def _fixed(term):
    """(attribute, how many values) a term `name = value` or `name IN [...]` allows."""
    if term[0] == "in" and term[1][0] == "path" and len(term[1][1]) == 1:
        return term[1][1][0], len(term[2])
    if term[0] == "cmp" and term[1] == "=":
        for path, value in ((term[2], term[3]), (term[3], term[2])):
            if path[0] == "path" and len(path[1]) == 1 and value[0] == "value":
                return path[1][0], 1
    return None, 0
