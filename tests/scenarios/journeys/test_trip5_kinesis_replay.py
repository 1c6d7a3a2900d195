"""Replaying a Kinesis stream after a bug fix: a consumer reads both shards of the
orders stream, checkpoints each shard's last sequence number in DynamoDB and writes each
batch as JSON lines to S3 for Athena; a bug in its currency conversion is found, so the
operator deletes the bad batch and replays from the time it began (AT_TIMESTAMP
iterators), while the checkpoints let the normal run resume after the last record
(AFTER_SEQUENCE_NUMBER) and see only new ones."""
import json
import time
from decimal import Decimal

import pytest

from trip_helpers import active_stream, athena_execution, athena_rows, keyed_table

RATES = {"EUR": Decimal("1.1"), "GBP": Decimal("1.25"), "USD": Decimal("1")}


@pytest.fixture
def stream(client):
    kinesis = client("kinesis")
    name, arn = active_stream(kinesis, "orders", shards=2)
    yield name
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


class Consumer:
    def __init__(self, kinesis, s3, checkpoints, stream, bucket, rates):
        self.kinesis, self.s3, self.checkpoints = kinesis, s3, checkpoints
        self.stream, self.bucket, self.rates = stream, bucket, rates

    def iterators(self, **start):
        shards = self.kinesis.list_shards(StreamName=self.stream)["Shards"]
        found = {}
        for shard in shards:
            kind = dict(start)
            if not kind:
                saved = self.checkpoints.get_item(Key={"shard_id": shard["ShardId"]}).get("Item")
                kind = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": saved["sequence"]}
                        if saved else {"ShardIteratorType": "TRIM_HORIZON"})
            found[shard["ShardId"]] = self.kinesis.get_shard_iterator(StreamName=self.stream,
                                                                      ShardId=shard["ShardId"], **kind)["ShardIterator"]
        return found

    def run(self, batch_name, **start) -> int:
        lines, count = [], 0
        for shard_id, iterator in self.iterators(**start).items():
            while iterator:
                page = self.kinesis.get_records(ShardIterator=iterator, Limit=50)
                time.sleep(0.25)             # within a shard's five GetRecords calls a second
                for record in page["Records"]:
                    order = json.loads(record["Data"])
                    usd = Decimal(str(order["amount"])) * self.rates[order["currency"]]
                    lines.append(json.dumps({"order_id": order["order_id"], "usd": float(round(usd, 2)),
                                             "shard": shard_id}))
                if page["Records"]:
                    self.checkpoints.put_item(Item={"shard_id": shard_id,
                                                    "sequence": page["Records"][-1]["SequenceNumber"]})
                count += len(page["Records"])
                iterator = page.get("NextShardIterator") if page["MillisBehindLatest"] > 0 else None
        if lines:
            self.s3.put_object(Bucket=self.bucket, Key=f"orders_usd/{batch_name}.json", Body="\n".join(lines).encode())
        return count


def put_orders(kinesis, stream, orders):
    answer = kinesis.put_records(StreamName=stream, Records=[
        {"Data": json.dumps(o).encode(), "PartitionKey": str(o["order_id"])} for o in orders])
    assert answer["FailedRecordCount"] == 0
    return answer["Records"]


def test_replay_from_a_timestamp_after_a_fix(client, resource, bucket, database, table_name, stream):
    kinesis, s3, athena = client("kinesis"), client("s3"), client("athena")
    checkpoints = keyed_table(resource("dynamodb"), table_name, "shard_id")
    output = f"s3://{bucket}/athena/"
    athena_execution(athena, f"""CREATE EXTERNAL TABLE orders_usd (order_id int, usd double, shard string)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{bucket}/orders_usd/'""",
                     database, output)

    put_orders(kinesis, stream, [{"order_id": i, "amount": 10, "currency": "USD"} for i in range(1, 5)])
    good = Consumer(kinesis, s3, checkpoints, stream, bucket, RATES)
    assert good.run("batch-1") == 4

    time.sleep(1.1)                      # the next orders arrive at a later second than the first ones
    written = put_orders(kinesis, stream, [{"order_id": i, "amount": 10, "currency": c}
                                           for i, c in ((5, "EUR"), (6, "GBP"), (7, "EUR"))])
    arrived = kinesis.get_records(ShardIterator=kinesis.get_shard_iterator(
        StreamName=stream, ShardId=written[0]["ShardId"], ShardIteratorType="AT_SEQUENCE_NUMBER",
        StartingSequenceNumber=written[0]["SequenceNumber"])["ShardIterator"], Limit=1)["Records"][0]
    bug_started = arrived["ApproximateArrivalTimestamp"]
    buggy = Consumer(kinesis, s3, checkpoints, stream, bucket, {**RATES, "EUR": Decimal("0.9")})
    assert buggy.run("batch-2") == 3
    assert athena_rows(athena, "SELECT round(sum(usd), 2) FROM orders_usd", database, output) == [["70.5"]]

    s3.delete_object(Bucket=bucket, Key="orders_usd/batch-2.json")
    replayed = Consumer(kinesis, s3, checkpoints, stream, bucket, RATES)
    assert replayed.run("batch-2-replay", ShardIteratorType="AT_TIMESTAMP", Timestamp=bug_started) == 3
    assert athena_rows(athena, "SELECT order_id, usd FROM orders_usd WHERE order_id > 4 ORDER BY order_id",
                       database, output) == [["5", "11.0"], ["6", "12.5"], ["7", "11.0"]]

    put_orders(kinesis, stream, [{"order_id": 8, "amount": 4, "currency": "USD"}])
    assert good.run("batch-3") == 1                                    # resumes after each shard's checkpoint
    assert athena_rows(athena, "SELECT count(*), count(DISTINCT order_id), round(sum(usd), 2) FROM orders_usd",
                       database, output) == [["8", "8", "78.5"]]
    shards = {i["shard_id"] for i in checkpoints.scan()["Items"]}
    assert shards == {s["ShardId"] for s in kinesis.list_shards(StreamName=stream)["Shards"]}
