"""STS's cache of issued sessions is bounded: a flood of made-up ASIA keys cannot grow
it without end, and a key dropped from it is simply read from the database again."""
from types import SimpleNamespace

import pytest

from lakebox.services.sts import public, store
from lakebox.storage.db import Database
from lakebox.storage.lru import Lru


@pytest.fixture
def state(monkeypatch):
    monkeypatch.setattr(public, "SESSION_CACHE", 10)
    db = Database(None)
    db.migrate("sts", store.SCHEMA)
    caches = {}
    return SimpleNamespace(db=db, cache=lambda name: caches.setdefault(name, {}))


def session(access_key: str) -> dict:
    return {"access_key": access_key, "secret_key": "s", "session_token": "t", "account": "111111111111",
            "arn": "arn:aws:sts::111111111111:assumed-role/r/s", "user_id": "AROAX:s", "kind": "assumed-role",
            "issued_at": 0.0, "expires_at": 3600.0}


def test_the_session_cache_keeps_the_most_recently_used_keys(state):
    store.save_session(state.db, session("ASIAKEPT"))
    assert public.session_for_key(state, "ASIAKEPT")["account"] == "111111111111"
    for number in range(1000):
        assert public.session_for_key(state, f"ASIAMADEUP{number}") is None
        assert public.session_for_key(state, "ASIAKEPT") is not None
    sessions = state.cache("sts")["sessions"]
    assert len(sessions) == 10 and "ASIAKEPT" in sessions


def test_a_session_dropped_from_the_cache_is_read_again(state):
    store.save_session(state.db, session("ASIAOLD"))
    public.session_for_key(state, "ASIAOLD")
    for number in range(20):
        public.session_for_key(state, f"ASIAMADEUP{number}")
    assert "ASIAOLD" not in state.cache("sts")["sessions"]
    assert public.session_for_key(state, "ASIAOLD")["arn"].endswith("/r/s")


def test_lru_drops_the_least_recently_used():
    cache = Lru(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1            # "a" is now the most recently used
    cache.put("c", 3)
    assert "b" not in cache and cache.get("a") == 1 and cache.get("c") == 3
    assert cache.get("b", "gone") == "gone" and len(cache) == 2
