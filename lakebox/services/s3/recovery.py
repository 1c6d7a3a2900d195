"""After a machine crash: objects and parts whose bytes did not reach the disk are lost.

Start-up hands over the blobs written in the last sync window (`storage/journal.py`),
each with its size on disk (None: missing). A row that points at one of them is checked
against what S3 recorded when the bytes were written: their size, and their checksums
(an object's full-object checksum, each part's checksums within a multipart object, an
upload part's checksums; an encrypted version's CRC32 of its stored bytes). A row whose
bytes are missing, short or different is removed, and the loss logged: a lost write is
never served as data. A removed object version was never durable; the version before it, if any, is
current again, as if the lost write had not happened.
"""
import base64
import logging

from lakebox.services.s3 import encryption, files, store
from lakebox.storage.blobs import size_damage

log = logging.getLogger("lakebox.s3")


def recover(state, suspects: dict):
    if not suspects:
        return
    lost = set()
    for blob_id, on_disk in suspects.items():
        for row in state.db.query("SELECT * FROM s3_objects WHERE blob_id=? AND content IS NULL", (blob_id,)):
            damage = _damage(state.blobs, blob_id, on_disk, row["size"], _object_sums(state.db, row))
            if damage:
                store.remove_version(state.db, row)
                lost.add(blob_id)
                log.warning("s3://%s/%s (version %s) was lost in a crash, its bytes %s: removed",
                            row["bucket"], row["key"], row["version_id"], damage)
    for part in _parts_of(state.db, suspects):
        damage = _damage(state.blobs, part["blob_id"], suspects[part["blob_id"]], part["size"],
                         [(0, part["size"], store.loads(part["checksums"]) or {})])
        if damage:
            state.db.execute("DELETE FROM s3_upload_parts WHERE upload_id=? AND part_number=?",
                             (part["upload_id"], part["part_number"]))
            lost.add(part["blob_id"])
            log.warning("part %s of upload %s was lost in a crash, its bytes %s: removed",
                        part["part_number"], part["upload_id"], damage)
    for blob_id in lost:
        state.blobs.delete(blob_id)


def _object_sums(db, row) -> list:
    """[(offset, length, {algorithm: base64 value})]: the checksums S3 recorded for an
    object's bytes, whole (a full-object checksum) and part by part (multipart objects).

    Those describe the plaintext: an encrypted version is checked against the CRC32 of
    its stored bytes instead, which needs no key (a disabled KMS key cannot fail it).
    """
    if row["sealing"] is not None:
        crc = encryption.stored_crc(bytes(row["sealing"])).to_bytes(4, "big")
        return [(0, row["size"], {"CRC32": base64.b64encode(crc).decode()})]
    sums = []
    checksum = store.loads(row["attrs"]).get("Checksum") or {}
    if checksum.get("Type") == "FULL_OBJECT":
        sums.append((0, row["size"], {checksum["Algorithm"]: checksum["Value"]}))
    for part in store.object_parts(db, row["id"]) if row["parts_count"] else ():
        sums.append((part["offset"], part["size"], store.loads(part["checksums"]) or {}))
    return sums


def _parts_of(db, suspects: dict) -> list:
    """Upload parts stored in suspect blobs (in-progress uploads are few: one pass)."""
    rows = db.query("SELECT upload_id, part_number, blob_id, size, checksums FROM s3_upload_parts "
                    "WHERE blob_id IS NOT NULL")
    return [row for row in rows if row["blob_id"] in suspects]


def _damage(blobs, blob_id, on_disk, size, sums: list) -> str | None:
    """What is wrong with a blob's bytes, or None when they are what was written."""
    damage = size_damage(on_disk, size)
    if damage is not None:
        return damage
    for offset, length, checksums in sums:
        if checksums and files.hash_range(blobs.path(blob_id), offset, length, tuple(checksums))[1] != checksums:
            return "do not match their checksum"
    return None
