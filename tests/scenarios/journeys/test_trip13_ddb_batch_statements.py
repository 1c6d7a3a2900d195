"""A profile service writes user profiles in PartiQL batches, as recorded against DynamoDB
(radkawar/stackd, testdata/aws/dynamodb/partiql_duplicate_keys.json): a batch that writes
one item twice (two UPDATEs, a DELETE and an INSERT, two INSERTs) is refused whole with
'Provided list of item keys contains duplicates', writing nothing; a write refused by its
condition or as a duplicate still costs the write of the item it found, counted in the
table's total but not in its Table part (a refused write of a 9 KB profile beside an
accepted small one: 10 units, Table 1); a batch whose every statement fails reports no
ConsumedCapacity; a duplicate INSERT answers no Item even when the old one is asked for."""
from trip_helpers import client_table, error_of

DUPLICATES = ("ValidationException", "Provided list of item keys contains duplicates")


def test_batch_statements(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"))
    quoted = f'"{table_name}"'
    ddb.put_item(TableName=table_name, Item={"pk": {"S": "existing"}, "payload": {"S": "o" * 8800}})   # 9 units

    def batch(*statements):
        return ddb.batch_execute_statement(Statements=list(statements), ReturnConsumedCapacity="INDEXES")

    update = {"Statement": f"UPDATE {quoted} SET payload=? WHERE pk=?"}
    insert = {"Statement": f"INSERT INTO {quoted} VALUE {{'pk':?,'payload':?}}"}
    assert error_of(batch, {**update, "Parameters": [{"S": "a"}, {"S": "existing"}]},
                    {**update, "Parameters": [{"S": "b"}, {"S": "existing"}]}) == DUPLICATES
    assert error_of(batch, {"Statement": f"DELETE FROM {quoted} WHERE pk=?", "Parameters": [{"S": "existing"}]},
                    {**insert, "Parameters": [{"S": "existing"}, {"S": "y"}]}) == DUPLICATES
    assert error_of(batch, {**insert, "Parameters": [{"S": "new"}, {"S": "y"}]},
                    {**insert, "Parameters": [{"S": "new"}, {"S": "z"}]}) == DUPLICATES
    assert "Item" not in ddb.get_item(TableName=table_name, Key={"pk": {"S": "new"}}, ConsistentRead=True)

    mixed = batch({"Statement": f"INSERT INTO {quoted} VALUE {{'pk':'existing','payload':'short'}}",
                   "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
                  {"Statement": f"INSERT INTO {quoted} VALUE {{'pk':'accepted','payload':'small'}}"})
    assert mixed["Responses"] == [
        {"Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}, "TableName": table_name},
        {"TableName": table_name}]
    assert mixed["ConsumedCapacity"] == [{"TableName": table_name, "CapacityUnits": 10.0,
                                          "Table": {"CapacityUnits": 1.0}}]
    conditional = batch({"Statement": f"UPDATE {quoted} SET payload='short' WHERE pk='existing' AND payload='never'",
                         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
                        {"Statement": f"INSERT INTO {quoted} VALUE {{'pk':'accepted-2','payload':'small'}}"})
    assert conditional["Responses"][0]["Error"]["Item"]["pk"] == {"S": "existing"}
    assert conditional["ConsumedCapacity"] == [{"TableName": table_name, "CapacityUnits": 10.0,
                                                "Table": {"CapacityUnits": 1.0}}]

    guarded = {"Statement": f"UPDATE {quoted} SET payload=? WHERE pk=? AND attribute_not_exists(pk)"}
    failed = batch({**guarded, "Parameters": [{"S": "a"}, {"S": "existing"}]},
                   {**guarded, "Parameters": [{"S": "b"}, {"S": "accepted"}]})
    assert failed["Responses"] == [
        {"Error": {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
         "TableName": table_name}] * 2
    assert "ConsumedCapacity" not in failed
