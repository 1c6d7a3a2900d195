"""Where botocore's SQS model differs from the service, applied when the model is loaded
(`lakebox/aws/specs.py`, `lakebox/aws/query_compat.py`; see "model patches" in
`lakebox/services/__init__.py`).

SHAPE_ERRATA: {(shape, "member" | "key" | "value"): the shape it really refers to}.
The model names attributes with a `QueueAttributeName` enum, but SQS checks the names
itself (an unknown one is `InvalidAttributeName` "Unknown Attribute <name>.", never a
ValidationException), and ReceiveMessage's `AttributeNames`, typed with that same list,
takes message system attribute names (`ApproximateReceiveCount`, `SentTimestamp`, ...),
as its documentation lists them and older clients send them.

QUERY_NAMES: the query protocol's wire names, which botocore's JSON model no longer
carries, as AWS's own smithy model gives them (`xmlName` and `xmlFlattened` traits, the
`xmlNamespace` of the service): {"namespace": ..., "path_member": ..., "members":
{(shape, member): wire name}, "maps": {map shape: (key, value)}}.
"""
SHAPE_ERRATA = {("AttributeNameList", "member"): "String", ("QueueAttributeMap", "key"): "String"}

QUERY_NAMES = {
    "namespace": "http://queue.amazonaws.com/doc/2012-11-05/",
    # Query clients may post to the queue's URL and leave the member out (the AWS SDK
    # for Java v1 moves QueueUrl into the request path): the path is the member then.
    "path_member": "QueueUrl",
    "members": {
        ("AddPermissionRequest", "AWSAccountIds"): "AWSAccountId",
        ("AddPermissionRequest", "Actions"): "ActionName",
        ("ChangeMessageVisibilityBatchRequest", "Entries"): "ChangeMessageVisibilityBatchRequestEntry",
        ("ChangeMessageVisibilityBatchResult", "Successful"): "ChangeMessageVisibilityBatchResultEntry",
        ("ChangeMessageVisibilityBatchResult", "Failed"): "BatchResultErrorEntry",
        ("CreateQueueRequest", "Attributes"): "Attribute",
        ("CreateQueueRequest", "tags"): "Tag",
        ("DeleteMessageBatchRequest", "Entries"): "DeleteMessageBatchRequestEntry",
        ("DeleteMessageBatchResult", "Successful"): "DeleteMessageBatchResultEntry",
        ("DeleteMessageBatchResult", "Failed"): "BatchResultErrorEntry",
        ("GetQueueAttributesRequest", "AttributeNames"): "AttributeName",
        ("GetQueueAttributesResult", "Attributes"): "Attribute",
        ("ListDeadLetterSourceQueuesResult", "queueUrls"): "QueueUrl",
        ("ListMessageMoveTasksResult", "Results"): "ListMessageMoveTasksResultEntry",
        ("ListQueueTagsResult", "Tags"): "Tag",
        ("ListQueuesResult", "QueueUrls"): "QueueUrl",
        ("Message", "Attributes"): "Attribute",
        ("Message", "MessageAttributes"): "MessageAttribute",
        ("MessageAttributeValue", "StringListValues"): "StringListValue",
        ("MessageAttributeValue", "BinaryListValues"): "BinaryListValue",
        ("MessageSystemAttributeValue", "StringListValues"): "StringListValue",
        ("MessageSystemAttributeValue", "BinaryListValues"): "BinaryListValue",
        ("ReceiveMessageRequest", "AttributeNames"): "AttributeName",
        ("ReceiveMessageRequest", "MessageSystemAttributeNames"): "MessageSystemAttributeName",
        ("ReceiveMessageRequest", "MessageAttributeNames"): "MessageAttributeName",
        ("ReceiveMessageResult", "Messages"): "Message",
        ("SendMessageBatchRequest", "Entries"): "SendMessageBatchRequestEntry",
        ("SendMessageBatchRequestEntry", "MessageAttributes"): "MessageAttribute",
        ("SendMessageBatchRequestEntry", "MessageSystemAttributes"): "MessageSystemAttribute",
        ("SendMessageBatchResult", "Successful"): "SendMessageBatchResultEntry",
        ("SendMessageBatchResult", "Failed"): "BatchResultErrorEntry",
        ("SendMessageRequest", "MessageAttributes"): "MessageAttribute",
        ("SendMessageRequest", "MessageSystemAttributes"): "MessageSystemAttribute",
        ("SetQueueAttributesRequest", "Attributes"): "Attribute",
        ("TagQueueRequest", "Tags"): "Tag",
        ("UntagQueueRequest", "TagKeys"): "TagKey",
    },
    "maps": {
        "QueueAttributeMap": ("Name", "Value"),
        "MessageBodyAttributeMap": ("Name", "Value"),
        "MessageBodySystemAttributeMap": ("Name", "Value"),
        "MessageSystemAttributeMap": ("Name", "Value"),
        "TagMap": ("Key", "Value"),
    },
}
