"""A Query's key condition, checked against the key schema it queries, as the partition
key value and the range of encoded sort keys it selects."""
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ValidationException, invalid

SORT_OPERATORS = ("=", "<", "<=", ">", ">=")


def _conditions(node, out):
    kind = node[0]
    if kind == "and":
        _conditions(node[1], out)
        _conditions(node[2], out)
    elif kind in ("or", "not", "in"):
        raise ValidationException(f"Invalid operator used in KeyConditionExpression: {kind.upper()}")
    elif kind == "func" and node[1] != "begins_with":
        raise ValidationException(f"Invalid operator used in KeyConditionExpression: {node[1]}")
    else:
        out.append(node)
    return out


def _target(condition):
    """(attribute name, operator, [values]) of one key condition."""
    kind = condition[0]
    if kind == "unindexable":
        return condition[1][1][0], kind, []
    if kind == "cmp":
        _, op, left, right = condition
        if left[0] == "value" and right[0] == "path":
            left, right = right, left
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        if op == "<>":
            raise ValidationException("Invalid operator used in KeyConditionExpression: <>")
        operands = [left, right]
        path, values = left, [right]
    elif kind == "between":
        path, values, operands = condition[1], [condition[2], condition[3]], list(condition[1:])
        op = "BETWEEN"
    elif kind == "func":
        path, values, operands = condition[2][0], [condition[2][1]], condition[2]
        op = "begins_with"
    else:
        raise ValidationException("Invalid operator used in KeyConditionExpression: size")
    if any(o[0] == "size" for o in operands):
        raise ValidationException("KeyConditionExpressions cannot contain size")
    if path[0] != "path" or any(v[0] != "value" for v in values):
        raise ValidationException("Invalid KeyConditionExpression: Syntax error; key condition operands must be an "
                                  "attribute name and a value")
    if len(path[1]) > 1:
        raise ValidationException("KeyConditionExpressions cannot have conditions on nested attributes")
    return path[1][0], op, [v[1] for v in values]


def analyse(node, hash_key, range_key):
    """(partition key value, low bound, high bound): bounds are (encoded sk, inclusive) or None."""
    conditions = _conditions(node, [])
    if len(conditions) > 2:
        raise ValidationException("Conditions can be of length 1 or 2 only")
    targets = [_target(c) for c in conditions]
    names = [t[0] for t in targets]
    if len(set(names)) != len(names):
        raise ValidationException("KeyConditionExpressions must only contain one condition per key")
    by_name = {t[0]: t for t in targets}
    if hash_key.name not in by_name:
        raise ValidationException(f"Query condition missed key schema element: {hash_key.name}")
    for name in by_name:
        if name != hash_key.name and (range_key is None or name != range_key.name):
            raise ValidationException("Query key condition not supported")
    if any(t[1] == "unindexable" for t in targets):
        raise ValidationException("Attempted conditional constraint is not an indexable operation")
    _, op, hash_values = by_name[hash_key.name]
    if op != "=":
        raise ValidationException("Query key condition not supported")
    _check_type(hash_key, hash_values)
    low = high = None
    if range_key is not None and range_key.name in by_name:
        _, op, range_values = by_name[range_key.name]
        _check_type(range_key, range_values)
        low, high = sort_bounds(op, [av.encode_key(v) for v in range_values], range_key.type)
    return hash_values[0], low, high


def _check_type(key, values):
    for value in values:
        if av.kind_of(value) != key.type:
            raise invalid("Condition parameter type does not match schema type")


def sort_bounds(op, encoded, kind):
    if op == "=":
        return (encoded[0], True), (encoded[0], True)
    if op == "<":
        return None, (encoded[0], False)
    if op == "<=":
        return None, (encoded[0], True)
    if op == ">":
        return (encoded[0], False), None
    if op == ">=":
        return (encoded[0], True), None
    if op == "BETWEEN":      # bounds in the wrong order were refused while parsing
        return (encoded[0], True), (encoded[1], True)
    if kind == "N":
        raise ValidationException("Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                                  "operator or function: begins_with, operand type: N")
    return (encoded[0], True), _prefix_end(encoded[0])


def _prefix_end(prefix: bytes):
    """The smallest byte string greater than every string starting with prefix."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1]), False
