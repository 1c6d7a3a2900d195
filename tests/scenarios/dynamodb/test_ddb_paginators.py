"""Every DynamoDB paginator botocore has (Query, Scan, ListTables, ListBackups,
ListTagsOfResource), driven with PageSize, MaxItems and StartingToken over more items
than a page holds. Query returns items in sort key order (reversed with
ScanIndexForward false), ListTables table names in order (it resumes after
ExclusiveStartTableName); Scan's and ListBackups' order is not documented."""
import pytest

from paging import account_client, check_paginator, error_of, fresh_account

SORT_KEYS = [f"s{n}" for n in range(7)]


@pytest.fixture
def keyed(ddb, make_table):
    table = make_table(range=("sk", "S"))
    for sort in SORT_KEYS:
        ddb.put_item(TableName=table, Item={"pk": {"S": "one"}, "sk": {"S": sort}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "other"}, "sk": {"S": "s0"}})
    return table


def _sort_key(item):
    return item["sk"]["S"]


def test_query_pages_in_sort_key_order(ddb, keyed):
    where = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "one"}}}
    check_paginator(ddb, "Query", SORT_KEYS, key_of=_sort_key, TableName=keyed, **where)
    check_paginator(ddb, "Query", SORT_KEYS[::-1], key_of=_sort_key, TableName=keyed, ScanIndexForward=False, **where)
    full = ddb.get_paginator("query").paginate(TableName=keyed, ReturnConsumedCapacity="TOTAL", **where,
                                               PaginationConfig={"PageSize": 2}).build_full_result()
    assert (full["Count"], full["ScannedCount"]) == (7, 7)
    assert full["ConsumedCapacity"]["TableName"] == keyed


def test_scan_pages_every_item_once(ddb, keyed):
    expected = [("one", sort) for sort in SORT_KEYS] + [("other", "s0")]
    check_paginator(ddb, "Scan", expected, key_of=lambda item: (item["pk"]["S"], item["sk"]["S"]), ordered=False,
                    TableName=keyed)
    full = ddb.get_paginator("scan").paginate(TableName=keyed, PaginationConfig={"PageSize": 3}).build_full_result()
    assert (full["Count"], full["ScannedCount"]) == (8, 8)


def test_a_starting_key_off_the_schema_is_refused(ddb, keyed):
    assert error_of(ddb.scan, TableName=keyed, ExclusiveStartKey={"nope": {"S": "x"}}) == (
        "ValidationException",
        "The provided starting key is invalid: The provided key element does not match the schema")
    assert error_of(ddb.query, TableName=keyed, KeyConditionExpression="pk = :p",
                    ExpressionAttributeValues={":p": {"S": "one"}}, ExclusiveStartKey={"nope": {"S": "x"}}) == (
        "ValidationException", "The provided starting key is invalid")


def test_backups_page(ddb, keyed):
    made = [ddb.create_backup(TableName=keyed, BackupName=f"backup-{n}")["BackupDetails"]["BackupArn"] for n in range(5)]
    try:
        check_paginator(ddb, "ListBackups", made, key_of=lambda b: b["BackupArn"], ordered=False, TableName=keyed)
    finally:
        for arn in made:
            ddb.delete_backup(BackupArn=arn)


def test_tags_page(ddb, keyed):
    arn = ddb.describe_table(TableName=keyed)["Table"]["TableArn"]
    tags = [{"Key": f"k{n}", "Value": f"v{n}"} for n in range(12)]
    ddb.tag_resource(ResourceArn=arn, Tags=tags)
    check_paginator(ddb, "ListTagsOfResource", [t["Key"] for t in tags], key_of=lambda t: t["Key"], ordered=False,
                    ResourceArn=arn)


@pytest.mark.local_only
def test_tables_page_by_name(lakebox_server):
    ddb = account_client(lakebox_server, "dynamodb", fresh_account())
    names = [f"paging-{n}" for n in range(6)]
    for name in names[::-1]:
        ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
    try:
        check_paginator(ddb, "ListTables", names)
    finally:
        for name in names:
            ddb.delete_table(TableName=name)


def test_filtered_pages_may_be_short_and_still_give_every_match(ddb, keyed):
    """Limit counts items read before the filter: a page may hold fewer items than
    PageSize and still carry LastEvaluatedKey."""
    where = {"FilterExpression": "sk <> :skip", "ExpressionAttributeValues": {":skip": {"S": "s1"}}}
    kept = [("one", sort) for sort in SORT_KEYS if sort != "s1"] + [("other", "s0")]
    check_paginator(ddb, "Scan", kept, key_of=lambda item: (item["pk"]["S"], item["sk"]["S"]), ordered=False,
                    TableName=keyed, **where)
    pages = list(ddb.get_paginator("scan").paginate(TableName=keyed, **where, PaginationConfig={"PageSize": 2}))
    assert sum(page["ScannedCount"] for page in pages) == 8
    assert sorted(page["Count"] for page in pages if page["Count"] != page["ScannedCount"]) == [1]


def test_index_query_pages_in_index_sort_order(ddb, make_table):
    table = make_table(range=("sk", "S"), extra_definitions=[("g", "S"), ("rank", "N")], GlobalSecondaryIndexes=[{
        "IndexName": "by_rank", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                              {"AttributeName": "rank", "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "ALL"}}])
    for n in range(7):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"p{n}"}, "sk": {"S": "x"}, "g": {"S": "all"},
                                            "rank": {"N": str(70 - n * 10)}})
    check_paginator(ddb, "Query", [str(10 + n * 10) for n in range(7)], key_of=lambda item: item["rank"]["N"],
                    TableName=table, IndexName="by_rank", KeyConditionExpression="g = :g",
                    ExpressionAttributeValues={":g": {"S": "all"}})
