"""Firehose errors, named exactly as the error shapes of the service model."""
from lakebox.aws.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    pass


class ResourceInUseException(ServiceError):
    pass


class InvalidArgumentException(ServiceError):
    pass


class LimitExceededException(ServiceError):
    pass


class ConcurrentModificationException(ServiceError):
    pass


class InvalidSourceException(ServiceError):
    pass


class InvalidKMSResourceException(ServiceError):
    pass


class ServiceUnavailableException(ServiceError):
    pass
