"""PartiQL's ORDER BY: the WHERE clauses it needs (DynamoDB's words, as public records of
its answers and DynamoDB Local give them) and the read of several partitions in the order
of their hash key, one page across them."""
from lakebox.services.dynamodb import reads
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ValidationException


def ascending(statement, name) -> bool:
    """The direction ORDER BY gives a key attribute (ascending when it names it not)."""
    return next((ascending for path, ascending in statement.order or () if path == [name]), True)


def hash_values(node, hash_name) -> list | None:
    """The hash key values a WHERE clause reads (an IN list, equalities joined by OR, either
    under an AND), or None when it does not name a list of them."""
    if node[0] == "in" and node[1] == ("path", [hash_name]) and all(o[0] == "value" for o in node[2]):
        return [o[1] for o in node[2]]
    if node[0] == "cmp" and node[1] == "=" and _on_hash(node, hash_name):
        return [node[3][1] if node[3][0] == "value" else node[2][1]]
    if node[0] == "or":
        left, right = hash_values(node[1], hash_name), hash_values(node[2], hash_name)
        return left + right if left is not None and right is not None else None
    if node[0] == "and":
        return hash_values(node[1], hash_name) or hash_values(node[2], hash_name)
    return None


NEXT_PARTITION = "@next"      # a NextToken's key that starts the next partition of a fan-out


def query_partitions(ctx, table, index, query, compiled, hash_name, values, ascending_hash, ordered=True):
    """A read of several partitions (ORDER BY over them in the order of their hash key,
    else in the order the WHERE lists them), one page across them: Limit and NextToken
    span partitions. A page that reaches its Limit at the end of a partition answers a
    NextToken to the next one and no LastEvaluatedKey; at the end of the last one both,
    and an empty page follows (recorded against DynamoDB: stackd partiql_pagination.json,
    calls 40-47)."""
    distinct = []
    for value in sorted(values, key=av.encode_key, reverse=not ascending_hash) if ordered else values:
        if not any(av.equal(value, seen) for seen in distinct):
            distinct.append(value)
    start = query.pop("ExclusiveStartKey", None)
    if start is not None:
        named = start.get(NEXT_PARTITION, start.get(hash_name, {}))
        resumed = next((i for i, v in enumerate(distinct) if av.equal(v, named)), None)
        if resumed is None:
            raise ValidationException("The provided starting key is invalid")
        distinct = distinct[resumed:]
        start = None if NEXT_PARTITION in start else start
    answer, remaining = {"Items": [], "ScannedCount": 0, "ConsumedCapacity": {"CapacityUnits": 0.0}}, query.get("Limit")
    for number, value in enumerate(distinct):
        part = {**query, **({"ExclusiveStartKey": start} if start is not None else {})}
        if remaining is not None:
            part["Limit"] = remaining
        start = None
        key = {**compiled, "key": ("cmp", "=", ("path", [hash_name]), ("value", value))}
        got = reads.run_query(ctx, table, index, part, key)
        answer["Items"] += got.get("Items", [])
        answer["ScannedCount"] += got.get("ScannedCount", 0)
        answer["ConsumedCapacity"]["CapacityUnits"] += got.get("ConsumedCapacity", {}).get("CapacityUnits", 0.0)
        if "LastEvaluatedKey" in got:
            probe = {**query, "ExclusiveStartKey": got["LastEvaluatedKey"], "Limit": 1, "ReturnConsumedCapacity": "NONE"}
            if number + 1 < len(distinct) and not reads.run_query(ctx, table, index, probe, key)["ScannedCount"]:
                answer["NextPartition"] = {NEXT_PARTITION: distinct[number + 1]}
            else:
                answer["LastEvaluatedKey"] = got["LastEvaluatedKey"]
            break
        if remaining is not None:
            remaining -= got.get("ScannedCount", 0)
            if remaining <= 0:
                break
    return answer


def check_order(statement, hash_name):
    """ORDER BY sorts within partitions the WHERE clause names (DynamoDB's words, as public
    records of its answers and DynamoDB Local give them)."""
    if statement.where is None:
        raise ValidationException("Must have WHERE clause in the statement when using ORDER BY clause.")
    if not _names_hash_key(statement.where, hash_name):
        raise ValidationException("Must have at least one non-optional hash key condition in WHERE clause when "
                                  "using ORDER BY clause.")
    if _hash_conditions(statement.where, hash_name) > 1 and all(path != [hash_name] for path, _ in statement.order):
        raise ValidationException("Must have hash key in ORDER BY clause when more than one hash key condition "
                                  "specified in WHERE clause.")


def _on_hash(node, hash_name) -> bool:
    """Whether a comparison, BETWEEN, IN or function compares the hash key with values."""
    operands = {"cmp": lambda: node[2:], "between": lambda: node[1:], "in": lambda: [node[1], *node[2]],
                "func": lambda: node[2]}.get(node[0], lambda: [])()
    return ("path", [hash_name]) in operands and any(o[0] == "value" for o in operands)


def _names_hash_key(node, hash_name) -> bool:
    """Whether every way the condition can hold goes through a condition on the hash key."""
    if node[0] == "or":
        return _names_hash_key(node[1], hash_name) and _names_hash_key(node[2], hash_name)
    if node[0] == "and":
        return _names_hash_key(node[1], hash_name) or _names_hash_key(node[2], hash_name)
    return node[0] != "not" and _on_hash(node, hash_name)


def _hash_conditions(node, hash_name) -> int:
    """How many hash key values the condition allows: an equality is one, IN its list, an
    OR of them their sum; anything else counts as one."""
    if node[0] == "in" and node[1] == ("path", [hash_name]):
        return len(node[2])
    if node[0] == "or":
        return _hash_conditions(node[1], hash_name) + _hash_conditions(node[2], hash_name)
    if node[0] == "and":
        return max(_hash_conditions(node[1], hash_name), _hash_conditions(node[2], hash_name))
    return 1 if _on_hash(node, hash_name) else 0
