"""KPL-aggregated records (made with aws-kinesis-agg, the KPL's format) go through the
stream untouched and a consumer de-aggregates them into the original user records."""
import base64

from aws_kinesis_agg.aggregator import RecordAggregator
from aws_kinesis_agg.deaggregator import iter_deaggregate_records
from kinesis_helpers import read_shard


def test_aggregated_records_deaggregate_into_the_user_records(kinesis, make_stream):
    stream = make_stream(shards=2)
    user_records = [(f"sensor-{i % 7}", f'{{"reading": {i}}}'.encode()) for i in range(300)]
    aggregator = RecordAggregator()
    aggregated = []
    for key, data in user_records:
        full = aggregator.add_user_record(key, data)
        if full is not None:
            aggregated.append(full)
    aggregated.append(aggregator.clear_and_get())
    for record in aggregated:
        partition_key, explicit_hash_key, data = record.get_contents()
        kinesis.put_record(StreamName=stream, Data=data, PartitionKey=partition_key,
                           ExplicitHashKey=explicit_hash_key)

    raw = read_shard(kinesis, stream, "shardId-000000000000") + read_shard(kinesis, stream, "shardId-000000000001")
    assert len(raw) == len(aggregated)
    users = list(iter_deaggregate_records(raw, data_format="Boto3"))
    # the de-aggregator hands user records back Lambda-style, with base64 data
    restored = [(u["kinesis"]["partitionKey"], base64.b64decode(u["kinesis"]["data"])) for u in users]
    assert sorted(restored) == sorted(user_records)
    sub_numbers = {(u["kinesis"]["sequenceNumber"], u["kinesis"]["subSequenceNumber"]) for u in users}
    assert len(sub_numbers) == len(user_records)
