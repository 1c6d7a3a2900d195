"""The aws cli's DynamoDB examples (awscli/examples/dynamodb/*.rst, the pages of the AWS
CLI Command Reference), replayed with boto3 as written: the MusicCollection table with
its AlbumTitleIndex LSI and the doc's three songs, then each example's request and the
answer the page shows, every field compared (timestamps, ids and ARNs left out)."""
import json
import time
import uuid

import pytest
from aws_cli import answer_of, run_cli

SONGS = [
    {"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"}, "AlbumTitle": {"S": "Somewhat Famous"}},
    {"Artist": {"S": "Acme Band"}, "SongTitle": {"S": "Happy Day"}, "AlbumTitle": {"S": "Songs About Life"}},
    {"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Scared of My Shadow"},
     "AlbumTitle": {"S": "Blue Sky Blues"}},
]
KEY_SCHEMA = [{"AttributeName": "Artist", "KeyType": "HASH"}, {"AttributeName": "SongTitle", "KeyType": "RANGE"}]
DEFINITIONS = [{"AttributeName": "Artist", "AttributeType": "S"}, {"AttributeName": "SongTitle", "AttributeType": "S"}]
ALBUM_INDEX = {"IndexName": "AlbumTitleIndex",
               "KeySchema": [{"AttributeName": "Artist", "KeyType": "HASH"},
                             {"AttributeName": "AlbumTitle", "KeyType": "RANGE"}],
               "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["Genre", "Year"]}}
NO_ONE = {"Artist": {"S": "No One You Know"}}
ACME = {"Artist": {"S": "Acme Band"}}
SMALL_COLLECTION = [0.0, 1.0]
GREATEST_HITS = {**SONGS[0], "AlbumTitle": {"S": "Greatest Hits"}}


def _answer(response) -> dict:
    response.pop("ResponseMetadata")
    return response


def _fresh_name():
    return f"MusicCollection-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def music(ddb):
    """The examples' MusicCollection: provisioned, with the AlbumTitleIndex LSI (the
    create-table example 4 table), holding the batch-write-item example's songs."""
    name = _fresh_name()
    ddb.create_table(TableName=name, KeySchema=KEY_SCHEMA, LocalSecondaryIndexes=[ALBUM_INDEX],
                     AttributeDefinitions=DEFINITIONS + [{"AttributeName": "AlbumTitle", "AttributeType": "S"}],
                     ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 5})
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    yield name
    ddb.delete_table(TableName=name)


def _load(ddb, table, **options):
    return _answer(ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": song}} for song in SONGS]},
                                        **options))


def _collections(answer, table):
    """ItemCollectionMetrics of one table, in the order of their keys (AWS's order is its own)."""
    return sorted(answer["ItemCollectionMetrics"][table], key=lambda m: m["ItemCollectionKey"]["Artist"]["S"])


def _metric(key):
    return {"ItemCollectionKey": key, "SizeEstimateRangeGB": SMALL_COLLECTION}


def test_batch_write_item_reports_item_collections_and_index_capacity(ddb, music):
    answer = _load(ddb, music, ReturnConsumedCapacity="INDEXES", ReturnItemCollectionMetrics="SIZE")
    assert _collections(answer, music) == [_metric(ACME), _metric(NO_ONE)]
    assert answer["UnprocessedItems"] == {}
    assert answer["ConsumedCapacity"] == [{
        "TableName": music, "CapacityUnits": 6.0, "WriteCapacityUnits": 6.0,
        "Table": {"CapacityUnits": 3.0, "WriteCapacityUnits": 3.0},
        "LocalSecondaryIndexes": {"AlbumTitleIndex": {"CapacityUnits": 3.0, "WriteCapacityUnits": 3.0}}}]


def test_transact_write_items_reports_item_collections(ddb, music):
    _load(ddb, music)
    items = [
        {"Update": {"Key": {"Artist": {"S": "Acme Band"}, "SongTitle": {"S": "Happy Day"}},
                    "UpdateExpression": "SET AlbumTitle = :newval",
                    "ExpressionAttributeValues": {":newval": {"S": "Updated Album Title"}},
                    "TableName": music, "ConditionExpression": "attribute_not_exists(Rating)"}},
        {"Delete": {"Key": {"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"}},
                    "TableName": music, "ConditionExpression": "attribute_not_exists(Rating)"}},
    ]
    answer = _answer(ddb.transact_write_items(TransactItems=items, ReturnConsumedCapacity="TOTAL",
                                              ReturnItemCollectionMetrics="SIZE"))
    assert _collections(answer, music) == [_metric(ACME), _metric(NO_ONE)]
    # The page shows 10.0, its LSI writes doubled like the table's; DynamoDB, measured,
    # doubles the table's units only (stackd index_capacity.json): 2 + 2 for the items, 2 + 1 for the index
    assert answer["ConsumedCapacity"] == [{"TableName": music, "CapacityUnits": 7.0, "WriteCapacityUnits": 7.0}]
    # Example 2: the same items with a client request token (the page's abc123, made
    # unique: tokens live 10 minutes on the shared server) answer nothing.
    token = f"abc123-{uuid.uuid4().hex[:12]}"
    assert _answer(ddb.transact_write_items(TransactItems=items, ClientRequestToken=token)) == {}


def test_transact_write_items_without_local_indexes_has_no_item_collections(ddb, make_table):
    table = make_table(hash=("Artist", "S"), range=("SongTitle", "S"))
    answer = _answer(ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": SONGS[0]}}], ReturnItemCollectionMetrics="SIZE"))
    assert answer == {}


def _key(song):
    return {"Artist": song["Artist"], "SongTitle": song["SongTitle"]}


# (operation, request without TableName, the page's answer with {table} for the table's name)
EXAMPLES = {
    "put-item 1": ("put_item", {
        "Item": GREATEST_HITS, "ReturnConsumedCapacity": "TOTAL", "ReturnItemCollectionMetrics": "SIZE"},
        {"ConsumedCapacity": {"TableName": "{table}", "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0},
         "ItemCollectionMetrics": _metric(NO_ONE)}),
    "put-item 2": ("put_item", {
        "Item": {"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"},
                 "AlbumTitle": {"S": "Somewhat Famous"}},
        "ConditionExpression": "#A = :A", "ExpressionAttributeNames": {"#A": "AlbumTitle"},
        "ExpressionAttributeValues": {":A": {"S": "Greatest Hits"}}, "ReturnValues": "ALL_OLD"},
        {"Attributes": GREATEST_HITS}),
    "update-item 1": ("update_item", {
        "Key": _key(SONGS[1]), "UpdateExpression": "SET #Y = :y, #AT = :t",
        "ExpressionAttributeNames": {"#Y": "Year", "#AT": "AlbumTitle"},
        "ExpressionAttributeValues": {":y": {"N": "2015"}, ":t": {"S": "Louder Than Ever"}},
        "ReturnValues": "ALL_NEW", "ReturnConsumedCapacity": "TOTAL", "ReturnItemCollectionMetrics": "SIZE"},
        {"Attributes": {**SONGS[1], "AlbumTitle": {"S": "Louder Than Ever"}, "Year": {"N": "2015"}},
         "ConsumedCapacity": {"TableName": "{table}", "CapacityUnits": 3.0, "WriteCapacityUnits": 3.0},
         "ItemCollectionMetrics": _metric(ACME)}),
    "delete-item 1": ("delete_item", {
        "Key": _key(SONGS[2]), "ReturnValues": "ALL_OLD", "ReturnConsumedCapacity": "TOTAL",
        "ReturnItemCollectionMetrics": "SIZE"},
        {"Attributes": SONGS[2], "ConsumedCapacity": {"TableName": "{table}", "CapacityUnits": 2.0,
                                                      "WriteCapacityUnits": 2.0},
         "ItemCollectionMetrics": _metric(NO_ONE)}),
    "get-item 1": ("get_item", {"Key": _key(SONGS[1]), "ReturnConsumedCapacity": "TOTAL"},
                   {"Item": SONGS[1], "ConsumedCapacity": {"TableName": "{table}", "CapacityUnits": 0.5,
                                                           "ReadCapacityUnits": 0.5}}),
    "get-item 2": ("get_item", {"Key": _key(SONGS[1]), "ConsistentRead": True, "ReturnConsumedCapacity": "TOTAL"},
                   {"Item": SONGS[1], "ConsumedCapacity": {"TableName": "{table}", "CapacityUnits": 1.0,
                                                           "ReadCapacityUnits": 1.0}}),
    "query 1": ("query", {
        "ProjectionExpression": "SongTitle", "KeyConditionExpression": "Artist = :v1",
        "ExpressionAttributeValues": {":v1": {"S": "No One You Know"}}, "ReturnConsumedCapacity": "TOTAL"},
        {"Items": [{"SongTitle": {"S": "Call Me Today"}}, {"SongTitle": {"S": "Scared of My Shadow"}}],
         "Count": 2, "ScannedCount": 2,
         "ConsumedCapacity": {"TableName": "{table}", "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}}),
    "query 2": ("query", {
        "ProjectionExpression": "SongTitle", "KeyConditionExpression": "Artist = :v1",
        "ExpressionAttributeValues": {":v1": {"S": "No One You Know"}}, "ConsistentRead": True,
        "ScanIndexForward": False, "ReturnConsumedCapacity": "TOTAL"},
        {"Items": [{"SongTitle": {"S": "Scared of My Shadow"}}, {"SongTitle": {"S": "Call Me Today"}}],
         "Count": 2, "ScannedCount": 2,
         "ConsumedCapacity": {"TableName": "{table}", "CapacityUnits": 1.0, "ReadCapacityUnits": 1.0}}),
    "query 3": ("query", {
        "KeyConditionExpression": "#n1 = :v1", "FilterExpression": "NOT (#n2 IN (:v2, :v3))",
        "ExpressionAttributeNames": {"#n1": "Artist", "#n2": "AlbumTitle"},
        "ExpressionAttributeValues": {":v1": {"S": "No One You Know"}, ":v2": {"S": "Blue Sky Blues"},
                                      ":v3": {"S": "Greatest Hits"}},
        "ReturnConsumedCapacity": "TOTAL"},
        {"Items": [SONGS[0]], "Count": 1, "ScannedCount": 2,
         "ConsumedCapacity": {"TableName": "{table}", "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}}),
    "query 4": ("query", {"Select": "COUNT", "KeyConditionExpression": "Artist = :v1",
                          "ExpressionAttributeValues": {":v1": {"S": "No One You Know"}}},
                {"Count": 2, "ScannedCount": 2}),
    "query 5": ("query", {
        "IndexName": "AlbumTitleIndex", "KeyConditionExpression": "Artist = :v1",
        "ExpressionAttributeValues": {":v1": {"S": "No One You Know"}}, "Select": "ALL_PROJECTED_ATTRIBUTES",
        "ReturnConsumedCapacity": "INDEXES"},
        {"Items": [SONGS[2], SONGS[0]], "Count": 2, "ScannedCount": 2,
         "ConsumedCapacity": {"TableName": "{table}", "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5,
                              "Table": {"CapacityUnits": 0.0},
                              "LocalSecondaryIndexes": {"AlbumTitleIndex": {"CapacityUnits": 0.5,
                                                                            "ReadCapacityUnits": 0.5}}}}),
    "scan": ("scan", {
        "FilterExpression": "Artist = :a", "ProjectionExpression": "#ST, #AT",
        "ExpressionAttributeNames": {"#ST": "SongTitle", "#AT": "AlbumTitle"},
        "ExpressionAttributeValues": {":a": {"S": "No One You Know"}}, "ReturnConsumedCapacity": "TOTAL"},
        {"Items": [{"SongTitle": {"S": "Call Me Today"}, "AlbumTitle": {"S": "Somewhat Famous"}},
                   {"SongTitle": {"S": "Scared of My Shadow"}, "AlbumTitle": {"S": "Blue Sky Blues"}}],
         "Count": 2, "ScannedCount": 3,
         "ConsumedCapacity": {"TableName": "{table}", "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}}),
}


def _named(value, table):
    """The page's answer with this test's table name in place of {table}."""
    if isinstance(value, dict):
        return {k: _named(v, table) for k, v in value.items()}
    if isinstance(value, list):
        return [_named(v, table) for v in value]
    return table if value == "{table}" else value


@pytest.mark.parametrize("example", EXAMPLES)
def test_item_example(ddb, music, example):
    operation, request, expected = EXAMPLES[example]
    _load(ddb, music)
    if example == "put-item 1":      # a new item
        ddb.delete_item(TableName=music, Key=_key(SONGS[0]))
    if example == "put-item 2":      # the item put-item 1 wrote
        ddb.put_item(TableName=music, Item=GREATEST_HITS)
    answer = _answer(getattr(ddb, operation)(TableName=music, **request))
    assert answer == _named(expected, music)


def test_conditional_examples_refused_in_the_pages_words(ddb, music):
    _load(ddb, music)
    ddb.update_item(TableName=music, Key=_key(SONGS[1]), UpdateExpression="SET #Y = :y",
                    ExpressionAttributeNames={"#Y": "Year"}, ExpressionAttributeValues={":y": {"N": "2015"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as refused:
        ddb.update_item(TableName=music, Key=_key(SONGS[1]), UpdateExpression="SET #Y = :y, #AT = :t",
                        ExpressionAttributeNames={"#Y": "Year", "#AT": "AlbumTitle"},
                        ExpressionAttributeValues={":y": {"N": "2015"}, ":t": {"S": "Louder Than Ever"}},
                        ConditionExpression="attribute_not_exists(#Y)")
    assert refused.value.response["Error"]["Message"] == "The conditional request failed"


def test_batch_get_and_transact_get_examples(ddb, music):
    _load(ddb, music)
    keys = [_key(song) for song in SONGS]
    answer = _answer(ddb.batch_get_item(RequestItems={music: {"Keys": keys, "ProjectionExpression": "AlbumTitle"}},
                                        ReturnConsumedCapacity="TOTAL"))
    assert sorted(item["AlbumTitle"]["S"] for item in answer["Responses"][music]) == \
        ["Blue Sky Blues", "Somewhat Famous", "Songs About Life"]
    assert answer["UnprocessedKeys"] == {}
    assert answer["ConsumedCapacity"] == [{"TableName": music, "CapacityUnits": 1.5, "ReadCapacityUnits": 1.5}]
    answer = _answer(ddb.transact_get_items(TransactItems=[{"Get": {"Key": keys[1], "TableName": music}},
                                                           {"Get": {"Key": keys[0], "TableName": music}}],
                                            ReturnConsumedCapacity="TOTAL"))
    assert answer == {"ConsumedCapacity": [{"TableName": music, "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0}],
                      "Responses": [{"Item": SONGS[1]}, {"Item": SONGS[0]}]}


def _created_index(ddb, **create):
    name = _fresh_name()
    answer = ddb.create_table(TableName=name, **create)["TableDescription"]
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    ddb.delete_table(TableName=name)
    return answer


def test_create_table_with_a_global_index_answers_it_creating(ddb):
    """create-table example 5: the table and its index are both CREATING in the answer."""
    answer = _created_index(
        ddb, AttributeDefinitions=[{"AttributeName": n, "AttributeType": t}
                                   for n, t in (("GameTitle", "S"), ("TopScore", "N"), ("UserId", "S"))],
        KeySchema=[{"AttributeName": "UserId", "KeyType": "HASH"}, {"AttributeName": "GameTitle", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "GameTitleIndex",
            "KeySchema": [{"AttributeName": "GameTitle", "KeyType": "HASH"},
                          {"AttributeName": "TopScore", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["UserId"]},
            "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 5}}],
        ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 5})
    assert answer["TableStatus"] == "CREATING"
    index, = answer["GlobalSecondaryIndexes"]
    assert {k: index[k] for k in ("IndexName", "IndexStatus", "ProvisionedThroughput", "IndexSizeBytes", "ItemCount")} \
        == {"IndexName": "GameTitleIndex", "IndexStatus": "CREATING", "IndexSizeBytes": 0, "ItemCount": 0,
            "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 10, "WriteCapacityUnits": 5}}
    assert "Backfilling" not in index


@pytest.fixture
def on_demand_music(ddb):
    name = _fresh_name()
    ddb.create_table(TableName=name, KeySchema=KEY_SCHEMA, AttributeDefinitions=DEFINITIONS,
                     BillingMode="PAY_PER_REQUEST")
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    yield name
    ddb.delete_table(TableName=name)


def _when_active(ddb, name):
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    for _ in range(60):
        table = ddb.describe_table(TableName=name)["Table"]
        if all(i["IndexStatus"] == "ACTIVE" for i in table.get("GlobalSecondaryIndexes", [])):
            return
        time.sleep(1)
    raise AssertionError("the index never became ACTIVE")


def test_update_table_examples(ddb, on_demand_music):
    """update-table examples 1-4, one after the other on one table, as the page runs them."""
    name = on_demand_music
    answer = ddb.update_table(TableName=name, BillingMode="PROVISIONED",
                              ProvisionedThroughput={"ReadCapacityUnits": 15, "WriteCapacityUnits": 10})
    table = answer["TableDescription"]
    assert table["TableStatus"] == "UPDATING"
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert "LastUpdateToPayPerRequestDateTime" in table["BillingModeSummary"]
    units = table["ProvisionedThroughput"]
    assert "LastIncreaseDateTime" in units
    assert {k: units[k] for k in ("NumberOfDecreasesToday", "ReadCapacityUnits", "WriteCapacityUnits")} == \
        {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 15, "WriteCapacityUnits": 10}
    _when_active(ddb, name)

    table = ddb.update_table(
        TableName=name, AttributeDefinitions=[{"AttributeName": "AlbumTitle", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "AlbumTitle-index", "KeySchema": [{"AttributeName": "AlbumTitle", "KeyType": "HASH"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 10},
            "Projection": {"ProjectionType": "ALL"}}}])["TableDescription"]
    index, = table["GlobalSecondaryIndexes"]
    assert (table["TableStatus"], index["IndexStatus"], index["Backfilling"]) == ("UPDATING", "CREATING", False)
    _when_active(ddb, name)

    table = ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True,
                                                                 "StreamViewType": "NEW_IMAGE"})["TableDescription"]
    assert table["TableStatus"] == "UPDATING"
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert table["LatestStreamArn"].endswith(f":table/{name}/stream/{table['LatestStreamLabel']}")
    _when_active(ddb, name)

    table = ddb.update_table(TableName=name, SSESpecification={"Enabled": True, "SSEType": "KMS"})["TableDescription"]
    assert (table["TableStatus"], table["SSEDescription"]) == ("ACTIVE", {"Status": "UPDATING"})
    assert ddb.describe_table(TableName=name)["Table"]["SSEDescription"]["Status"] == "ENABLED"


# The Developer Guide's update expression examples ("Using update expressions"), each on
# its ProductCatalog item 789: (UpdateExpression, names, values, the item after it).
PRODUCT = {"Id": {"N": "789"}, "ProductCategory": {"S": "Home Improvement"}, "Price": {"N": "52"},
           "InStock": {"BOOL": True}, "Brand": {"S": "Acme"}, "RelatedItems": {"L": [{"S": "Hammer"}, {"S": "Nails"}]},
           "Color": {"SS": ["Orange", "Purple"]}}
UPDATES = {
    "SET attributes": ("SET ProductCategory = :c, Price = :p", {}, {":c": {"S": "Hardware"}, ":p": {"N": "60"}},
                       {"ProductCategory": {"S": "Hardware"}, "Price": {"N": "60"}}),
    "SET list element": ("SET RelatedItems[1] = :ri", {}, {":ri": {"S": "Nails and screws"}},
                         {"RelatedItems": {"L": [{"S": "Hammer"}, {"S": "Nails and screws"}]}}),
    "SET nested map": ("SET #pr.FiveStar = :r5", {"#pr": "ProductReviews"},
                       {":r5": {"L": [{"S": "Best product ever!"}]}}, None),
    "decrement": ("SET Price = Price - :p", {}, {":p": {"N": "15"}}, {"Price": {"N": "37"}}),
    "list_append": ("SET #ri = list_append(#ri, :vals)", {"#ri": "RelatedItems"},
                    {":vals": {"L": [{"S": "Screwdriver"}, {"S": "Hacksaw"}]}},
                    {"RelatedItems": {"L": [{"S": "Hammer"}, {"S": "Nails"}, {"S": "Screwdriver"}, {"S": "Hacksaw"}]}}),
    "list_append first": ("SET #ri = list_append(:vals, #ri)", {"#ri": "RelatedItems"},
                          {":vals": {"L": [{"S": "Chisel"}]}},
                          {"RelatedItems": {"L": [{"S": "Chisel"}, {"S": "Hammer"}, {"S": "Nails"}]}}),
    "if_not_exists": ("SET Price = if_not_exists(Price, :p)", {}, {":p": {"N": "100"}}, {}),
    "REMOVE": ("REMOVE Brand, InStock, QuantityOnHand", {}, {}, {"Brand": None, "InStock": None}),
    "REMOVE list element": ("REMOVE RelatedItems[0]", {}, {}, {"RelatedItems": {"L": [{"S": "Nails"}]}}),
    "ADD number": ("ADD QuantityOnHand :q", {}, {":q": {"N": "5"}}, {"QuantityOnHand": {"N": "5"}}),
    "ADD set": ("ADD Color :c", {}, {":c": {"SS": ["Yellow"]}}, {"Color": {"SS": ["Orange", "Purple", "Yellow"]}}),
    "DELETE set": ("DELETE Color :p", {}, {":p": {"SS": ["Yellow", "Purple"]}}, {"Color": {"SS": ["Orange"]}}),
}


@pytest.mark.parametrize("example", UPDATES)
def test_update_expression_example(ddb, make_table, example):
    expression, names, values, changes = UPDATES[example]
    table = make_table(hash=("Id", "N"))
    ddb.put_item(TableName=table, Item=PRODUCT)
    if changes is None:        # the nested example first sets the map it writes into
        ddb.update_item(TableName=table, Key={"Id": {"N": "789"}}, UpdateExpression="SET ProductReviews = :empty",
                        ExpressionAttributeValues={":empty": {"M": {}}})
        changes = {"ProductReviews": {"M": {"FiveStar": {"L": [{"S": "Best product ever!"}]}}}}
    request = {"UpdateExpression": expression, "ReturnValues": "ALL_NEW"}
    if names:
        request["ExpressionAttributeNames"] = names
    if values:
        request["ExpressionAttributeValues"] = values
    item = ddb.update_item(TableName=table, Key={"Id": {"N": "789"}}, **request)["Attributes"]
    expected = {k: v for k, v in {**PRODUCT, **changes}.items() if v is not None}
    assert item == expected


@pytest.mark.parametrize("expression, values, message", [
    ("SET Price = :p REMOVE Price", {":p": {"N": "1"}},
     "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
     "paths; path one: [Price], path two: [Price]"),
    ("SET Comment = :p", {":p": {"S": "x"}},
     "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Comment"),
    ("SET Price = :p", {":p": {"N": "1"}, ":q": {"N": "2"}},
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:q}"),
    ("ADD ProductCategory :q", {":q": {"N": "5"}}, "An operand in the update expression has an incorrect data type"),
    ("SET Absent.Deeper = :p", {":p": {"N": "1"}}, "The document path provided in the update expression is invalid "
                                                    "for update"),
])
def test_update_expression_refusals(ddb, make_table, expression, values, message):
    table = make_table(hash=("Id", "N"))
    ddb.put_item(TableName=table, Item=PRODUCT)
    with pytest.raises(ddb.exceptions.ClientError) as refused:
        ddb.update_item(TableName=table, Key={"Id": {"N": "789"}}, UpdateExpression=expression,
                        ExpressionAttributeValues=values)
    assert refused.value.response["Error"] == {"Code": "ValidationException", "Message": message}
    assert ddb.get_item(TableName=table, Key={"Id": {"N": "789"}})["Item"] == PRODUCT


ROCKS = "WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'"


def test_partiql_examples(ddb, make_table):
    """The Developer Guide's PartiQL pages in order: insert, the duplicate refused, the
    update examples (SET a map, list_append, REMOVE an element, a string set with
    set_add/set_delete, RETURNING ALL OLD *), a condition that fails, the select
    examples and DELETE ... RETURNING ALL OLD *."""
    table = make_table(hash=("Artist", "S"), range=("SongTitle", "S"))

    def run(statement, **more):
        return ddb.execute_statement(Statement=statement.replace("Music", f'"{table}"'), **more)["Items"]

    assert run("INSERT INTO Music value {'Artist':'Acme Band','SongTitle':'PartiQL Rocks'}") == []
    with pytest.raises(ddb.exceptions.DuplicateItemException) as duplicate:
        run("INSERT INTO Music value {'Artist':'Acme Band','SongTitle':'PartiQL Rocks'}")
    assert duplicate.value.response["Error"]["Message"] == "Duplicate primary key exists in table"
    run(f"UPDATE Music SET AwardsWon=1 SET AwardDetail={{'Grammys':[2020, 2018]}} {ROCKS}")
    run(f"UPDATE Music SET AwardDetail.Grammys =list_append(AwardDetail.Grammys,[2016]) {ROCKS}")
    run(f"UPDATE Music REMOVE AwardDetail.Grammys[2] {ROCKS}")
    run(f"UPDATE Music SET BandMembers =<<'member1', 'member2'>> {ROCKS}")
    run(f"UPDATE Music SET BandMembers =set_add(BandMembers, <<'newmember'>>) {ROCKS}")
    old = run(f"UPDATE Music SET BandMembers =set_delete(BandMembers, <<'newmember'>>) {ROCKS} RETURNING ALL OLD *")
    assert sorted(old[0]["BandMembers"]["SS"]) == ["member1", "member2", "newmember"]
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        run(f"UPDATE Music SET AwardsWon=AwardsWon+1 {ROCKS} AND AwardsWon=5")
    song = {"Artist": {"S": "Acme Band"}, "SongTitle": {"S": "PartiQL Rocks"}, "AwardsWon": {"N": "1"},
            "AwardDetail": {"M": {"Grammys": {"L": [{"N": "2020"}, {"N": "2018"}]}}},
            "BandMembers": {"SS": ["member1", "member2"]}}
    for where in (ROCKS, "WHERE Artist='Acme Band' AND begins_with(SongTitle, 'PartiQL')",
                  "WHERE Artist='Acme Band' AND attribute_exists(AwardsWon)",
                  "WHERE Artist='Acme Band' AND AwardDetail.Oscars IS MISSING",
                  "WHERE contains(BandMembers, 'member1')", "WHERE attribute_type(AwardsWon, 'N')"):
        assert run(f"SELECT * FROM Music {where}") == [song], where
    assert run("SELECT * FROM Music WHERE Artist=? AND SongTitle=?",
               Parameters=[{"S": "Acme Band"}, {"S": "PartiQL Rocks"}]) == [song]
    assert run("SELECT AwardDetail.Grammys[0], BandMembers FROM Music WHERE Artist='Acme Band'") == [
        {"Grammys[0]": {"N": "2020"}, "BandMembers": song["BandMembers"]}]
    assert run(f"DELETE FROM Music {ROCKS} RETURNING ALL OLD *") == [song]
    assert run(f"SELECT * FROM Music {ROCKS}") == []


def test_ttl_backup_and_recovery_examples(ddb, music):
    """update-time-to-live, describe-time-to-live, describe/update-continuous-backups and
    create-backup, as their pages answer."""
    assert _answer(ddb.update_time_to_live(TableName=music, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "ttl"})) == {"TimeToLiveSpecification": {"Enabled": True,
                                                                                   "AttributeName": "ttl"}}
    assert _answer(ddb.describe_time_to_live(TableName=music)) == {
        "TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}}
    assert _answer(ddb.describe_continuous_backups(TableName=music)) == {"ContinuousBackupsDescription": {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}}
    recovery = ddb.update_continuous_backups(TableName=music, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})["ContinuousBackupsDescription"]
    assert recovery["ContinuousBackupsStatus"] == "ENABLED"
    assert recovery["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert {"EarliestRestorableDateTime", "LatestRestorableDateTime"} <= set(recovery["PointInTimeRecoveryDescription"])
    backup = ddb.create_backup(TableName=music, BackupName="MusicCollectionBackup")["BackupDetails"]
    assert {k: backup[k] for k in ("BackupName", "BackupSizeBytes", "BackupStatus", "BackupType")} == {
        "BackupName": "MusicCollectionBackup", "BackupSizeBytes": 0, "BackupStatus": "CREATING", "BackupType": "USER"}
    suffix = backup["BackupArn"].rsplit("/backup/", 1)[1]          # 01576616366715-b4e58d3a
    assert len(suffix) == 23 and suffix[:14].isdigit() and suffix[14] == "-"
    assert ddb.describe_backup(BackupArn=backup["BackupArn"])["BackupDescription"]["BackupDetails"][
        "BackupStatus"] == "AVAILABLE"
    target = _fresh_name()
    restored = ddb.restore_table_from_backup(TargetTableName=target, BackupArn=backup["BackupArn"])["TableDescription"]
    assert (restored["TableStatus"], restored["BillingModeSummary"]) == ("CREATING", {"BillingMode": "PROVISIONED"})
    summary = restored["RestoreSummary"]
    assert (summary["SourceBackupArn"], summary["RestoreInProgress"]) == (backup["BackupArn"], True)
    assert summary["SourceTableArn"].endswith(f":table/{music}")
    assert summary["RestoreDateTime"] == backup["BackupCreationDateTime"]    # the backup's time
    ddb.get_waiter("table_exists").wait(TableName=target, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    ddb.delete_table(TableName=target)
    ddb.delete_backup(BackupArn=backup["BackupArn"])


def test_cli_batch_and_transaction_examples(lakebox_server, music, tmp_path):
    """batch-write-item and transact-write-items run with the aws cli as their pages run
    them (file:// inputs, --return-item-collection-metrics SIZE), answers as printed."""
    requests = tmp_path / "request-items.json"
    requests.write_text(json.dumps({music: [{"PutRequest": {"Item": song}} for song in SONGS]}))
    answer = answer_of(run_cli(lakebox_server, "dynamodb", "batch-write-item", "--request-items", f"file://{requests}",
                               "--return-consumed-capacity", "INDEXES", "--return-item-collection-metrics", "SIZE"))
    assert answer["UnprocessedItems"] == {}
    assert _collections(answer, music) == [_metric(ACME), _metric(NO_ONE)]
    assert answer["ConsumedCapacity"][0]["CapacityUnits"] == 6.0
    items = tmp_path / "transact-items.json"
    items.write_text(json.dumps([
        {"Update": {"Key": _key(SONGS[1]), "UpdateExpression": "SET AlbumTitle = :newval",
                    "ExpressionAttributeValues": {":newval": {"S": "Updated Album Title"}}, "TableName": music,
                    "ConditionExpression": "attribute_not_exists(Rating)"}},
        {"Delete": {"Key": _key(SONGS[0]), "TableName": music,
                    "ConditionExpression": "attribute_not_exists(Rating)"}}]))
    answer = answer_of(run_cli(lakebox_server, "dynamodb", "transact-write-items", "--transact-items",
                               f"file://{items}", "--return-consumed-capacity", "TOTAL",
                               "--return-item-collection-metrics", "SIZE"))
    # The page shows 10.0, its LSI writes doubled like the table's; DynamoDB, measured,
    # doubles the table's units only (stackd index_capacity.json): 2 + 2 for the items, 2 + 1 for the index
    assert answer["ConsumedCapacity"] == [{"TableName": music, "CapacityUnits": 7.0, "WriteCapacityUnits": 7.0}]
    assert _collections(answer, music) == [_metric(ACME), _metric(NO_ONE)]
    done = run_cli(lakebox_server, "dynamodb", "transact-write-items", "--transact-items", f"file://{items}",
                   "--client-request-token", f"abc123-{uuid.uuid4().hex[:12]}")
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "", "")     # "This command produces no output."
