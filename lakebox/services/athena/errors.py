"""Athena errors, named exactly as the error shapes of the service model."""
from lakebox.aws.errors import ServiceError


class InternalServerException(ServiceError):
    pass


class InvalidRequestException(ServiceError):
    """Athena's InvalidRequestException always names its cause in AthenaErrorCode:
    INVALID_INPUT unless a more precise one is given (IDEMPOTENT_PARAMETER_MISMATCH,
    MALFORMED_QUERY, QUERY_EXECUTION_NOT_FOUND, ...)."""

    def __init__(self, message=None, **fields):
        fields.setdefault("AthenaErrorCode", "INVALID_INPUT")
        super().__init__(message, **fields)


class MetadataException(ServiceError):
    pass


class ResourceNotFoundException(ServiceError):
    pass


class TooManyRequestsException(ServiceError):
    pass
