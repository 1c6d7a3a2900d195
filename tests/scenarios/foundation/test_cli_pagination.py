"""The aws cli's automatic pagination over lakebox: `--page-size` fetches every page and
prints everything, `--max-items` stops after that many items and prints a NextToken,
and `--starting-token` continues where it stopped; `--no-paginate` prints one page.
Each case lists more items than a page holds, in an account of its own."""
import uuid

import pytest

from aws_cli import answer_of, run_cli
from paging import account_client, fresh_account

pytestmark = pytest.mark.local_only

NAMES = [f"paging-{n}" for n in range(6)]


def _s3_objects(server, account):
    s3 = account_client(server, "s3", account)
    bucket = f"cli-paging-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    for name in NAMES[::-1]:
        s3.put_object(Bucket=bucket, Key=name, Body=b"x")
    return ["s3api", "list-objects-v2", "--bucket", bucket], "Contents", lambda o: o["Key"], NAMES


def _ddb_items(server, account):
    ddb = account_client(server, "dynamodb", account)
    ddb.create_table(TableName="items", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    for name in NAMES:
        ddb.put_item(TableName="items", Item={"pk": {"S": name}})
    listed = [item["pk"]["S"] for item in ddb.scan(TableName="items")["Items"]]
    return ["dynamodb", "scan", "--table-name", "items"], "Items", lambda i: i["pk"]["S"], listed


def _glue_tables(server, account):
    glue = account_client(server, "glue", account)
    glue.create_database(DatabaseInput={"Name": "lake"})
    for name in NAMES[::-1]:
        glue.create_table(DatabaseName="lake", TableInput={"Name": name.replace("-", "_")})
    names = [name.replace("-", "_") for name in NAMES]
    return ["glue", "get-tables", "--database-name", "lake"], "TableList", lambda t: t["Name"], names


def _kinesis_streams(server, account):
    kinesis = account_client(server, "kinesis", account)
    for name in NAMES[::-1]:
        kinesis.create_stream(StreamName=name, ShardCount=1)
    return ["kinesis", "list-streams"], "StreamNames", lambda name: name, NAMES


def _kms_keys(server, account):
    kms = account_client(server, "kms", account)
    arns = [kms.create_key()["KeyMetadata"]["Arn"] for _ in NAMES]
    listed = [key["KeyArn"] for key in kms.list_keys()["Keys"]]
    assert sorted(listed) == sorted(arns)
    return ["kms", "list-keys"], "Keys", lambda k: k["KeyArn"], listed


CASES = {"s3api list-objects-v2": _s3_objects, "dynamodb scan": _ddb_items, "glue get-tables": _glue_tables,
         "kinesis list-streams": _kinesis_streams, "kms list-keys": _kms_keys}


@pytest.fixture(params=list(CASES))
def listing(request, lakebox_server):
    account = fresh_account()
    command, member, key_of, expected = CASES[request.param](lakebox_server, account)
    return account, command, member, key_of, expected


def _listed(lakebox_server, account, command, member, key_of, *args):
    answer = answer_of(run_cli(lakebox_server, *command, *args, access_key=account))
    return [key_of(item) for item in answer.get(member, [])], answer.get("NextToken")


def test_page_size_prints_everything(lakebox_server, listing):
    account, command, member, key_of, expected = listing
    assert _listed(lakebox_server, account, command, member, key_of, "--page-size", "2") == (expected, None)


def test_max_items_then_starting_token_continue(lakebox_server, listing):
    account, command, member, key_of, expected = listing
    head, token = _listed(lakebox_server, account, command, member, key_of, "--page-size", "2", "--max-items", "3")
    assert head == expected[:3] and token
    rest, last = _listed(lakebox_server, account, command, member, key_of, "--page-size", "2",
                         "--starting-token", token)
    assert (head + rest, last) == (expected, None)


def test_no_paginate_prints_one_page(lakebox_server):
    account = fresh_account()
    command, member, key_of, expected = _s3_objects(lakebox_server, account)
    answer = answer_of(run_cli(lakebox_server, *command, "--max-keys", "2", "--no-paginate", access_key=account))
    assert [key_of(item) for item in answer["Contents"]] == expected[:2]
    assert answer["IsTruncated"] is True and answer["NextContinuationToken"]
