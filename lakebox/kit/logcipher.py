"""Encryption at rest of append-only logs (Kinesis shard logs, Firehose buffer logs).

Bytes are encrypted with AES-256-CTR under a data key, the counter taken from where the
bytes sit in the log: block `segment * 2**64 + position // 16`. Every byte of a log
is written once, at one (segment, position), so no keystream byte is ever used twice
under one data key, however many calls share that key; and since CTR keeps the length,
chunk offsets and record lengths stay those of the plaintext, and any byte range
decrypts on its own, starting mid-chunk.

A data key is used for one log only: the segment number and position are unique within
a log, not across logs. A log cut back after a crash (recovery) is appended to under a
new data key, since data keys are made afresh after a start.
"""
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_BLOCK = 16
_COUNTERS = 1 << 128


def crypt(data_key: bytes, segment: int, position: int, data: bytes) -> bytes:
    """`data` (found at `position` of `segment`) encrypted, or decrypted: CTR is its own inverse."""
    if not data:
        return b""
    block = (segment * (1 << 64) + position // _BLOCK) % _COUNTERS
    cipher = Cipher(algorithms.AES(data_key), modes.CTR(block.to_bytes(_BLOCK, "big"))).encryptor()
    skip = position % _BLOCK
    if not skip:
        return cipher.update(data)
    return cipher.update(bytes(skip) + data)[skip:]
