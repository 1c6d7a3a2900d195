"""DynamoDB errors, named exactly as the error shapes of the service model."""
from lakebox.aws.errors import ServiceError


class ValidationException(ServiceError):
    pass


class ResourceNotFoundException(ServiceError):
    pass


class ResourceInUseException(ServiceError):
    pass


class LimitExceededException(ServiceError):
    pass


class ConditionalCheckFailedException(ServiceError):
    message = "The conditional request failed"


class ProvisionedThroughputExceededException(ServiceError):
    message = ("The level of configured provisioned throughput for the table was exceeded. "
               "Consider increasing your provisioning level with the UpdateTable API.")


class ThrottlingException(ServiceError):
    pass


class TransactionCanceledException(ServiceError):
    pass


class TransactionConflictException(ServiceError):
    pass


class TransactionInProgressException(ServiceError):
    pass


class IdempotentParameterMismatchException(ServiceError):
    pass


class ItemCollectionSizeLimitExceededException(ServiceError):
    message = "Item collection size limit exceeded"


class InternalServerError(ServiceError):
    status = 500
    sender_fault = False


class PolicyNotFoundException(ServiceError):
    pass


class BackupNotFoundException(ServiceError):
    pass


class TableNotFoundException(ServiceError):
    pass


class TableAlreadyExistsException(ServiceError):
    pass


class ContinuousBackupsUnavailableException(ServiceError):
    pass


class PointInTimeRecoveryUnavailableException(ServiceError):
    pass


class InvalidRestoreTimeException(ServiceError):
    pass


def invalid(message: str) -> ValidationException:
    """Most of DynamoDB's refusals of a parameter value start with this phrase."""
    return ValidationException(f"One or more parameter values were invalid: {message}")


def members_missing(paths: list) -> ValidationException:
    """Members the model leaves optional but DynamoDB needs here, worded as the request
    validator words a missing required member."""
    parts = [f"Value null at '{path}' failed to satisfy constraint: Member must not be null" for path in paths]
    return ValidationException(f"{len(parts)} validation error{'s' if len(parts) > 1 else ''} detected: "
                               + "; ".join(parts))


def table_not_found(name: str | None = None) -> ResourceNotFoundException:
    """DescribeTable/DeleteTable/UpdateTable name the table; item operations do not."""
    if name is None:
        return ResourceNotFoundException("Requested resource not found")
    return ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")


class ExportNotFoundException(ServiceError):
    pass


class ExportConflictException(ServiceError):
    pass


class InvalidExportTimeException(ServiceError):
    pass


class ImportNotFoundException(ServiceError):
    pass


class ImportConflictException(ServiceError):
    pass


class DuplicateItemException(ServiceError):
    pass


class GlobalTableAlreadyExistsException(ServiceError):
    pass


class GlobalTableNotFoundException(ServiceError):
    pass


class ReplicaAlreadyExistsException(ServiceError):
    pass


class ReplicaNotFoundException(ServiceError):
    pass


class AccessDeniedException(ServiceError):
    """Not a shape of DynamoDB's model: the request framework's refusal (`com.amazon.coral.service#`)."""
