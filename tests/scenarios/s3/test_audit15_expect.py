"""`Expect: 100-continue` uploads refused before their body for what S3 decides from the
head alone: another account without a grant, the owner's account under a bucket policy
Deny, and a key signed with the wrong secret (audit of issue 15).

Sources: PutObject API reference, request header `Expect` ("If the message is rejected
based on the headers, the body of the message is not sent"); S3 User Guide,
"Troubleshoot access denied" (same-account explicit-deny wording); S3 API reference,
"Error responses" (SignatureDoesNotMatch 403).
"""
import pytest
from botocore.credentials import Credentials

from s3_helpers import expect_continue_answer, put_policy, signed_headers


def _head(endpoint, path, credentials=None, extra=None):
    headers = signed_headers(endpoint + path, method="PUT", credentials=credentials,
                             headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD", **(extra or {})})
    return {name: value for name, value in headers.items() if name.lower() != "content-length"}


@pytest.fixture
def private(s3, make_bucket):
    name = make_bucket("audit-expect")
    yield name
    s3.delete_bucket_policy(Bucket=name)


@pytest.mark.local_only
def test_another_account_without_a_grant_is_refused_before_its_body(lakebox_server, s3, private):
    path = f"/{private}/big.bin"
    answer = expect_continue_answer(lakebox_server.endpoint, path,
                                    _head(lakebox_server.endpoint, path, Credentials("111122223333", "x")))
    assert answer.startswith(b"HTTP/1.1 403")
    assert b"<Code>AccessDenied</Code><Message>Access Denied</Message>" in answer


@pytest.mark.local_only
def test_a_policy_deny_of_the_owner_is_refused_before_its_body(lakebox_server, s3, private):
    put_policy(s3, private, {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                             "Resource": f"arn:aws:s3:::{private}/*",
                             "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}})
    path = f"/{private}/big.bin"
    answer = expect_continue_answer(lakebox_server.endpoint, path, _head(lakebox_server.endpoint, path))
    assert answer.startswith(b"HTTP/1.1 403")
    assert (f'<Message>User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutObject on resource: '
            f'"arn:aws:s3:::{private}/big.bin" with an explicit deny in a resource-based policy</Message>').encode() \
        in answer.replace(b"&quot;", b'"')
    encrypted = _head(lakebox_server.endpoint, path, extra={"x-amz-server-side-encryption": "AES256"})
    assert expect_continue_answer(lakebox_server.endpoint, path, encrypted).startswith(b"HTTP/1.1 100")


@pytest.mark.local_only
def test_a_wrong_secret_of_a_known_key_is_refused_before_its_body(lakebox_server, private):
    sts = lakebox_server.client("sts")
    issued = sts.assume_role(RoleArn="arn:aws:iam::000000000000:role/uploader",
                             RoleSessionName="expect")["Credentials"]
    path = f"/{private}/big.bin"
    wrong = Credentials(issued["AccessKeyId"], "wrong-secret", issued["SessionToken"])
    answer = expect_continue_answer(lakebox_server.endpoint, path, _head(lakebox_server.endpoint, path, wrong))
    assert answer.startswith(b"HTTP/1.1 403") and b"<Code>SignatureDoesNotMatch</Code>" in answer
