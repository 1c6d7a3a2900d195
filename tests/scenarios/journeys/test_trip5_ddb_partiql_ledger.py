"""An inventory service written in PartiQL, exported for the analysts: stock rows are
loaded with BatchExecuteStatement (a duplicate comes back as that statement's error),
read with parameters, moved between warehouses in ExecuteTransaction and
TransactWriteItems (an oversell is cancelled with its CancellationReasons, the failed
item returned with ALL_OLD); the table is exported to S3 in DynamoDB JSON and Athena
reads the export's gzipped items."""
import pytest

from trip_helpers import athena_execution, athena_rows, exportable_table, wait_export

STOCK = [("berlin", "apple", 40), ("berlin", "pear", 5), ("lisbon", "apple", 10), ("lisbon", "fig", 25)]


def insert(table, warehouse, sku, qty):
    return {"Statement": f"INSERT INTO \"{table}\" VALUE {{'sku_at': ?, 'warehouse': ?, 'sku': ?, 'qty': ?}}",
            "Parameters": [{"S": f"{sku}@{warehouse}"}, {"S": warehouse}, {"S": sku}, {"N": str(qty)}]}


def move(table, sku, source, target, qty):
    """The two PartiQL updates of a transfer; the source must hold enough."""
    return [{"Statement": f'UPDATE "{table}" SET qty = qty - ? WHERE sku_at = ? AND qty >= ?',
             "Parameters": [{"N": str(qty)}, {"S": f"{sku}@{source}"}, {"N": str(qty)}]},
            {"Statement": f'UPDATE "{table}" SET qty = qty + ? WHERE sku_at = ?',
             "Parameters": [{"N": str(qty)}, {"S": f"{sku}@{target}"}]}]


def test_partiql_inventory_exported_to_athena(client, resource, bucket, database, table_name):
    ddb, athena = client("dynamodb"), client("athena")
    table = exportable_table(resource("dynamodb"), table_name, "sku_at")
    answers = ddb.batch_execute_statement(Statements=[insert(table_name, *row) for row in STOCK[:3]])["Responses"]
    assert [a.get("Error", {}).get("Code") for a in answers] == [None, None, None]
    # a batch may not write one item twice (stackd partiql_duplicate_keys.json): the
    # duplicate of a stored row comes in a later batch
    answers = ddb.batch_execute_statement(Statements=[insert(table_name, *STOCK[3]),
                                                      insert(table_name, "berlin", "apple", 1)])["Responses"]
    assert [a.get("Error", {}).get("Code") for a in answers] == [None, "DuplicateItem"]
    assert answers[1]["Error"]["Message"] == "Duplicate primary key exists in table"

    found = ddb.execute_statement(Statement=f'SELECT sku, qty FROM "{table_name}" WHERE sku_at = ?',
                                  Parameters=[{"S": "apple@lisbon"}])["Items"]
    assert found == [{"sku": {"S": "apple"}, "qty": {"N": "10"}}]

    ddb.execute_transaction(TransactStatements=move(table_name, "apple", "berlin", "lisbon", 15))
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as oversell:
        ddb.execute_transaction(TransactStatements=move(table_name, "apple", "berlin", "lisbon", 30))
    assert [r["Code"] for r in oversell.value.response["CancellationReasons"]] == ["ConditionalCheckFailed", "None"]
    assert oversell.value.response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]")

    with pytest.raises(ddb.exceptions.TransactionCanceledException) as again:
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table_name, "Key": {"sku_at": {"S": "fig@lisbon"}},
                        "UpdateExpression": "SET qty = qty - :n", "ConditionExpression": "qty >= :n",
                        "ExpressionAttributeValues": {":n": {"N": "30"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Put": {"TableName": table_name, "Item": {"sku_at": {"S": "fig@berlin"}, "warehouse": {"S": "berlin"},
                                                        "sku": {"S": "fig"}, "qty": {"N": "30"}}}}])
    reasons = again.value.response["CancellationReasons"]
    assert reasons[0]["Code"] == "ConditionalCheckFailed" and reasons[0]["Item"]["qty"] == {"N": "25"}
    assert reasons[1] == {"Code": "None"}
    assert table.get_item(Key={"sku_at": "fig@berlin"}).get("Item") is None

    export = ddb.export_table_to_point_in_time(TableArn=table.table_arn, S3Bucket=bucket, S3Prefix="exports/stock",
                                               ExportFormat="DYNAMODB_JSON")["ExportDescription"]
    done = wait_export(ddb, export["ExportArn"])
    assert (done["ExportStatus"], done["ItemCount"]) == ("COMPLETED", 4)
    data = f"s3://{bucket}/{done['ExportManifest'].rsplit('/', 1)[0]}/data/"
    output = f"s3://{bucket}/athena/"
    athena_execution(athena, f"""CREATE EXTERNAL TABLE stock_export (
          Item struct<sku_at:struct<S:string>, warehouse:struct<S:string>, sku:struct<S:string>,
                      qty:struct<N:string>>)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION '{data}'""", database, output)
    assert athena_rows(athena, """SELECT Item.warehouse.S, sum(CAST(Item.qty.N AS integer)), count(*)
        FROM stock_export GROUP BY 1 ORDER BY 1""", database, output) == [["berlin", "30", "2"],
                                                                          ["lisbon", "50", "2"]]
