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
import gzip
import io
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


def text_lines(path: str, compression: str):
    """The lines (without their ends) of a text file DuckDB reads (`READ_BY_DUCKDB`)."""
    if compression == "zstd":
        with open(path, "rb") as source:
            opened = io.BytesIO(bytes(cramjam.zstd.decompress(source.read())))
    else:
        opened = gzip.open(path, "rb") if compression == "gzip" else open(path, "rb")
    with io.TextIOWrapper(opened, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            yield line.rstrip("\r\n")


def plain_copy(path: str, compression: str, target: str, uri: str):
    """Decompress the file at `path` (snappy or bzip2) into `target`, a slice at a time."""
    try:
        with open(path, "rb") as source, open(target, "wb") as out:
            if compression == "bzip2":
                with bz2.open(source, "rb") as plain:
                    shutil.copyfileobj(plain, out, _CHUNK)
            else:
                _snappy_copy(source, out)
    except (OSError, EOFError, ValueError, cramjam.DecompressionError) as error:
        raise CorruptFile(f"Error reading compressed file {uri}: {error}") from None


def _snappy_copy(source, out):
    """Snappy in whichever framing the first bytes show: the framing format, Hadoop's
    blocks, else one raw block."""
    framed = source.read(len(_STREAM_IDENTIFIER)) == _STREAM_IDENTIFIER
    source.seek(0)
    if framed:
        _framed_copy(source, out)
    elif not _hadoop_copy(source, out):
        source.seek(0)
        out.seek(0)
        out.truncate()
        out.write(bytes(cramjam.snappy.decompress_raw(source.read())))


def _framed_copy(source, out):
    """The framing format's chunks: 0x00 compressed (CRC, then raw snappy), 0x01 stored
    (CRC, then bytes), 0x80-0xff skippable (the stream identifier, padding)."""
    while header := source.read(4):
        length = int.from_bytes(header[1:4], "little")
        body = source.read(length)
        if len(header) < 4 or len(body) < length:
            raise ValueError("truncated snappy stream")
        if header[0] == 0x00:
            out.write(bytes(cramjam.snappy.decompress_raw(body[4:])))
        elif header[0] == 0x01:
            out.write(body[4:])
        elif header[0] < 0x80:
            raise ValueError(f"unknown snappy chunk type {header[0]}")


def _hadoop_copy(source, out) -> bool:
    """Hadoop's blocks (uncompressed length, then chunks each after its compressed
    length, 4-byte big-endian); False when the bytes are not laid out as its blocks."""
    while head := source.read(4):
        if len(head) < 4:
            return False
        expected, produced = int.from_bytes(head, "big"), 0
        while produced < expected:
            length = int.from_bytes(source.read(4).rjust(4, b"\0"), "big")
            body = source.read(length)
            if length == 0 or len(body) < length:
                return False
            try:
                chunk = bytes(cramjam.snappy.decompress_raw(body))
            except cramjam.DecompressionError:
                return False
            out.write(chunk)
            produced += len(chunk)
        if produced != expected:
            return False
    return True


def hadoop_snappy_in_place(path: str):
    """Compress a file as Hive writes snappy text (Hadoop's block format)."""
    temp = path + ".snappy-part"
    with open(path, "rb") as source, open(temp, "wb") as out:
        while block := source.read(HADOOP_BLOCK):
            packed = bytes(cramjam.snappy.compress_raw(block))
            out.write(len(block).to_bytes(4, "big") + len(packed).to_bytes(4, "big") + packed)
    os.replace(temp, path)
