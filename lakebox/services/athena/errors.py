"""Athena errors, named exactly as the error shapes of the service model."""
from lakebox.aws.errors import ServiceError


class InternalServerException(ServiceError):
    pass


class InvalidRequestException(ServiceError):
    pass


class MetadataException(ServiceError):
    pass


class ResourceNotFoundException(ServiceError):
    pass


class TooManyRequestsException(ServiceError):
    pass
