"""The decrypting reader of sealed S3 blobs: any offset, then consecutive reads of any
size, give the plaintext's bytes (the keystream is reused between consecutive reads)."""
import io
import os

from lakebox.services.s3 import encryption


def test_reads_after_any_seek_give_the_plaintext():
    plaintext = os.urandom(100_003)
    key, counter = os.urandom(32), os.urandom(16)
    sealed = encryption._cipher(key, counter, 0).encryptor().update(plaintext)
    reader = encryption.Decrypting(io.BytesIO(sealed), encryption.Keystream(key, counter))
    for start, sizes in ((0, (1024, 7, 50_000)), (17, (3, 16, 1000)), (99_990, (5, 100)), (5, (16,))):
        reader.seek(start)
        position = start
        for size in sizes:
            assert reader.read(size) == plaintext[position:position + size]
            position = min(position + size, len(plaintext))
    assert reader.tell() == 21


def test_read_to_the_end_and_readinto_a_view_give_the_plaintext():
    plaintext = os.urandom(3 * encryption.SLICE + 5)
    key, counter = os.urandom(32), os.urandom(16)
    sealed = encryption._cipher(key, counter, 0).encryptor().update(plaintext)
    reader = encryption.Decrypting(io.BytesIO(sealed), encryption.Keystream(key, counter))
    reader.seek(100)
    rest = reader.read()
    assert type(rest) is bytes and rest == plaintext[100:]
    assert reader.read(10) == b"" and reader.read() == b""
    reader.seek(33)
    buffer = bytearray(64)
    assert reader.readinto(memoryview(buffer)[8:40]) == 32
    assert buffer[8:40] == plaintext[33:65] and buffer[:8] == bytes(8)
    assert reader.read(7) == plaintext[65:72]
