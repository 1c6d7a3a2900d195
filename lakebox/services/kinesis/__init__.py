"""Amazon Kinesis Data Streams: streams, shards, records, resharding and fan-out."""
