"""GetKeyLastUsage: the last successful cryptographic operation of each key.

Noting a use is a dict assignment on the request path (`state.cache("kms")`, one entry
per key used since the last flush); the `usage` job writes the entries to SQLite within
seconds. Like AWS's own tracking this is eventually consistent, and a crash loses at
most the uses of those last seconds: usage is a record of what happened, never an
acknowledged write. Tracking starts when a key is created."""
from lakebox.services.kms import lookup, store

_PENDING = "usage"


def note(ctx, key):
    """Record a successful cryptographic operation (ctx.operation) with `key`."""
    ctx.state.cache("kms").setdefault(_PENDING, {})[key["uid"]] = (
        ctx.operation, int(ctx.now * 1000), ctx.request_id)


def flush(state, now: float) -> float | None:
    """Job: write the uses noted since the last run."""
    pending = state.cache("kms").pop(_PENDING, None)
    if pending:
        store.put_usage(state.db, [(uid, *use) for uid, use in pending.items()])
    return None


def get_key_last_usage(ctx, params):
    key = lookup.find_key(ctx, params["KeyId"], allow_alias=False)
    use = ctx.state.cache("kms").get(_PENDING, {}).get(key["uid"])
    if use is None:
        row = store.usage(ctx.state.db, key["uid"])
        use = (row["operation"], row["at_ms"], row["request_id"]) if row else None
    answer = {"KeyId": key["key_id"], "TrackingStartDate": key["created_ms"] / 1000,
              "KeyCreationDate": key["created_ms"] / 1000}
    if use is not None:
        operation, at_ms, request_id = use
        answer["KeyLastUsage"] = {"Operation": operation, "Timestamp": at_ms / 1000, "KmsRequestId": request_id}
    return answer
