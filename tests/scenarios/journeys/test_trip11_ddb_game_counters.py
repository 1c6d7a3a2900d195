"""A game backend developer keeps each player's statistics in a nested map and bumps them
with UpdateItem: ADD to a number and to a set inside the map and inside a list element,
ADD creating a counter the map lacks, SET with if_not_exists on a nested path (and its
missing parent refused), list_append(if_not_exists(...)) for a history that may not
exist yet. The mistakes are refused with DynamoDB's words: arithmetic on a missing
attribute, ADD or list_append meeting a stored attribute of the wrong type (found only
on reading the item), list_append nested in list_append, arithmetic inside a function's
argument, if_not_exists without a path, an unknown function (recorded replies of
DynamoDB; the developer guide's update expressions)."""
from trip_helpers import client_table, error_of

KEY = {"player": {"S": "p-42"}}
INVALID = "Invalid UpdateExpression: "
BAD_TYPE = ("ValidationException", "An operand in the update expression has an incorrect data type")


def test_player_statistics_counters(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("player", "S"))
    ddb.put_item(TableName=table_name, Item={**KEY, "name": {"S": "Zed"}, "stats": {"M": {
        "wins": {"N": "3"}, "title": {"S": "rookie"}, "maps": {"SS": ["dunes", "harbor"]},
        "seasons": {"L": [{"S": "s1"}, {"NS": ["10", "20"]}]}}}})

    def update(expression, values=None, **args):
        if values:
            args["ExpressionAttributeValues"] = values
        return ddb.update_item(TableName=table_name, Key=KEY, UpdateExpression=expression, **args)

    answer = update("ADD stats.wins :one, stats.losses :one, stats.maps :m, stats.seasons[1] :s",
                    {":one": {"N": "1"}, ":m": {"SS": ["canyon"]}, ":s": {"NS": ["30"]}}, ReturnValues="UPDATED_NEW")
    stats = answer["Attributes"]["stats"]["M"]  # a set's members come back in no set order
    assert sorted(stats.pop("maps")["SS"]) == ["canyon", "dunes", "harbor"]
    assert sorted(stats["seasons"]["L"][0].pop("NS"), key=int) == ["10", "20", "30"]
    assert stats == {"wins": {"N": "4"}, "losses": {"N": "1"}, "seasons": {"L": [{}]}}

    answer = update("SET stats.wins = if_not_exists(stats.wins, :zero) - :one, "
                    "stats.draws = if_not_exists(stats.draws, :zero) + :one",
                    {":zero": {"N": "0"}, ":one": {"N": "1"}}, ReturnValues="UPDATED_NEW")
    assert answer["Attributes"] == {"stats": {"M": {"wins": {"N": "3"}, "draws": {"N": "1"}}}}
    answer = update("SET history = list_append(if_not_exists(history, :none), :game)",
                    {":none": {"L": []}, ":game": {"L": [{"S": "g-1"}]}}, ReturnValues="UPDATED_NEW")
    assert answer["Attributes"] == {"history": {"L": [{"S": "g-1"}]}}
    answer = update("SET history = list_append(:game, if_not_exists(history, :none))",
                    {":none": {"L": []}, ":game": {"L": [{"S": "g-2"}]}}, ReturnValues="UPDATED_NEW")
    assert answer["Attributes"] == {"history": {"L": [{"S": "g-2"}, {"S": "g-1"}]}}
    before = ddb.get_item(TableName=table_name, Key=KEY)["Item"]

    one = {":one": {"N": "1"}}
    assert error_of(update, "SET streak = streak + :one", one) == (
        "ValidationException", "The provided expression refers to an attribute that does not exist in the item")
    assert error_of(update, "SET stats.best = stats.best + :one", one) == (
        "ValidationException", "The provided expression refers to an attribute that does not exist in the item")
    assert error_of(update, "SET stats.ranks.solo = if_not_exists(stats.ranks.solo, :one)", one) == (
        "ValidationException", "The document path provided in the update expression is invalid for update")
    assert error_of(update, "ADD stats.title :one", one) == BAD_TYPE
    assert error_of(update, "SET stats.wins = stats.title + :one", one) == BAD_TYPE
    assert error_of(update, "SET history = list_append(#n, :g)", {":g": {"L": [{"S": "g-3"}]}},
                    ExpressionAttributeNames={"#n": "name"}) == BAD_TYPE
    assert error_of(update, "SET history = list_append(history, :g)", {":g": {"S": "g-3"}}) == (
        "ValidationException", INVALID + "Incorrect operand type for operator or function; operator or function: "
                                         "list_append, operand type: S")
    assert error_of(update, "SET history = list_append(list_append(:a, :b), history)",
                    {":a": {"L": [{"S": "g-3"}]}, ":b": {"L": [{"S": "g-4"}]}}) == (
        "ValidationException", INVALID + "The function is not allowed to be used this way in an expression; "
                                         "function: list_append")
    assert error_of(update, "SET streak = if_not_exists(streak, :one+:one)", one) == (
        "ValidationException", INVALID + 'Syntax error; token: "+", near: ":one+:one"')
    assert error_of(update, "SET streak = if_not_exists(:one, :one)", one) == (
        "ValidationException", INVALID + "Operator or function requires a document path; operator or function: "
                                         "if_not_exists")
    assert error_of(update, "SET streak = bump(streak)") == (
        "ValidationException", INVALID + "Invalid function name; function: bump")
    assert ddb.get_item(TableName=table_name, Key=KEY)["Item"] == before
