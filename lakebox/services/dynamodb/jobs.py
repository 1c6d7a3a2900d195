"""DynamoDB's timed work: TTL expiry and stream record retention."""
from lakebox.services.dynamodb import ttl
from lakebox.services.dynamodb.streams_retention import trim_stream_records

JOBS = {"ttl": ttl.expire_items, "stream-retention": trim_stream_records}
