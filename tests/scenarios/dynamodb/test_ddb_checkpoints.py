"""A Kinesis Client Library-style lease table under contention: workers take and renew
leases with conditional writes from many threads at once; every lease counter value is
won by exactly one worker, and every checkpoint a winner wrote is there."""
import threading

import pytest
from botocore.config import Config


@pytest.fixture
def leases(lakebox_server, make_table):
    return make_table(hash=("leaseKey", "S"))


def _take(client, table, shard, worker, tally, lock):
    """Read the lease, then try to bump its counter; returns whether this worker won."""
    item = client.get_item(TableName=table, Key={"leaseKey": {"S": shard}}, ConsistentRead=True).get("Item")
    try:
        if item is None:
            client.put_item(TableName=table, Item={"leaseKey": {"S": shard}, "leaseOwner": {"S": worker},
                                                   "leaseCounter": {"N": "1"}, "checkpoint": {"S": worker}},
                            ConditionExpression="attribute_not_exists(leaseKey)")
            won = 1
        else:
            counter = int(item["leaseCounter"]["N"])
            client.update_item(TableName=table, Key={"leaseKey": {"S": shard}},
                               UpdateExpression="SET leaseOwner = :me, leaseCounter = :next, checkpoint = :me",
                               ConditionExpression="leaseCounter = :seen",
                               ExpressionAttributeValues={":me": {"S": worker}, ":seen": {"N": str(counter)},
                                                          ":next": {"N": str(counter + 1)}})
            won = counter + 1
    except client.exceptions.ConditionalCheckFailedException:
        return
    with lock:
        tally.setdefault(won, []).append(worker)


def test_conditional_lease_takeover_under_contention(lakebox_server, leases):
    tally, lock = {}, threading.Lock()

    def worker(name):
        client = lakebox_server.client("dynamodb", config=Config(retries={"total_max_attempts": 1},
                                                                 max_pool_connections=2))
        for _ in range(25):
            _take(client, leases, "shardId-000000000000", name, tally, lock)

    threads = [threading.Thread(target=worker, args=(f"worker-{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(len(winners) == 1 for winners in tally.values())
    final = lakebox_server.client("dynamodb").get_item(TableName=leases, Key={"leaseKey": {"S": "shardId-000000000000"}},
                                                       ConsistentRead=True)["Item"]
    highest = max(tally)
    assert sorted(tally) == list(range(1, highest + 1))
    assert int(final["leaseCounter"]["N"]) == highest
    assert final["leaseOwner"]["S"] == final["checkpoint"]["S"] == tally[highest][0]
