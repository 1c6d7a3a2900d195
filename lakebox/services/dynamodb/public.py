"""What other services may use of DynamoDB: its change streams, read by the
dynamodbstreams API."""
import orjson

from lakebox.services.dynamodb import access, lookup, store, stream_shards



def _stream(row) -> dict:
    return {"uid": row["uid"], "account": row["account"], "region": row["region"], "table_name": row["table_name"],
            "label": row["label"], "view_type": row["view_type"], "created_ms": row["created_ms"],
            "disabled_ms": row["disabled_ms"], "last_seq": row["last_seq"],
            "key_schema": orjson.loads(row["key_schema"]),
            "arn": lookup.stream_arn(row["account"], row["region"], row["table_name"], row["label"])}


def streams(state, account, region, table_name=None) -> list[dict]:
    """Every stream of the account and region (or of one table), oldest first per table."""
    return [_stream(row) for row in store.streams(state.db, account, region, table_name)]


def stream(state, account, region, table_name, label) -> dict | None:
    row = store.stream(state.db, account, region, table_name, label)
    return _stream(row) if row else None


def check_stream_access(ctx, stream: dict):
    """AccessDeniedException unless the stream's resource policy lets the caller run this
    operation (`dynamodb:<Operation>`, as IAM names the streams API's actions)."""
    policy = access.policy_of(ctx.state.db, stream["account"], stream["region"], stream["arn"])
    access.check(ctx, stream["account"], stream["arn"], policy)


def shards(state, stream: dict) -> list[dict]:
    """The stream's shards, oldest first (`stream_shards.shards`)."""
    return stream_shards.shards(state, stream)


def stream_by_uid(state, uid) -> dict | None:
    row = store.stream_by_uid(state.db, uid)
    return _stream(row) if row else None


def first_sequence(state, stream_uid) -> int | None:
    """The sequence of the oldest record still kept, or None when there is none."""
    return store.first_seq(state.db, stream_uid)


def change_records(state, stream_uid, first_seq, last_seq, limit) -> list[tuple[int, dict]]:
    """(sequence, record) pairs from first_seq to last_seq, in order; a record is shaped
    as the dynamodbstreams Record (without its SequenceNumber)."""
    return [(row["seq"], store.load_record(row["record"]))
            for row in store.records(state.db, stream_uid, first_seq, last_seq, limit)]
