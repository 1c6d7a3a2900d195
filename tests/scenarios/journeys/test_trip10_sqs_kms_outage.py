"""A billing team's invoices queue is encrypted with their own KMS key, named by alias.
Three clients use it: the invoicing service (boto3, the JSON protocol), an operator's
shell (the aws cli), and a legacy exporter still on the query protocol (form fields in a
signed GET, XML answers). A security engineer disables the key during an incident: every
client's send and receive is refused with SQS's KMS.DisabledException (in the JSON
answer's x-amzn-query-error code that boto3 and the cli report, and as the XML error's
Code), and the invoices already queued stay there. Key deletion is then scheduled by
mistake (KMS.InvalidStateException) and cancelled, the key is enabled again, and the
invoices come out intact. A second queue names an alias that does not exist:
KMS.NotFoundException on the first send.

Sources: SQS Developer Guide, "Encryption at rest" / "Troubleshooting: KMS errors"
(KMS.DisabledException, KMS.InvalidStateException, KMS.NotFoundException on SendMessage and
ReceiveMessage); SQS API reference, common errors and the awsQueryError codes of the KmsDisabled,
KmsInvalidState and KmsNotFound shapes. The messages come from KMS and are not asserted."""
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urlsplit

import requests
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from trip_helpers import KEY, REGION, SECRET, aws, error_of, ok

XMLNS = "{http://queue.amazonaws.com/doc/2012-11-05/}"


def exporter(endpoint, queue_url, action, **fields):
    """The legacy exporter: a presigned GET to the queue's path; (status, Code or None, root)."""
    url = f"{endpoint}{urlsplit(queue_url).path}?" + urlencode({"Action": action, "Version": "2012-11-05", **fields})
    signed = AWSRequest(method="GET", url=url)
    SigV4QueryAuth(Credentials(KEY, SECRET), "sqs", REGION, expires=300).add_auth(signed)
    answer = requests.get(signed.url, timeout=30)
    root = ET.fromstring(answer.content)
    code = root.find(f"{XMLNS}Error/{XMLNS}Code")
    return answer.status_code, None if code is None else code.text, root


def cli_code(done):
    assert done.returncode != 0
    return done.stderr.split("An error occurred (", 1)[1].split(")", 1)[0]


def waiting(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"]


def test_key_disabled_during_an_incident(client, lakebox_server, sqs_queues, kms_keys):
    sqs, kms = client("sqs"), client("kms")
    endpoint = lakebox_server.endpoint or f"https://sqs.{REGION}.amazonaws.com"
    key_id = kms_keys(Description="billing invoices")["KeyId"]
    alias = f"alias/billing-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    invoices = sqs_queues("invoices", KmsMasterKeyId=alias)
    attrs = sqs.get_queue_attributes(QueueUrl=invoices, AttributeNames=["All"])["Attributes"]
    assert {k: attrs[k] for k in ("KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled")} == {
        "KmsMasterKeyId": alias, "KmsDataKeyReusePeriodSeconds": "300", "SqsManagedSseEnabled": "false"}

    sqs.send_message(QueueUrl=invoices, MessageBody="INV-1 42.00 EUR")
    ok(aws(lakebox_server, "sqs", "send-message", "--queue-url", invoices, "--message-body", "INV-2 7.50 EUR"))
    status, code, sent = exporter(endpoint, invoices, "SendMessage", MessageBody="INV-3 19.99 EUR")
    assert (status, code) == (200, None)
    assert sent.find(f"{XMLNS}SendMessageResult/{XMLNS}MessageId") is not None

    kms.disable_key(KeyId=key_id)
    assert error_of(sqs.send_message, QueueUrl=invoices, MessageBody="INV-4")[0] == "KMS.DisabledException"
    assert error_of(sqs.receive_message, QueueUrl=invoices)[0] == "KMS.DisabledException"
    assert cli_code(aws(lakebox_server, "sqs", "send-message", "--queue-url", invoices, "--message-body", "INV-4")) \
        == "KMS.DisabledException"
    assert cli_code(aws(lakebox_server, "sqs", "receive-message", "--queue-url", invoices)) == \
        "KMS.DisabledException"
    for action, fields in (("SendMessage", {"MessageBody": "INV-4"}), ("ReceiveMessage", {})):
        status, code, _ = exporter(endpoint, invoices, action, **fields)
        assert (status, code) == (400, "KMS.DisabledException")
    assert waiting(sqs, invoices) == "3"                # nothing lost, nothing added

    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert error_of(sqs.send_message, QueueUrl=invoices, MessageBody="INV-4")[0] == "KMS.InvalidStateException"
    status, code, _ = exporter(endpoint, invoices, "ReceiveMessage")
    assert (status, code) == (400, "KMS.InvalidStateException")
    kms.cancel_key_deletion(KeyId=key_id)
    assert error_of(sqs.receive_message, QueueUrl=invoices)[0] == "KMS.DisabledException"
    kms.enable_key(KeyId=key_id)

    got = sqs.receive_message(QueueUrl=invoices, MaxNumberOfMessages=10, WaitTimeSeconds=5)["Messages"]
    while len(got) < 3:
        got += sqs.receive_message(QueueUrl=invoices, MaxNumberOfMessages=10, WaitTimeSeconds=5).get("Messages", [])
    assert sorted(m["Body"] for m in got) == ["INV-1 42.00 EUR", "INV-2 7.50 EUR", "INV-3 19.99 EUR"]

    # A queue that names an alias nobody made.
    typo = sqs_queues("invoices-typo", KmsMasterKeyId=f"alias/billing-typo-{uuid.uuid4().hex[:8]}")
    assert error_of(sqs.send_message, QueueUrl=typo, MessageBody="INV-5")[0] == "KMS.NotFoundException"
    status, code, _ = exporter(endpoint, typo, "SendMessage", MessageBody="INV-5")
    assert (status, code) == (400, "KMS.NotFoundException")
