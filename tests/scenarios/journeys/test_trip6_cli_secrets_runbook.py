"""An on-call runbook done entirely with the aws cli, step by step as an operator types it:
a KMS key and alias for the team's secrets, a file encrypted with `aws kms encrypt
--plaintext fileb://...` (the ciphertext kept as bytes with `--query CiphertextBlob
--output text` and base64-decoded) and decrypted back with `fileb://` and an encryption
context; a DynamoDB table made and waited for with `aws dynamodb wait table-exists`,
items written with `put-item --condition-expression` (the second write of the same
key fails with ConditionalCheckFailedException) and read with `query --projection-
expression --output text`; a Kinesis stream waited for, a record put and read back with
`get-shard-iterator` and `get-records` (cli v1 takes `--data` as typed and prints Data
base64-encoded); and the key disabled, after which `aws kms decrypt` exits with
DisabledException."""
import base64
import json
import uuid

from trip_helpers import aws, ok


def failed(done) -> str:
    assert done.returncode != 0, done.stdout
    return done.stderr.strip()


def test_runbook(lakebox_server, tmp_path):
    run = lambda *args, **kw: aws(lakebox_server, *args, **kw)      # noqa: E731 - a runbook's shorthand
    tag = uuid.uuid4().hex[:8]
    key = ok(run("kms", "create-key", "--description", "on-call secrets", "--tags",
                 "TagKey=team,TagValue=oncall"))["KeyMetadata"]
    alias = f"alias/oncall-{tag}"
    ok(run("kms", "create-alias", "--alias-name", alias, "--target-key-id", key["KeyId"]))
    aliases = ok(run("kms", "list-aliases", "--key-id", key["KeyId"]))["Aliases"]
    assert [a["AliasName"] for a in aliases] == [alias]

    secret = tmp_path / "db-password.txt"
    secret.write_bytes(b"correct horse battery staple\n")
    blob_b64 = run("kms", "encrypt", "--key-id", alias, "--plaintext", f"fileb://{secret}",
                   "--encryption-context", "app=billing", "--query", "CiphertextBlob", output="text")
    assert blob_b64.returncode == 0, blob_b64.stderr
    sealed = tmp_path / "db-password.enc"
    sealed.write_bytes(base64.b64decode(blob_b64.stdout.strip()))
    opened = ok(run("kms", "decrypt", "--ciphertext-blob", f"fileb://{sealed}", "--encryption-context", "app=billing"))
    assert base64.b64decode(opened["Plaintext"]) == secret.read_bytes()
    assert opened["KeyId"] == key["Arn"] and opened["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    wrong = failed(run("kms", "decrypt", "--ciphertext-blob", f"fileb://{sealed}", "--encryption-context", "app=ops"))
    assert "An error occurred (InvalidCiphertextException) when calling the Decrypt operation" in wrong

    table = f"oncall-{tag}"
    ok(run("dynamodb", "create-table", "--table-name", table, "--billing-mode", "PAY_PER_REQUEST",
           "--attribute-definitions", "AttributeName=service,AttributeType=S", "AttributeName=at,AttributeType=S",
           "--key-schema", "AttributeName=service,KeyType=HASH", "AttributeName=at,KeyType=RANGE"))
    waited = run("dynamodb", "wait", "table-exists", "--table-name", table)
    assert waited.returncode == 0, waited.stderr
    page = {"service": {"S": "billing"}, "at": {"S": "2024-06-01T02:13:00Z"}, "severity": {"S": "SEV2"},
            "note": {"S": "password rotated"}}
    ok(run("dynamodb", "put-item", "--table-name", table, "--item", json.dumps(page),
           "--condition-expression", "attribute_not_exists(service)"))
    again = failed(run("dynamodb", "put-item", "--table-name", table, "--item", json.dumps(page),
                       "--condition-expression", "attribute_not_exists(service)"))
    assert ("An error occurred (ConditionalCheckFailedException) when calling the PutItem operation: "
            "The conditional request failed") in again
    found = run("dynamodb", "query", "--table-name", table, "--key-condition-expression", "service = :s",
                "--expression-attribute-values", '{":s": {"S": "billing"}}', "--projection-expression",
                "severity, note", "--query", "Items[0].[severity.S, note.S]", output="text")
    assert found.returncode == 0, found.stderr
    assert found.stdout.split("\t") == ["SEV2", "password rotated\n"]

    stream = f"oncall-events-{tag}"
    ok(run("kinesis", "create-stream", "--stream-name", stream, "--shard-count", "1"))
    assert run("kinesis", "wait", "stream-exists", "--stream-name", stream).returncode == 0
    put = ok(run("kinesis", "put-record", "--stream-name", stream, "--partition-key", "billing",
                 "--data", '{"event": "rotated"}'))        # cli v1 sends a blob argument as it is typed
    assert put["ShardId"] == "shardId-000000000000"
    iterator = ok(run("kinesis", "get-shard-iterator", "--stream-name", stream, "--shard-id", put["ShardId"],
                      "--shard-iterator-type", "AT_SEQUENCE_NUMBER", "--starting-sequence-number",
                      put["SequenceNumber"]))["ShardIterator"]
    records = ok(run("kinesis", "get-records", "--shard-iterator", iterator, "--limit", "1"))["Records"]
    assert [base64.b64decode(r["Data"]) for r in records] == [b'{"event": "rotated"}']
    assert records[0]["PartitionKey"] == "billing" and records[0]["SequenceNumber"] == put["SequenceNumber"]

    ok(run("kms", "disable-key", "--key-id", key["KeyId"]))
    disabled = failed(run("kms", "decrypt", "--ciphertext-blob", f"fileb://{sealed}",
                          "--encryption-context", "app=billing"))
    assert f"An error occurred (DisabledException) when calling the Decrypt operation: {key['Arn']} is disabled." \
        in disabled

    ok(run("kinesis", "delete-stream", "--stream-name", stream))
    ok(run("dynamodb", "delete-table", "--table-name", table))
    ok(run("kms", "delete-alias", "--alias-name", alias))
    scheduled = ok(run("kms", "schedule-key-deletion", "--key-id", key["KeyId"], "--pending-window-in-days", "7"))
    assert scheduled["KeyState"] == "PendingDeletion"
