"""A nightly job loads a partner's product catalogue into two DynamoDB tables (products by
partner and SKU, partners by id) with BatchWriteItem, 25 writes a call across both
tables, then checks its work with BatchGetItem, 100 keys a call. Its first versions hit
the rules of the batch APIs, each refused whole before anything is written: a 26th write
across the tables, the same key put and deleted in one call, a table that does not
exist, a delete missing the sort key, a put over 400 KB, an empty RequestItems; on the
read side 101 keys across the tables, a key named twice, an unused
ExpressionAttributeNames entry. The loaded rows are then read back exactly, a key that
is not there simply absent (the API reference's limits; the refusals' wording as
DynamoDB words them)."""
from trip_helpers import client_table, error_of

TOO_MANY = "Too many items requested for the {} call"
DUPLICATES = "Provided list of item keys contains duplicates"


def _product(sku, price):
    return {"PutRequest": {"Item": {"partner": {"S": "acme"}, "sku": {"S": sku}, "price": {"N": str(price)}}}}


def test_nightly_catalogue_load(client, table_name):
    ddb = client("dynamodb")
    products, partners = table_name, table_name + "-partners"
    client_table(ddb, products, ("partner", "S"), ("sku", "S"))
    try:
        client_table(ddb, partners, ("partner_id", "S"))
        _load(ddb, products, partners)
    finally:
        ddb.delete_table(TableName=partners)


def _load(ddb, products, partners):
    first = [_product(f"sku-{n:02d}", 100 + n) for n in range(24)]
    acme = {"PutRequest": {"Item": {"partner_id": {"S": "acme"}, "name": {"S": "ACME Corp"}}}}
    globex = {"PutRequest": {"Item": {"partner_id": {"S": "globex"}, "name": {"S": "Globex"}}}}

    def refused(request_items):
        return error_of(ddb.batch_write_item, RequestItems=request_items)

    assert refused({products: first, partners: [acme, globex]}) == ("ValidationException",
                                                                      TOO_MANY.format("BatchWriteItem"))
    assert refused({products: first[:3] + [{"DeleteRequest": {"Key": {"partner": {"S": "acme"},
                                                                      "sku": {"S": "sku-01"}}}}]}) == (
        "ValidationException", DUPLICATES)
    assert refused({products: first[:2], "no-such-partners-table": [acme]}) == (
        "ResourceNotFoundException", "Requested resource not found")
    assert refused({products: [{"DeleteRequest": {"Key": {"partner": {"S": "acme"}}}}]}) == (
        "ValidationException", "The provided key element does not match the schema")
    huge = _product("sku-huge", 1)
    huge["PutRequest"]["Item"]["spec"] = {"S": "x" * (400 * 1024)}
    assert refused({products: first[:5] + [huge]}) == ("ValidationException",
                                                       "Item size has exceeded the maximum allowed size")
    assert refused({}) == ("ValidationException", "1 validation error detected: Value '{}' at 'requestItems' failed "
                                                   "to satisfy constraint: Member must have length greater than or "
                                                   "equal to 1")
    assert ddb.scan(TableName=products, Select="COUNT")["Count"] == 0

    assert ddb.batch_write_item(RequestItems={products: first, partners: [acme]})["UnprocessedItems"] == {}
    assert ddb.batch_write_item(RequestItems={partners: [globex]})["UnprocessedItems"] == {}
    assert ddb.scan(TableName=products, Select="COUNT")["Count"] == 24
    assert ddb.scan(TableName=partners, Select="COUNT")["Count"] == 2

    keys = [{"partner": {"S": "acme"}, "sku": {"S": f"sku-{n:02d}"}} for n in range(101)]
    partner_keys = [{"partner_id": {"S": f"p-{n}"}} for n in range(41)]
    assert error_of(ddb.batch_get_item, RequestItems={products: {"Keys": keys[:60]},
                                                      partners: {"Keys": partner_keys}}) == (
        "ValidationException", TOO_MANY.format("BatchGetItem"))
    assert error_of(ddb.batch_get_item, RequestItems={products: {"Keys": [keys[0], keys[0]]}}) == (
        "ValidationException", DUPLICATES)
    assert error_of(ddb.batch_get_item, RequestItems={products: {
        "Keys": keys[:2], "ProjectionExpression": "sku", "ExpressionAttributeNames": {"#p": "price"}}}) == (
        "ValidationException", "Value provided in ExpressionAttributeNames unused in expressions: keys: {#p}")
    read = ddb.batch_get_item(RequestItems={
        products: {"Keys": [keys[3], keys[23], keys[40]], "ProjectionExpression": "sku, #p",
                   "ExpressionAttributeNames": {"#p": "price"}, "ConsistentRead": True},
        partners: {"Keys": [{"partner_id": {"S": "globex"}}, {"partner_id": {"S": "initech"}}]}})
    assert read["UnprocessedKeys"] == {}
    assert sorted(read["Responses"][products], key=lambda item: item["sku"]["S"]) == [
        {"sku": {"S": "sku-03"}, "price": {"N": "103"}}, {"sku": {"S": "sku-23"}, "price": {"N": "123"}}]
    assert read["Responses"][partners] == [{"partner_id": {"S": "globex"}, "name": {"S": "Globex"}}]
