"""The aws cli as an operator runs it: dynamodb (create, put, query, scan, wait,
delete), athena (start, wait by polling, results), glue (database and table), kms
(create key, alias, encrypt a file, decrypt it back)."""
import base64
import json
import time
import uuid

from trip_helpers import aws, ok, ran


def test_cli_dynamodb(lakebox_server, tmp_path):
    table = f"cli-{uuid.uuid4().hex[:10]}"
    ok(aws(lakebox_server, "dynamodb", "create-table", "--table-name", table,
           "--attribute-definitions", "AttributeName=user,AttributeType=S", "AttributeName=at,AttributeType=N",
           "--key-schema", "AttributeName=user,KeyType=HASH", "AttributeName=at,KeyType=RANGE",
           "--billing-mode", "PAY_PER_REQUEST"))
    ok(aws(lakebox_server, "dynamodb", "wait", "table-exists", "--table-name", table))
    for at in (1, 2, 3):
        ok(aws(lakebox_server, "dynamodb", "put-item", "--table-name", table, "--item",
               json.dumps({"user": {"S": "u1"}, "at": {"N": str(at)}, "event": {"S": f"e{at}"}})))
    items_file = tmp_path / "batch.json"
    items_file.write_text(json.dumps({table: [{"PutRequest": {"Item": {"user": {"S": "u2"}, "at": {"N": "1"}}}}]}))
    written = ok(aws(lakebox_server, "dynamodb", "batch-write-item", "--request-items", f"file://{items_file}"))
    assert written["UnprocessedItems"] == {}
    found = ok(aws(lakebox_server, "dynamodb", "query", "--table-name", table,
                   "--key-condition-expression", "#u = :u AND #a > :a",
                   "--expression-attribute-names", json.dumps({"#u": "user", "#a": "at"}),
                   "--expression-attribute-values", json.dumps({":u": {"S": "u1"}, ":a": {"N": "1"}})))
    assert [item["event"]["S"] for item in found["Items"]] == ["e2", "e3"]
    paged = ok(aws(lakebox_server, "dynamodb", "scan", "--table-name", table, "--page-size", "1"))
    assert paged["Count"] == 4 and len(paged["Items"]) == 4
    limited = ok(aws(lakebox_server, "dynamodb", "scan", "--table-name", table, "--max-items", "2"))
    assert len(limited["Items"]) == 2 and "NextToken" in limited
    failed = aws(lakebox_server, "dynamodb", "put-item", "--table-name", table, "--item",
                 json.dumps({"user": {"S": "u1"}, "at": {"N": "1"}}),
                 "--condition-expression", "attribute_not_exists(#u)",
                 "--expression-attribute-names", json.dumps({"#u": "user"}))
    assert failed.returncode != 0
    assert "ConditionalCheckFailedException" in failed.stderr and "The conditional request failed" in failed.stderr
    ok(aws(lakebox_server, "dynamodb", "delete-table", "--table-name", table))
    ok(aws(lakebox_server, "dynamodb", "wait", "table-not-exists", "--table-name", table))
    listed = ok(aws(lakebox_server, "dynamodb", "list-tables"))
    assert table not in listed["TableNames"]


def test_cli_glue_and_athena(lakebox_server, tmp_path):
    bucket, database = f"cli-{uuid.uuid4().hex[:10]}", f"cli_{uuid.uuid4().hex[:8]}"
    ran(aws(lakebox_server, "s3", "mb", f"s3://{bucket}"))
    data = tmp_path / "trips.csv"
    data.write_text("1,bike,3.5\n2,car,12.0\n3,bike,1.5\n")
    ran(aws(lakebox_server, "s3", "cp", str(data), f"s3://{bucket}/trips/trips.csv"))
    ok(aws(lakebox_server, "glue", "create-database", "--database-input", json.dumps({"Name": database})))
    table_input = {"Name": "trips", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "csv"},
                   "StorageDescriptor": {
                       "Columns": [{"Name": "id", "Type": "int"}, {"Name": "mode", "Type": "string"},
                                   {"Name": "km", "Type": "double"}],
                       "Location": f"s3://{bucket}/trips/",
                       "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                       "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                       "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                                     "Parameters": {"field.delim": ","}}}}
    ok(aws(lakebox_server, "glue", "create-table", "--database-name", database, "--table-input",
           json.dumps(table_input)))
    started = ok(aws(lakebox_server, "athena", "start-query-execution", "--query-string",
                     "SELECT mode, sum(km) AS km FROM trips GROUP BY mode ORDER BY mode",
                     "--query-execution-context", f"Database={database}",
                     "--result-configuration", f"OutputLocation=s3://{bucket}/results/"))
    query_id = started["QueryExecutionId"]
    for _ in range(300):
        state = ok(aws(lakebox_server, "athena", "get-query-execution", "--query-execution-id", query_id))
        if state["QueryExecution"]["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.2)
    assert state["QueryExecution"]["Status"]["State"] == "SUCCEEDED", state
    output = state["QueryExecution"]["ResultConfiguration"]["OutputLocation"]
    assert output == f"s3://{bucket}/results/{query_id}.csv"
    results = ok(aws(lakebox_server, "athena", "get-query-results", "--query-execution-id", query_id))
    rows = [[cell.get("VarCharValue") for cell in row["Data"]] for row in results["ResultSet"]["Rows"]]
    assert rows == [["mode", "km"], ["bike", "5.0"], ["car", "12.0"]]
    ran(aws(lakebox_server, "s3", "cp", output, str(tmp_path / "out.csv")))
    assert (tmp_path / "out.csv").read_text() == '"mode","km"\n"bike","5.0"\n"car","12.0"\n'
    executions = ok(aws(lakebox_server, "athena", "list-query-executions"))
    assert query_id in executions["QueryExecutionIds"]
    ok(aws(lakebox_server, "glue", "delete-table", "--database-name", database, "--name", "trips"))
    ok(aws(lakebox_server, "glue", "delete-database", "--name", database))
    ran(aws(lakebox_server, "s3", "rb", f"s3://{bucket}", "--force"))


def test_cli_kms_file_round_trip(lakebox_server, tmp_path):
    key = ok(aws(lakebox_server, "kms", "create-key", "--description", "cli key"))["KeyMetadata"]["KeyId"]
    alias = f"alias/cli-{uuid.uuid4().hex[:8]}"
    ok(aws(lakebox_server, "kms", "create-alias", "--alias-name", alias, "--target-key-id", key))
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"db-password=hunter2\n")
    sealed = ok(aws(lakebox_server, "kms", "encrypt", "--key-id", alias, "--plaintext", f"fileb://{secret}"))
    blob = tmp_path / "secret.bin"
    blob.write_bytes(base64.b64decode(sealed["CiphertextBlob"]))
    opened = ok(aws(lakebox_server, "kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}"))
    assert base64.b64decode(opened["Plaintext"]) == b"db-password=hunter2\n"
    assert opened["KeyId"].endswith(key)
    data_key = ok(aws(lakebox_server, "kms", "generate-data-key", "--key-id", alias, "--key-spec", "AES_128"))
    assert len(base64.b64decode(data_key["Plaintext"])) == 16
    aliases = ok(aws(lakebox_server, "kms", "list-aliases", "--key-id", key))["Aliases"]
    assert [a["AliasName"] for a in aliases] == [alias]
    ok(aws(lakebox_server, "kms", "delete-alias", "--alias-name", alias))
    scheduled = ok(aws(lakebox_server, "kms", "schedule-key-deletion", "--key-id", key,
                       "--pending-window-in-days", "7"))
    assert scheduled["KeyState"] == "PendingDeletion"
