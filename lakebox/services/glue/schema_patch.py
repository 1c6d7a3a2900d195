"""The JSON Patch (RFC 6902) that turns one JSON document into another: what Glue's
GetSchemaVersionsDiff answers for AVRO and JSON schemas (a compact JSON array of
operations, e.g. [{"op":"add","path":"/fields/1","value":{...}}], as recorded in
radkawar/stackd testdata/aws/glue/registry_complete.json).

Objects are compared key by key (removals, then changes, then additions); arrays keep the
longest common run of equal elements and pair the others up in order, so an element
inserted or dropped is one add or remove. Paths are JSON Pointers (RFC 6901) into the
document as the operations before them have left it."""


def _pointer(path: str, token) -> str:
    return f"{path}/{str(token).replace('~', '~0').replace('/', '~1')}"


def diff(source, target) -> list[dict]:
    ops: list[dict] = []
    _diff(source, target, "", ops)
    return ops


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


def _diff(source, target, path: str, ops: list):
    if _same(source, target):
        return
    if isinstance(source, dict) and isinstance(target, dict):
        for key in source:
            if key not in target:
                ops.append({"op": "remove", "path": _pointer(path, key)})
        for key in source:
            if key in target:
                _diff(source[key], target[key], _pointer(path, key), ops)
        for key in target:
            if key not in source:
                ops.append({"op": "add", "path": _pointer(path, key), "value": target[key]})
        return
    if isinstance(source, list) and isinstance(target, list):
        _diff_lists(source, target, path, ops)
        return
    ops.append({"op": "replace", "path": path, "value": target})


def _common(source: list, target: list) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence of equal elements."""
    rows, cols = len(source), len(target)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if _same(source[i], target[j]) \
                else max(table[i + 1][j], table[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < rows and j < cols:
        if _same(source[i], target[j]):
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _diff_lists(source: list, target: list, path: str, ops: list):
    at, i, j = 0, 0, 0                       # at: the index in the document as patched so far
    for next_i, next_j in _common(source, target) + [(len(source), len(target))]:
        olds, news = source[i:next_i], target[j:next_j]
        for old, new in zip(olds, news):
            _diff(old, new, _pointer(path, at), ops)
            at += 1
        for _ in olds[len(news):]:
            ops.append({"op": "remove", "path": _pointer(path, at)})
        for new in news[len(olds):]:
            ops.append({"op": "add", "path": _pointer(path, at), "value": new})
            at += 1
        at += 1                              # the common element itself
        i, j = next_i + 1, next_j + 1
