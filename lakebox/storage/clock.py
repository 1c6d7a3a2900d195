"""The lakebox clock: wall time plus an offset that tests may move forward.

Every time-based behaviour reads `now()`. The offset is stored, so times recorded
under a shifted clock stay in order after a restart.
"""
import datetime
import time


class Clock:
    def __init__(self, db):
        self.db = db
        row = db.one("SELECT value FROM lakebox_settings WHERE name='clock_offset'")
        self.offset = float(row["value"]) if row else 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def set_offset(self, seconds: float):
        self.offset = float(seconds)
        self.db.execute("INSERT OR REPLACE INTO lakebox_settings VALUES ('clock_offset', ?)", (repr(self.offset),))

    def advance(self, seconds: float):
        self.set_offset(self.offset + float(seconds))

    def describe(self) -> dict:
        now = datetime.datetime.fromtimestamp(self.now(), datetime.timezone.utc)
        return {"offset": self.offset, "now": now.isoformat().replace("+00:00", "Z")}
