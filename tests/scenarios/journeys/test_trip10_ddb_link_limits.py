"""A link-shortener team keys its DynamoDB table by the full target URL (partition key)
and the campaign path (sort key), and stores each link's rendered preview in the item.
Its load tests walk DynamoDB's size limits byte by byte: a partition key may be 2048
bytes of UTF-8 and a sort key 1024 (counted in bytes, so two-byte characters fill them
twice as fast), on every call that names a key; an item may be 400 KB counted as the
UTF-8 bytes of its attribute names and values, and an update that would grow it past
that says so in its own words; numbers keep 38 significant digits between 1E-130 and
below 1E+126 and come back normalised; empty strings are fine except in keys and empty
sets never (DynamoDB's documented limits; the refusals' wording as recorded)."""
from trip_helpers import client_table, error_of

INVALID = "One or more parameter values were invalid: "
HASH_TOO_BIG = INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"
RANGE_TOO_BIG = INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
KB400 = 400 * 1024


def test_link_keys_items_and_numbers_at_their_limits(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("url", "S"), ("campaign", "S"))
    url = "https://ex.com/" + "é" * 1016                     # 15 + 2032 bytes = 2047
    assert len(url.encode()) == 2047
    ddb.put_item(TableName=table_name, Item={"url": {"S": url + "x"}, "campaign": {"S": "c" * 1024}})
    assert error_of(ddb.put_item, TableName=table_name, Item={"url": {"S": url + "é"}, "campaign": {"S": "c"}}) == (
        "ValidationException", HASH_TOO_BIG)
    assert error_of(ddb.put_item, TableName=table_name,
                    Item={"url": {"S": "https://ex.com/a"}, "campaign": {"S": "ç" * 512 + "c"}}) == (
        "ValidationException", RANGE_TOO_BIG)
    long_key = {"url": {"S": url + "éé"}, "campaign": {"S": "c"}}
    for call, args in ((ddb.get_item, {"Key": long_key}), (ddb.delete_item, {"Key": long_key}),
                       (ddb.update_item, {"Key": long_key, "UpdateExpression": "SET hits = :one",
                                          "ExpressionAttributeValues": {":one": {"N": "1"}}})):
        assert error_of(call, TableName=table_name, **args) == ("ValidationException", HASH_TOO_BIG)
    assert error_of(ddb.batch_get_item, RequestItems={table_name: {"Keys": [long_key]}}) == (
        "ValidationException", HASH_TOO_BIG)
    assert ddb.get_item(TableName=table_name, Key={"url": {"S": url + "x"}, "campaign": {"S": "c" * 1024}})[
        "Item"]["url"] == {"S": url + "x"}

    key = {"url": {"S": "https://ex.com/p"}, "campaign": {"S": "spring"}}       # 3+16 + 8+6 = 33 bytes
    room = KB400 - 33 - len("preview")
    ddb.put_item(TableName=table_name, Item={**key, "preview": {"S": "x" * room}})
    assert error_of(ddb.put_item, TableName=table_name, Item={**key, "preview": {"S": "x" * (room + 1)}}) == (
        "ValidationException", "Item size has exceeded the maximum allowed size")
    assert error_of(ddb.update_item, TableName=table_name, Key=key, UpdateExpression="SET n = :one",
                    ExpressionAttributeValues={":one": {"N": "1"}}) == (
        "ValidationException", "Item size to update has exceeded the maximum allowed size")
    trimmed = ddb.update_item(TableName=table_name, Key=key, UpdateExpression="SET preview = :p, alt = :empty",
                              ExpressionAttributeValues={":p": {"S": "short"}, ":empty": {"S": ""}},
                              ReturnValues="UPDATED_NEW")
    assert trimmed["Attributes"] == {"preview": {"S": "short"}, "alt": {"S": ""}}

    counts = {"url": {"S": "https://ex.com/n"}, "campaign": {"S": "numbers"}}
    ddb.put_item(TableName=table_name, Item={**counts, "ratio": {"N": "0001.500"}, "zero": {"N": "-0"},
                                             "big": {"N": "9.9999999999999999999999999999999999999E+125"},
                                             "tiny": {"N": "1E-130"}, "wide": {"N": "1" * 38 + "000"}})
    stored = ddb.get_item(TableName=table_name, Key=counts, ProjectionExpression="ratio, zero, wide")["Item"]
    assert stored == {"ratio": {"N": "1.5"}, "zero": {"N": "0"}, "wide": {"N": "1" * 38 + "000"}}
    for number, message in (("1" * 39, "Attempting to store more than 38 significant digits in a Number"),
                            ("1E+126", "Number overflow. Attempting to store a number with magnitude larger than "
                                       "supported range"),
                            ("-1E-131", "Number underflow. Attempting to store a number with magnitude smaller than "
                                        "supported range"),
                            ("12abc", "A value provided cannot be converted into a number")):
        assert error_of(ddb.put_item, TableName=table_name, Item={**counts, "n": {"N": number}}) == (
            "ValidationException", message)
    assert error_of(ddb.update_item, TableName=table_name, Key=counts, UpdateExpression="SET ratio = ratio + :d",
                    ExpressionAttributeValues={":d": {"N": "1" + "0" * 37}}) == (
        "ValidationException", "Attempting to store more than 38 significant digits in a Number")

    assert error_of(ddb.put_item, TableName=table_name, Item={"url": {"S": ""}, "campaign": {"S": "c"}}) == (
        "ValidationException", "One or more parameter values are not valid. The AttributeValue for a key attribute "
                               "cannot contain an empty string value. Key: url")
    assert error_of(ddb.put_item, TableName=table_name, Item={**counts, "tags": {"SS": []}}) == (
        "ValidationException", "1 validation error detected: " + INVALID + "An string set  may not be empty")
    assert error_of(ddb.update_item, TableName=table_name, Key=counts, UpdateExpression="SET tags = :none",
                    ExpressionAttributeValues={":none": {"NS": []}}) == (
        "ValidationException", "ExpressionAttributeValues contains invalid value: " + INVALID +
        "An number set  may not be empty for key :none")
    assert ddb.scan(TableName=table_name, Select="COUNT")["Count"] == 3
