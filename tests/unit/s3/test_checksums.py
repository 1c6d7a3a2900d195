"""Whole-object checksums of multipart objects, from part checksums only."""
import base64
import os

import pytest

from lakebox.services.s3.upload import new_hasher
from lakebox.services.s3 import checksums


def b64_checksum(algorithm: str, data: bytes) -> str:
    hasher = new_hasher(algorithm)
    hasher.update(data)
    return base64.b64encode(hasher.digest()).decode()


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME"])
def test_full_object_crc_equals_crc_of_the_concatenation(algorithm):
    parts = [os.urandom(n) for n in (1, 17, 4096, 100_003, 3)]
    combined = checksums.full_object(algorithm, [(b64_checksum(algorithm, p), len(p)) for p in parts])
    assert combined == b64_checksum(algorithm, b"".join(parts))


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA256"])
def test_composite_is_checksum_of_part_checksums(algorithm):
    parts = [b"first part", b"second part"]
    values = [b64_checksum(algorithm, p) for p in parts]
    raw = b"".join(base64.b64decode(v) for v in values)
    assert checksums.composite(algorithm, values) == b64_checksum(algorithm, raw) + "-2"
