"""The decrypting reader of sealed S3 blobs: any offset, then consecutive reads of any
size, give the plaintext's bytes (the keystream is reused between consecutive reads),
for the random counters of older versions and the counters of `new_counter`, whose
keystream from the first byte comes from OpenSSL's GCM code and must be the same
AES-CTR keystream."""
import io
import os
import zlib

import pytest

from lakebox.services.s3 import encryption

COUNTERS = {"random": lambda: os.urandom(16), "new": encryption.new_counter}


def ctr_sealed(key: bytes, counter: bytes, plaintext: bytes) -> bytes:
    """`plaintext` under AES-CTR from `counter`, by cryptography's CTR mode alone."""
    return encryption._cipher(key, counter, 0).encryptor().update(plaintext)


@pytest.mark.parametrize("kind", COUNTERS)
def test_reads_after_any_seek_give_the_plaintext(kind):
    plaintext = os.urandom(100_003)
    key, counter = os.urandom(32), COUNTERS[kind]()
    reader = encryption.Decrypting(io.BytesIO(ctr_sealed(key, counter, plaintext)), encryption.Keystream(key, counter))
    for start, sizes in ((0, (1024, 7, 50_000)), (17, (3, 16, 1000)), (99_990, (5, 100)), (0, (5, 16)), (5, (16,))):
        reader.seek(start)
        position = start
        for size in sizes:
            assert reader.read(size) == plaintext[position:position + size]
            position = min(position + size, len(plaintext))
    assert reader.tell() == 21


@pytest.mark.parametrize("kind", COUNTERS)
def test_read_to_the_end_and_readinto_a_view_give_the_plaintext(kind):
    plaintext = os.urandom(3 * encryption.SLICE + 5)
    key, counter = os.urandom(32), COUNTERS[kind]()
    reader = encryption.Decrypting(io.BytesIO(ctr_sealed(key, counter, plaintext)), encryption.Keystream(key, counter))
    assert reader.read() == plaintext
    reader.seek(100)
    rest = reader.read()
    assert type(rest) is bytes and rest == plaintext[100:]
    assert reader.read(10) == b"" and reader.read() == b""
    reader.seek(33)
    buffer = bytearray(64)
    assert reader.readinto(memoryview(buffer)[8:40]) == 32
    assert buffer[8:40] == plaintext[33:65] and buffer[:8] == bytes(8)
    assert reader.read(7) == plaintext[65:72]


def test_a_gcm_run_hands_over_to_ctr_where_it_ends(monkeypatch):
    # GCM's 32-bit block counter wraps after 64 GiB; a short run stands in for it: the
    # bytes after its end come from CTR, continuing the same keystream.
    monkeypatch.setattr(encryption, "GCM_RUN", 48)
    plaintext = os.urandom(200)
    key, counter = os.urandom(32), encryption.new_counter()
    sealed = ctr_sealed(key, counter, plaintext)
    assert encryption.Keystream(key, counter).cursor(0).update(plaintext) == sealed
    reader = encryption.Decrypting(io.BytesIO(sealed), encryption.Keystream(key, counter))
    assert b"".join(reader.read(size) for size in (40, 3, 17, 140)) == plaintext
    assert reader._cursor._end is None          # CTR's now, to the end
    assert encryption.Keystream(key, os.urandom(16)).context_at(0)[1] is None   # a random counter: CTR only


def test_encrypt_file_seals_in_place_with_the_crc_of_what_it_wrote(tmp_path):
    plaintext = os.urandom(2 * encryption.SLICE + 77)
    key, counter = os.urandom(32), encryption.new_counter()
    path = tmp_path / "blob"
    path.write_bytes(plaintext)
    crc = encryption.encrypt_file(str(path), key, counter)
    sealed = path.read_bytes()
    assert sealed == ctr_sealed(key, counter, plaintext)
    assert crc == zlib.crc32(sealed)


@pytest.mark.parametrize("kind", COUNTERS)
def test_small_reads_through_one_reused_context_start_where_asked(kind):
    plaintext = os.urandom(8 << 10)
    key, counter = os.urandom(32), COUNTERS[kind]()
    sealed = ctr_sealed(key, counter, plaintext)
    keystream = encryption.Keystream(key, counter)
    for start, end in ((0, 1024), (4096, 8192), (16, 17), (0, 8192), (8176, 8192)):
        assert keystream.small(start, sealed[start:end]) == plaintext[start:end]
