"""A bounded in-memory cache for `state.cache(...)`: at most `cap` entries, the least
recently used dropped first. A cache is never the only copy of anything, so dropping an
entry only costs a read of the database next time."""

_MISSING = object()


class Lru:
    def __init__(self, cap: int):
        self.cap = cap
        self._entries = {}            # insertion order is use order: least recent first

    def get(self, key, default=None):
        value = self._entries.pop(key, _MISSING)
        if value is _MISSING:
            return default
        self._entries[key] = value
        return value

    def put(self, key, value):
        self._entries.pop(key, None)
        self._entries[key] = value
        if len(self._entries) > self.cap:
            del self._entries[next(iter(self._entries))]

    def values(self) -> list:
        """The values, least recently used first (reading them is no use)."""
        return list(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key) -> bool:
        return key in self._entries
