"""What the rest of lakebox may ask STS: whose is this access key?"""
from lakebox.services.sts import store
from lakebox.storage.lru import Lru

SESSION_CACHE = 10_000        # sessions (and unknown ASIA keys) remembered, most recently used

_MISSING = object()


def session_for_key(state, access_key: str) -> dict | None:
    """The session lakebox issued for `access_key`, or None for any other key."""
    if not access_key.startswith("ASIA"):
        return None
    sessions = state.cache("sts").get("sessions")
    if sessions is None:
        sessions = state.cache("sts")["sessions"] = Lru(SESSION_CACHE)
    session = sessions.get(access_key, _MISSING)
    if session is _MISSING:
        session = store.find_session(state.db, access_key)
        sessions.put(access_key, session)
    return session
