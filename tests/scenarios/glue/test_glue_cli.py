"""The Data Catalog with the aws cli, run as a user runs it."""
import json
import uuid

from aws_cli import run_cli


def aws(lakebox_server, *args):
    return run_cli(lakebox_server, "glue", *args)


def ok(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_cli_catalog_round_trip(lakebox_server):
    database = f"cli_{uuid.uuid4().hex[:8]}"
    ok(aws(lakebox_server, "create-database", "--database-input", json.dumps({"Name": database})))
    table_input = {"Name": "logs", "PartitionKeys": [{"Name": "dt", "Type": "string"}],
                   "StorageDescriptor": {"Columns": [{"Name": "line", "Type": "string"}],
                                         "Location": "s3://lake/logs/"}}
    ok(aws(lakebox_server, "create-table", "--database-name", database, "--table-input", json.dumps(table_input)))
    ok(aws(lakebox_server, "batch-create-partition", "--database-name", database, "--table-name", "logs",
           "--partition-input-list", json.dumps([{"Values": [f"2024-01-0{d}"]} for d in range(1, 5)])))
    found = ok(aws(lakebox_server, "get-partitions", "--database-name", database, "--table-name", "logs",
                   "--expression", "dt >= '2024-01-03'"))
    assert sorted(p["Values"][0] for p in found["Partitions"]) == ["2024-01-03", "2024-01-04"]
    tables = ok(aws(lakebox_server, "get-tables", "--database-name", database))
    assert [t["Name"] for t in tables["TableList"]] == ["logs"]

    missing = aws(lakebox_server, "get-table", "--database-name", database, "--name", "nope")
    assert missing.returncode != 0
    assert "An error occurred (EntityNotFoundException) when calling the GetTable operation: " \
           "Table nope not found." in missing.stderr
    ok(aws(lakebox_server, "delete-database", "--name", database))
