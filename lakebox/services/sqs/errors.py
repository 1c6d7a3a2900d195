"""SQS errors, named as the model's error shapes.

SQS was a query-protocol service and still answers its JSON clients with the old query
codes: the body's `__type` is the shape's name, and the `x-amzn-query-error` header
carries `<query code>;Sender`. botocore reports the header's code as the error's `Code`
(`AWS.SimpleQueueService.NonExistentQueue`) and picks the exception class by the shape
name (`QueueDoesNotExist`). botocore's SQS model no longer carries the query codes, so
each class names its own (`query_code`, from AWS's smithy model's awsQueryError); the
pipeline writes it in the header, and as the code of query-protocol errors.
"""
from lakebox.aws.errors import ServiceError


class SqsError(ServiceError):
    def __init__(self, message=None, **fields):
        super().__init__(message, **fields)
        self.query_code = self.query_code or self.code      # the class name where the codes agree


class QueueDoesNotExist(SqsError):
    query_code = "AWS.SimpleQueueService.NonExistentQueue"
    message = "The specified queue does not exist."
    # The query protocol's older words (recorded from AWS: localstack's
    # test_non_existent_queue snapshot, "queue-does-not-exist-query", 2023).
    query_message = "The specified queue does not exist for this wsdl version."


class QueueNameExists(SqsError):
    query_code = "QueueAlreadyExists"


class QueueDeletedRecently(SqsError):
    query_code = "AWS.SimpleQueueService.QueueDeletedRecently"
    message = "You must wait 60 seconds after deleting a queue before you can create another with the same name."


class PurgeQueueInProgress(SqsError):
    query_code = "AWS.SimpleQueueService.PurgeQueueInProgress"
    status = 403


class BatchEntryIdsNotDistinct(SqsError):
    query_code = "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"


class BatchRequestTooLong(SqsError):
    query_code = "AWS.SimpleQueueService.BatchRequestTooLong"


class EmptyBatchRequest(SqsError):
    query_code = "AWS.SimpleQueueService.EmptyBatchRequest"


class TooManyEntriesInBatchRequest(SqsError):
    query_code = "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"


class InvalidBatchEntryId(SqsError):
    query_code = "AWS.SimpleQueueService.InvalidBatchEntryId"
    message = ("A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
               "It can be at most 80 letters long.")


class MessageNotInflight(SqsError):
    query_code = "AWS.SimpleQueueService.MessageNotInflight"
    message = "The message referred to isn't in flight."


class ReceiptHandleIsInvalid(SqsError):
    status = 404


class InvalidAttributeName(SqsError):
    pass


class InvalidAttributeValue(SqsError):
    pass


class InvalidMessageContents(SqsError):
    pass


class InvalidAddress(SqsError):
    status = 404


class OverLimit(SqsError):
    status = 403


class RequestThrottled(SqsError):
    status = 403


class ResourceNotFoundException(SqsError):
    status = 404


class InvalidParameterValue(SqsError):
    """Not a shape of the model: AWS's generic bad-value error, sent as the query code
    (botocore then raises a plain ClientError whose Code is `InvalidParameterValue`)."""
    code = "InvalidParameterValueException"
    query_code = "InvalidParameterValue"


class AccessDenied(SqsError):
    """Not a shape of the model: the request framework's refusal (a session policy's),
    sent as the query code `AccessDenied`, 403."""
    code = "AccessDeniedException"
    query_code = "AccessDenied"
    status = 403


class MissingParameter(SqsError):
    code = "MissingRequiredParameterException"
    query_code = "MissingParameter"


class KmsAccessDenied(SqsError):
    query_code = "KMS.AccessDeniedException"


class KmsDisabled(SqsError):
    query_code = "KMS.DisabledException"


class KmsInvalidKeyUsage(SqsError):
    query_code = "KMS.InvalidKeyUsageException"


class KmsInvalidState(SqsError):
    query_code = "KMS.InvalidStateException"


class KmsNotFound(SqsError):
    query_code = "KMS.NotFoundException"
