"""From request parameters to parsed expressions: ExpressionAttributeNames/Values with
DynamoDB's rules about them, and the legacy parameters (Expected, AttributesToGet,
AttributeUpdates, KeyConditions, QueryFilter, ScanFilter) turned into the same trees."""
import re

from lakebox.services.dynamodb import expr_parse, expr_update
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ValidationException, invalid
from lakebox.services.dynamodb.expr_eval import path_tree

# expression parameter -> (legacy parameter it replaces, what it is)
EXPRESSIONS = {
    "ConditionExpression": ("Expected", "condition"),
    "FilterExpression": (("QueryFilter", "ScanFilter"), "filter"),
    "KeyConditionExpression": ("KeyConditions", "key"),
    "ProjectionExpression": ("AttributesToGet", "projection"),
    "UpdateExpression": ("AttributeUpdates", "update"),
}


_EVERY_PARAMETER = frozenset(
    [*EXPRESSIONS, "Expected", "QueryFilter", "ScanFilter", "KeyConditions", "AttributesToGet", "AttributeUpdates",
     "ConditionalOperator", "ExpressionAttributeNames", "ExpressionAttributeValues"])

# The parameters a refusal to mix them names, in DynamoDB's order (each operation's input
# members in the model's order, KeyConditions last), with the kind each belongs to.
_LEGACY_ORDER = (("AttributesToGet", "projection"), ("AttributeUpdates", "update"), ("Expected", "condition"),
                 ("ScanFilter", "filter"), ("QueryFilter", "filter"), ("ConditionalOperator", "condition"),
                 ("ConditionalOperator", "filter"), ("KeyConditions", "key"))
_EXPRESSION_ORDER = ("ProjectionExpression", "UpdateExpression", "ConditionExpression", "FilterExpression",
                     "KeyConditionExpression")
_FILTERS = ("Expected", "QueryFilter", "ScanFilter")


def compile_request(params: dict, *allowed: str) -> dict:
    """The parsed expressions of a request, by kind ("condition", "filter", "key",
    "projection", "update"); legacy parameters arrive in the same form."""
    if _EVERY_PARAMETER.isdisjoint(params):
        return {}
    names, values = params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues")
    given = [name for name in EXPRESSIONS if name in params and EXPRESSIONS[name][1] in allowed]
    legacy = [old for name in EXPRESSIONS if EXPRESSIONS[name][1] in allowed
              for old in _as_tuple(EXPRESSIONS[name][0]) if old in params]
    _check_not_mixed(params, allowed, given)
    _check_conditional_operator(params, allowed)
    _check_placeholder_maps(names, values, given, allowed)
    values = {key: _checked_value(key, value) for key, value in (values or {}).items()}
    used_names, used_values = set(), set()
    compiled = {}
    for name in given:
        text, kind = params[name], EXPRESSIONS[name][1]
        if kind == "projection":
            paths = expr_parse.parse_projection(text, names, used_names)
            compiled[kind] = path_tree(paths, "ProjectionExpression")
        elif kind == "update":
            clauses = expr_parse.parse_update(text, names, values, used_names, used_values)
            expr_update.updated_paths(clauses)
            compiled[kind] = clauses
        else:
            compiled[kind] = expr_parse.parse_condition(text, name, names, values, used_names, used_values)
    _check_unused("ExpressionAttributeNames", names, used_names)
    _check_unused("ExpressionAttributeValues", values, used_values)
    for old in legacy:
        compiled.update(_legacy(old, params))
    return compiled


def _check_not_mixed(params, allowed, given):
    """A legacy parameter (ConditionalOperator too) beside any expression is refused, with
    both sides named; KeyConditions counts only beside a KeyConditionExpression."""
    if not given:
        return
    legacy = list(dict.fromkeys(name for name, kind in _LEGACY_ORDER if kind in allowed and name in params and (
        name != "KeyConditions" or "KeyConditionExpression" in params)))
    if legacy:
        expressions = [name for name in _EXPRESSION_ORDER if name in given]
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: Non-expression "
            f"parameters: {{{', '.join(legacy)}}} Expression parameters: {{{', '.join(expressions)}}}")


def _check_conditional_operator(params, allowed):
    """ConditionalOperator joins the conditions of Expected or of a legacy filter: it needs two."""
    if "ConditionalOperator" not in params or not {"condition", "filter"} & set(allowed):
        return
    conditions = max((len(params[name]) for name in _FILTERS if params.get(name)), default=0)
    if conditions == 0:
        raise ValidationException("ConditionalOperator cannot be used without Filter or Expected")
    if conditions == 1:
        raise ValidationException("ConditionalOperator can only be used when Filter or Expected has two or more "
                                  "elements")


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


_PLACEHOLDER = {"ExpressionAttributeNames": re.compile(r"#[A-Za-z0-9_]+"),
                "ExpressionAttributeValues": re.compile(r":[A-Za-z0-9_]+")}


# The expressions that take values, in the order DynamoDB names those missing when values
# come without any ("...: UpdateExpression and ConditionExpression are null").
_TAKING_VALUES = (("update", "UpdateExpression"), ("filter", "FilterExpression"),
                  ("key", "KeyConditionExpression"), ("condition", "ConditionExpression"))


def _check_placeholder_maps(names, values, given, allowed):
    for label, mapping in (("ExpressionAttributeNames", names), ("ExpressionAttributeValues", values)):
        if mapping is None:
            continue
        if not given and mapping is values:
            missing = [name for kind, name in _TAKING_VALUES if kind in allowed]
            verb = "is" if len(missing) == 1 else "are"
            raise ValidationException(f"{label} can only be specified when using expressions: "
                                      f"{' and '.join(missing)} {verb} null")
        if not given:
            raise ValidationException(f"{label} can only be specified when using expressions")
        if not mapping:
            raise ValidationException(f"{label} must not be empty")
        for key in mapping:
            if not _PLACEHOLDER[label].fullmatch(key):
                raise ValidationException(f'{label} contains invalid key: Syntax error; key: "{key}"')
            if mapping is names and mapping[key] == "":
                raise ValidationException(f"{label} contains invalid value: Empty attribute name for key {key}")


def _checked_value(key, value):
    try:
        return av.check_value(value)
    except ValidationException as error:
        raise ValidationException(f"ExpressionAttributeValues contains invalid value: {error.message} "
                                  f"for key {key}") from None


def _check_unused(label, mapping, used):
    unused = [key for key in (mapping or {}) if key not in used]
    if unused:
        raise ValidationException(f"Value provided in {label} unused in expressions: keys: {{{', '.join(unused)}}}")


# --- legacy parameters -------------------------------------------------------------------

_COMPARATORS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
_ARITY = {"EQ": 1, "NE": 1, "LE": 1, "LT": 1, "GE": 1, "GT": 1, "NOT_NULL": 0, "NULL": 0, "CONTAINS": 1,
          "NOT_CONTAINS": 1, "BEGINS_WITH": 1, "BETWEEN": 2}


def _legacy(name, params) -> dict:
    if name == "AttributesToGet":
        repeated = next((a for n, a in enumerate(params[name]) if a in params[name][:n]), None)
        if repeated is not None:
            raise invalid(f"Duplicate value in attribute name: {repeated}")
        paths = [("path", [attribute]) for attribute in params[name]]
        return {"projection": path_tree(paths, "AttributesToGet")}
    if name == "AttributeUpdates":
        return {"update": _attribute_updates(params[name])}
    kind = {"Expected": "condition", "KeyConditions": "key"}.get(name, "filter")
    joiner = "or" if params.get("ConditionalOperator") == "OR" else "and"
    node = None
    convert = {"Expected": _expected, "KeyConditions": _key_condition}.get(name, _condition)
    for attribute, spec in params[name].items():
        term = convert(attribute, spec)
        node = term if node is None else (joiner, node, term)
    return {kind: node} if node is not None else {}


def _expected(attribute, spec):
    path = ("path", [attribute])
    _check_expected_members(attribute, spec)
    if "ComparisonOperator" in spec:
        return _condition(attribute, spec)
    if spec.get("Exists") is False:
        if "Value" in spec:
            raise ValidationException("One or more parameter values were invalid: Value cannot be used when "
                                      "Exists is false for Attribute: " + attribute)
        return ("func", "attribute_not_exists", [path])
    if "Value" not in spec:
        exists = "true" if spec.get("Exists") else "null"
        raise invalid(f"Value must be provided when Exists is {exists} for Attribute: {attribute}")
    return ("cmp", "=", path, ("value", av.check_value(spec["Value"])))


def _check_expected_members(attribute, spec):
    """Expected's members that do not go together, refused in DynamoDB's words."""
    operator = spec.get("ComparisonOperator")
    if "Value" in spec and "AttributeValueList" in spec:
        raise invalid(f"Value and AttributeValueList cannot be used together for Attribute: {attribute}")
    if operator is None and "AttributeValueList" in spec:
        raise invalid(f"AttributeValueList can only be used with a ComparisonOperator for Attribute: {attribute}")
    if operator is not None and "Exists" in spec:
        raise invalid(f"Exists and ComparisonOperator cannot be used together for Attribute: {attribute}")
    if operator not in (None, "NULL", "NOT_NULL") and "Value" not in spec and "AttributeValueList" not in spec:
        raise invalid(f"Value or AttributeValueList must be used with ComparisonOperator: {operator} for "
                      f"Attribute: {attribute}")


# KeyConditions operators no key can serve: kept as ("unindexable", path) for the Query to
# refuse in its words once the key schema has been checked.
_NOT_INDEXABLE = ("NULL", "NOT_NULL", "NE", "CONTAINS", "NOT_CONTAINS", "IN")


def _key_condition(attribute, spec):
    if spec["ComparisonOperator"] in _NOT_INDEXABLE:
        return ("unindexable", ("path", [attribute]))
    return _condition(attribute, spec)


def _condition(attribute, spec):
    operator = spec["ComparisonOperator"]
    operands = [("value", av.check_value(v)) for v in spec.get("AttributeValueList", [])]
    if "Value" in spec:
        operands = [("value", av.check_value(spec["Value"]))]
    expected = _ARITY.get(operator)
    if (expected is not None and len(operands) != expected) or (operator == "IN" and not operands):
        raise ValidationException("One or more parameter values were invalid: Invalid number of argument(s) "
                                  f"for the {operator} ComparisonOperator")
    _check_operand_types(operator, operands)
    _check_operand_list(operator, operands)
    path = ("path", [attribute])
    if operator in _COMPARATORS:
        return ("cmp", _COMPARATORS[operator], path, operands[0])
    if operator == "NOT_NULL":
        return ("func", "attribute_exists", [path])
    if operator == "NULL":
        return ("func", "attribute_not_exists", [path])
    if operator == "CONTAINS":
        return ("func", "contains", [path, operands[0]])
    if operator == "NOT_CONTAINS":
        return ("and", ("func", "attribute_exists", [path]), ("not", ("func", "contains", [path, operands[0]])))
    if operator == "BEGINS_WITH":
        return ("func", "begins_with", [path, operands[0]])
    if operator == "BETWEEN":
        return ("between", path, operands[0], operands[1])
    return ("in", path, operands)


# The value types each operator refuses (the API reference's Condition: no set type for
# these, no number for BEGINS_WITH), as replies recorded from DynamoDB show them; EQ and
# NE take any type.
_SETS = ("SS", "NS", "BS")
_REFUSED_TYPES = {"LE": _SETS, "LT": _SETS, "GE": _SETS, "GT": _SETS, "CONTAINS": _SETS, "NOT_CONTAINS": _SETS,
                  "IN": _SETS, "BETWEEN": _SETS, "BEGINS_WITH": ("N", *_SETS)}


def _check_operand_types(operator, operands):
    refused = _REFUSED_TYPES.get(operator, ())
    for _, value in operands:
        if av.kind_of(value) in refused:
            raise invalid(f"ComparisonOperator {operator} is not valid for {av.kind_of(value)} AttributeValue type")


def _check_operand_list(operator, operands):
    """IN's and BETWEEN's values share a type, and BETWEEN's come in order."""
    if operator not in ("IN", "BETWEEN"):
        return
    if len({av.kind_of(value) for _, value in operands}) > 1:
        raise invalid("AttributeValues inside AttributeValueList must be of same type")
    if operator == "BETWEEN":
        low, high = (av.comparable(value) for _, value in operands)
        if low is not None and low > high:
            raise ValidationException("The BETWEEN condition was provided a range where the lower bound is greater "
                                      "than the upper bound")


def _attribute_updates(updates: dict) -> dict:
    clauses = expr_update.LegacyUpdates()
    for attribute, spec in updates.items():
        path = ("path", [attribute])
        action, value = spec.get("Action", "PUT"), spec.get("Value")
        if value is None and action != "DELETE":
            raise ValidationException("One or more parameter values were invalid: Only DELETE action is allowed when "
                                      "no attribute value is specified")
        value = av.check_value(value) if value is not None else None
        _check_update_type(action, value)
        if action == "PUT":
            clauses.setdefault("SET", []).append((path, ("value", value)))
        elif action == "DELETE" and value is None:
            clauses.setdefault("REMOVE", []).append(path)
        elif action == "ADD" and "L" in value:
            # AttributeUpdates' ADD appends to a list (UpdateExpression's ADD takes no list).
            empty = ("value", {"L": []})
            clauses.setdefault("SET", []).append(
                (path, ("list_append", ("if_not_exists", path, empty), ("value", value))))
        else:
            clauses.setdefault(action, []).append((path, ("value", value)))
    return clauses


# The types AttributeUpdates' ADD and valued DELETE take (DynamoDB's validation of the
# legacy parameter; an UpdateExpression's ADD words its refusal otherwise).
_ADDABLE = ("N", "SS", "NS", "BS", "L")
_DELETABLE = ("SS", "NS", "BS")


def _check_update_type(action, value):
    kind = av.kind_of(value) if value is not None else None
    if action == "ADD" and kind not in _ADDABLE:
        raise invalid(f"ADD action is not supported for the type {kind}")
    if action == "DELETE" and kind is not None and kind not in _DELETABLE:
        raise invalid(f"DELETE action with value is not supported for the type {kind}")
