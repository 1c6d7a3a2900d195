"""Issue 13's query-protocol item as an older SDK exercises it: every everyday action sent
form-encoded (and as a signed GET, as the SQS API reference's query examples write
requests), XML answers in the 2012-11-05 namespace, batch results with per-entry
failures, and the query error codes with their HTTP statuses.

Sources: the SQS API reference's query request/response examples (element names such as
`SendMessageBatchResultEntry`, `BatchResultErrorEntry`, `Attribute`/`Name`/`Value`), the
query codes of AWS's SQS model (awsQueryError: `AWS.SimpleQueueService.PurgeQueueInProgress`
403, `ReceiptHandleIsInvalid` 404, `AWS.SimpleQueueService.TooManyEntriesInBatchRequest`),
and the messages the JSON-protocol tests already assert."""
import hashlib
import json
import uuid

import pytest
from sqs_query_helpers import NS, call, error, pairs, text

pytestmark = pytest.mark.local_only        # writes to the lakebox endpoint directly


@pytest.fixture
def query_queue(lakebox_server):
    """make(name_suffix="", **fields) -> URL of a queue made with CreateQueue over the query protocol."""
    made = []

    def make(suffix="", **fields):
        _, _, created = call(lakebox_server, "CreateQueue", QueueName=f"qa-{uuid.uuid4().hex[:10]}{suffix}", **fields)
        made.append(text(created, "q:CreateQueueResult/q:QueueUrl"))
        return made[-1]

    yield make
    for url in made:
        call(lakebox_server, "DeleteQueue", QueueUrl=url)


def test_get_requests_with_the_query_string(lakebox_server, query_queue):
    url = query_queue()
    path = "/" + "/".join(url.rsplit("/", 2)[-2:])
    status, _, sent = call(lakebox_server, "SendMessage", path=path, method="GET", MessageBody="sent by GET")
    assert status == 200
    assert text(sent, "q:SendMessageResult/q:MD5OfMessageBody") == hashlib.md5(b"sent by GET").hexdigest()
    _, _, listed = call(lakebox_server, "ListQueues", method="GET", QueueNamePrefix=url.rsplit("/", 1)[1])
    assert [u.text for u in listed.findall("q:ListQueuesResult/q:QueueUrl", NS)] == [url]
    _, _, received = call(lakebox_server, "ReceiveMessage", method="GET", QueueUrl=url)
    assert text(received, "q:ReceiveMessageResult/q:Message/q:Body") == "sent by GET"


def test_attributes_set_and_read_by_name(lakebox_server, query_queue):
    url = query_queue(**{"Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "5"})
    status, _, _ = call(lakebox_server, "SetQueueAttributes", QueueUrl=url, **{
        "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "120",
        "Attribute.2.Name": "MessageRetentionPeriod", "Attribute.2.Value": "3600"})
    assert status == 200
    _, _, answer = call(lakebox_server, "GetQueueAttributes", QueueUrl=url, **{
        "AttributeName.1": "VisibilityTimeout", "AttributeName.2": "MessageRetentionPeriod",
        "AttributeName.3": "DelaySeconds"})
    assert pairs(answer, "q:GetQueueAttributesResult/q:Attribute") == {
        "VisibilityTimeout": "120", "MessageRetentionPeriod": "3600", "DelaySeconds": "5"}
    status, _, refused = call(lakebox_server, "SetQueueAttributes", QueueUrl=url, **{
        "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "43201"})
    assert (status, error(refused)) == (400, ("Sender", "InvalidAttributeValue",
                                              "Invalid value for the parameter VisibilityTimeout."))
    status, _, refused = call(lakebox_server, "GetQueueAttributes", QueueUrl=url, **{"AttributeName.1": "Colour"})
    assert (status, error(refused)) == (400, ("Sender", "InvalidAttributeName", "Unknown Attribute Colour."))


def test_batches_with_attributes_and_per_entry_failures(lakebox_server, query_queue):
    url = query_queue()
    _, _, sent = call(lakebox_server, "SendMessageBatch", QueueUrl=url, **{
        "SendMessageBatchRequestEntry.1.Id": "a", "SendMessageBatchRequestEntry.1.MessageBody": "first",
        "SendMessageBatchRequestEntry.1.MessageAttribute.1.Name": "colour",
        "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType": "String",
        "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue": "red",
        "SendMessageBatchRequestEntry.2.Id": "b", "SendMessageBatchRequestEntry.2.MessageBody": "second",
        "SendMessageBatchRequestEntry.3.Id": "c", "SendMessageBatchRequestEntry.3.MessageBody": "late",
        "SendMessageBatchRequestEntry.3.DelaySeconds": "901"})
    ok = sent.findall("q:SendMessageBatchResult/q:SendMessageBatchResultEntry", NS)
    assert [text(e, "q:Id") for e in ok] == ["a", "b"]
    assert text(ok[0], "q:MD5OfMessageBody") == hashlib.md5(b"first").hexdigest()
    assert text(ok[0], "q:MD5OfMessageAttributes") is not None
    [failed] = sent.findall("q:SendMessageBatchResult/q:BatchResultErrorEntry", NS)
    assert (text(failed, "q:Id"), text(failed, "q:Code"), text(failed, "q:SenderFault")) == (
        "c", "InvalidParameterValue", "true")
    assert text(failed, "q:Message") == ("Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds "
                                         "must be >= 0 and <= 900.")

    _, _, received = call(lakebox_server, "ReceiveMessage", QueueUrl=url, MaxNumberOfMessages="10",
                          **{"MessageAttributeName.1": "All", "AttributeName.1": "ApproximateReceiveCount"})
    messages = received.findall("q:ReceiveMessageResult/q:Message", NS)
    assert sorted(text(m, "q:Body") for m in messages) == ["first", "second"]
    handles = {text(m, "q:Body"): text(m, "q:ReceiptHandle") for m in messages}
    _, _, changed = call(lakebox_server, "ChangeMessageVisibilityBatch", QueueUrl=url, **{
        "ChangeMessageVisibilityBatchRequestEntry.1.Id": "one",
        "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle": handles["first"],
        "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout": "0",
        "ChangeMessageVisibilityBatchRequestEntry.2.Id": "two",
        "ChangeMessageVisibilityBatchRequestEntry.2.ReceiptHandle": "not-a-handle",
        "ChangeMessageVisibilityBatchRequestEntry.2.VisibilityTimeout": "0"})
    assert [text(e, "q:Id") for e in changed.findall(
        "q:ChangeMessageVisibilityBatchResult/q:ChangeMessageVisibilityBatchResultEntry", NS)] == ["one"]
    assert text(changed, "q:ChangeMessageVisibilityBatchResult/q:BatchResultErrorEntry/q:Code") == \
        "ReceiptHandleIsInvalid"
    _, _, again = call(lakebox_server, "ReceiveMessage", QueueUrl=url, **{"AttributeName.1": "All"})
    [message] = again.findall("q:ReceiveMessageResult/q:Message", NS)
    assert text(message, "q:Body") == "first"
    assert pairs(message, "q:Attribute")["ApproximateReceiveCount"] == "2"
    status, _, _ = call(lakebox_server, "ChangeMessageVisibility", QueueUrl=url,
                        ReceiptHandle=text(message, "q:ReceiptHandle"), VisibilityTimeout="60")
    assert status == 200
    status, _, _ = call(lakebox_server, "DeleteMessage", QueueUrl=url, ReceiptHandle=text(message, "q:ReceiptHandle"))
    assert status == 200


def test_fifo_over_the_query_protocol(lakebox_server, query_queue):
    url = query_queue(".fifo", **{"Attribute.1.Name": "FifoQueue", "Attribute.1.Value": "true",
                                  "Attribute.2.Name": "ContentBasedDeduplication", "Attribute.2.Value": "true"})
    _, _, first = call(lakebox_server, "SendMessage", QueueUrl=url, MessageBody="one", MessageGroupId="g")
    _, _, repeat = call(lakebox_server, "SendMessage", QueueUrl=url, MessageBody="one", MessageGroupId="g")
    assert text(repeat, "q:SendMessageResult/q:MessageId") == text(first, "q:SendMessageResult/q:MessageId")
    assert len(text(first, "q:SendMessageResult/q:SequenceNumber")) == 20
    _, _, received = call(lakebox_server, "ReceiveMessage", QueueUrl=url, **{"AttributeName.1": "All"})
    [message] = received.findall("q:ReceiveMessageResult/q:Message", NS)
    system = pairs(message, "q:Attribute")
    assert (system["MessageGroupId"], system["SequenceNumber"]) == (
        "g", text(first, "q:SendMessageResult/q:SequenceNumber"))
    assert system["MessageDeduplicationId"] == hashlib.sha256(b"one").hexdigest()
    status, _, refused = call(lakebox_server, "SendMessage", QueueUrl=url, MessageBody="no group")
    assert (status, error(refused)) == (400, ("Sender", "MissingParameter",
                                              "The request must contain the parameter MessageGroupId."))


@pytest.mark.parametrize("action, fields, status, code, message", [
    ("DeleteMessage", {"ReceiptHandle": "garbage"}, 404, "ReceiptHandleIsInvalid",
     'The input receipt handle "garbage" is not a valid receipt handle.'),
    ("SendMessageBatch", {f"SendMessageBatchRequestEntry.{i}.{k}": v for i in range(1, 12)
                          for k, v in (("Id", f"e{i}"), ("MessageBody", "x"))}, 400,
     "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You "
     "have sent 11."),
    ("DeleteMessageBatch", {"DeleteMessageBatchRequestEntry.1.Id": "same",
                            "DeleteMessageBatchRequestEntry.1.ReceiptHandle": "h1",
                            "DeleteMessageBatchRequestEntry.2.Id": "same",
                            "DeleteMessageBatchRequestEntry.2.ReceiptHandle": "h2"}, 400,
     "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id same repeated."),
    ("ReceiveMessage", {"MaxNumberOfMessages": "11"}, 400, "InvalidParameterValue",
     "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."),
])
def test_errors_with_their_query_codes_and_statuses(lakebox_server, query_queue, action, fields, status, code,
                                                    message):
    url = query_queue()
    got_status, _, refused = call(lakebox_server, action, QueueUrl=url, **fields)
    assert (got_status, error(refused)) == (status, ("Sender", code, message))
    assert text(refused, "q:RequestId") or refused.find(".//{*}RequestId") is not None


def test_purge_twice_and_a_deleted_queue(lakebox_server, query_queue):
    url = query_queue()
    assert call(lakebox_server, "PurgeQueue", QueueUrl=url)[0] == 200
    status, _, refused = call(lakebox_server, "PurgeQueue", QueueUrl=url)
    assert (status, error(refused)) == (403, (
        "Sender", "AWS.SimpleQueueService.PurgeQueueInProgress",
        f"Only one PurgeQueue operation on {url.rsplit('/', 1)[1]} is allowed every 60 seconds."))
    call(lakebox_server, "DeleteQueue", QueueUrl=url)
    status, _, refused = call(lakebox_server, "SendMessage", QueueUrl=url, MessageBody="x")
    assert (status, error(refused)) == (400, ("Sender", "AWS.SimpleQueueService.NonExistentQueue",
                                              "The specified queue does not exist for this wsdl version."))


def test_tags_permissions_pages_and_dead_letter_sources(lakebox_server, query_queue):
    dlq = query_queue()
    _, _, arn_answer = call(lakebox_server, "GetQueueAttributes", QueueUrl=dlq, **{"AttributeName.1": "QueueArn"})
    dlq_arn = pairs(arn_answer, "q:GetQueueAttributesResult/q:Attribute")["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
    sources = [query_queue(**{"Attribute.1.Name": "RedrivePolicy", "Attribute.1.Value": redrive})
               for _ in range(3)]
    _, _, page = call(lakebox_server, "ListDeadLetterSourceQueues", QueueUrl=dlq, MaxResults="2")
    first = [u.text for u in page.findall("q:ListDeadLetterSourceQueuesResult/q:QueueUrl", NS)]
    token = text(page, "q:ListDeadLetterSourceQueuesResult/q:NextToken")
    _, _, rest = call(lakebox_server, "ListDeadLetterSourceQueues", QueueUrl=dlq, MaxResults="2", NextToken=token)
    assert first + [u.text for u in rest.findall("q:ListDeadLetterSourceQueuesResult/q:QueueUrl", NS)] == \
        sorted(sources)

    call(lakebox_server, "TagQueue", QueueUrl=dlq, **{"Tag.1.Key": "team", "Tag.1.Value": "data",
                                                     "Tag.2.Key": "env", "Tag.2.Value": "dev"})
    call(lakebox_server, "UntagQueue", QueueUrl=dlq, **{"TagKey.1": "env"})
    _, _, tags = call(lakebox_server, "ListQueueTags", QueueUrl=dlq)
    assert pairs(tags, "q:ListQueueTagsResult/q:Tag", "q:Key", "q:Value") == {"team": "data"}

    assert call(lakebox_server, "AddPermission", QueueUrl=dlq, Label="share", **{
        "AWSAccountId.1": "111122223333", "ActionName.1": "SendMessage", "ActionName.2": "ReceiveMessage"})[0] == 200
    _, _, policy = call(lakebox_server, "GetQueueAttributes", QueueUrl=dlq, **{"AttributeName.1": "Policy"})
    [statement] = json.loads(pairs(policy, "q:GetQueueAttributesResult/q:Attribute")["Policy"])["Statement"]
    assert statement["Action"] == ["SQS:SendMessage", "SQS:ReceiveMessage"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
