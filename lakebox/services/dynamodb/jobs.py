"""DynamoDB's timed work: TTL expiry, stream record retention, index and TTL backfills, tables
left DELETING for the transition delay."""
from lakebox.services.dynamodb import backfill, tables, ttl
from lakebox.services.dynamodb.streams_retention import trim_stream_records

JOBS = {"ttl": ttl.expire_items, "stream-retention": trim_stream_records, "backfill": backfill.backfill,
        "purge": tables.purge_deleted}
