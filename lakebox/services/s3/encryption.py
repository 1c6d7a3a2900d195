"""Object bytes encrypted at rest: SSE-S3, SSE-KMS and SSE-C.

Each committed object version is encrypted in place with AES-256-CTR under a key of its
own (SSE-S3, SSE-KMS) or the customer's (SSE-C): CTR keeps the length, so sizes, ranges
and part offsets stay those of the plaintext, and a reader can start at any byte.

What a version needs to be read again is its `sealing` (a column of `s3_objects`):

    16-byte initial counter | 4-byte CRC32 of the stored bytes | wrapped data key

The data key is wrapped by KMS (SSE-KMS: a KMS ciphertext blob, encryption context
{"aws:s3:arn": object ARN}) or by S3's own master key (SSE-S3: AES-256-GCM, kept in
`s3_master_key`); SSE-C stores no key (the customer sends it with every read). The CRC32
describes the ciphertext, so crash recovery checks a version's bytes without any key.
Upload parts stay plaintext until CompleteMultipartUpload encrypts the whole object.
"""
import base64
import contextlib
import io
import os
import struct
import sys
import threading
import zlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lakebox.aws.body import FileRange
from lakebox.kit import calls
from lakebox.services.kms.public import KmsFailure
from lakebox.services.kms import public as kms
from lakebox.services.s3 import concurrency, errors, files, store, stored
from lakebox.storage.lru import Lru

SLICE = 1 << 20
_HEADER = struct.Struct(">16sI")     # initial counter, CRC32 of the stored bytes
_MASTER_CACHE = "sse-s3-master"
_POOL_SIZE = 16                      # SLICE buffers kept for reads: 16 MiB at most
_KEYSTREAM_CACHE = "keystreams"
KEYSTREAM_CACHE_CAP = 4_096


# ---- choosing the key (on the loop: reads the database, may ask KMS) ---------------------

def kms_key_arn(ctx, key_id: str | None) -> str:
    """The ARN of the KMS key an SSE-KMS write names (None: the AWS managed key aws/s3),
    or S3's answer when the key cannot be used."""
    try:
        return kms.check_usable(calls.on_behalf(ctx, "kms", "GenerateDataKey"), key_id, "s3")
    except KmsFailure as failure:
        raise kms_error(ctx, failure, key_id, "kms:GenerateDataKey") from None


def kms_error(ctx, failure: KmsFailure, key_id: str | None, action: str):
    """S3 answers KMS's refusals as 400 `KMS.<code>`; a key that does not exist is named as
    the request named it. A key policy that does not let the caller use the key is S3's
    own 403 AccessDenied, worded as S3 words it (as users quote it)."""
    if failure.code == "AccessDeniedException":
        return errors.AwsError("AccessDenied", f"User: {ctx.caller_arn} is not authorized to perform: {action} on "
                               "this resource because the resource does not exist in this Region, no resource-based "
                               "policies allow access, or a resource-based policy explicitly denies access", 403)
    message = f"Invalid keyId '{key_id}'" if failure.code == "NotFoundException" and key_id else failure.message
    return errors.AwsError("KMS." + failure.code, message, 400)


def same_encryption(attrs: dict, other: dict) -> bool:
    """Whether bytes stored under `attrs` are also what `other` asks for (same key)."""
    return all(attrs.get(name) == other.get(name)
               for name in ("ServerSideEncryption", "SSEKMSKeyId", "SSECustomerKeyMD5"))


def object_arn(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


def new_data_key(ctx, bucket: str, key: str, attrs: dict, params: dict) -> tuple[bytes, bytes]:
    """(data key, its wrapped form to store) for a new version with these attrs."""
    if attrs.get("SSECustomerKeyMD5"):
        return customer_key(params), b""
    if attrs.get("ServerSideEncryption", "").startswith("aws:kms"):
        key_id = attrs.get("SSEKMSKeyId")
        try:
            plaintext, blob, _ = kms.generate_data_key(calls.on_behalf(ctx, "kms", "GenerateDataKey"), key_id,
                                                       {"aws:s3:arn": object_arn(bucket, key)}, "s3")
        except KmsFailure as failure:
            raise kms_error(ctx, failure, key_id, "kms:GenerateDataKey") from None
        return plaintext, blob
    plaintext = os.urandom(32)
    nonce = os.urandom(12)
    return plaintext, nonce + _master(ctx.state).encrypt(nonce, plaintext, None)


def customer_key(params: dict, prefix: str = "") -> bytes:
    """The SSE-C key a request sent (already checked against its MD5 by versions.py)."""
    return base64.b64decode(params[prefix + "SSECustomerKey"])


def _master(state) -> AESGCM:
    """S3's own key for SSE-S3 (made on first use and kept in the data directory), as the
    cipher that wraps and unwraps data keys: built once, as every SSE-S3 GET needs it."""
    cache = state.cache("s3")
    found = cache.get(_MASTER_CACHE)
    if found is None:
        row = state.db.one("SELECT material FROM s3_master_key WHERE id=1")
        if row is None:
            state.db.execute("INSERT OR IGNORE INTO s3_master_key (id, material) VALUES (1, ?)",
                             (os.urandom(32),))
            row = state.db.one("SELECT material FROM s3_master_key WHERE id=1")
        found = cache[_MASTER_CACHE] = AESGCM(bytes(row["material"]))
    return found


# ---- encrypting a new version's file ------------------------------------------------

def sealed_at_rest(state, bucket, attrs: dict, params: dict) -> bool:
    """Whether a new version's bytes are stored encrypted: always under SSE-KMS and SSE-C,
    and under SSE-S3 when the request or the bucket's own encryption configuration asks
    for it (`bucket` is the row the request holds: its configurations are cached with it).
    The implicit default (every bucket reports SSE-S3, as S3 does since 2023) is stored
    as sent, so the SQL engine and crawlers read such objects in place, never through a
    decrypted copy: no API can tell the two apart."""
    if attrs.get("SSECustomerKeyMD5") or attrs.get("ServerSideEncryption", "").startswith("aws:kms"):
        return True
    if params.get("ServerSideEncryption") == "AES256":
        return True
    return store.bucket_config(state, bucket, "encryption") is not None


async def seal(ctx, bucket, key: str, attrs: dict, params: dict, path: str | None, size: int,
               sync: bool = False) -> bytes | None:
    """Encrypt the temp file at `path` in place (on a worker when big), then fsync it if
    `sync`; returns its sealing. An empty object has no bytes to encrypt and no sealing.
    """
    if path is None or not size:
        return None
    if not sealed_at_rest(ctx.state, bucket, attrs, params):
        if sync:        # stored as sent: still flushed off the loop before committing
            await concurrency.run(ctx, size, ctx.state.blobs.sync, path)
        return None
    data_key, wrapped = new_data_key(ctx, bucket["name"], key, attrs, params)
    counter = new_counter()
    crc = await concurrency.run(ctx, size, encrypt_file, path, data_key, counter, sync)
    return _HEADER.pack(counter, crc) + wrapped


def seal_bytes(ctx, bucket, key: str, attrs: dict, params: dict, data: bytes) -> tuple[bytes, bytes]:
    """(ciphertext, sealing) of a small body held in memory (upload.SMALL_BODY); the body
    as it is and no sealing when it is not sealed at rest."""
    if not sealed_at_rest(ctx.state, bucket, attrs, params):
        return data, None
    data_key, wrapped = new_data_key(ctx, bucket["name"], key, attrs, params)
    counter = new_counter()
    sealed = Keystream(data_key, counter).cursor(0).update(data)
    return sealed, _HEADER.pack(counter, zlib.crc32(sealed)) + wrapped


def seal_now(ctx, bucket, key: str, attrs: dict, path: str | None, size: int) -> bytes | None:
    """`seal` for callers that are not requests (other services writing through public.py)."""
    if path is None or not size or not sealed_at_rest(ctx.state, bucket, attrs, {}):
        return None
    data_key, wrapped = new_data_key(ctx, bucket["name"], key, attrs, {})
    counter = new_counter()
    return _HEADER.pack(counter, encrypt_file(path, data_key, counter)) + wrapped


def encrypt_file(path: str, data_key: bytes, counter: bytes, sync: bool = False) -> int:
    """Encrypt a file in place; returns the CRC32 of what it now holds."""
    cursor = Keystream(data_key, counter).cursor(0)
    crc = 0
    piece = bytearray(SLICE)
    with open(path, "r+b") as f:
        while True:
            start = f.tell()
            got = f.readinto(piece)
            if not got:
                break
            view = memoryview(piece)[:got]
            cursor.apply(view)
            crc = zlib.crc32(view, crc)
            f.seek(start)
            f.write(view)
        if sync:
            f.flush()
            os.fsync(f.fileno())
    return crc


def new_counter() -> bytes:
    """The initial counter block of a new version: 12 random bytes, then 2 in the last
    four. Its keystream is still AES-CTR from that block (a 128-bit counter, as every
    version's), but from this start the first 2^32 - 2 blocks are also exactly the
    keystream of AES-GCM under the 12 bytes as IV (GCM counts its data blocks from
    IV || 2 in the low 32 bits): `Keystream` reads them through OpenSSL's GCM code,
    which is twice as fast as its CTR code on a CPU with VAES (56 against 113 us per MiB
    here). Versions sealed before have random counters and read through CTR."""
    return os.urandom(12) + _GCM_FIRST_BLOCK


_GCM_FIRST_BLOCK = (2).to_bytes(4, "big")
GCM_RUN = ((1 << 32) - 2) * 16        # bytes from IV || 2 before GCM's 32-bit counter would wrap


def _cipher(data_key: bytes, counter: bytes, offset: int) -> Cipher:
    return Cipher(algorithms.AES(data_key), modes.CTR(_counter_at(counter, offset)))


def _counter_at(counter: bytes, offset: int) -> bytes:
    """The counter block of the keystream's block holding byte `offset`."""
    return ((int.from_bytes(counter, "big") + offset // 16) % (1 << 128)).to_bytes(16, "big")


class Keystream:
    """AES-256-CTR under a version's data key from its initial counter, applied from any
    byte on (`cursor`). Ciphers are built once per keystream (a Cipher costs about twice
    as much as the context made from it): the one from the first byte, and for counters
    of `new_counter`, the GCM-mode cipher that gives the same keystream faster. GCM is
    only a keystream source here: its tag is never computed nor used; what is sealed is
    still AES-CTR, and the CRC of the stored bytes is what recovery checks."""

    __slots__ = ("_key", "_counter", "_at_start", "_fast", "_reusable", "_lock")

    def __init__(self, data_key: bytes, counter: bytes):
        self._key = data_key
        self._counter = counter
        self._at_start = None
        self._fast = Cipher(algorithms.AES(data_key), modes.GCM(counter[:12])) \
            if counter[12:] == _GCM_FIRST_BLOCK else None
        self._reusable = None       # a CTR context repositioned for each small read (`small`)
        self._lock = threading.Lock()

    def small(self, start: int, data: bytes) -> bytes:
        """`data`, a few KiB of the version from byte `start` (a block's first), with the
        keystream applied. One CTR context per keystream serves every such call, moved
        to `start` with reset_nonce: making a context costs more than decrypting a
        small object (1.7 against 0.6 us in process, and tens of us in a server, where
        OpenSSL's and cryptography's setup code is out of the CPU's caches by the
        next request). The lock keeps workers reading through a shared keystream off
        each other's position."""
        with self._lock:
            context = self._reusable
            if context is None:
                context = self._reusable = self.cipher_at_start().decryptor()
            context.reset_nonce(self._counter if start == 0 else _counter_at(self._counter, start))
            return context.update(data)

    def cipher_at_start(self) -> Cipher:
        if self._at_start is None:
            self._at_start = _cipher(self._key, self._counter, 0)
        return self._at_start

    def cursor(self, position: int) -> "Cursor":
        return Cursor(self, position)

    def context_at(self, position: int):
        """(a cipher context positioned at `position`, the position it is good until, or
        None: to the end)."""
        if self._fast is not None and position == 0:
            return self._fast.encryptor(), GCM_RUN
        if position < 16:
            cipher = self.cipher_at_start()
        else:
            cipher = _cipher(self._key, self._counter, position)
        context = cipher.decryptor()
        skip = position % 16
        if skip:            # the keystream starts at a block: spend the bytes before the offset
            context.update(bytes(skip))
        return context, None


class Cursor:
    """A keystream from a position on, applied to consecutive bytes (CTR: the same to
    encrypt and to decrypt)."""

    __slots__ = ("_keystream", "_position", "_context", "_end")

    def __init__(self, keystream: Keystream, position: int):
        self._keystream = keystream
        self._position = position
        self._context, self._end = keystream.context_at(position)

    def update(self, data: bytes) -> bytes:
        """`data` with the keystream applied, as new bytes."""
        if self._end is not None and self._position + len(data) > self._end:
            buffer = bytearray(data)
            self.apply(memoryview(buffer))
            return bytes(buffer)
        self._position += len(data)
        return self._context.update(data)

    def apply(self, view: memoryview) -> None:
        """Apply the keystream to `view` in place."""
        end = self._end
        if end is not None and self._position + len(view) > end:
            first = end - self._position
            self._context.update_into(view[:first], view[:first])
            self._position = end
            self._context, self._end = self._keystream.context_at(end)
            view = view[first:]
        self._context.update_into(view, view)
        self._position += len(view)


def stored_crc(sealing: bytes) -> int:
    """The CRC32 of a sealed version's stored bytes (for crash recovery)."""
    return _HEADER.unpack_from(sealing)[1]


# ---- reading ----------------------------------------------------------------------

def plain_body(ctx, row, attrs: dict, params: dict, first: int, length: int):
    """What GetObject sends for `length` bytes from `first` of a sealed version: the
    plaintext itself when the version's bytes are kept in its row (stored.INLINE_MAX:
    decrypted in one call, with no reader object), else a FileRange of its blob through
    a decrypting reader."""
    keystream = keystream_of(ctx, row, attrs, params)
    content = row["content"]
    if content is None:
        return FileRange(Decrypting(stored.open_stored(ctx.state.blobs, row), keystream), first, length)
    start = first - first % 16         # the keystream is positioned by whole blocks
    return keystream.small(start, content[start:first + length])[first - start:]


def keystream_of(ctx, row, attrs: dict, params: dict, prefix: str = "") -> "Keystream":
    """The AES-CTR keystream of a sealed version: its data key unwrapped by KMS or S3, or
    the customer's.

    Keystreams of SSE-S3 and SSE-KMS versions are kept in a bounded LRU keyed by the
    version's sealing (building one costs more than decrypting a small object). SSE-KMS
    still asks KMS to unwrap the data key on every read, so KMS judges its key's state
    each time: a disabled or deleted key fails the read at once, whatever is cached
    here. A customer's key (SSE-C) is used for its request and never kept."""
    sealing = bytes(row["sealing"])
    counter = _HEADER.unpack_from(sealing)[0]
    if attrs.get("SSECustomerKeyMD5"):
        return Keystream(customer_key(params, prefix), counter)
    wrapped = sealing[_HEADER.size:]
    under_kms = attrs.get("ServerSideEncryption", "").startswith("aws:kms")
    if under_kms:
        try:
            data_key, _ = kms.decrypt(calls.on_behalf(ctx, "kms", "Decrypt"), wrapped,
                                      {"aws:s3:arn": object_arn(row["bucket"], row["key"])})
        except KmsFailure as failure:
            raise kms_error(ctx, failure, None, "kms:Decrypt") from None
    cache = _keystreams(ctx.state)
    keystream = cache.get(sealing)
    if keystream is None:
        if not under_kms:
            data_key = _master(ctx.state).decrypt(wrapped[:12], wrapped[12:], None)
        keystream = Keystream(data_key, counter)
        cache.put(sealing, keystream)
    return keystream


def _keystreams(state) -> Lru:
    cache = state.cache("s3")
    found = cache.get(_KEYSTREAM_CACHE)
    if found is None:
        found = cache[_KEYSTREAM_CACHE] = Lru(KEYSTREAM_CACHE_CAP)
    return found


def open_plain(ctx, row, attrs: dict, params: dict, prefix: str = ""):
    """The version's bytes as an open binary file of plaintext (None for an empty object)."""
    raw = stored.open_stored(ctx.state.blobs, row)
    if raw is None or row["sealing"] is None:
        return raw
    try:
        keystream = keystream_of(ctx, row, attrs, params, prefix)
    except BaseException:
        raw.close()
        raise
    return Decrypting(raw, keystream)


def plain_copy(state, db, bucket, row) -> str:
    """A file holding a version's plaintext, made once per blob, for a sealed version or
    one whose bytes are kept in its row (`db`: see open_for_service)."""
    target = files.plain_copy_path(state.blobs, row["blob_id"], made=True)
    if os.path.exists(target):
        if row["sealing"] is not None:      # each read asks KMS again: a key disabled since refuses it
            opened = open_for_service(state, db, bucket, row)
            if opened is not None:
                opened.close()
        return target
    temp = state.blobs.temp_path()
    try:
        with open_for_service(state, db, bucket, row) as source, open(temp, "wb") as out:
            while piece := source.read(SLICE):
                out.write(piece)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    return target


def open_for_service(state, db, bucket, row):
    """A version's bytes in the clear for another service, KMS asked by S3 itself for the
    bucket's owner (an SSE-C object cannot be read without its customer's key).

    `db` is the connection to read keys through: `state.db` on the event loop, a worker's
    read-only connection (`task.reader`) in long work, which only reads (a sealed SSE-S3
    version implies S3's master key exists; unwrapping a KMS data key writes nothing).
    """
    attrs = store.loads(row["attrs"])
    if row["sealing"] is not None and attrs.get("SSECustomerKeyMD5"):
        raise errors.error("InvalidRequest", "The object was stored using a form of Server Side Encryption. "
                           "The correct parameters must be provided to retrieve the object.")
    reading = state if db is state.db else _ReadingState(state, db)
    caller = calls.system_context(reading, "s3", "GetObject", bucket["account"], bucket["region"])
    return open_plain(caller, row, attrs, {})


class _ReadingState:
    """The AppState as a worker sees it: the same, but with its own connection as `db`."""

    def __init__(self, state, db):
        self._state = state
        self.db = db

    def __getattr__(self, name):
        return getattr(self._state, name)


class Decrypting(io.RawIOBase):
    """A sealed blob read as plaintext from any offset (AES-CTR seeks freely).

    Each read lands the stored bytes in a buffer and decrypts them there, in place: one
    pass over memory the size of the read, where decrypting into a fresh bytes object
    costs a second buffer (for 1 MiB reads, the allocation alone cost more than AES).
    `read` returns that buffer, a bytearray, which the response sends as it is. Reads of
    SLICE bytes (every chunk of a GET but a range's last) take a buffer from `_BUFFERS`,
    which hands out only buffers nobody else holds any more: a transport keeps the
    bytearray (or a view of it) until it is sent, and writing over it earlier corrupts
    the body.

    It has no file descriptor: byte copies (files.copy_range) then stream through it
    rather than copy ciphertext in the kernel.
    """

    def __init__(self, raw, keystream: Keystream):
        super().__init__()
        self._raw = raw
        self._keystream = keystream
        self._position = 0
        self._cursor = None         # at `_position` while reads follow one another

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        position = self._raw.seek(offset, whence)
        if position != self._position:
            self._cursor = None
        self._position = position
        return position

    def tell(self):
        return self._position

    def read(self, size=-1):
        if size is None or size < 0:
            return self.readall()
        plain = _BUFFERS.take() if size == SLICE else bytearray(size)
        got = self.readinto(plain)
        if got < size:
            return plain[:got]      # a copy: a pooled buffer keeps its size
        return plain

    def readall(self):
        pieces = []
        while piece := self.read(SLICE):
            pieces.append(piece)
        return b"".join(pieces)

    def readinto(self, buffer):
        got = self._raw.readinto(buffer)
        if not got:
            return got
        cursor = self._cursor
        if cursor is None:
            cursor = self._cursor = self._keystream.cursor(self._position)
        view = memoryview(buffer).cast("B")
        if got < len(view):
            view = view[:got]
        cursor.apply(view)
        self._position += got
        return got

    def fileno(self):
        raise io.UnsupportedOperation("a decrypting reader has no file descriptor")

    def close(self):
        self._raw.close()
        super().close()


class _BufferPool:
    """SLICE-sized bytearrays recycled between reads, so that a read neither zero-fills a
    new MiB nor faults its pages in (a quarter of the cost of AES over it).

    A buffer is free again when no one but the pool refers to it: whoever sends it (the
    response loop, uvloop's write queue, a memoryview of it) holds a reference until the
    bytes are gone, so a reference count at the pool's own is the proof it was sent.
    Thread-safe: workers copying objects read through the same pool.
    """

    def __init__(self, size: int):
        self._size = size
        self._buffers: list[bytearray] = []
        self._lock = threading.Lock()

    def take(self) -> bytearray:
        with self._lock:
            for buffer in self._buffers:
                # held by the list, the loop variable and getrefcount's argument
                if sys.getrefcount(buffer) == 3:
                    return buffer
            buffer = bytearray(SLICE)
            if len(self._buffers) < self._size:
                self._buffers.append(buffer)
            return buffer


_BUFFERS = _BufferPool(_POOL_SIZE)
