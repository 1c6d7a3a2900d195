"""A document service keeps rendered pages of ~350 KB in DynamoDB and mirrors them to a
CDN from the table's NEW_IMAGE stream. Its poller asks for up to 1000 records a call,
but GetRecords returns at most 1 MB of data: three large documents come back two in the
first page and one in the next, none lost or repeated, the page sizes within 1 MB."""
import uuid

from trip_helpers import keyed_table

DOCUMENT = 360_000


def test_a_cdn_mirror_reads_large_documents_a_megabyte_at_a_time(client, resource):
    ddb, streams = client("dynamodb"), client("dynamodbstreams")
    name = f"pages-{uuid.uuid4().hex[:10]}"
    pages = keyed_table(resource("dynamodb"), name, "path")
    try:
        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
        for path in ("/a", "/b", "/c"):
            pages.put_item(Item={"path": path, "html": path[-1] * DOCUMENT})
        [shard] = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        first = streams.get_records(ShardIterator=iterator, Limit=1000)
        second = streams.get_records(ShardIterator=first["NextShardIterator"], Limit=1000)
        assert [r["dynamodb"]["Keys"]["path"]["S"] for r in first["Records"]] == ["/a", "/b"]
        assert [r["dynamodb"]["Keys"]["path"]["S"] for r in second["Records"]] == ["/c"]
        size = 4 + 2 + 4 + 2 + 4 + DOCUMENT                    # Keys, then the NewImage: path and html
        assert [r["dynamodb"]["SizeBytes"] for r in first["Records"] + second["Records"]] == [size] * 3
        assert second["Records"][0]["dynamodb"]["NewImage"]["html"]["S"] == "c" * DOCUMENT
        assert streams.get_records(ShardIterator=second["NextShardIterator"])["Records"] == []
    finally:
        ddb.delete_table(TableName=name)
