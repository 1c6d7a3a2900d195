"""An upload sent with `Expect: 100-continue` is refused before its body is sent.

Sources: PutObject API reference, request header `Expect` ("When your application uses
100-continue, it does not send the request body until it receives an acknowledgment. If
the message is rejected based on the headers, the body of the message is not sent"); RFC
9110 section 10.1.1 (a server that refuses a request may answer with the final status
instead of 100). Only the head is sent here; the answer must be the
final error, not `100 Continue`.

A body over 5 GiB is refused by its Content-Length alone: S3 User Guide, "Uploading
objects" (a single PUT takes up to 5 GB) and "Amazon S3 multipart upload limits" (parts
of 5 MiB to 5 GiB); the error is the EntityTooLarge of the S3 error-code list ("Your
proposed upload exceeds the maximum allowed size").
"""
import pytest

from s3_helpers import EXPECTED_BODY_SIZE as BODY_SIZE, expect_continue_answer, signed_headers


def _signed(url: str) -> dict:
    headers = signed_headers(url, method="PUT", headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    return {name: value for name, value in headers.items() if name.lower() != "content-length"}


@pytest.fixture
def private(make_bucket):
    return make_bucket("expect-private")


@pytest.mark.local_only
def test_an_anonymous_upload_is_refused_before_its_body(lakebox_server, s3, private):
    answer = expect_continue_answer(lakebox_server.endpoint, f"/{private}/big.bin", {})
    assert answer.startswith(b"HTTP/1.1 403")
    assert b"<Code>AccessDenied</Code><Message>Access Denied</Message>" in answer
    assert s3.list_objects_v2(Bucket=private)["KeyCount"] == 0


@pytest.mark.local_only
def test_an_upload_to_a_missing_bucket_is_refused_before_its_body(lakebox_server):
    url = f"{lakebox_server.endpoint}/no-such-bucket-expect-0123456789/big.bin"
    headers = _signed(url)
    answer = expect_continue_answer(lakebox_server.endpoint, "/no-such-bucket-expect-0123456789/big.bin", headers)
    assert answer.startswith(b"HTTP/1.1 404")
    assert b"<Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>" in answer


@pytest.mark.local_only
def test_an_upload_the_caller_may_make_gets_leave_to_send(lakebox_server, s3, private):
    url = f"{lakebox_server.endpoint}/{private}/big.bin"
    headers = _signed(url)
    assert expect_continue_answer(lakebox_server.endpoint, f"/{private}/big.bin", headers).startswith(b"HTTP/1.1 100")


def test_boto3_uploads_with_expect_still_work(s3, private):
    s3.put_object(Bucket=private, Key="big.bin", Body=b"x" * BODY_SIZE)
    assert s3.head_object(Bucket=private, Key="big.bin")["ContentLength"] == BODY_SIZE


@pytest.mark.local_only
def test_a_part_of_an_upload_that_is_gone_is_refused_before_its_body(lakebox_server, s3, private):
    upload = s3.create_multipart_upload(Bucket=private, Key="big.bin")["UploadId"]
    s3.abort_multipart_upload(Bucket=private, Key="big.bin", UploadId=upload)
    path = f"/{private}/big.bin?partNumber=1&uploadId={upload}"
    answer = expect_continue_answer(lakebox_server.endpoint, path, _signed(lakebox_server.endpoint + path))
    assert answer.startswith(b"HTTP/1.1 404") and b"<Code>NoSuchUpload</Code>" in answer


FIVE_GIB = 5 * 1024 ** 3


@pytest.mark.local_only
def test_an_object_or_part_over_5_gib_is_refused_by_its_length(lakebox_server, s3, private):
    upload = s3.create_multipart_upload(Bucket=private, Key="huge.bin")["UploadId"]
    for path in (f"/{private}/huge.bin", f"/{private}/huge.bin?partNumber=1&uploadId={upload}"):
        answer = expect_continue_answer(lakebox_server.endpoint, path, _signed(lakebox_server.endpoint + path),
                                        length=FIVE_GIB + 1)
        assert answer.startswith(b"HTTP/1.1 400")
        assert (b"<Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message>"
                b"<ProposedSize>5368709121</ProposedSize><MaxSizeAllowed>5368709120</MaxSizeAllowed>") in answer
        at_limit = expect_continue_answer(lakebox_server.endpoint, path, _signed(lakebox_server.endpoint + path),
                                          length=FIVE_GIB)
        assert at_limit.startswith(b"HTTP/1.1 100")
    s3.abort_multipart_upload(Bucket=private, Key="huge.bin", UploadId=upload)
    assert s3.list_objects_v2(Bucket=private)["KeyCount"] == 0
