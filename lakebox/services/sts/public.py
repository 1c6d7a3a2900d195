"""What the rest of lakebox may ask STS: whose is this access key?"""
from lakebox.services.sts import store

_MISSING = object()


def session_for_key(state, access_key: str) -> dict | None:
    """The session lakebox issued for `access_key`, or None for any other key."""
    if not access_key.startswith("ASIA"):
        return None
    cache = state.cache("sts")
    session = cache.get(access_key, _MISSING)
    if session is _MISSING:
        session = cache[access_key] = store.find_session(state.db, access_key)
    return session
