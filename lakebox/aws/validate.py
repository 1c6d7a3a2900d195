"""Model-driven input validation with AWS's own `ValidationException` wording.

Every request's `params` (shaped like boto3 keyword arguments) is checked against the
input shape's constraints from the botocore model: required members, `min`/`max`
(length of strings, blobs, lists and maps; value of numbers), `pattern` and `enum`.
Services do their semantic checks afterwards, in their actions.

The wording (message parts, paths, value printing, the Java hash-map order of members and
constraints) and the real AWS answers it was checked against are in docs/validation.md.

Speed: the checks are compiled once per operation into closures (cached per operation
model, sharing per-shape nodes within a service), and a valid request only runs fast
boolean predicates; the message-building path runs only when something failed.

S3 does not use this wording at all (it answers with its own error codes later), so
`validate` is a no-op for `s3`.
"""
from __future__ import annotations

import math
import sys
import threading
import weakref

from lakebox.aws.errors import ValidationError
from lakebox.aws.javaregex import _pattern_matcher
from lakebox.aws.javatext import _java_order, _lower_first, _format, _number_text

__all__ = ["validate", "validation_messages"]

_NO_VALIDATION_SERVICES = frozenset({"s3"})
_MAXLEN = sys.maxsize
_BYTES_TYPES = (bytes, bytearray, memoryview)


# ---------------------------------------------------------------------------------
# public API

def validate(operation_model, params: dict) -> None:
    """Raise `ValidationError` with AWS's message when `params` break the model."""
    plan = _plan_for(operation_model)
    if plan is None:
        return
    if params is None:
        params = {}
    if plan.ok(params):
        return
    messages = _collect(plan, params)
    if messages:
        raise ValidationError(_summary(messages))


def validation_messages(operation_model, params) -> list[str]:
    """The individual `Value ... at '...' failed to satisfy constraint: ...` parts."""
    plan = _plan_for(operation_model)
    if plan is None:
        return []
    if params is None:
        params = {}
    if plan.ok(params):
        return []
    return _collect(plan, params)


def _summary(messages: list[str]) -> str:
    count = len(messages)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(messages)


def _collect(plan: "_Node", params) -> list[str]:
    out: list[str] = []
    plan.nested(params, "", out)
    return out


# ---------------------------------------------------------------------------------
# plan cache: one compiled validator per operation model, nodes shared per service

_lock = threading.Lock()
# Operation models live as long as their specs (aws/specs.py keeps each one it makes), so
# a plain dict holds their plans: a WeakKeyDictionary's get makes a weak reference per look-up
# (1.0 against 0.25 us for a service whose plan is nothing, S3's).
_plans: dict = {}
_service_nodes: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_NOTHING = object()


def _plan_for(operation_model):
    try:
        plan = _plans.get(operation_model, _NOTHING)
    except TypeError:                      # not weak-referenceable: build every time
        return _build_plan(operation_model)
    if plan is _NOTHING:
        with _lock:
            plan = _plans.get(operation_model, _NOTHING)
            if plan is _NOTHING:
                plan = _build_plan(operation_model)
                _plans[operation_model] = plan
    return plan


def _build_plan(operation_model):
    service_model = operation_model.service_model
    if service_model.service_name in _NO_VALIDATION_SERVICES:
        return None
    shape = operation_model.input_shape
    if shape is None:
        return None
    try:
        builder = _service_nodes.get(service_model)
    except TypeError:
        builder = None
    if builder is None:
        builder = _Builder()
        try:
            _service_nodes[service_model] = builder
        except TypeError:
            pass
    return builder.node(shape)


# ---------------------------------------------------------------------------------
# compiled nodes

def _always_true(_value) -> bool:
    return True


def _no_failures(_value) -> list:
    return []


class _Node:
    """The compiled checks of one shape.

    ok(value) -> bool          the whole subtree, fast; the only thing valid input runs
    failing(value) -> [desc]   this shape's own broken constraints, insertion order
    nested(value, path, out)   messages from members/elements inside the value
    descs                      every own constraint, for `[...]` summaries at a parent
    """
    __slots__ = ("shape", "sensitive", "ok", "failing", "nested", "descs")

    def __init__(self, shape):
        self.shape = shape
        self.sensitive = bool(shape.metadata.get("sensitive")) if shape is not None else False
        self.ok = _always_true
        self.failing = _no_failures
        self.nested = None
        self.descs: list[str] = []

    def emit(self, value, path: str, out: list) -> None:
        """Append the messages for `value` found at `path`."""
        failures = self.failing(value)
        if failures:
            if self.sensitive:
                head = "Value at '"
            else:
                head = f"Value '{_format(self.shape, value)}' at '"
            for desc in _java_order(failures):
                out.append(f"{head}{path}' failed to satisfy constraint: {desc}")
        if self.nested is not None:
            self.nested(value, path, out)


class _Proxy(_Node):
    """Stands for a shape still being built (recursive shapes)."""
    __slots__ = ("target",)

    def __init__(self, shape):
        super().__init__(shape)
        self.target = None
        proxy = self

        def ok(value):
            target = proxy.target
            return True if target is None else target.ok(value)

        def failing(value):
            target = proxy.target
            return [] if target is None else target.failing(value)

        def nested(value, path, out):
            target = proxy.target
            if target is not None and target.nested is not None:
                target.nested(value, path, out)

        self.ok, self.failing, self.nested = ok, failing, nested


class _Length:
    """A `min`/`max` length constraint: its wording and its check on a size."""
    __slots__ = ("lo", "hi", "too_long", "too_short", "descs")

    def __init__(self, mn, mx):
        self.lo = 0 if mn is None else mn
        self.hi = _MAXLEN if mx is None else mx
        self.too_long = (None if mx is None else
                         f"Member must have length less than or equal to {_number_text(mx)}")
        self.too_short = (None if mn is None else
                          f"Member must have length greater than or equal to {_number_text(mn)}")
        # bracket order, as AWS lists it: max before min
        self.descs = [d for d in (self.too_long, self.too_short) if d is not None]

    def failures(self, size: int, found: list) -> None:
        if size > self.hi:
            found.append(self.too_long)
        elif size < self.lo:
            found.append(self.too_short)


def _value_descs(mn, mx, floating: bool) -> list[str]:
    descs = []
    if mx is not None:
        descs.append("Member must have value less than or equal to "
                     + _number_text(mx, floating))
    if mn is not None:
        descs.append("Member must have value greater than or equal to "
                     + _number_text(mn, floating))
    return descs


def _bound(value):
    """A usable numeric bound from model metadata, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


class _Builder:
    """Builds nodes for one service model's shapes, memoised by shape name."""

    def __init__(self):
        self.nodes: dict = {}
        self.building: dict = {}
        self.reach: dict = {}

    # which shapes carry constraints anywhere below them -------------------------
    @staticmethod
    def _own_constraints(shape) -> bool:
        type_name = shape.type_name
        meta = shape.metadata
        if type_name == "structure":
            return not meta.get("document") and bool(shape.required_members)
        if type_name in ("timestamp", "boolean", "document"):
            return False
        if _bound(meta.get("min")) is not None or _bound(meta.get("max")) is not None:
            return True
        if type_name == "string":
            return bool(meta.get("pattern")) or bool(shape.enum)
        return False

    @staticmethod
    def _children(shape):
        type_name = shape.type_name
        if type_name == "structure":
            if shape.metadata.get("document"):
                return []
            return list(shape.members.values())
        if type_name == "list":
            return [shape.member]
        if type_name == "map":
            return [shape.key, shape.value]
        return []

    def _constrained(self, shape) -> bool:
        name = shape.name
        known = self.reach.get(name)
        if known is not None:
            return known
        seen = {name}
        stack = [shape]
        found = False
        while stack:
            current = stack.pop()
            if self._own_constraints(current):
                found = True
                break
            for child in self._children(current):
                if child.name not in seen:
                    seen.add(child.name)
                    stack.append(child)
        self.reach[name] = found
        return found

    # node construction -----------------------------------------------------------
    def node(self, shape):
        """The node for `shape`, or None if nothing below it can fail."""
        name = shape.name
        if name in self.nodes:
            return self.nodes[name]
        if name in self.building:
            return self.building[name]
        if not self._constrained(shape):
            self.nodes[name] = None
            return None
        type_name = shape.type_name
        if type_name in ("structure", "list", "map"):
            proxy = _Proxy(shape)
            self.building[name] = proxy
            try:
                built = getattr(self, "_" + type_name)(shape)
            finally:
                del self.building[name]
            proxy.target = built
        elif type_name == "string":
            built = self._string(shape)
        elif type_name == "blob":
            built = self._blob(shape)
        elif type_name in ("integer", "long", "float", "double", "bigdecimal",
                           "biginteger", "short", "byte"):
            built = self._number(shape)
        else:
            built = None
        self.nodes[name] = built
        return built

    def _string(self, shape):
        meta = shape.metadata
        length = _Length(_bound(meta.get("min")), _bound(meta.get("max")))
        pattern = meta.get("pattern") or None
        enum = list(shape.enum or ())
        node = _Node(shape)
        node.descs = list(length.descs)
        pattern_desc = enum_desc = None
        if pattern:
            pattern_desc = f"Member must satisfy regular expression pattern: {pattern}"
            node.descs.append(pattern_desc)
        if enum:
            enum_desc = f"Member must satisfy enum value set: [{', '.join(enum)}]"
            node.descs.append(enum_desc)
        lo, hi = length.lo, length.hi
        matcher = _pattern_matcher(pattern) if pattern else None
        enum_set = frozenset(enum) if enum else None

        if matcher is None and enum_set is None:
            def ok(v):
                return type(v) is not str or lo <= len(v) <= hi
        elif enum_set is None:
            def ok(v):
                return type(v) is not str or (lo <= len(v) <= hi and matcher(v) is not None)
        elif matcher is None:
            def ok(v):
                return type(v) is not str or (lo <= len(v) <= hi and v in enum_set)
        else:
            def ok(v):
                return type(v) is not str or (lo <= len(v) <= hi and matcher(v) is not None
                                              and v in enum_set)

        def failing(v):
            if not isinstance(v, str):
                return []
            found = []
            length.failures(len(v), found)
            if matcher is not None and matcher(v) is None:
                found.append(pattern_desc)
            if enum_set is not None and v not in enum_set:
                found.append(enum_desc)
            return found

        node.ok, node.failing = ok, failing
        return node

    def _blob(self, shape):
        meta = shape.metadata
        length = _Length(_bound(meta.get("min")), _bound(meta.get("max")))
        node = _Node(shape)
        node.descs = list(length.descs)
        lo, hi = length.lo, length.hi

        def ok(v):
            t = type(v)
            if t is bytes or t is bytearray:
                return lo <= len(v) <= hi
            if t is memoryview:
                return lo <= v.nbytes <= hi
            return True            # e.g. an S3 streaming body: not checked here

        def failing(v):
            if isinstance(v, memoryview):
                size = v.nbytes
            elif isinstance(v, (bytes, bytearray)):
                size = len(v)
            else:
                return []
            found = []
            length.failures(size, found)
            return found

        node.ok, node.failing = ok, failing
        return node

    def _number(self, shape):
        meta = shape.metadata
        mn, mx = _bound(meta.get("min")), _bound(meta.get("max"))
        if mn is None and mx is None:
            return None
        node = _Node(shape)
        floating = shape.type_name in ("float", "double")
        node.descs = _value_descs(mn, mx, floating)
        too_big, too_small = (node.descs[0] if mx is not None else None,
                              node.descs[-1] if mn is not None else None)
        lo = -math.inf if mn is None else mn
        hi = math.inf if mx is None else mx

        def ok(v):
            t = type(v)
            if t is int or t is float:
                return lo <= v <= hi
            return True

        def failing(v):
            if type(v) not in (int, float):
                return []
            found = []
            if v > hi:
                found.append(too_big)
            if v < lo:
                found.append(too_small)
            return found

        node.ok, node.failing = ok, failing
        return node

    def _structure(self, shape):
        node = _Node(shape)
        required = set(shape.required_members)
        members = shape.members
        # (model name, path name, required, child node) for every member that can fail
        entries = []
        for name, member_shape in members.items():
            child = self.node(member_shape)
            if child is None and name not in required:
                continue
            entries.append((name, _lower_first(name), name in required, child))
        if not entries:
            return None
        # Message order: the iteration order of a Java HashMap holding all members,
        # keyed by path name, filled in alphabetical order.
        path_names = sorted(_lower_first(name) for name in members)
        rank = {path_name: index for index, path_name in enumerate(_java_order(path_names))}
        ordered = tuple(sorted(entries, key=lambda entry: rank[entry[1]]))

        checks = tuple((name, req, None if child is None else child.ok)
                       for name, _path_name, req, child in entries)

        def ok(value):
            if type(value) is not dict:
                return True
            get = value.get
            for name, req, child_ok in checks:
                v = get(name)
                if v is None:
                    if req:
                        return False
                elif child_ok is not None and not child_ok(v):
                    return False
            return True

        def nested(value, path, out):
            if not isinstance(value, dict):
                return
            prefix = path + "." if path else ""
            for name, path_name, req, child in ordered:
                v = value.get(name)
                member_path = prefix + path_name
                if v is None:
                    if req:
                        out.append(f"Value null at '{member_path}' failed to satisfy "
                                   "constraint: Member must not be null")
                elif child is not None:
                    child.emit(v, member_path, out)

        node.ok, node.nested = ok, nested
        return node

    def _list(self, shape):
        meta = shape.metadata
        length = _Length(_bound(meta.get("min")), _bound(meta.get("max")))
        element = self.node(shape.member)
        node = _Node(shape)
        node.descs = list(length.descs)
        lo, hi = length.lo, length.hi
        # Elements with constraints of their own (strings, numbers, lists, ...) are
        # summarised once, at the list, listing every constraint of the element shape.
        bracket = None
        if element is not None and element.descs:
            bracket = "Member must satisfy constraint: [" + ", ".join(element.descs) + "]"
            node.descs.append(bracket)
        element_ok = element.ok if element is not None else None
        element_failing = element.failing if element is not None else None
        element_nested = element.nested if element is not None else None

        if element_ok is None:
            def ok(v):
                return type(v) is not list or lo <= len(v) <= hi
        else:
            def ok(v):
                if type(v) is not list:
                    return True
                return lo <= len(v) <= hi and all(map(element_ok, v))

        def failing(v):
            if not isinstance(v, list):
                return []
            found = []
            length.failures(len(v), found)
            if bracket is not None and any(item is not None and element_failing(item)
                                           for item in v):
                found.append(bracket)
            return found

        node.ok, node.failing = ok, failing
        if element_nested is not None:
            def nested(v, path, out):
                if not isinstance(v, list):
                    return
                for index, item in enumerate(v, 1):
                    if item is not None:
                        element_nested(item, f"{path}.{index}.member", out)
            node.nested = nested
        return node

    def _map(self, shape):
        meta = shape.metadata
        length = _Length(_bound(meta.get("min")), _bound(meta.get("max")))
        key = self.node(shape.key)
        value = self.node(shape.value)
        node = _Node(shape)
        node.descs = list(length.descs)
        lo, hi = length.lo, length.hi
        key_bracket = value_bracket = None
        if key is not None and key.descs:
            key_bracket = "Map keys must satisfy constraint: [" + ", ".join(key.descs) + "]"
            node.descs.append(key_bracket)
        if value is not None and value.descs:
            value_bracket = ("Map value must satisfy constraint: ["
                             + ", ".join(value.descs) + "]")
            node.descs.append(value_bracket)
        key_ok = key.ok if key is not None else None
        value_ok = value.ok if value is not None else None
        key_failing = key.failing if key is not None else None
        value_failing = value.failing if value is not None else None
        value_nested = value.nested if value is not None else None

        def ok(v):
            if type(v) is not dict:
                return True
            if not lo <= len(v) <= hi:
                return False
            if key_ok is not None and not all(map(key_ok, v)):
                return False
            if value_ok is not None and not all(map(value_ok, v.values())):
                return False
            return True

        def failing(v):
            if not isinstance(v, dict):
                return []
            found = []
            length.failures(len(v), found)
            if key_bracket is not None and any(key_failing(k) for k in v):
                found.append(key_bracket)
            if value_bracket is not None and any(item is not None and value_failing(item)
                                                 for item in v.values()):
                found.append(value_bracket)
            return found

        node.ok, node.failing = ok, failing
        if value_nested is not None:
            def nested(v, path, out):
                if not isinstance(v, dict):
                    return
                for k in _java_order(list(v)):
                    item = v[k]
                    if item is not None:
                        value_nested(item, f"{path}.{k}.member", out)
            node.nested = nested
        return node
