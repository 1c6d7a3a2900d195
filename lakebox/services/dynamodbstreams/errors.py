"""DynamoDB Streams errors, named exactly as the error shapes of the service model."""
from lakebox.aws.errors import ServiceError


class ValidationException(ServiceError):
    pass


class ResourceNotFoundException(ServiceError):
    pass


class ExpiredIteratorException(ServiceError):
    pass


class TrimmedDataAccessException(ServiceError):
    pass
