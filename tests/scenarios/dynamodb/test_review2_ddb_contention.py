"""Writers racing on the same items, as services do: threads claim a lease with a
conditional put (exactly one wins, the others get ConditionalCheckFailedException with
the winner's item when they ask for it), and threads move stock with optimistic
transactions that retry when the version they read has moved on (cancelled with
ConditionalCheckFailed); no update is lost and every success leaves its audit item."""
import threading
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

WORKERS = 4


@pytest.fixture
def new_client(lakebox_server):
    """One client per thread, as boto3 advises for threads."""
    config = Config(retries={"total_max_attempts": 1})

    def make():
        if lakebox_server.endpoint:
            return boto3.session.Session().client("dynamodb", endpoint_url=lakebox_server.endpoint,
                                                  region_name="us-east-1", aws_access_key_id="test",
                                                  aws_secret_access_key="test", config=config)
        return boto3.session.Session().client("dynamodb", region_name="us-east-1", config=config)
    return make


def _run(workers):
    threads = [threading.Thread(target=work) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)


def test_one_writer_wins_the_lease(ddb, make_table, new_client):
    name = make_table(hash=("lease", "S"))
    outcomes = {}

    def claim(owner):
        client = new_client()
        try:
            client.put_item(TableName=name, Item={"lease": {"S": "shard-0"}, "owner": {"S": owner}},
                            ConditionExpression="attribute_not_exists(lease)",
                            ReturnValuesOnConditionCheckFailure="ALL_OLD")
            outcomes[owner] = "won"
        except ClientError as error:
            outcomes[owner] = (error.response["Error"]["Code"], error.response.get("Item", {}).get("owner"))

    _run([lambda owner=f"worker-{n}": claim(owner) for n in range(WORKERS)])
    winners = [owner for owner, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1
    losers = [outcome for outcome in outcomes.values() if outcome != "won"]
    assert losers == [("ConditionalCheckFailedException", {"S": winners[0]})] * (WORKERS - 1)
    assert ddb.get_item(TableName=name, Key={"lease": {"S": "shard-0"}})["Item"]["owner"] == {"S": winners[0]}


def test_optimistic_transactions_lose_no_update(ddb, make_table, new_client):
    name = make_table(range=("sk", "S"))
    stock = {"pk": {"S": "widget"}, "sk": {"S": "stock"}}
    ddb.put_item(TableName=name, Item={**stock, "count": {"N": "0"}, "version": {"N": "0"}})
    per_worker = 5

    def move():
        client = new_client()
        done = 0
        while done < per_worker:
            seen = client.get_item(TableName=name, Key=stock, ConsistentRead=True)["Item"]["version"]["N"]
            try:
                client.transact_write_items(TransactItems=[
                    {"Update": {"TableName": name, "Key": stock, "ConditionExpression": "version = :seen",
                                "UpdateExpression": "SET #c = #c + :one, version = version + :one",
                                "ExpressionAttributeNames": {"#c": "count"},
                                "ExpressionAttributeValues": {":seen": {"N": seen}, ":one": {"N": "1"}}}},
                    {"Put": {"TableName": name, "Item": {"pk": {"S": "widget"}, "sk": {"S": f"audit#{uuid.uuid4()}"},
                                                         "version": {"N": seen}},
                             "ConditionExpression": "attribute_not_exists(sk)"}}])
                done += 1
            except client.exceptions.TransactionCanceledException as cancelled:
                reasons = [r["Code"] for r in cancelled.response["CancellationReasons"]]
                assert reasons == ["ConditionalCheckFailed", "None"]

    _run([move] * WORKERS)
    item = ddb.get_item(TableName=name, Key=stock, ConsistentRead=True)["Item"]
    assert item["count"] == {"N": str(WORKERS * per_worker)} and item["version"] == item["count"]
    audits = ddb.query(TableName=name, KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
                       ExpressionAttributeValues={":p": {"S": "widget"}, ":a": {"S": "audit#"}})["Items"]
    assert sorted(int(a["version"]["N"]) for a in audits) == list(range(WORKERS * per_worker))
