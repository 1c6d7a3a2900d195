"""DynamoDB with the aws cli, run as a user runs it."""
import json
import uuid

from aws_cli import run_cli


def aws(lakebox_server, *args):
    return run_cli(lakebox_server, "dynamodb", *args)


def _ok(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_cli_table_and_items(lakebox_server):
    name = f"cli-{uuid.uuid4().hex[:10]}"
    _ok(aws(lakebox_server, "create-table", "--table-name", name, "--billing-mode", "PAY_PER_REQUEST",
            "--attribute-definitions", "AttributeName=id,AttributeType=S", "AttributeName=seen,AttributeType=N",
            "--key-schema", "AttributeName=id,KeyType=HASH", "AttributeName=seen,KeyType=RANGE"))
    _ok(aws(lakebox_server, "wait", "table-exists", "--table-name", name))
    for at in (1, 2, 3):
        _ok(aws(lakebox_server, "put-item", "--table-name", name,
                "--item", json.dumps({"id": {"S": "dev"}, "seen": {"N": str(at)}, "temp": {"N": f"2{at}.5"}})))
    found = _ok(aws(lakebox_server, "query", "--table-name", name, "--key-condition-expression",
                    "id = :d AND seen >= :two", "--expression-attribute-values",
                    json.dumps({":d": {"S": "dev"}, ":two": {"N": "2"}})))
    assert [i["temp"]["N"] for i in found["Items"]] == ["22.5", "23.5"]
    scanned = _ok(aws(lakebox_server, "scan", "--table-name", name, "--select", "COUNT"))
    assert scanned["Count"] == 3
    _ok(aws(lakebox_server, "delete-table", "--table-name", name))


def test_cli_shows_the_server_error(lakebox_server):
    done = aws(lakebox_server, "describe-table", "--table-name", "cli-no-such-table")
    assert done.returncode != 0
    assert "ResourceNotFoundException" in done.stderr
    assert "Requested resource not found: Table: cli-no-such-table not found" in done.stderr
