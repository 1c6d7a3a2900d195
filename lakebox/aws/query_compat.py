"""The query protocol of JSON services that were query services (`awsQueryCompatible`).

SQS moved from the query protocol to JSON, and AWS still answers its older clients
(SDKs before the move, the aws cli v1 of that time) in the query protocol. botocore's
current model keeps the operations and shapes but drops the query wire names
(`Attribute.1.Name`, `MessageAttribute.1.Value.StringValue`,
`SendMessageBatchRequestEntry.1.Id`, ...). The table below restores them, as AWS's own
smithy model gives them (`xmlName` and `xmlFlattened` traits, the `xmlNamespace` of the
service); `query_view` builds a query-protocol model from botocore's JSON one with them,
so the generic query parser and writer serve it.
"""
import copy

import botocore.model

# service -> {"namespace": ..., "members": {(shape, member): wire name}, "maps": {map shape: (key, value)}}
QUERY_NAMES = {
    "sqs": {
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
    },
}


def is_query_compatible(model) -> bool:
    return "awsQueryCompatible" in model.metadata and model.service_name in QUERY_NAMES


def query_view(model_data: dict, service: str) -> botocore.model.ServiceModel:
    """A query-protocol model of a JSON service's model (its loaded JSON document)."""
    names = QUERY_NAMES[service]
    data = copy.deepcopy(model_data)
    data["metadata"].update(protocol="query", protocols=["query"], xmlNamespace=names["namespace"])
    shapes = data["shapes"]
    for (shape, member), wire in names["members"].items():
        if shape in shapes and member in shapes[shape].get("members", {}):
            shapes[shape]["members"][member]["locationName"] = wire
    for shape, (key, value) in names["maps"].items():
        if shape in shapes:
            shapes[shape]["key"]["locationName"] = key
            shapes[shape]["value"]["locationName"] = value
    for name, operation in data["operations"].items():
        if "output" in operation:       # query results sit in <OperationResult>
            operation["output"]["resultWrapper"] = f"{name}Result"
    return botocore.model.ServiceModel(data, service_name=service)


def member_from_path(service: str, shape, params: dict, req):
    """Fill the member a query request's path stands for, when the body left it out."""
    member = QUERY_NAMES.get(service, {}).get("path_member")
    if member and member in shape.members and member not in params and req.raw_path not in ("", "/"):
        params[member] = f"http://{req.headers.get('host', 'localhost')}{req.raw_path}"
