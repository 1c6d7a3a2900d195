"""Evaluating parsed expressions against items: conditions, projections, document paths."""
from lakebox.services.dynamodb import values as av


def resolve(item: dict | None, path) -> dict | None:
    """The value at a document path, or None when any step is missing."""
    elements = path[1]
    current = (item or {}).get(elements[0])
    for element in elements[1:]:
        if current is None:
            return None
        if isinstance(element, int):
            items = current.get("L")
            current = items[element] if items is not None and element < len(items) else None
        else:
            members = current.get("M")
            current = members.get(element) if members is not None else None
    return current


def operand_value(item, node) -> dict | None:
    kind = node[0]
    if kind == "value":
        return node[1]
    if kind == "path":
        return resolve(item, node)
    if kind == "size":
        return _size(resolve(item, node[1]))
    raise AssertionError(f"not an operand: {kind}")


def _size(value):
    if value is None:
        return None
    kind = av.kind_of(value)
    body = value[kind]
    if kind == "S":
        return {"N": str(len(body))}
    if kind in ("B", "SS", "NS", "BS", "L", "M"):
        return {"N": str(len(body))}
    return None


def matches(item: dict | None, node) -> bool:
    """Whether `item` (None: no item) satisfies a condition tree."""
    kind = node[0]
    if kind == "and":
        return matches(item, node[1]) and matches(item, node[2])
    if kind == "or":
        return matches(item, node[1]) or matches(item, node[2])
    if kind == "not":
        return not matches(item, node[1])
    if kind == "cmp":
        return compare(node[1], operand_value(item, node[2]), operand_value(item, node[3]))
    if kind == "between":
        value = operand_value(item, node[1])
        return compare(">=", value, operand_value(item, node[2])) and \
            compare("<=", value, operand_value(item, node[3]))
    if kind == "in":
        value = operand_value(item, node[1])
        return value is not None and any(
            (option := operand_value(item, each)) is not None and av.equal(value, option) for each in node[2])
    return _function(item, node[1], node[2])


def compare(op: str, left, right) -> bool:
    if left is None or right is None:
        return op == "<>" and (left is not None or right is not None)
    if op == "=":
        return av.equal(left, right)
    if op == "<>":
        return not av.equal(left, right)
    if av.kind_of(left) != av.kind_of(right):
        return False
    a, b = av.comparable(left), av.comparable(right)
    if a is None:
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _function(item, name, args):
    target = resolve(item, args[0])
    if name == "attribute_exists":
        return target is not None
    if name == "attribute_not_exists":
        return target is None
    operand = operand_value(item, args[1])
    if target is None or operand is None:
        return False
    if name == "attribute_type":
        return operand.get("S") == av.kind_of(target)
    if name == "begins_with":
        kind = av.kind_of(target)
        if kind != av.kind_of(operand) or kind not in ("S", "B"):
            return False
        return target[kind].startswith(operand[kind])
    return _contains(target, operand)


def _contains(target, operand):
    kind = av.kind_of(target)
    if kind == "S":
        return "S" in operand and operand["S"] in target["S"]
    if kind == "B":
        return "B" in operand and bytes(operand["B"]) in bytes(target["B"])
    if kind in av.SET_OF:
        member_kind = av.SET_OF[kind]
        return member_kind in operand and any(av.equal({member_kind: m}, operand) for m in target[kind])
    if kind == "L":
        return any(av.equal(member, operand) for member in target["L"])
    return False


# --- projection --------------------------------------------------------------------

def path_tree(paths: list, label: str) -> dict:
    """The paths as a tree (element -> subtree; None where the whole value is taken).
    Overlapping or conflicting paths are refused with DynamoDB's message."""
    tree = {}
    for path in paths:
        node, elements = tree, path[1]
        for position, element in enumerate(elements):
            prefix = elements[:position + 1]
            if node and isinstance(element, int) != isinstance(next(iter(node)), int):
                raise _path_error(label, "conflict", _first_path(node, elements[:position]), elements)
            last = position == len(elements) - 1
            if element in node:
                child = node[element]
                if child is None or last:
                    raise _path_error(label, "overlap", _first_path(child or {}, prefix), elements)
                node = child
            elif last:
                node[element] = None
            else:
                node = node.setdefault(element, {})
    return tree


def _first_path(subtree, prefix):
    """A full path of the tree that starts with prefix, to name in an error."""
    path = list(prefix)
    while subtree:
        element = next(iter(subtree))
        path.append(element)
        subtree = subtree[element]
    return path


def _path_error(label, kind, one, two):
    from lakebox.services.dynamodb.errors import ValidationException
    return ValidationException(f"Invalid {label}: Two document paths {kind} with each other; must remove or "
                               f"rewrite one of these paths; path one: {path_text(one)}, path two: "
                               f"{path_text(two)}")


def path_text(elements) -> str:
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in elements) + "]"


def project(item: dict, tree: dict) -> dict:
    """The parts of `item` the projection tree names, nested as in the item; list
    elements keep their order and close up, as DynamoDB returns them."""
    picked = _extract({"M": item}, tree)
    return picked["M"] if picked else {}


def _extract(value, tree):
    if tree is None:
        return value
    if "M" in value and not isinstance(next(iter(tree)), int):
        members = {}
        for name, subtree in tree.items():
            if name in value["M"]:
                child = _extract(value["M"][name], subtree)
                if child is not None:
                    members[name] = child
        return {"M": members} if members else None
    if "L" in value and isinstance(next(iter(tree)), int):
        elements = value["L"]
        kept = [child for index in sorted(tree) if index < len(elements)
                and (child := _extract(elements[index], tree[index])) is not None]
        return {"L": kept} if kept else None
    return None
