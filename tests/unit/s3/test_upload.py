"""spool(): aws-chunked decoding, hashing and the checks S3 makes on an upload body."""
import asyncio
import base64
import hashlib
import io
import os
import tracemalloc
import zlib

import pytest
from awscrt import checksums as crt
from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum, CrtCrc32cChecksum, Sha1Checksum

from lakebox.services.s3 import upload as body_mod
from lakebox.services.s3.aws_chunked import AwsChunkedDecoder
from lakebox.services.s3.upload import checksum_of_file, spool, without_aws_chunked
from lakebox.storage.blobs import BlobStore
from s3_unit_helpers import raises_s3

DATA = os.urandom(3 * 1024 * 1024 + 12345)      # several slices, not a multiple of any
SMALL = b"hello\n"


class RecordingBlobs(BlobStore):
    """A durable blob store that remembers the temp files it handed out."""
    def __init__(self, root):
        super().__init__(root, durable=True)
        self.made = []

    def temp_path(self):
        path = super().temp_path()
        self.made.append(path)
        return path


@pytest.fixture
def blobs(tmp_path):
    return RecordingBlobs(str(tmp_path))


async def pieces(data: bytes, size: int):
    for start in range(0, len(data), size):
        yield data[start:start + size]


def run(data, headers, blobs, piece=65536):
    return asyncio.run(spool(pieces(data, piece), headers, blobs))


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def crc32_b64(data):
    return b64(zlib.crc32(data).to_bytes(4, "big"))


def expected_checksum(algorithm, data):
    return {
        "CRC32": crc32_b64(data),
        "CRC32C": b64(crt.crc32c(data).to_bytes(4, "big")),
        "CRC64NVME": b64(crt.crc64nvme(data).to_bytes(8, "big")),
        "SHA1": b64(hashlib.sha1(data).digest()),
        "SHA256": b64(hashlib.sha256(data).digest()),
    }[algorithm]


def signed_chunked(data: bytes, chunk=65536, trailer: dict | None = None) -> bytes:
    """The STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER) framing, with made-up signatures."""
    out = io.BytesIO()
    sig = "a" * 64
    for start in range(0, len(data), chunk):
        part = data[start:start + chunk]
        out.write(b"%x;chunk-signature=%s\r\n%s\r\n" % (len(part), sig.encode(), part))
    out.write(b"0;chunk-signature=%s\r\n" % sig.encode())
    for name, value in (trailer or {}).items():
        out.write(f"{name}:{value}\r\n".encode())
    if trailer:
        out.write(b"x-amz-trailer-signature:" + sig.encode() + b"\r\n")
    out.write(b"\r\n")
    return out.getvalue()


def botocore_chunked(data: bytes, checksum_cls, name) -> bytes:
    """What botocore sends over HTTPS: unsigned aws-chunked with a checksum trailer."""
    return AwsChunkedWrapper(io.BytesIO(data), checksum_cls=checksum_cls, checksum_name=name).read()


# --- plain bodies -------------------------------------------------------------

def test_plain_body_is_written_and_hashed(blobs):
    got = run(DATA, {"Content-Length": str(len(DATA))}, blobs)
    assert got.size == len(DATA)
    assert got.md5_hex == hashlib.md5(DATA).hexdigest()
    assert got.read() == DATA
    assert got.checksum_algorithm is None
    assert got.checksums == {"CRC64NVME": expected_checksum("CRC64NVME", DATA)}


def test_small_body_is_hashed_inline(blobs):
    got = run(SMALL, {}, blobs)
    assert got.read() == SMALL
    assert got.md5_hex == hashlib.md5(SMALL).hexdigest()


def test_empty_body(blobs):
    got = run(b"", {"content-length": "0"}, blobs)
    assert got.size == 0 and got.read() == b""
    assert got.md5_hex == "d41d8cd98f00b204e9800998ecf8427e"


def test_small_declared_body_stays_in_memory(blobs):
    got = run(SMALL, {"content-length": str(len(SMALL))}, blobs)
    assert got.path is None and got.read() == SMALL and blobs.made == []
    assert got.take() == SMALL


def test_body_declared_small_that_runs_over_goes_to_a_file(blobs):
    data = os.urandom(body_mod.SMALL_BODY + 100)
    headers = chunked_headers(data)
    headers["x-amz-decoded-content-length"] = str(len(SMALL))
    with raises_s3("IncompleteBody"):
        run(signed_chunked(data), headers, blobs)
    assert len(blobs.made) == 1 and not os.listdir(blobs.tmp)


def test_a_taken_temp_file_is_the_takers_to_remove(blobs):
    got = run(DATA, {"content-length": str(len(DATA))}, blobs)
    path = got.take()
    got.discard()
    assert os.path.getsize(path) == len(DATA)


def test_an_empty_body_gives_nothing_to_commit(blobs):
    assert run(b"", {"content-length": "0"}, blobs).take() is None


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_checksum_header_is_verified_and_returned(blobs, algorithm):
    headers = {f"x-amz-checksum-{algorithm.lower()}": expected_checksum(algorithm, DATA),
               "x-amz-sdk-checksum-algorithm": algorithm}
    got = run(DATA, headers, blobs)
    assert got.checksum_algorithm == algorithm
    assert got.checksums[algorithm] == expected_checksum(algorithm, DATA)
    assert got.checksums["CRC64NVME"] == expected_checksum("CRC64NVME", DATA)


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_checksum_header_mismatch_is_bad_digest(blobs, algorithm):
    wrong = expected_checksum(algorithm, b"other bytes")
    with raises_s3("BadDigest") as err:
        run(DATA, {f"x-amz-checksum-{algorithm.lower()}": wrong}, blobs)
    assert err.value.message == f"The {algorithm} you specified did not match the calculated checksum."
    assert err.value.status == 400
    assert not os.listdir(blobs.tmp)


@pytest.mark.parametrize("value", ["not-base64!", "AAAA\u00e9AA"])   # a header carries latin-1 too
def test_checksum_value_that_is_not_a_checksum(blobs, value):
    with raises_s3("InvalidRequest") as err:
        run(SMALL, {"x-amz-checksum-crc32": value}, blobs)
    assert err.value.message == "Value for x-amz-checksum-crc32 header is invalid."
    with raises_s3("InvalidRequest"):
        run(SMALL, {"x-amz-checksum-sha256": crc32_b64(SMALL)}, blobs)   # wrong length


def test_two_checksum_headers(blobs):
    headers = {"x-amz-checksum-crc32": crc32_b64(SMALL), "x-amz-checksum-sha1": expected_checksum("SHA1", SMALL)}
    with raises_s3("InvalidRequest") as err:
        run(SMALL, headers, blobs)
    assert err.value.message == "Expecting a single x-amz-checksum- header"


def test_sdk_algorithm_without_a_value(blobs):
    with raises_s3("InvalidRequest") as err:
        run(SMALL, {"x-amz-sdk-checksum-algorithm": "CRC32"}, blobs)
    assert err.value.message.startswith("x-amz-sdk-checksum-algorithm specified, but no corresponding")


def test_sdk_algorithm_naming_another_algorithm(blobs):
    headers = {"x-amz-checksum-crc32": crc32_b64(SMALL), "x-amz-sdk-checksum-algorithm": "SHA1"}
    with raises_s3("InvalidRequest") as err:
        run(SMALL, headers, blobs)
    assert err.value.message == "Value for x-amz-sdk-checksum-algorithm header is invalid."


def test_content_md5(blobs):
    good = b64(hashlib.md5(DATA).digest())
    assert run(DATA, {"content-md5": good}, blobs).md5_hex == hashlib.md5(DATA).hexdigest()
    wrong = b64(hashlib.md5(b"x").digest())
    with raises_s3("BadDigest") as err:
        run(DATA, {"content-md5": wrong}, blobs)
    assert err.value.message == "The Content-MD5 you specified did not match what we received."
    assert err.value.fields == {"ExpectedDigest": hashlib.md5(b"x").hexdigest(),
                                "CalculatedDigest": good}


@pytest.mark.parametrize("value", ["", "abc", b64(b"short"), "1B2M2Y8AsgTpgAmY7Ph\u00e9CQ=="])
def test_content_md5_that_is_not_an_md5(blobs, value):
    with raises_s3("InvalidDigest") as err:
        run(SMALL, {"content-md5": value}, blobs)
    assert err.value.message == "The Content-MD5 you specified was invalid."
    assert err.value.fields == {"Content-MD5": value}
    assert blobs.made == []         # refused before any byte was written


def test_signed_payload_sha256(blobs):
    good = hashlib.sha256(DATA).hexdigest()
    assert run(DATA, {"x-amz-content-sha256": good}, blobs).size == len(DATA)
    wrong = hashlib.sha256(b"x").hexdigest()
    with raises_s3("XAmzContentSHA256Mismatch") as err:
        run(DATA, {"x-amz-content-sha256": wrong}, blobs)
    assert err.value.fields == {"ClientComputedContentSHA256": wrong, "S3ComputedContentSHA256": good}


def test_unsigned_payload_is_not_checked(blobs):
    assert run(SMALL, {"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}, blobs).read() == SMALL


def test_bad_x_amz_content_sha256(blobs):
    with pytest.raises(body_mod.InvalidArgument) as err:
        run(SMALL, {"x-amz-content-sha256": "nonsense"}, blobs)
    assert err.value.fields["ArgumentName"] == "x-amz-content-sha256"


def test_short_body_is_incomplete(blobs):
    with raises_s3("IncompleteBody") as err:
        run(SMALL, {"content-length": str(len(SMALL) + 10)}, blobs)
    assert err.value.message == ("You did not provide the number of bytes specified by the "
                                 "Content-Length HTTP header.")
    assert not os.listdir(blobs.tmp)


# --- aws-chunked --------------------------------------------------------------

def chunked_headers(data, sha256="STREAMING-AWS4-HMAC-SHA256-PAYLOAD", **extra):
    headers = {"content-encoding": "aws-chunked", "x-amz-content-sha256": sha256,
               "x-amz-decoded-content-length": str(len(data))}
    headers.update({name.replace("_", "-"): value for name, value in extra.items()})
    return headers


def test_signed_chunks(blobs):
    got = run(signed_chunked(DATA), chunked_headers(DATA), blobs)
    assert got.read() == DATA
    assert got.md5_hex == hashlib.md5(DATA).hexdigest()


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 85, 86, 87, 4096, 65537])
def test_chunk_headers_split_anywhere(blobs, piece):
    data = os.urandom(20000)
    wire = signed_chunked(data, chunk=8192, trailer={"x-amz-checksum-crc32": crc32_b64(data)})
    headers = chunked_headers(data, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                              x_amz_trailer="x-amz-checksum-crc32")
    got = run(wire, headers, blobs, piece=piece)
    assert got.read() == data
    assert got.checksums["CRC32"] == crc32_b64(data)


@pytest.mark.parametrize("cls,name,algorithm", [
    (Crc32Checksum, "x-amz-checksum-crc32", "CRC32"),
    (CrtCrc32cChecksum, "x-amz-checksum-crc32c", "CRC32C"),
    (Sha1Checksum, "x-amz-checksum-sha1", "SHA1"),
])
def test_botocore_unsigned_trailer(blobs, cls, name, algorithm):
    wire = botocore_chunked(DATA, cls, name)
    headers = chunked_headers(DATA, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", x_amz_trailer=name,
                              x_amz_sdk_checksum_algorithm=algorithm)
    got = run(wire, headers, blobs)
    assert got.read() == DATA
    assert got.checksum_algorithm == algorithm
    assert got.checksums[algorithm] == expected_checksum(algorithm, DATA)


def test_trailer_mismatch_is_bad_digest(blobs):
    wire = signed_chunked(SMALL, trailer={"x-amz-checksum-crc32": crc32_b64(b"other")})
    headers = chunked_headers(SMALL, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", x_amz_trailer="x-amz-checksum-crc32")
    with raises_s3("BadDigest") as err:
        run(wire, headers, blobs)
    assert err.value.message == "The CRC32 you specified did not match the calculated checksum."
    assert not os.listdir(blobs.tmp)


def test_trailer_announced_but_missing(blobs):
    headers = chunked_headers(SMALL, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", x_amz_trailer="x-amz-checksum-crc32")
    with raises_s3("MalformedTrailerError"):
        run(signed_chunked(SMALL), headers, blobs)


def test_trailer_sent_but_not_announced(blobs):
    wire = signed_chunked(SMALL, trailer={"x-amz-checksum-crc32": crc32_b64(SMALL)})
    with raises_s3("MalformedTrailerError"):
        run(wire, chunked_headers(SMALL), blobs)


def test_trailer_value_that_is_not_a_checksum(blobs):
    wire = signed_chunked(SMALL, trailer={"x-amz-checksum-sha1": "AAAA"})
    headers = chunked_headers(SMALL, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", x_amz_trailer="x-amz-checksum-sha1")
    with raises_s3("InvalidRequest") as err:
        run(wire, headers, blobs)
    assert err.value.message == "Value for x-amz-checksum-sha1 trailing header is invalid."


def test_unknown_trailer_algorithm(blobs):
    headers = chunked_headers(SMALL, x_amz_trailer="x-amz-checksum-crc16")
    with raises_s3("InvalidRequest"):
        run(signed_chunked(SMALL), headers, blobs)


def test_decoded_length_mismatch(blobs):
    headers = chunked_headers(DATA)
    headers["x-amz-decoded-content-length"] = str(len(DATA) - 1)
    with raises_s3("IncompleteBody"):
        run(signed_chunked(DATA), headers, blobs)


@pytest.mark.parametrize("cut", [5, 100, 70000, -3])
def test_truncated_stream(blobs, cut):
    wire = signed_chunked(DATA)[:cut]
    with raises_s3("IncompleteBody") as err:
        run(wire, chunked_headers(DATA), blobs)
    assert err.value.message == "The request body terminated unexpectedly"
    assert not os.listdir(blobs.tmp)


@pytest.mark.parametrize("wire", [
    b"zz;chunk-signature=x\r\nabc\r\n0\r\n\r\n",        # size is not hex
    b"3\r\nabcXY0\r\n\r\n",                             # data not followed by CRLF
    b"3\nabc\r\n0\r\n\r\n",                             # bare LF
    b"3\r\nabc\r\n0\r\n\r\ngarbage",                    # bytes after the end
    b"1" * 5000,                                         # endless header line
])
def test_malformed_framing(blobs, wire):
    with raises_s3("IncompleteBody"):
        run(wire, {"content-encoding": "aws-chunked"}, blobs)


def test_decoder_returns_views_without_copying():
    decoder = AwsChunkedDecoder()
    wire = b"5\r\nhello\r\n0\r\n\r\n"
    out = decoder.feed(wire)
    assert [bytes(p) for p in out] == [b"hello"]
    assert all(isinstance(p, memoryview) for p in out)
    assert decoder.finish() == {}


def test_memory_stays_flat(blobs):
    """64 MiB through spool must not hold more than a few slices at once."""
    size = 64 * 1024 * 1024
    block = os.urandom(65536)

    async def stream():
        for _ in range(size // len(block)):
            yield block

    async def upload():
        return await spool(stream(), {"content-length": str(size)}, blobs)

    tracemalloc.start()
    got = asyncio.run(upload())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert got.size == size
    assert peak < 6 * 1024 * 1024


# --- helpers ------------------------------------------------------------------

@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_checksum_of_file(tmp_path, algorithm):
    path = tmp_path / "f"
    path.write_bytes(DATA)
    assert checksum_of_file(str(path), algorithm) == expected_checksum(algorithm, DATA)
    assert checksum_of_file(str(path), algorithm, 100, 5000) == expected_checksum(algorithm, DATA[100:5100])


def test_without_aws_chunked():
    assert without_aws_chunked("aws-chunked") is None
    assert without_aws_chunked("gzip,aws-chunked") == "gzip"
    assert without_aws_chunked("aws-chunked, gzip") == "gzip"
    assert without_aws_chunked(None) is None
    assert without_aws_chunked("gzip") == "gzip"
