"""Applying a parsed UpdateExpression to an item. Every operand is read from the item as
it was before the update, as DynamoDB does."""
import copy
from decimal import Decimal

from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ValidationException
from lakebox.services.dynamodb.expr_eval import path_tree, resolve

TYPE_NAMES = {"S": "STRING", "N": "NUMBER", "B": "BINARY", "BOOL": "BOOLEAN", "NULL": "NULL", "L": "LIST",
              "M": "MAP", "SS": "STRING SET", "NS": "NUMBER SET", "BS": "BINARY SET"}


def bad_type() -> ValidationException:
    return ValidationException("An operand in the update expression has an incorrect data type")


def missing_attribute() -> ValidationException:
    return ValidationException("The provided expression refers to an attribute that does not exist in the item")


def invalid_path() -> ValidationException:
    return ValidationException("The document path provided in the update expression is invalid for update")


def updated_paths(clauses: dict) -> list:
    """Every path the update writes or removes, checked for overlaps; in the order the
    expression names them, which DynamoDB's refusal follows ("path one" comes first)."""
    paths = [action if name == "REMOVE" else action[0] for name, actions in clauses.items() for action in actions]
    path_tree(paths, "UpdateExpression")
    return paths


def read_and_written_paths(clauses: dict):
    """The element lists of every path an update writes or reads."""
    for name, actions in clauses.items():
        for action in actions:
            if name == "REMOVE":
                yield action[1]
            else:
                yield action[0][1]
                yield from _operand_paths(action[1])


def _operand_paths(node):
    if node[0] == "path":
        yield node[1]
    elif node[0] != "value":
        for operand in node[1:]:
            yield from _operand_paths(operand)


def known_kinds(clauses: dict):
    """(attribute, type) of the top-level attributes an update gives a value whose type
    is known before the item is read: a value, arithmetic, list_append, or ADD's operand."""
    for path, node in clauses.get("SET", []):
        kind = av.kind_of(node[1]) if node[0] == "value" else {"+": "N", "-": "N", "list_append": "L"}.get(node[0])
        if len(path[1]) == 1 and kind is not None:
            yield path[1][0], kind
    for path, (_, value) in clauses.get("ADD", []):
        if len(path[1]) == 1:
            yield path[1][0], av.kind_of(value)


def check_operand_types(clauses: dict):
    """Type errors DynamoDB reports before it reads the item: a value placeholder of the
    wrong type in arithmetic (`SET a = :text + :n`) or in ADD and DELETE."""
    for _, node in clauses.get("SET", []):
        _check_arithmetic(node)
    for clause in ("ADD", "DELETE"):
        for _, (_, value) in clauses.get(clause, []):
            kind = av.kind_of(value)
            allowed = ("N", "SS", "NS", "BS") if clause == "ADD" else ("SS", "NS", "BS")
            if kind not in allowed:
                raise ValidationException("Invalid UpdateExpression: Incorrect operand type for operator or "
                                          f"function; operator: {clause}, operand type: {TYPE_NAMES[kind]}, "
                                          f"typeSet: ALLOWED_FOR_{clause}_OPERAND")


def _check_arithmetic(node):
    if node[0] in ("+", "-"):
        for operand in node[1:]:
            if operand[0] == "value" and "N" not in operand[1]:
                raise ValidationException("Invalid UpdateExpression: Incorrect operand type for operator or function; "
                                          f"operator or function: {node[0]}, operand type: {av.kind_of(operand[1])}")
            _check_arithmetic(operand)
    elif node[0] in ("if_not_exists", "list_append"):
        for operand in node[1:]:
            if node[0] == "list_append" and operand[0] == "value" and "L" not in operand[1]:
                raise _list_append_type(operand[1])
            _check_arithmetic(operand)


def _list_append_type(value) -> ValidationException:
    return ValidationException("Invalid UpdateExpression: Incorrect operand type for operator or function; "
                               f"operator or function: list_append, operand type: {av.kind_of(value)}")


class LegacyUpdates(dict):
    """The clauses of an AttributeUpdates parameter: DynamoDB words its type errors as
    "Type mismatch for attribute to update"."""


def apply(item: dict | None, clauses: dict, stored: bool = True) -> dict:
    """The item after the update; `stored` False when the item did not exist before it."""
    try:
        return _apply(item, clauses, stored and bool(item))
    except ValidationException:
        if isinstance(clauses, LegacyUpdates):
            raise ValidationException("Type mismatch for attribute to update") from None
        raise


def _apply(item, clauses, stored):
    original = item or {}
    new = copy.deepcopy(original)
    # In path order: SETs past the end of one list append in the order of their indexes.
    for path, node in sorted(clauses.get("SET", []), key=lambda action: _removal_order(action[0])):
        _assign(new, path[1], _evaluate(original, node))
    for path in sorted(clauses.get("REMOVE", []), key=_removal_order, reverse=True):
        _remove(new, path[1], strict=stored)
    for path, (_, value) in clauses.get("ADD", []):
        _add(new, path, value)
    for path, (_, value) in clauses.get("DELETE", []):
        _delete(new, path, value)
    return new


def _removal_order(path):
    """A path's place among others: list elements by index (REMOVE goes from the last, so
    earlier indexes still mean what they meant)."""
    return [(1, e, "") if isinstance(e, int) else (0, 0, e) for e in path[1]]


def _evaluate(item, node):
    kind = node[0]
    if kind == "value":
        return node[1]
    if kind == "path":
        value = resolve(item, node)
        if value is None:
            raise missing_attribute()
        return value
    if kind == "if_not_exists":
        existing = resolve(item, node[1])
        return existing if existing is not None else _evaluate(item, node[2])
    if kind == "list_append":
        for operand in node[1:]:
            if operand[0] == "value" and "L" not in operand[1]:
                raise _list_append_type(operand[1])
        left, right = _evaluate(item, node[1]), _evaluate(item, node[2])
        if "L" not in left or "L" not in right:
            raise bad_type()  # a stored attribute that is not a list: found only on reading the item
        return {"L": left["L"] + right["L"]}
    left, right = _evaluate(item, node[1]), _evaluate(item, node[2])
    if "N" not in left or "N" not in right:
        raise bad_type()
    return {"N": av.add_numbers(left["N"], right["N"], subtract=kind == "-")}


def _parent(item, elements):
    """The container value that holds the last element of a path, or None."""
    if len(elements) == 1:
        return {"M": item}
    return resolve(item, ("path", elements[:-1]))


def _assign(item, elements, value):
    parent, last = _parent(item, elements), elements[-1]
    if isinstance(last, int):
        if parent is None or "L" not in parent:
            raise invalid_path()
        if last < len(parent["L"]):
            parent["L"][last] = value
        else:
            parent["L"].append(value)
        return
    if parent is None or "M" not in parent:
        raise invalid_path()
    parent["M"][last] = value


def _remove(item, elements, strict=True):
    """REMOVE through a missing attribute, or an index into what is not a list, or a
    name into what is not a map, is an invalid path on a stored item; on an item that
    does not exist DynamoDB ignores it."""
    parent, last = _parent(item, elements), elements[-1]
    if parent is None:
        if strict:
            raise invalid_path()
        return
    if isinstance(last, int):
        if "L" not in parent:
            raise invalid_path()
        if last < len(parent["L"]):
            del parent["L"][last]
    elif "M" in parent:
        parent["M"].pop(last, None)
    else:
        raise invalid_path()


def _add(item, path, value):
    existing = resolve(item, path)
    kind = av.kind_of(value)
    if existing is None:
        _assign(item, path[1], value)
        return
    if av.kind_of(existing) != kind:
        raise bad_type()
    if kind == "N":
        _assign(item, path[1], {"N": av.add_numbers(existing["N"], value["N"])})
        return
    merged = list(existing[kind]) + [m for m in value[kind] if not _in_set(kind, m, existing[kind])]
    _assign(item, path[1], {kind: merged})


def _delete(item, path, value):
    existing = resolve(item, path)
    kind = av.kind_of(value)
    if existing is None:
        return
    if av.kind_of(existing) != kind:
        raise bad_type()
    kept = [m for m in existing[kind] if not _in_set(kind, m, value[kind])]
    if kept:
        _assign(item, path[1], {kind: kept})
    else:
        _remove(item, path[1])


def _in_set(kind, member, members) -> bool:
    if kind == "NS":
        return any(Decimal(member) == Decimal(m) for m in members)
    return member in members
