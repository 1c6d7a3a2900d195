"""S3 upload bodies, which never sit whole in memory unless they are small.

`spool` writes a streaming request payload (S3 PutObject/UploadPart) to a temp file in
the blob area (or keeps it in memory, when it is declared at most SMALL_BODY bytes and
stays so) while hashing it, decoding `aws-chunked` framing and reading its
trailers on the way, then checks what the client declared (sizes, `Content-MD5`,
`x-amz-content-sha256`, `x-amz-checksum-*`) against what arrived. The pipeline
calls it through S3's hooks for every operation whose model payload streams.

Speed: MD5 alone runs at about 500 MB/s on one core, so a big body is hashed in 1 MiB
slices on worker threads (hashlib and zlib release the GIL), in parallel lanes, while
the event loop keeps receiving the next slice. Small bodies are hashed inline; a small
plain one (no `aws-chunked`: what SDKs send over http) is gathered whole first and
hashed in one call per digest, the cheapest way for the everyday 1 KiB PUT.
"""
import asyncio
import base64
import binascii
import collections
import hashlib
import os
import re
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from awscrt import checksums as crt

from lakebox.aws.errors import InvalidArgument
from lakebox.services.s3 import errors
from lakebox.services.s3 import xxhashes
from lakebox.services.s3.aws_chunked import AwsChunkedDecoder

CHECKSUM_ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "SHA512", "MD5", *xxhashes.ALGORITHMS)
ALGORITHM_OF_HEADER = {f"x-amz-checksum-{name.lower()}": name for name in CHECKSUM_ALGORITHMS}
# S3 gives every new object a CRC64NVME checksum when the client asked for none.
DEFAULT_CHECKSUM = "CRC64NVME"
DIGEST_SIZES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32, "SHA512": 64, "MD5": 16,
                **xxhashes.SIZES}

STREAMING_SHA256_VALUES = (
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
)
HEX_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")

SLICE = 1 << 20                 # bytes handed to the worker threads at a time
# A body declared this small stays in memory and becomes a blob in one write at commit:
# a temp file's create, write, close and rename cost about as much as the rest of a
# 1 KiB PUT's storage work.
SMALL_BODY = 64 << 10
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="lakebox-spool")


@dataclass
class SpooledBody:
    path: str | None          # temp file in the blob area (None: in `data`, or taken)
    size: int
    md5_hex: str
    checksums: dict = field(default_factory=dict)   # e.g. {"CRC32": "<base64>"}
    # The algorithm the client named (value header, trailer); its value in `checksums`
    # was verified when the client sent one. `checksums` also always has CRC64NVME.
    checksum_algorithm: str | None = None
    data: bytes | None = None  # a small body's bytes, kept in memory

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        with open(self.path, "rb") as f:
            return f.read()

    def take(self):
        """What becomes the blob, handed to the caller, who commits it or removes it
        (`concurrency.Staged`): the temp file's path, a small body's bytes, or None for
        an empty body. The body then holds nothing that `discard` would remove."""
        if not self.size:
            return None
        source = self.path if self.path is not None else self.data
        self.path = self.data = None
        return source

    def discard(self):
        self.data = None
        if self.path is not None:
            _unlink(self.path)
            self.path = None


async def spool(chunks, headers: dict, blobs) -> SpooledBody:
    """Take the body arriving as `chunks` (async iterator of bytes) into memory or a temp
    file; `headers` are the request's, with lower-case names."""
    plan = UploadPlan.from_headers(headers)
    if plan.declared_size is not None and plan.declared_size <= SMALL_BODY and not plan.chunked:
        return await _take_small(chunks, plan)
    buffer = _BodyBuffer(blobs, plan.declared_size)
    try:
        try:
            sink = HashingSink(buffer.write, plan.algorithms())
            trailers = await _receive(chunks, plan, sink)
        finally:
            buffer.close()
        body = SpooledBody(path=buffer.path, size=sink.size, md5_hex=sink.hexdigest("MD5"), data=buffer.data())
        plan.verify(sink, trailers)
        body.checksum_algorithm = plan.algorithm
        body.checksums = plan.stored_checksums(sink)
        return body
    except BaseException:
        buffer.remove()
        raise


async def _take_small(chunks, plan) -> SpooledBody:
    """A plain body declared at most SMALL_BODY bytes: gathered in memory, then each
    digest taken over the whole in one call (no slices, lanes or threads to set up)."""
    pieces, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > plan.declared_size:       # more than declared: it can never match
            raise plan.size_mismatch()
        pieces.append(chunk)
    data = pieces[0] if len(pieces) == 1 else b"".join(pieces)
    digests = Digests(data, plan.algorithms())
    plan.verify(digests, {})
    return SpooledBody(path=None, size=size, md5_hex=digests.hexdigest("MD5"), data=data,
                       checksum_algorithm=plan.algorithm, checksums=plan.stored_checksums(digests))


class _BodyBuffer:
    """Where a body's bytes go: memory while a body declared small fits in SMALL_BODY
    (a client may send more than it declared: the rest then goes to a temp file, and the
    size check refuses the body), else a temp file from the start."""

    def __init__(self, blobs, declared_size: int | None):
        self.blobs = blobs
        self.pieces = [] if declared_size is not None and declared_size <= SMALL_BODY else None
        self.held = 0
        self.path = self.out = self.write_file = None
        if self.pieces is None:
            self._open()

    def _open(self):
        self.path = self.blobs.temp_path()
        self.out = open(self.path, "wb")
        self.write_file = self.blobs.writer(self.out)

    def write(self, piece):
        if self.pieces is not None:
            if self.held + len(piece) <= SMALL_BODY:
                self.pieces.append(piece)      # the receiver's bytes or views of them, not copied
                self.held += len(piece)
                return
            self._open()
            for held in self.pieces:
                self.write_file(held)
            self.pieces = None
        self.write_file(piece)

    def data(self) -> bytes | None:
        return None if self.pieces is None else b"".join(self.pieces)

    def close(self):
        if self.out is not None:
            self.out.close()

    def remove(self):
        self.close()
        if self.path is not None:
            _unlink(self.path)


async def _receive(chunks, plan, sink) -> dict:
    """Feed the decoded payload to `sink`; returns the aws-chunked trailers (if any)."""
    try:
        if plan.chunked:
            decoder = AwsChunkedDecoder()
            async for chunk in chunks:
                for piece in decoder.feed(chunk):
                    await sink.add(piece)
            trailers = decoder.finish()
        else:
            async for chunk in chunks:
                await sink.add(chunk)
            trailers = {}
        await sink.finish()
        return trailers
    finally:
        await sink.settle()


def checksum_of_file(path: str, algorithm: str, offset: int = 0, length: int | None = None) -> str:
    """Base64 checksum (an S3 algorithm name, or MD5) of a file or a range of it."""
    hasher = new_hasher(algorithm)
    with open(path, "rb") as f:
        f.seek(offset)
        left = length if length is not None else os.fstat(f.fileno()).st_size - offset
        while left > 0:
            piece = f.read(min(SLICE, left))
            if not piece:
                break
            hasher.update(piece)
            left -= len(piece)
    return base64.b64encode(hasher.digest()).decode()


def without_aws_chunked(content_encoding: str | None) -> str | None:
    """The Content-Encoding S3 stores: the client's, minus the `aws-chunked` transport."""
    if not content_encoding:
        return content_encoding
    kept = [part.strip() for part in content_encoding.split(",")
            if part.strip() and part.strip().lower() != "aws-chunked"]
    return ",".join(kept) or None


# ---------------------------------------------------------------------------
# Hashers

class _Crc:
    """A CRC with hashlib's update()/digest(); the digest is big-endian, as S3 shows it."""

    def __init__(self, fn, width: int):
        self.fn = fn
        self.width = width
        self.value = 0

    def update(self, data):
        self.value = self.fn(data, self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(self.width, "big")


_NEW_HASHERS = {
    "CRC32": lambda: _Crc(zlib.crc32, 4),         # zlib's CRC32 is faster than awscrt's here
    "CRC32C": lambda: _Crc(crt.crc32c, 4),
    "CRC64NVME": lambda: _Crc(crt.crc64nvme, 8),
    "MD5": hashlib.md5, "SHA1": hashlib.sha1, "SHA256": hashlib.sha256,   # not hashlib.new: a name look-up
    "SHA512": hashlib.sha512, **xxhashes.hasher_makers(),
}


def new_hasher(algorithm: str):
    make = _NEW_HASHERS.get(algorithm)
    if make is None:
        raise ValueError(f"unknown checksum algorithm {algorithm}")
    return make()


# Each digest of bytes in memory in one call: what new_hasher's update() and digest() give,
# without a hasher object (a third of a 1 KiB body's hashing time was the objects).
_DIGEST_OF = {
    "CRC32": lambda data: zlib.crc32(data).to_bytes(4, "big"),
    "CRC32C": lambda data: crt.crc32c(data).to_bytes(4, "big"),
    "CRC64NVME": lambda data: crt.crc64nvme(data).to_bytes(8, "big"),
    "MD5": lambda data: hashlib.md5(data).digest(),
    "SHA1": lambda data: hashlib.sha1(data).digest(),
    "SHA256": lambda data: hashlib.sha256(data).digest(),
    "SHA512": lambda data: hashlib.sha512(data).digest(), **xxhashes.digest_functions(),
}


class Digests:
    """The digests of a whole body in memory, read as a HashingSink's are."""

    def __init__(self, data, algorithms):
        self.size = len(data)
        self.values = {name: _DIGEST_OF[name](data) for name in algorithms}

    def hexdigest(self, name: str) -> str:
        return self.values[name].hex()

    def b64digest(self, name: str) -> str:
        return binascii.b2a_base64(self.values[name], newline=False).decode()     # base64.b64encode's own call


class HashingSink:
    """Writes the payload to a file and through its hashers, in slices.

    Work is split in lanes (MD5 | SHA256 | the file and the rest) that run in parallel
    on worker threads. Each lane takes its slices in order, one after the other; up to
    DEPTH slices may wait in a lane, so the event loop keeps receiving while the slowest
    lane (MD5) catches up, and memory stays bounded.
    """
    DEPTH = 2

    def __init__(self, write, algorithms):
        self.hashers = {name: new_hasher(name) for name in algorithms}
        self.size = 0
        self.lanes = self._lanes(write)
        self.pending = []                          # pieces not yet handed to the lanes
        self.pending_size = 0
        self.tails = [None] * len(self.lanes)     # each lane's latest task
        self.window = collections.deque()          # per slice: all lanes done with it

    def _lanes(self, write):
        rest = [hasher.update for name, hasher in self.hashers.items() if name not in ("MD5", "SHA256")]
        lanes = [[write] + rest, [self.hashers["MD5"].update]]
        if "SHA256" in self.hashers:
            lanes.append([self.hashers["SHA256"].update])
        return [_lane(steps) for steps in lanes]

    def hexdigest(self, name: str) -> str:
        return self.hashers[name].digest().hex()

    def b64digest(self, name: str) -> str:
        return base64.b64encode(self.hashers[name].digest()).decode()

    async def add(self, data):
        """Take a piece of the body; it is kept as it is (no copy) until hashed."""
        self.size += len(data)
        self.pending.append(data)
        self.pending_size += len(data)
        if self.pending_size >= SLICE:
            await self._hand_off()

    async def finish(self):
        if self.tails[0] is None:
            # The body was small: hash it here, a thread hop would cost more than it saves.
            for lane in self.lanes:
                lane(self.pending)
            self.pending = []
        elif self.pending:
            await self._hand_off()
        await self.settle()

    async def settle(self):
        """Wait until no thread works on this body (also on errors: one may be writing)."""
        if not self.window:         # a small body: no slice went to a thread (and gather() costs)
            return
        window, self.window = self.window, collections.deque()
        for results in await asyncio.gather(*window):
            _raise_first(results)

    async def _hand_off(self):
        while len(self.window) >= self.DEPTH:
            _raise_first(await self.window.popleft())
        pieces, self.pending, self.pending_size = self.pending, [], 0
        self.tails = [asyncio.ensure_future(_after(tail, lane, pieces)) for tail, lane in zip(self.tails, self.lanes)]
        self.window.append(asyncio.gather(*self.tails, return_exceptions=True))


async def _after(previous, lane, pieces):
    """Run `lane` on a slice in a worker thread once the lane's previous slice is done."""
    if previous is not None:
        await previous
    await asyncio.get_running_loop().run_in_executor(_POOL, lane, pieces)


def _raise_first(results):
    for result in results:
        if isinstance(result, BaseException):
            raise result


def _lane(steps):
    def run(pieces):
        for piece in pieces:
            for step in steps:       # every step while the piece is still in the CPU cache
                step(piece)
    return run


# ---------------------------------------------------------------------------
# What the client declared, and checking it

@dataclass(slots=True)
class UploadPlan:
    chunked: bool
    declared_size: int | None           # decoded length the client announced
    payload_sha256: str | None          # hex x-amz-content-sha256 of a plain signed body
    md5_b64: str | None                 # Content-MD5
    algorithm: str | None               # checksum algorithm the client asked for
    expected: str | None                # its value, when sent as a header
    trailer: str | None                 # its trailer name, when it comes after the body

    @classmethod
    def from_headers(cls, headers: dict) -> "UploadPlan":
        content_sha256 = headers.get("x-amz-content-sha256")
        chunked = _is_aws_chunked(headers, content_sha256)
        algorithm, expected, trailer = _requested_checksum(headers)     # judged first: its error wins, as before
        # Positional, in field order: every upload makes one.
        return cls(chunked, _declared_size(headers, chunked), _payload_sha256(content_sha256, chunked),
                   _content_md5(headers), algorithm, expected, trailer)

    def algorithms(self) -> list:
        """The digests to take: MD5 (the ETag), CRC64NVME (S3 keeps it), the client's
        algorithm and the SHA256 of a signed payload, each once."""
        names = ["MD5", DEFAULT_CHECKSUM]
        if self.algorithm and self.algorithm != DEFAULT_CHECKSUM:
            names.append(self.algorithm)
        if self.payload_sha256 and self.algorithm != "SHA256":
            names.append("SHA256")
        return names

    def stored_checksums(self, sink) -> dict:
        """{algorithm: base64 value} S3 keeps for the body: the client's and CRC64NVME."""
        return {name: sink.b64digest(name) for name in (self.algorithm, DEFAULT_CHECKSUM) if name}

    def size_mismatch(self):
        return errors.error("IncompleteBody", "You did not provide the number of bytes specified by the "
                            "Content-Length HTTP header.")

    def verify(self, sink, trailers: dict):
        """Check the body's size and digests (`sink`: a HashingSink or Digests) against
        what the client declared."""
        if self.declared_size is not None and sink.size != self.declared_size:
            raise self.size_mismatch()
        if self.payload_sha256 and sink.hexdigest("SHA256") != self.payload_sha256.lower():
            raise errors.error("XAmzContentSHA256Mismatch", ClientComputedContentSHA256=self.payload_sha256,
                               S3ComputedContentSHA256=sink.hexdigest("SHA256"))
        if self.md5_b64 and sink.b64digest("MD5") != self.md5_b64:
            raise errors.error("BadDigest", "The Content-MD5 you specified did not match what we received.",
                               ExpectedDigest=base64.b64decode(self.md5_b64).hex(),
                               CalculatedDigest=sink.b64digest("MD5"))
        expected = self._checksum_value(trailers)
        if expected is not None and sink.b64digest(self.algorithm) != expected:
            raise errors.error("BadDigest",
                               f"The {self.algorithm} you specified did not match the calculated checksum.")

    def _checksum_value(self, trailers: dict) -> str | None:
        """The checksum value to compare: from its header, or from the trailer."""
        sent = {name for name in trailers if name.startswith("x-amz-checksum-")}
        if self.trailer is None:
            if sent:
                raise errors.error("MalformedTrailerError")
            return self.expected
        if sent != {self.trailer}:
            raise errors.error("MalformedTrailerError")
        value = trailers[self.trailer]
        if not _valid_checksum_value(self.algorithm, value):
            raise errors.error("InvalidRequest", f"Value for {self.trailer} trailing header is invalid.")
        return value


def _is_aws_chunked(headers, content_sha256) -> bool:
    if content_sha256 is not None and content_sha256.startswith("STREAMING-"):
        return True
    encoding = headers.get("content-encoding")
    return encoding is not None and "aws-chunked" in [part.strip().lower() for part in encoding.split(",")]


def _declared_size(headers, chunked) -> int | None:
    text = headers.get("x-amz-decoded-content-length") if chunked else headers.get("content-length")
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidArgument(f"Invalid {'x-amz-decoded-content-length' if chunked else 'Content-Length'}"
                              f" header value: {text}") from None


def _payload_sha256(content_sha256, chunked) -> str | None:
    """The hex SHA256 a plain signed body must have, or None when there is none to check."""
    if content_sha256 is None or content_sha256 == "UNSIGNED-PAYLOAD":
        return None
    if content_sha256 in STREAMING_SHA256_VALUES:
        return None
    if HEX_SHA256.match(content_sha256):
        return None if chunked else content_sha256
    raise InvalidArgument(
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER "
        "or a valid sha256 value.",
        ArgumentName="x-amz-content-sha256", ArgumentValue=content_sha256)


def _content_md5(headers) -> str | None:
    value = headers.get("content-md5")
    if value is None:
        return None
    try:
        if len(base64.b64decode(value, validate=True)) == 16:
            return value
    except ValueError:          # binascii.Error, or a character that is not ASCII
        pass
    raise errors.error("InvalidDigest", **{"Content-MD5": value})


def _requested_checksum(headers):
    """(algorithm, header value, trailer name) the client asked S3 to check."""
    sent = ALGORITHM_OF_HEADER.keys() & headers.keys()         # the x-amz-checksum-* headers
    trailers = _checksum_trailers(headers["x-amz-trailer"]) if "x-amz-trailer" in headers else ()
    if len(sent) + len(trailers) > 1:
        raise errors.error("InvalidRequest", "Expecting a single x-amz-checksum- header")
    sdk = headers.get("x-amz-sdk-checksum-algorithm")
    if not sent and not trailers:
        if sdk:
            raise errors.error("InvalidRequest", "x-amz-sdk-checksum-algorithm specified, but no corresponding "
                                 "x-amz-checksum-* or x-amz-trailer headers were found.")
        return None, None, None
    if trailers:
        algorithm, value, trailer = trailers[0], None, f"x-amz-checksum-{trailers[0].lower()}"
    else:
        header = sent.pop()
        algorithm, value, trailer = ALGORITHM_OF_HEADER[header], headers[header], None
        if not _valid_checksum_value(algorithm, value):
            raise errors.error("InvalidRequest", f"Value for {header} header is invalid.")
    if sdk and sdk.upper() != algorithm:
        raise errors.error("InvalidRequest", "Value for x-amz-sdk-checksum-algorithm header is invalid.")
    return algorithm, value, trailer


def _checksum_trailers(x_amz_trailer) -> list:
    """Algorithms of the checksum trailers announced in `x-amz-trailer`."""
    found = []
    for name in (x_amz_trailer or "").split(","):
        name = name.strip().lower()
        if not name.startswith("x-amz-checksum-"):
            continue
        algorithm = name.removeprefix("x-amz-checksum-").upper()
        if algorithm not in CHECKSUM_ALGORITHMS:
            raise errors.error("InvalidRequest",
                               "The value specified in the x-amz-trailer header is not supported")
        found.append(algorithm)
    return found


def _valid_checksum_value(algorithm: str, value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == DIGEST_SIZES[algorithm]
    except ValueError:          # binascii.Error, or a character that is not ASCII
        return False


def _unlink(path: str):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
