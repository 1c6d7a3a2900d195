"""The expression parser and evaluator: precedence, functions, document paths, update
clauses and projections, and the refusals DynamoDB words."""
import pytest

from lakebox.services.dynamodb import expr_eval, expr_update
from lakebox.services.dynamodb.errors import ValidationException
from lakebox.services.dynamodb.expressions import compile_request

ITEM = {"a": {"N": "3"}, "s": {"S": "hello"}, "l": {"L": [{"N": "1"}, {"M": {"x": {"S": "deep"}}}]},
        "set": {"SS": ["p", "q"]}}


def _condition(text, values=None, names=None):
    params = {"ConditionExpression": text}
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    return compile_request(params, "condition")["condition"]


@pytest.mark.parametrize("text, expected", [
    ("a = :three OR a = :one AND a = :one", True),          # AND binds tighter than OR
    ("(a = :three OR a = :one) AND a = :one", False),
    ("NOT a = :one", True),
    ("l[1].x = :deep", True),
    ("#set = :set", True),
    ("size(l) = :two", True),
    ("a BETWEEN :one AND :three", True),
    ("a IN (:one, :two)", False),
    ("contains(#set, :p)", True),
    ("begins_with(s, :he)", True),
    ("attribute_type(a, :n)", True),
])
def test_conditions(text, expected):
    values = {":one": {"N": "1"}, ":two": {"N": "2"}, ":three": {"N": "3"}, ":deep": {"S": "deep"},
              ":set": {"SS": ["q", "p"]}, ":p": {"S": "p"}, ":he": {"S": "he"}, ":n": {"S": "N"}}
    used = {k: v for k, v in values.items() if k in text}
    names = {"#set": "set"} if "#set" in text else None
    assert expr_eval.matches(ITEM, _condition(text, used, names)) is expected


@pytest.mark.parametrize("text, message", [
    ("a = ", 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="'),
    ("a == :v", 'Invalid ConditionExpression: Syntax error; token: "=", near: "== :v"'),
    ("foo(a)", "Invalid ConditionExpression: Invalid function name; function: foo"),
    ("begins_with(:v, a)", "Invalid ConditionExpression: Operator or function requires a document path; operator "
                           "or function: begins_with"),
    ("attribute_type(a, :v)", "Invalid ConditionExpression: Invalid attribute type name found; type: x, valid "
                              "types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
    ("name = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"),
    # the update functions have their own refusal in a condition (DynamoDB's message catalogue)
    ("if_not_exists(a, :v) = :v", "Invalid ConditionExpression: The function is not allowed in a condition "
                                  "expression; function: if_not_exists"),
    ("list_append(l, :v) = l", "Invalid ConditionExpression: The function is not allowed in a condition "
                               "expression; function: list_append"),
    ("((a = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"),
    ("a = :v AND NOT ((s = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"),
    ("m" + ".x" * 32 + " = :v", "Invalid ConditionExpression: The document path has too many nesting levels; "
                                "nesting levels: 33"),
])
def test_condition_refusals(text, message):
    with pytest.raises(ValidationException) as refused:
        _condition(text, {":v": {"S": "x"}})
    assert refused.value.message == message


@pytest.mark.parametrize("text", ["(a = :v)", "((a = :v) AND (s = :v))", "(a = :v) OR (s = :v)",
                                  "m" + ".x" * 31 + " = :v"])
def test_single_parentheses_and_32_levels_are_accepted(text):
    _condition(text, {":v": {"S": "x"}})


def test_update_reads_operands_from_the_item_before_the_update():
    clauses = compile_request({"UpdateExpression": "SET a = :ten, b = a REMOVE l[0]",
                               "ExpressionAttributeValues": {":ten": {"N": "10"}}}, "update")["update"]
    updated = expr_update.apply(ITEM, clauses)
    assert updated["a"] == {"N": "10"} and updated["b"] == {"N": "3"}
    assert updated["l"] == {"L": [{"M": {"x": {"S": "deep"}}}]}
    assert ITEM["a"] == {"N": "3"}                       # the original is untouched


def test_set_into_a_missing_map_is_refused():
    clauses = compile_request({"UpdateExpression": "SET nope.x = :v", "ExpressionAttributeValues": {":v": {"N": "1"}}},
                              "update")["update"]
    with pytest.raises(ValidationException) as refused:
        expr_update.apply(ITEM, clauses)
    assert refused.value.message == "The document path provided in the update expression is invalid for update"


def test_projection_keeps_nesting_and_closes_lists():
    tree = compile_request({"ProjectionExpression": "l[1].x, s"}, "projection")["projection"]
    assert expr_eval.project(ITEM, tree) == {"l": {"L": [{"M": {"x": {"S": "deep"}}}]}, "s": {"S": "hello"}}


@pytest.mark.parametrize("params, message", [
    ({"ExpressionAttributeNames": {"n": "x"}}, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "n"'),
    ({"ExpressionAttributeValues": {"v": {"S": "x"}}},
     'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"'),
    ({"ExpressionAttributeValues": {}}, "ExpressionAttributeValues must not be empty"),
])
def test_placeholder_maps(params, message):
    with pytest.raises(ValidationException) as refused:
        compile_request({"ConditionExpression": "attribute_exists(a)", **params}, "condition")
    assert refused.value.message == message


def test_placeholders_need_an_expression():
    with pytest.raises(ValidationException) as refused:
        compile_request({"ExpressionAttributeNames": {"#a": "a"}}, "condition")
    assert refused.value.message == "ExpressionAttributeNames can only be specified when using expressions"
