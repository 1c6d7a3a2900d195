"""A music-app developer keeps each user's playlist as a DynamoDB list and its settings as
a map, and edits both with UpdateItem by index: REMOVE with an index on the settings map,
on a string and on an attribute the item does not have is refused as an invalid path
and changes nothing, while the same REMOVE on an item that does not exist is not
refused. Several list indexes in one expression all refer to the list as
it was before the update (REMOVE then SET in either order), SET past the end appends,
several such SETs append in index order, REMOVE past the end removes nothing
(recorded replies of DynamoDB; the developer guide on SET and REMOVE of list elements)."""
from trip_helpers import client_table, error_of

KEY = {"user_id": {"S": "u-7"}}
INVALID_PATH = ("ValidationException", "The document path provided in the update expression is invalid for update")


def _songs(*names):
    return {"L": [{"S": n} for n in names]}


def test_playlist_edited_by_index(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("user_id", "S"))
    stored = {**KEY, "songs": _songs("s2", "s3", "s4", "s5", "s6", "s7"),
              "settings": {"M": {"shuffle": {"BOOL": True}}}, "title": {"S": "Road trip"}}
    ddb.put_item(TableName=table_name, Item=stored)

    def update(expression, **args):
        return ddb.update_item(TableName=table_name, Key=KEY, UpdateExpression=expression, **args)

    for expression in ("REMOVE settings[0]", "REMOVE title[0]", "REMOVE genres[0]", "REMOVE title.subtitle",
                       "REMOVE genres.favourite"):
        assert error_of(update, expression) == INVALID_PATH, expression
    assert error_of(update, "SET settings[0] = :s", ExpressionAttributeValues={":s": {"S": "x"}}) == INVALID_PATH
    assert error_of(update, "SET title[0] = :s", ExpressionAttributeValues={":s": {"S": "x"}}) == INVALID_PATH
    assert ddb.get_item(TableName=table_name, Key=KEY)["Item"] == stored

    # A REMOVE through a missing path on an item that does not exist is not refused.
    ghost = {"user_id": {"S": "u-none"}}
    answer = ddb.update_item(TableName=table_name, Key=ghost, UpdateExpression="REMOVE genres.favourite, songs[0]",
                             ReturnValues="ALL_OLD")
    assert "Attributes" not in answer

    # Indexes refer to the list before the update, whichever clause comes first.
    update("REMOVE songs[1] SET songs[3] = :s", ExpressionAttributeValues={":s": {"S": "s17"}})
    assert ddb.get_item(TableName=table_name, Key=KEY)["Item"]["songs"] == _songs("s2", "s4", "s17", "s6", "s7")
    ddb.put_item(TableName=table_name, Item=stored)
    update("SET songs[3] = :s REMOVE songs[1]", ExpressionAttributeValues={":s": {"S": "s17"}})
    assert ddb.get_item(TableName=table_name, Key=KEY)["Item"]["songs"] == _songs("s2", "s4", "s17", "s6", "s7")

    ddb.put_item(TableName=table_name, Item=stored)
    answer = update("REMOVE songs[0], songs[2], songs[4]", ReturnValues="UPDATED_OLD")
    assert answer["Attributes"] == {"songs": _songs("s2", "s4", "s6")}
    assert ddb.get_item(TableName=table_name, Key=KEY)["Item"]["songs"] == _songs("s3", "s5", "s7")
    assert error_of(update, "REMOVE songs[1], songs[1]") == (
        "ValidationException", "Invalid UpdateExpression: Two document paths overlap with each other; must remove "
                               "or rewrite one of these paths; path one: [songs, [1]], path two: [songs, [1]]")

    # Past the end: SET appends (several in index order), REMOVE removes nothing.
    update("REMOVE songs[17]")
    update("SET songs[84] = :a, songs[37] = :b, songs[17] = :c, songs[50] = :d",
           ExpressionAttributeValues={":a": {"S": "a1"}, ":b": {"S": "a2"}, ":c": {"S": "a3"}, ":d": {"S": "a4"}})
    assert ddb.get_item(TableName=table_name, Key=KEY)["Item"]["songs"] == _songs(
        "s3", "s5", "s7", "a3", "a2", "a4", "a1")
