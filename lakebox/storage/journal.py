"""The blob journal: ids of blobs committed since the syncer last put them on disk.

After a machine crash, the database may hold a row that points at a blob whose bytes
never reached the disk (the WAL was flushed, the blob file was not). Only blobs written
in the last sync window can be in that state, so only those are checked at start: the
journal lists them. An entry is written to the WAL before the row that points at its
blob (same connection, earlier commit or same transaction), and the WAL is replayed as
a prefix, so a row that survived a crash always has its journal entry beside it.
"""


class BlobJournal:
    def __init__(self, db):
        self.db = db

    def record(self, blob_id: str):
        self.db.execute("INSERT INTO lakebox_blob_journal (blob_id) VALUES (?)", (blob_id,))

    def last_seq(self) -> int | None:
        return self.db.one("SELECT MAX(seq) AS seq FROM lakebox_blob_journal")["seq"]

    def blob_ids(self) -> list[str]:
        return [row["blob_id"] for row in self.db.query("SELECT DISTINCT blob_id FROM lakebox_blob_journal")]

    def clear_through(self, seq: int):
        """Forget entries up to `seq`: their blobs are on disk now."""
        self.db.execute("DELETE FROM lakebox_blob_journal WHERE seq <= ?", (seq,))
