"""Compressed text chosen by name and read back whole, in every snappy framing, over
many chunks and blocks; Hive's snappy writer read back by the same reader."""
import bz2

import cramjam
import pytest

from lakebox.engine import codecs

DATA = b"".join(b"%d,row number %d\n" % (i, i) for i in range(60_000))      # ~1 MB: many chunks


def _hadoop(data: bytes, block: int = 100_000) -> bytes:
    out = b""
    for start in range(0, len(data), block):
        piece = data[start:start + block]
        packed = bytes(cramjam.snappy.compress_raw(piece))
        out += len(piece).to_bytes(4, "big") + len(packed).to_bytes(4, "big") + packed
    return out


@pytest.mark.parametrize("compression, pack", [
    ("snappy", lambda data: bytes(cramjam.snappy.compress(data))),
    ("snappy", _hadoop),
    ("snappy", lambda data: bytes(cramjam.snappy.compress_raw(data))),
    ("bzip2", bz2.compress),
])
def test_plain_copies(tmp_path, compression, pack):
    source, target = tmp_path / "in", tmp_path / "out"
    source.write_bytes(pack(DATA))
    codecs.plain_copy(str(source), compression, str(target), "s3://b/k")
    assert target.read_bytes() == DATA


def test_the_hive_writer_reads_back(tmp_path):
    path = tmp_path / "part.snappy"
    path.write_bytes(DATA)
    codecs.hadoop_snappy_in_place(str(path))
    assert path.read_bytes()[:4] == codecs.HADOOP_BLOCK.to_bytes(4, "big")
    codecs.plain_copy(str(path), "snappy", str(tmp_path / "plain"), "s3://b/part.snappy")
    assert (tmp_path / "plain").read_bytes() == DATA


def test_names_choose_the_codec():
    assert [codecs.compression_of(f"s3://b/x{suffix}") for suffix in (".csv.GZ", ".zst", ".snappy", ".hsnappy",
                                                                      ".bz2", ".csv", "")] == \
        ["gzip", "zstd", "snappy", "snappy", "bzip2", "none", "none"]


def test_a_truncated_file_is_corrupt(tmp_path):
    source = tmp_path / "in"
    source.write_bytes(bytes(cramjam.snappy.compress(DATA))[:5000])
    with pytest.raises(codecs.CorruptFile, match="^Error reading compressed file s3://b/k: "):
        codecs.plain_copy(str(source), "snappy", str(tmp_path / "out"), "s3://b/k")
