"""Kinesis errors, named exactly as the error shapes of the service model."""
from lakebox.aws.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    pass


class ResourceInUseException(ServiceError):
    pass


class InvalidArgumentException(ServiceError):
    pass


class LimitExceededException(ServiceError):
    pass


class ProvisionedThroughputExceededException(ServiceError):
    pass


class ExpiredIteratorException(ServiceError):
    pass


class ExpiredNextTokenException(ServiceError):
    pass


class ValidationException(ServiceError):
    pass


class AccessDeniedException(ServiceError):
    pass


class KMSDisabledException(ServiceError):
    pass


class KMSInvalidStateException(ServiceError):
    pass


class KMSAccessDeniedException(ServiceError):
    pass


class KMSNotFoundException(ServiceError):
    pass


class KMSOptInRequired(ServiceError):
    pass


class KMSThrottlingException(ServiceError):
    pass


class DryRunOperationException(ServiceError):
    """Not a shape of every botocore's model yet (the data plane's DryRun came in 2026)."""
