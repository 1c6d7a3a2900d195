"""Object bodies: the compression formats of S3 destinations.

Snappy is the framing format (`Snappy` in the console, what `snzip`/`python-snappy`'s
stream tools read); HADOOP_SNAPPY is Hadoop's block format, which Hadoop, Spark and Hive
read natively: each block is its uncompressed length, then one compressed chunk
preceded by its length, both 4-byte big-endian.
"""
import gzip
import io
import zipfile

import cramjam

HADOOP_BLOCK = 256 * 1024


def compress(data: bytes, compression: str, entry_name: str = "data") -> bytes:
    if compression == "UNCOMPRESSED":
        return data
    if compression == "GZIP":
        return gzip.compress(data, compresslevel=6)
    if compression == "ZIP":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(entry_name, data)
        return out.getvalue()
    if compression == "Snappy":
        return bytes(cramjam.snappy.compress(data))
    if compression == "HADOOP_SNAPPY":
        return _hadoop_snappy(data)
    raise ValueError(f"unknown compression {compression}")


def _hadoop_snappy(data: bytes) -> bytes:
    out = bytearray()
    for start in range(0, len(data), HADOOP_BLOCK):
        block = data[start:start + HADOOP_BLOCK]
        packed = bytes(cramjam.snappy.compress_raw(block))
        out += len(block).to_bytes(4, "big") + len(packed).to_bytes(4, "big") + packed
    return bytes(out)
