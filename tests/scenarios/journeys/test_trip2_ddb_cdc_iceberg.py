"""Change data capture from DynamoDB into an Iceberg table: the application writes a
table with a NEW_AND_OLD_IMAGES stream; a consumer reads the stream with the
dynamodbstreams client from where it left off, keeps the last change per key, stages the
batch as JSON lines in S3 and MERGEs it into the Iceberg table through pyathena; time
travel shows the table as it was after the first batch."""
import json
from decimal import Decimal

import pytest
from boto3.dynamodb.types import TypeDeserializer

from trip_helpers import KEY, REGION, SECRET

DESERIALIZE = TypeDeserializer().deserialize


@pytest.fixture
def customers(resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, KeySchema=[{"AttributeName": "customer_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "customer_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    table.wait_until_exists()
    return table


class StreamReader:
    """Reads every shard of a table's stream, remembering each shard's position."""

    def __init__(self, streams, arn):
        self.streams, self.arn, self.positions = streams, arn, {}

    def changes(self) -> list:
        found = []
        for shard in self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]:
            after = self.positions.get(shard["ShardId"])
            kwargs = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after} if after
                      else {"ShardIteratorType": "TRIM_HORIZON"})
            iterator = self.streams.get_shard_iterator(StreamArn=self.arn, ShardId=shard["ShardId"],
                                                       **kwargs)["ShardIterator"]
            while iterator:
                page = self.streams.get_records(ShardIterator=iterator, Limit=100)
                found += page["Records"]
                if page["Records"]:
                    self.positions[shard["ShardId"]] = page["Records"][-1]["dynamodb"]["SequenceNumber"]
                iterator = page.get("NextShardIterator") if page["Records"] else None
        return found


def last_change_per_key(records) -> list:
    """One staged row per customer, its last change (a stream keeps each key's changes in
    order): MERGE wants at most one source row per target row."""
    latest = {}
    for record in records:
        change = record["dynamodb"]
        key = DESERIALIZE(change["Keys"]["customer_id"])
        if record["eventName"] == "REMOVE":
            latest[key] = {"op": "D", "customer_id": key, "name": None, "tier": None, "balance": None}
        else:
            image = {k: DESERIALIZE(v) for k, v in change["NewImage"].items()}
            latest[key] = {"op": "U", "customer_id": key, "name": image["name"], "tier": image.get("tier"),
                           "balance": int(image["balance"])}
    return list(latest.values())


MERGE = """
MERGE INTO customers t USING staged s ON t.customer_id = s.customer_id
WHEN MATCHED AND s.op = 'D' THEN DELETE
WHEN MATCHED THEN UPDATE SET name = s.name, tier = s.tier, balance = s.balance
WHEN NOT MATCHED AND s.op = 'U' THEN INSERT (customer_id, name, tier, balance)
     VALUES (s.customer_id, s.name, s.tier, s.balance)"""


def apply_batch(s3, cursor, bucket, batch_no, rows):
    s3.put_object(Bucket=bucket, Key=f"staging/customers/batch-{batch_no:04d}.json",
                  Body="".join(json.dumps(r) + "\n" for r in rows).encode())
    cursor.execute(MERGE)
    for item in s3.list_objects_v2(Bucket=bucket, Prefix="staging/customers/")["Contents"]:
        s3.delete_object(Bucket=bucket, Key=item["Key"])


def test_stream_changes_merged_into_iceberg(lakebox_server, client, customers, bucket, database):
    from pyathena import connect
    s3 = client("s3")
    cursor = connect(s3_staging_dir=f"s3://{bucket}/athena/", region_name=REGION, schema_name=database,
                     aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                     endpoint_url=lakebox_server.endpoint).cursor()
    cursor.execute(f"CREATE TABLE customers (customer_id string, name string, tier string, balance bigint) "
                   f"LOCATION 's3://{bucket}/lake/customers/' TBLPROPERTIES ('table_type'='ICEBERG')")
    cursor.execute("CREATE EXTERNAL TABLE staged (op string, customer_id string, name string, tier string, "
                   "balance bigint) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
                   f"LOCATION 's3://{bucket}/staging/customers/'")
    reader = StreamReader(client("dynamodbstreams"), customers.latest_stream_arn)

    with customers.batch_writer() as writer:
        for n in range(1, 6):
            writer.put_item(Item={"customer_id": f"c{n}", "name": f"Customer {n}", "balance": Decimal(n * 100)})
    customers.update_item(Key={"customer_id": "c2"}, UpdateExpression="SET tier = :t, balance = balance + :d",
                          ExpressionAttributeValues={":t": "gold", ":d": Decimal(50)})
    first = reader.changes()
    assert sorted(r["eventName"] for r in first) == ["INSERT"] * 5 + ["MODIFY"]
    [modified] = [r["dynamodb"] for r in first if r["eventName"] == "MODIFY"]
    assert DESERIALIZE(modified["OldImage"]["balance"]) == 200 and DESERIALIZE(modified["NewImage"]["balance"]) == 250
    apply_batch(s3, cursor, bucket, 1, last_change_per_key(first))
    cursor.execute("SELECT snapshot_id FROM \"customers$snapshots\" ORDER BY committed_at DESC LIMIT 1")
    (after_first,) = cursor.fetchone()

    customers.delete_item(Key={"customer_id": "c1"})
    customers.put_item(Item={"customer_id": "c6", "name": "Customer 6", "tier": "silver", "balance": Decimal(5)})
    customers.update_item(Key={"customer_id": "c3"}, UpdateExpression="SET #n = :n",
                          ExpressionAttributeNames={"#n": "name"}, ExpressionAttributeValues={":n": "Renamed"})
    customers.update_item(Key={"customer_id": "c3"}, UpdateExpression="SET balance = :b",
                          ExpressionAttributeValues={":b": Decimal(0)})
    customers.put_item(Item={"customer_id": "c7", "name": "Short-lived", "balance": Decimal(1)})
    customers.delete_item(Key={"customer_id": "c7"})
    second = reader.changes()
    assert sorted(r["eventName"] for r in second) == ["INSERT", "INSERT", "MODIFY", "MODIFY", "REMOVE", "REMOVE"]
    apply_batch(s3, cursor, bucket, 2, last_change_per_key(second))
    assert reader.changes() == []

    cursor.execute("SELECT customer_id, name, tier, balance FROM customers ORDER BY customer_id")
    now = cursor.fetchall()
    assert now == [("c2", "Customer 2", "gold", 250), ("c3", "Renamed", None, 0), ("c4", "Customer 4", None, 400),
                   ("c5", "Customer 5", None, 500), ("c6", "Customer 6", "silver", 5)]
    source = sorted((i["customer_id"], i["name"], i.get("tier"), int(i["balance"])) for i in customers.scan()["Items"])
    assert now == source

    cursor.execute(f"SELECT customer_id, tier, balance FROM customers FOR VERSION AS OF {after_first} "
                   "ORDER BY customer_id")
    assert cursor.fetchall() == [("c1", None, 100), ("c2", "gold", 250), ("c3", None, 300), ("c4", None, 400),
                                 ("c5", None, 500)]
    cursor.execute("SELECT count(*) FROM \"customers$snapshots\"")
    assert cursor.fetchone() == (2,)
    cursor.execute("DROP TABLE staged")
    cursor.execute("DROP TABLE customers")
