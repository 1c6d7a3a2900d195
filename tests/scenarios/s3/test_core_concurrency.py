"""Long S3 actions (completing a big multipart upload, copying a big object) do not hold up
other requests, and requests that race them end in a state S3 could have produced.

Ordering is asserted with events, never with wall-clock thresholds: a quick request
counts as "answered meanwhile" when it was sent after the long request went on the wire
and was answered before the long request returned.
"""
import hashlib
import os
import threading
import uuid

import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from lakebox.testing import LakeboxServer

MIB = 1024 * 1024
PART = 5 * MIB
PARTS = 40                      # 200 MiB objects
TIMEOUT = 120                   # generous bound on any single wait: a hang fails, slowness does not
MEANWHILE = 3                   # quick requests that must be answered while a long one runs


def make_client(server, **config):
    """A client of its own (its own connections), without retries: a race is seen as it ended."""
    config = Config(retries={"max_attempts": 1}, read_timeout=TIMEOUT, max_pool_connections=16, **config)
    return server.client("s3", region="us-east-1", config=config)


@pytest.fixture(scope="module")
def server(lakebox_server):
    return lakebox_server


@pytest.fixture(scope="module")
def s3(server):
    return make_client(server)


@pytest.fixture(scope="module")
def bucket(s3):
    name = f"concurrency-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="small", Body=b"small object")
    yield name
    for upload in s3.list_multipart_uploads(Bucket=name).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)


@pytest.fixture(scope="module")
def parts():
    """40 distinct 5 MiB parts (distinct, so a part out of place would show)."""
    return [os.urandom(PART) for _ in range(PARTS)]


@pytest.fixture(scope="module")
def source(s3, bucket, parts):
    """A 200 MiB multipart object to copy from: (key, sha256 of its bytes)."""
    key = "source-200mib"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    done = upload_parts(s3, bucket, key, upload, parts)
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": done})
    return key, digest(parts)


# ---- helpers ---------------------------------------------------------------------

def digest(chunks) -> str:
    hasher = hashlib.sha256()
    for chunk in chunks:
        hasher.update(chunk)
    return hasher.hexdigest()


def stored_digest(s3, bucket, key) -> str:
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    return digest(body.iter_chunks(MIB))


def upload_parts(s3, bucket, key, upload, parts) -> list[dict]:
    """Upload the parts four at a time; returns the Parts list for Complete."""
    results = [None] * len(parts)

    def upload_one(index):
        etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=index + 1,
                              Body=parts[index])["ETag"]
        results[index] = {"PartNumber": index + 1, "ETag": etag}

    run_in_threads(upload_one, range(len(parts)), width=4)
    return results


def copy_parts(s3, bucket, key, upload, source_key, ranges) -> list[dict]:
    """UploadPartCopy of each (first, last) range of the source, four at a time."""
    results = [None] * len(ranges)

    def copy_one(index):
        first, last = ranges[index]
        result = s3.upload_part_copy(Bucket=bucket, Key=key, UploadId=upload, PartNumber=index + 1,
                                     CopySource={"Bucket": bucket, "Key": source_key},
                                     CopySourceRange=f"bytes={first}-{last}")
        results[index] = {"PartNumber": index + 1, "ETag": result["CopyPartResult"]["ETag"]}

    run_in_threads(copy_one, range(len(ranges)), width=4)
    return results


def run_in_threads(fn, items, width):
    items, errors, lock = list(items), [], threading.Lock()

    def worker():
        while True:
            with lock:
                if not items:
                    return
                item = items.pop(0)
            try:
                fn(item)
            except Exception as error:          # reported below, in the test's thread
                errors.append(error)
                return

    threads = [threading.Thread(target=worker) for _ in range(width)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not errors, errors


class Call:
    """A request made in a thread of its own; `sent` is set once it is on the wire."""

    def __init__(self, client, operation: str, **kwargs):
        self.client, self.operation, self.kwargs = client, operation, kwargs
        self.sent, self.returned = threading.Event(), threading.Event()
        self.result = self.error = None
        self._event = f"before-send.s3.{operation}"
        self._thread = threading.Thread(target=self._run)

    def _mark_sent(self, **_):
        self.sent.set()

    def _run(self):
        method = getattr(self.client, xform_name(self.operation))
        try:
            self.result = method(**self.kwargs)
        except Exception as error:
            self.error = error
        finally:
            self.sent.set()                       # also when it failed before sending
            self.returned.set()

    def start(self):
        self.client.meta.events.register(self._event, self._mark_sent)
        self._thread.start()
        return self

    def join(self):
        self._thread.join(TIMEOUT)
        self.client.meta.events.unregister(self._event, self._mark_sent)
        assert self.returned.is_set(), f"{self.operation} did not return within {TIMEOUT} s"
        return self

    @property
    def code(self) -> str | None:
        """None if it succeeded, else the S3 error code."""
        if self.error is None:
            return None
        if isinstance(self.error, ClientError):
            return self.error.response["Error"]["Code"]
        raise self.error

    def outcome(self):
        if self.error is not None and self.code is None:
            raise self.error
        return self.result


def answered_meanwhile(quick_client, bucket, long_call: Call) -> int:
    """Send quick requests (HeadBucket, a small GET) one after another from the moment
    `long_call` is on the wire until it returns; count those answered before it returned."""
    assert long_call.sent.wait(TIMEOUT)
    answered = 0
    requests = [lambda: quick_client.head_bucket(Bucket=bucket),
                lambda: quick_client.get_object(Bucket=bucket, Key="small")["Body"].read()]
    while not long_call.returned.is_set():
        requests[answered % 2]()
        if not long_call.returned.is_set():
            answered += 1
    return answered


# ---- requests go on while a long action runs --------------------------------------

def test_other_requests_are_answered_while_a_200_mib_upload_completes(s3, server, bucket, source, parts):
    key = "completed-200mib"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    # 40 x 5 MiB parts, copied from the source (quicker than sending 200 MiB again)
    done = copy_parts(s3, bucket, key, upload, source[0], [(i * PART, (i + 1) * PART - 1) for i in range(PARTS)])
    complete = Call(make_client(server), "CompleteMultipartUpload", Bucket=bucket, Key=key, UploadId=upload,
                    MultipartUpload={"Parts": done}).start()
    answered = answered_meanwhile(make_client(server), bucket, complete)
    result = complete.join().outcome()
    # Requests sent after Complete went out were answered before it returned: the server
    # kept serving while it concatenated 200 MiB (a blocked server answers none of them).
    assert answered >= MEANWHILE
    expected_etag = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    assert result["ETag"] == f'"{expected_etag}-{PARTS}"'
    assert stored_digest(s3, bucket, key) == digest(parts)
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == PARTS * PART
    assert upload not in [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])]


def test_copy_of_a_large_object_is_byte_identical_and_others_go_on(s3, server, bucket, source, parts):
    source_key, source_digest = source
    copy = Call(make_client(server), "CopyObject", Bucket=bucket, Key="copy-200mib",
                CopySource={"Bucket": bucket, "Key": source_key}).start()
    answered = answered_meanwhile(make_client(server), bucket, copy)
    result = copy.join().outcome()
    assert answered >= MEANWHILE
    assert stored_digest(s3, bucket, "copy-200mib") == source_digest
    # A copy is a single-part object: its ETag is the MD5 of the bytes, and its full-object
    # CRC64NVME (computed over the bytes) equals the source's (combined from its parts).
    md5 = hashlib.md5()
    for part in parts:
        md5.update(part)
    assert result["CopyObjectResult"]["ETag"] == f'"{md5.hexdigest()}"'
    copied = s3.head_object(Bucket=bucket, Key="copy-200mib", ChecksumMode="ENABLED")
    original = s3.head_object(Bucket=bucket, Key=source_key, ChecksumMode="ENABLED")
    assert copied["ChecksumCRC64NVME"] == original["ChecksumCRC64NVME"]
    assert copied["ContentLength"] == PARTS * PART


def test_kernel_copy_of_a_large_single_part_object(s3, bucket):
    body = os.urandom(24 * MIB)
    put = s3.put_object(Bucket=bucket, Key="single-24mib", Body=body)
    result = s3.copy_object(Bucket=bucket, Key="single-copy", CopySource={"Bucket": bucket, "Key": "single-24mib"})
    assert result["CopyObjectResult"]["ETag"] == put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    assert stored_digest(s3, bucket, "single-copy") == digest([body])
    # onto itself with new metadata: same bytes, new metadata
    s3.copy_object(Bucket=bucket, Key="single-copy", CopySource={"Bucket": bucket, "Key": "single-copy"},
                   MetadataDirective="REPLACE", Metadata={"state": "replaced"})
    head = s3.head_object(Bucket=bucket, Key="single-copy")
    assert head["Metadata"] == {"state": "replaced"} and head["ETag"] == put["ETag"]
    assert stored_digest(s3, bucket, "single-copy") == digest([body])


def test_big_part_copies_assemble_byte_identical(s3, bucket, source, parts):
    """UploadPartCopy of 50 MiB ranges (copied and hashed off the loop), in a new order."""
    source_key, _ = source
    size = PARTS * PART
    quarter = size // 4
    order = [2, 0, 3, 1]
    ranges = [(q * quarter, (q + 1) * quarter - 1) for q in order]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="reassembled")["UploadId"]
    done = copy_parts(s3, bucket, "reassembled", upload, source_key, ranges)
    s3.complete_multipart_upload(Bucket=bucket, Key="reassembled", UploadId=upload, MultipartUpload={"Parts": done})
    whole = b"".join(parts)
    assert stored_digest(s3, bucket, "reassembled") == digest(whole[first:last + 1] for first, last in ranges)


def test_copy_reads_the_version_it_checked_while_the_source_is_overwritten(s3, server, bucket, parts):
    original = b"".join(parts[:10])           # 50 MiB: copied in a worker thread
    s3.put_object(Bucket=bucket, Key="volatile", Body=original)
    copy = Call(make_client(server), "CopyObject", Bucket=bucket, Key="volatile-copy",
                CopySource={"Bucket": bucket, "Key": "volatile"}).start()
    assert copy.sent.wait(TIMEOUT)
    make_client(server).put_object(Bucket=bucket, Key="volatile", Body=b"overwritten")
    result = copy.join().outcome()
    # The copy is of one whole version, old or new, whichever it read: never a mix.
    copied = stored_digest(s3, bucket, "volatile-copy")
    if result["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"overwritten").hexdigest()}"':
        assert copied == digest([b"overwritten"])
    else:
        assert result["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(original).hexdigest()}"'
        assert copied == digest([original])


# ---- races end consistently ----------------------------------------------------------

def new_upload(s3, bucket, source_key, key) -> tuple[str, list[dict], list[tuple[int, int]]]:
    """A 200 MiB upload of four 50 MiB parts copied from the source."""
    quarter = PARTS * PART // 4
    ranges = [(q * quarter, (q + 1) * quarter - 1) for q in range(4)]
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    return upload, copy_parts(s3, bucket, key, upload, source_key, ranges), ranges


def assert_upload_gone(s3, bucket, key, upload):
    with pytest.raises(ClientError) as raised:
        s3.list_parts(Bucket=bucket, Key=key, UploadId=upload)
    assert raised.value.response["Error"]["Code"] == "NoSuchUpload"
    assert upload not in [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])]


def assert_absent(s3, bucket, key):
    with pytest.raises(ClientError) as raised:
        s3.head_object(Bucket=bucket, Key=key)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize("abort_after", ["sent", "one-round-trip"])
def test_complete_racing_abort_ends_consistently(s3, server, bucket, source, abort_after):
    source_key, source_digest = source
    key = f"raced-{abort_after}"
    upload, done, _ = new_upload(s3, bucket, source_key, key)
    aborter = make_client(server)
    complete = Call(make_client(server), "CompleteMultipartUpload", Bucket=bucket, Key=key, UploadId=upload,
                    MultipartUpload={"Parts": done}).start()
    assert complete.sent.wait(TIMEOUT)
    if abort_after == "one-round-trip":
        aborter.head_bucket(Bucket=bucket)        # lands while the parts are being concatenated
    abort = Call(aborter, "AbortMultipartUpload", Bucket=bucket, Key=key, UploadId=upload).start().join()
    complete.join()
    # Exactly one of them wins; the other is told the upload is no more.
    assert sorted([complete.code or "ok", abort.code or "ok"]) == ["NoSuchUpload", "ok"]
    if complete.code is None:
        assert stored_digest(s3, bucket, key) == source_digest
    else:
        assert_absent(s3, bucket, key)
    assert_upload_gone(s3, bucket, key, upload)


def test_two_completes_of_one_upload_one_wins(s3, server, bucket, source):
    source_key, source_digest = source
    upload, done, _ = new_upload(s3, bucket, source_key, "twice")
    calls = [Call(make_client(server), "CompleteMultipartUpload", Bucket=bucket, Key="twice", UploadId=upload,
                  MultipartUpload={"Parts": done}) for _ in range(2)]
    for call in calls:
        call.start()
    for call in calls:
        call.join()
    assert sorted(call.code or "ok" for call in calls) == ["NoSuchUpload", "ok"]
    assert stored_digest(s3, bucket, "twice") == source_digest
    versions = s3.list_object_versions(Bucket=bucket, Prefix="twice")
    assert len(versions["Versions"]) == 1
    assert_upload_gone(s3, bucket, "twice", upload)


def test_part_replaced_while_completing_ends_consistently(s3, server, bucket, source, parts):
    """A chosen part uploaded again during Complete: either Complete went first (the object
    has the old bytes, the late part finds no upload) or the part did (its new ETag no
    longer matches the request's: InvalidPart, and the upload stays)."""
    source_key, source_digest = source
    upload, done, _ = new_upload(s3, bucket, source_key, "replaced")
    complete = Call(make_client(server), "CompleteMultipartUpload", Bucket=bucket, Key="replaced",
                    UploadId=upload, MultipartUpload={"Parts": done}).start()
    assert complete.sent.wait(TIMEOUT)
    replace = Call(make_client(server), "UploadPart", Bucket=bucket, Key="replaced", UploadId=upload,
                   PartNumber=2, Body=parts[0]).start().join()
    complete.join()
    assert (complete.code, replace.code) in ((None, "NoSuchUpload"), ("InvalidPart", None))
    if complete.code is None:
        assert stored_digest(s3, bucket, "replaced") == source_digest
        assert_upload_gone(s3, bucket, "replaced", upload)
    else:
        assert_absent(s3, bucket, "replaced")
        listed = s3.list_parts(Bucket=bucket, Key="replaced", UploadId=upload)["Parts"]
        assert [(p["PartNumber"], p["Size"]) for p in listed][1] == (2, PART)
        s3.abort_multipart_upload(Bucket=bucket, Key="replaced", UploadId=upload)


def test_part_without_the_upload_checksum_is_refused(server, bucket):
    """A part sent without the checksum its upload was created with is refused, as S3 does,
    and leaves the upload as it was."""
    plain = make_client(server, request_checksum_calculation="when_required")
    body = os.urandom(10 * MIB)
    upload = plain.create_multipart_upload(Bucket=bucket, Key="hashed", ChecksumAlgorithm="SHA256")["UploadId"]
    with pytest.raises(ClientError) as refused:
        plain.upload_part(Bucket=bucket, Key="hashed", UploadId=upload, PartNumber=1, Body=body)
    assert refused.value.response["Error"] == {
        "Code": "InvalidRequest",
        "Message": "Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: null"}
    assert plain.list_parts(Bucket=bucket, Key="hashed", UploadId=upload).get("Parts", []) == []
    plain.abort_multipart_upload(Bucket=bucket, Key="hashed", UploadId=upload)


def test_part_copy_racing_abort_ends_consistently(s3, server, bucket, source):
    source_key, _ = source
    upload = s3.create_multipart_upload(Bucket=bucket, Key="part-race")["UploadId"]
    copy = Call(make_client(server), "UploadPartCopy", Bucket=bucket, Key="part-race", UploadId=upload,
                PartNumber=1, CopySource={"Bucket": bucket, "Key": source_key},
                CopySourceRange=f"bytes=0-{100 * MIB - 1}").start()
    assert copy.sent.wait(TIMEOUT)
    abort = Call(make_client(server), "AbortMultipartUpload", Bucket=bucket, Key="part-race",
                 UploadId=upload).start().join()
    copy.join()
    assert abort.code is None                  # nothing else ends the upload
    assert copy.code in (None, "NoSuchUpload")
    assert_upload_gone(s3, bucket, "part-race", upload)


# ---- nothing is left behind (needs a data directory to look into) -------------------

@pytest.mark.local_only
def test_races_leave_no_temp_files_or_orphan_blobs(tmp_path):
    """Durable server (blobs are fsynced, in the worker thread): after Complete/Abort races
    and an aborted part copy, the temp area is empty and only live objects have blobs."""
    data = tmp_path / "data"
    with LakeboxServer(data_dir=str(data)) as server:
        s3, other = make_client(server), make_client(server)
        s3.create_bucket(Bucket="leftovers")
        body = os.urandom(40 * MIB)
        s3.put_object(Bucket="leftovers", Key="src", Body=body)          # flushed off the loop
        upload = s3.create_multipart_upload(Bucket="leftovers", Key="uploaded")["UploadId"]
        part = s3.upload_part(Bucket="leftovers", Key="uploaded", UploadId=upload, PartNumber=1,
                              Body=body[:10 * MIB])["ETag"]                  # flushed off the loop too
        s3.complete_multipart_upload(Bucket="leftovers", Key="uploaded", UploadId=upload,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]})
        assert stored_digest(s3, "leftovers", "uploaded") == digest([body[:10 * MIB]])
        live = {"src", "uploaded"}
        for round_number in range(3):
            key = f"raced-{round_number}"
            upload = s3.create_multipart_upload(Bucket="leftovers", Key=key)["UploadId"]
            done = copy_parts(s3, "leftovers", key, upload, "src",
                              [(q * 10 * MIB, (q + 1) * 10 * MIB - 1) for q in range(4)])
            complete = Call(s3, "CompleteMultipartUpload", Bucket="leftovers", Key=key, UploadId=upload,
                            MultipartUpload={"Parts": done}).start()
            assert complete.sent.wait(TIMEOUT)
            for _ in range(round_number):
                other.head_bucket(Bucket="leftovers")
            abort = Call(other, "AbortMultipartUpload", Bucket="leftovers", Key=key, UploadId=upload).start().join()
            complete.join()
            assert sorted([complete.code or "ok", abort.code or "ok"]) == ["NoSuchUpload", "ok"]
            if complete.code is None:
                live.add(key)
                assert stored_digest(s3, "leftovers", key) == digest([body])
        listed = {o["Key"] for o in s3.list_objects_v2(Bucket="leftovers")["Contents"]}
        assert listed == live
        assert s3.list_multipart_uploads(Bucket="leftovers").get("Uploads", []) == []

        def settled():
            # Blobs of ended uploads go right after the response: wait until they have.
            s3.head_bucket(Bucket="leftovers")
            blobs = [f for d in (data / "blobs").iterdir() if d.name != "tmp" for f in d.iterdir()]
            return len(blobs) == len(live) and not list((data / "blobs" / "tmp").iterdir())

        assert any(settled() for _ in range(200)), (sorted(os.listdir(data / "blobs" / "tmp")), live)
