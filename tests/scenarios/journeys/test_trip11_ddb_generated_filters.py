"""A support engineer's tool builds DynamoDB filter and condition expressions from a list
of ticket ids a user pastes in: `id = :t0 OR id = :t1 OR ...`. DynamoDB counts the
comparators and the AND, OR and NOT keywords of an expression (not its parentheses or
functions) and refuses more than 300 -- always reporting "operator count: 301" -- so
150 ids (299 operators) filter a scan to exactly those tickets while 151 are refused
before any item is read, and a conditional write with a deeply nested condition works
at 299 operators and is refused at 909; nestings of parentheses or function calls
deeper than that, within 4 KB, are refused for what they are (recorded replies of
DynamoDB; the developer guide's expression limits)."""
from trip_helpers import client_table, error_of

TOO_MANY = "The expression contains too many operators; operator count: 301"


def test_pasted_ticket_ids(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("id", "S"))
    for number in range(160):
        ddb.put_item(TableName=table_name, Item={"id": {"S": f"t{number:03}"}, "state": {"S": "open"}})

    def scan_for(count):
        values = {f":t{i}": {"S": f"t{i:03}"} for i in range(count)}
        return ddb.scan(TableName=table_name, FilterExpression=" OR ".join(f"id = :t{i}" for i in range(count)),
                        ExpressionAttributeValues=values)

    answer = scan_for(150)
    assert sorted(item["id"]["S"] for item in answer["Items"]) == [f"t{i:03}" for i in range(150)]
    assert answer["Count"] == 150 and answer["ScannedCount"] == 160
    assert error_of(scan_for, 151) == ("ValidationException", "Invalid FilterExpression: " + TOO_MANY)

    key = {"id": {"S": "t000"}}
    ddb.update_item(TableName=table_name, Key=key, UpdateExpression="SET a = :one, b = :two",
                    ExpressionAttributeValues={":one": {"N": "1"}, ":two": {"N": "2"}})

    def close_if(condition):
        return ddb.update_item(TableName=table_name, Key=key, UpdateExpression="SET #s = :closed",
                               ConditionExpression=condition, ExpressionAttributeNames={"#s": "state"},
                               ExpressionAttributeValues={":closed": {"S": "closed"}})

    close_if("a<b " + "or (a<b " * 149 + ")" * 149)
    assert ddb.get_item(TableName=table_name, Key=key)["Item"]["state"] == {"S": "closed"}
    deeper = "a<b " + "or (a<b " * 454 + ")" * 454
    assert len(deeper) < 4096
    assert error_of(close_if, deeper) == ("ValidationException", "Invalid ConditionExpression: " + TOO_MANY)
    assert error_of(close_if, "not " * 1000 + "a<b") == (
        "ValidationException", "Invalid ConditionExpression: " + TOO_MANY)

    # Nestings under 300 operators and 4 KB, deeper than a parser might recurse, are refused
    # for what they are.
    assert error_of(close_if, "(" * 2046 + "a<b" + ")" * 2046) == (
        "ValidationException", "Invalid ConditionExpression: The expression has redundant parentheses;")
    assert error_of(close_if, "a < " + "f(" * 1355 + "b" + ")" * 1355) == (
        "ValidationException", "Invalid ConditionExpression: Invalid function name; function: f")
    assert error_of(close_if, "a < " + "size(" * 680 + "b" + ")" * 680) == (
        "ValidationException", "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                               "operator or function: size, operand type: N")
