"""Compressed text files, as Hive and Trino read them: the codec is chosen by the
object's name (`.gz`, `.zst`, `.snappy`, `.bz2`); a file with none of those names is read
as it is. DuckDB reads gzip and zstd itself; snappy and bzip2 files are decompressed
into a plain copy first (`plain_copy`).

Snappy text comes in three framings, told apart by their first bytes: the framing
format (`sNaPpY` stream identifier; Firehose's `Snappy`, `snzip`), Hadoop's block
format (Hive's SnappyCodec, Firehose's `HADOOP_SNAPPY`: each block is its uncompressed
length, then chunks each preceded by their compressed length, all 4-byte big-endian),
and one raw snappy block.
"""
import bz2
import os
import shutil

import cramjam

_BY_SUFFIX = {".gz": "gzip", ".gzip": "gzip", ".zst": "zstd", ".zstd": "zstd", ".snappy": "snappy",
              ".hsnappy": "snappy", ".bz2": "bzip2"}
READ_BY_DUCKDB = ("none", "gzip", "zstd")
_STREAM_IDENTIFIER = b"\xff\x06\x00\x00sNaPpY"
_CHUNK = 1 << 20
HADOOP_BLOCK = 256 * 1024        # Hadoop's default snappy buffer size


class CorruptFile(ValueError):
    """A compressed file whose bytes do not decompress (the message names the object)."""


def compression_of(uri: str) -> str:
    """none | gzip | zstd | snappy | bzip2, from the object's name."""
    lower = uri.lower()
    for suffix, compression in _BY_SUFFIX.items():
        if lower.endswith(suffix):
            return compression
    return "none"


def plain_copy(path: str, compression: str, target: str, uri: str):
    """Decompress the file at `path` (snappy or bzip2) into `target`."""
    try:
        if compression == "bzip2":
            with bz2.open(path, "rb") as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, _CHUNK)
            return
        with open(path, "rb") as f:
            data = f.read()
        with open(target, "wb") as out:
            out.write(snappy_decompress(data))
    except (OSError, EOFError, ValueError, cramjam.DecompressionError) as error:
        raise CorruptFile(f"Error reading compressed file {uri}: {error}") from None


def snappy_decompress(data: bytes) -> bytes:
    if data.startswith(_STREAM_IDENTIFIER):
        return bytes(cramjam.snappy.decompress(data))
    hadoop = _hadoop_blocks(data)
    if hadoop is not None:
        return hadoop
    return bytes(cramjam.snappy.decompress_raw(data))


def hadoop_snappy_in_place(path: str):
    """Compress a file as Hive writes snappy text (Hadoop's block format)."""
    temp = path + ".snappy-part"
    with open(path, "rb") as source, open(temp, "wb") as out:
        while block := source.read(HADOOP_BLOCK):
            packed = bytes(cramjam.snappy.compress_raw(block))
            out.write(len(block).to_bytes(4, "big") + len(packed).to_bytes(4, "big") + packed)
    os.replace(temp, path)


def _hadoop_blocks(data: bytes) -> bytes | None:
    """Hadoop's block format, or None when `data` is not laid out as its blocks."""
    out, position, size = bytearray(), 0, len(data)
    while position < size:
        if position + 8 > size:
            return None
        expected = int.from_bytes(data[position:position + 4], "big")
        position += 4
        produced = 0
        while produced < expected:
            if position + 4 > size:
                return None
            length = int.from_bytes(data[position:position + 4], "big")
            position += 4
            if length == 0 or position + length > size:
                return None
            try:
                chunk = bytes(cramjam.snappy.decompress_raw(data[position:position + length]))
            except cramjam.DecompressionError:
                return None
            position += length
            produced += len(chunk)
            out += chunk
        if produced != expected:
            return None
    return bytes(out)
