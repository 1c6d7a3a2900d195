"""DynamoDB through the aws cli as a user scripts it: items from files, key condition
queries, filtered scans, paginated --max-items with --starting-token, and the server's
errors on stderr."""
import json
import uuid

import pytest

from aws_cli import run_cli


@pytest.fixture
def aws(lakebox_server, tmp_path):
    def run(*args):
        return run_cli(lakebox_server, "dynamodb", *args, cwd=tmp_path, max_attempts=1)
    return run


def _ok(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


@pytest.fixture
def music(aws, tmp_path):
    name = f"music-{uuid.uuid4().hex[:10]}"
    _ok(aws("create-table", "--table-name", name,
            "--attribute-definitions", "AttributeName=Artist,AttributeType=S", "AttributeName=SongTitle,AttributeType=S",
            "--key-schema", "AttributeName=Artist,KeyType=HASH", "AttributeName=SongTitle,KeyType=RANGE",
            "--provisioned-throughput", "ReadCapacityUnits=5,WriteCapacityUnits=5"))
    _ok(aws("wait", "table-exists", "--table-name", name))
    yield name
    _ok(aws("delete-table", "--table-name", name))


def test_put_item_from_a_file_and_read_it_back(aws, music, tmp_path):
    item = {"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"},
            "AlbumTitle": {"S": "Somewhat Famous"}, "Awards": {"N": "1"}, "Genres": {"SS": ["pop", "rock"]}}
    (tmp_path / "item.json").write_text(json.dumps(item))
    answer = _ok(aws("put-item", "--table-name", music, "--item", "file://item.json",
                     "--return-consumed-capacity", "TOTAL"))
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 1.0
    (tmp_path / "key.json").write_text(json.dumps({"Artist": item["Artist"], "SongTitle": item["SongTitle"]}))
    got = _ok(aws("get-item", "--table-name", music, "--key", "file://key.json", "--consistent-read",
                  "--projection-expression", "AlbumTitle, Awards"))
    assert got == {"Item": {"AlbumTitle": {"S": "Somewhat Famous"}, "Awards": {"N": "1"}}}
    updated = _ok(aws("update-item", "--table-name", music, "--key", "file://key.json",
                      "--update-expression", "SET Awards = Awards + :incr", "--expression-attribute-values",
                      '{":incr": {"N": "1"}}', "--return-values", "UPDATED_NEW"))
    assert updated == {"Attributes": {"Awards": {"N": "2"}}}
    failed = aws("put-item", "--table-name", music, "--item", "file://item.json",
                 "--condition-expression", "attribute_not_exists(Artist)")
    assert failed.returncode != 0
    assert ("An error occurred (ConditionalCheckFailedException) when calling the PutItem operation: "
            "The conditional request failed") in failed.stderr


def test_query_scan_and_paginate(aws, music, tmp_path):
    requests = [{"PutRequest": {"Item": {"Artist": {"S": "Acme Band" if n < 12 else "Other"},
                                         "SongTitle": {"S": f"Song {n:02d}"}, "Plays": {"N": str(n * 10)}}}}
                for n in range(20)]
    for start in (0, 10):
        (tmp_path / "batch.json").write_text(json.dumps({music: requests[start:start + 10]}))
        assert _ok(aws("batch-write-item", "--request-items", "file://batch.json")) == {"UnprocessedItems": {}}
    found = _ok(aws("query", "--table-name", music,
                    "--key-condition-expression", "Artist = :a AND begins_with(SongTitle, :t)",
                    "--expression-attribute-values", '{":a": {"S": "Acme Band"}, ":t": {"S": "Song 0"}}',
                    "--no-scan-index-forward"))
    assert [i["SongTitle"]["S"] for i in found["Items"]][:3] == ["Song 09", "Song 08", "Song 07"]
    assert found["Count"] == 10 and found["ScannedCount"] == 10
    scanned = _ok(aws("scan", "--table-name", music, "--filter-expression", "Plays > :p",
                      "--expression-attribute-values", '{":p": {"N": "150"}}'))
    assert sorted(i["SongTitle"]["S"] for i in scanned["Items"]) == ["Song 16", "Song 17", "Song 18", "Song 19"]
    assert scanned["ScannedCount"] == 20
    first = _ok(aws("scan", "--table-name", music, "--max-items", "7", "--page-size", "3"))
    assert len(first["Items"]) == 7 and "NextToken" in first
    rest = _ok(aws("scan", "--table-name", music, "--starting-token", first["NextToken"]))
    assert len(rest["Items"]) == 13 and "NextToken" not in rest
    keys = {(i["Artist"]["S"], i["SongTitle"]["S"]) for i in first["Items"] + rest["Items"]}
    assert len(keys) == 20
    counted = _ok(aws("query", "--table-name", music, "--key-condition-expression", "Artist = :a",
                      "--expression-attribute-values", '{":a": {"S": "Acme Band"}}', "--select", "COUNT"))
    assert counted["Count"] == 12 and "Items" not in counted


def test_cli_validation_errors(aws, music):
    missing = aws("put-item", "--table-name", music, "--item", '{"Artist": {"S": "x"}}')
    assert ("An error occurred (ValidationException) when calling the PutItem operation: One or more parameter "
            "values were invalid: Missing the key SongTitle in the item") in missing.stderr
    bad = aws("query", "--table-name", music, "--key-condition-expression", "Artist = :a AND Plays > :p",
              "--expression-attribute-values", '{":a": {"S": "x"}, ":p": {"N": "1"}}')
    assert ("An error occurred (ValidationException) when calling the Query operation: "
            "Query key condition not supported") in bad.stderr
    syntax = aws("scan", "--table-name", music, "--filter-expression", "Plays >")
    assert ("An error occurred (ValidationException) when calling the Scan operation: Invalid FilterExpression: "
            "Syntax error; token: \"<EOF>\", near: \">\"") in syntax.stderr
