"""DynamoDB's timed work: TTL expiry, stream record retention, index and TTL backfills."""
from lakebox.services.dynamodb import backfill, ttl
from lakebox.services.dynamodb.streams_retention import trim_stream_records

JOBS = {"ttl": ttl.expire_items, "stream-retention": trim_stream_records, "backfill": backfill.backfill}
