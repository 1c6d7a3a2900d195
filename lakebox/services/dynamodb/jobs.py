"""DynamoDB's timed work: TTL expiry, stream record retention, index and TTL backfills, tables
left DELETING for the transition delay, point-in-time history beyond the window."""
from lakebox.services.dynamodb import backfill, history, tables, ttl
from lakebox.services.dynamodb.streams_retention import trim_stream_records

JOBS = {"ttl": ttl.expire_items, "stream-retention": trim_stream_records, "backfill": backfill.backfill,
        "purge": tables.purge_deleted, "pitr-history": history.trim_history}
