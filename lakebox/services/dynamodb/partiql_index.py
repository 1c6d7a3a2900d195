"""Reads of a secondary index (PartiQL, Query, Scan): what its projection lets a request name (DynamoDB's
words, as public test suites record its answers)."""
from lakebox.services.dynamodb.errors import ValidationException


def check_projected(index, paths):
    """A SELECT from a global index names only attributes it projects (in the statement's
    order; as several public test suites record DynamoDB's answer)."""
    check_named(index, [path[1][0] for path in paths])


def check_named(index, names):
    """A read of a global index that is not ALL names only the attributes it projects (a
    PartiQL SELECT's paths, a Query's or Scan's ProjectionExpression or AttributesToGet);
    the others are named in the order asked."""
    if index.kind != "GSI" or index.projection_type == "ALL":
        return
    missing = []
    for name in names:
        if name not in index.key_names and name not in index.non_key and name not in missing:
            missing.append(name)
    if missing:
        raise ValidationException(f"One or more parameter values were invalid: Global secondary index {index.name} "
                                  f"does not project [{', '.join(missing)}]")


def check_filter_projected(index, where):
    """A read of an index's partition filters only on attributes the index projects (in
    DynamoDB's words for both kinds of index, as public test suites record them)."""
    missing, stack = [], [where]
    while stack:
        node = stack.pop(0)
        if node[0] == "path" and node[1][0] not in index.key_names and node[1][0] not in index.non_key:
            missing += [node[1][0]] if node[1][0] not in missing else []
        elif node[0] != "path" and node[0] != "value":
            stack[:0] = [part for part in _parts(node) if isinstance(part, tuple)]
    if missing:
        raise ValidationException(f"One or more parameter values were invalid: Secondary index {index.name} does not "
                                  f"project one or more filter attributes: [{', '.join(missing)}]")


def _parts(node) -> list:
    """The operands of a condition node, in the order they are written."""
    if node[0] in ("and", "or"):
        return [node[1], node[2]]
    if node[0] == "in":
        return [node[1], *node[2]]
    if node[0] == "func":
        return list(node[2])
    return [part for part in node[1:] if isinstance(part, tuple)]
