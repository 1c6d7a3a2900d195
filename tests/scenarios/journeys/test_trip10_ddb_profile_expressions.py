"""A backend developer writes the profile service's UpdateItem calls by hand with boto3's
low-level client and learns DynamoDB's expression rules from its refusals: a reserved
word used as a name, a placeholder never defined and one left over, one path both set
and removed, a nested path into a map that does not exist yet, the update function
if_not_exists tried in a condition, a condition wrapped in two pairs of parentheses, a
path nested deeper than 32 levels, list_append and ADD given the wrong types. Each
refusal leaves the item as it was; the corrected calls then give exact answers: size()
of a missing attribute fails its comparison, a list index past the end appends on SET
and removes nothing on REMOVE (DynamoDB's message catalogue; the developer guide)."""
from trip_helpers import client_table, error_of

INVALID = "Invalid UpdateExpression: "
KEY = {"user_id": {"S": "u-100"}}


def _profiles(ddb, name):
    client_table(ddb, name, ("user_id", "S"))
    ddb.put_item(TableName=name, Item={**KEY, "version": {"N": "1"}, "display": {"S": "Ada"},
                                       "badges": {"L": [{"S": "early"}]}})


def test_profile_updates_written_by_hand(client, table_name):
    ddb = client("dynamodb")
    _profiles(ddb, table_name)
    before = ddb.get_item(TableName=table_name, Key=KEY)["Item"]

    def refused(**args):
        return error_of(ddb.update_item, TableName=table_name, Key=KEY, **args)

    assert refused(UpdateExpression="SET name = :n", ExpressionAttributeValues={":n": {"S": "Ada L."}}) == (
        "ValidationException", INVALID + "Attribute name is a reserved keyword; reserved keyword: name")
    assert refused(UpdateExpression="SET #n = :n, #s = :s", ExpressionAttributeNames={"#n": "name"},
                   ExpressionAttributeValues={":n": {"S": "Ada L."}, ":s": {"S": "active"}}) == (
        "ValidationException",
        INVALID + "An expression attribute name used in the document path is not defined; attribute name: #s")
    assert refused(UpdateExpression="SET #n = :n", ExpressionAttributeNames={"#n": "name"},
                   ExpressionAttributeValues={":n": {"S": "Ada L."}, ":old": {"S": "Ada"}}) == (
        "ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:old}")
    assert refused(UpdateExpression="SET #n = :n REMOVE display, #n", ExpressionAttributeNames={"#n": "name"},
                   ExpressionAttributeValues={":n": {"S": "Ada L."}}) == (
        "ValidationException", INVALID + "Two document paths overlap with each other; must remove or rewrite one "
                                         "of these paths; path one: [name], path two: [name]")
    assert refused(UpdateExpression="SET prefs.theme = :t", ExpressionAttributeValues={":t": {"S": "dark"}}) == (
        "ValidationException", "The document path provided in the update expression is invalid for update")
    assert refused(UpdateExpression="SET display = :d", ConditionExpression="if_not_exists(version, :zero) = :v",
                   ExpressionAttributeValues={":d": {"S": "x"}, ":zero": {"N": "0"}, ":v": {"N": "1"}}) == (
        "ValidationException", "Invalid ConditionExpression: The function is not allowed in a condition "
                               "expression; function: if_not_exists")
    assert refused(UpdateExpression="SET display = :d", ConditionExpression="((version = :v))",
                   ExpressionAttributeValues={":d": {"S": "x"}, ":v": {"N": "1"}}) == (
        "ValidationException", "Invalid ConditionExpression: The expression has redundant parentheses;")
    deep = "prefs" + ".x" * 32
    assert refused(UpdateExpression=f"SET {deep} = :t", ExpressionAttributeValues={":t": {"S": "dark"}}) == (
        "ValidationException", INVALID + "The document path has too many nesting levels; nesting levels: 33")
    assert refused(UpdateExpression="SET badges = list_append(badges, :b)",
                   ExpressionAttributeValues={":b": {"S": "helper"}}) == (
        "ValidationException", INVALID + "Incorrect operand type for operator or function; operator or function: "
                                         "list_append, operand type: S")
    assert refused(UpdateExpression="ADD display :one", ExpressionAttributeValues={":one": {"N": "1"}}) == (
        "ValidationException", "An operand in the update expression has an incorrect data type")
    assert ddb.get_item(TableName=table_name, Key=KEY)["Item"] == before

    renamed = ddb.update_item(
        TableName=table_name, Key=KEY, ConditionExpression="(version = :v) AND attribute_exists(display)",
        UpdateExpression="SET #n = :n, version = version + :one, prefs = if_not_exists(prefs, :empty) REMOVE display",
        ExpressionAttributeNames={"#n": "name"},
        ExpressionAttributeValues={":n": {"S": "Ada L."}, ":v": {"N": "1"}, ":one": {"N": "1"}, ":empty": {"M": {}}},
        ReturnValues="UPDATED_NEW")
    assert renamed["Attributes"] == {"name": {"S": "Ada L."}, "version": {"N": "2"}, "prefs": {"M": {}}}
    themed = ddb.update_item(
        TableName=table_name, Key=KEY, UpdateExpression="SET prefs.theme = :t, badges = list_append(:b, badges)",
        ExpressionAttributeValues={":t": {"S": "dark"}, ":b": {"L": [{"S": "helper"}]}}, ReturnValues="UPDATED_OLD")
    assert themed["Attributes"] == {"badges": {"L": [{"S": "early"}]}}
    assert error_of(ddb.update_item, TableName=table_name, Key=KEY, UpdateExpression="SET version = :v",
                    ConditionExpression="version = :old",
                    ExpressionAttributeValues={":v": {"N": "9"}, ":old": {"N": "1"}}) == (
        "ConditionalCheckFailedException", "The conditional request failed")
    assert error_of(ddb.update_item, TableName=table_name, Key=KEY, UpdateExpression="REMOVE badges[0]",
                    ConditionExpression="size(nicknames) >= :zero", ExpressionAttributeValues={":zero": {"N": "0"}}) == (
        "ConditionalCheckFailedException", "The conditional request failed")           # no size for what is missing
    beyond = ddb.update_item(TableName=table_name, Key=KEY, UpdateExpression="SET badges[9] = :b REMOVE badges[7]",
                             ExpressionAttributeValues={":b": {"S": "mentor"}}, ReturnValues="ALL_NEW")
    assert beyond["Attributes"]["badges"] == {"L": [{"S": "helper"}, {"S": "early"}, {"S": "mentor"}]}
    assert ddb.get_item(TableName=table_name, Key=KEY)["Item"] == {
        **KEY, "version": {"N": "2"}, "name": {"S": "Ada L."}, "prefs": {"M": {"theme": {"S": "dark"}}},
        "badges": {"L": [{"S": "helper"}, {"S": "early"}, {"S": "mentor"}]}}
