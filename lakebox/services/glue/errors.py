"""Glue errors, named exactly as the error shapes of the service model."""
from lakebox.aws.errors import ServiceError


class EntityNotFoundException(ServiceError):
    pass


class AlreadyExistsException(ServiceError):
    pass


class InvalidInputException(ServiceError):
    pass


class AccessDeniedException(ServiceError):
    pass


class InvalidStateException(ServiceError):
    pass


class CrawlerRunningException(ServiceError):
    pass


class CrawlerNotRunningException(ServiceError):
    pass


class CrawlerStoppingException(ServiceError):
    pass


class SchedulerRunningException(ServiceError):
    pass


class SchedulerNotRunningException(ServiceError):
    pass


class NoScheduleException(ServiceError):
    pass


class ConcurrentModificationException(ServiceError):
    pass


class ColumnStatisticsTaskRunningException(ServiceError):
    pass


class ColumnStatisticsTaskNotRunningException(ServiceError):
    pass


class ResourceNumberLimitExceededException(ServiceError):
    pass


class IdempotentParameterMismatchException(ServiceError):
    pass


class ConcurrentRunsExceededException(ServiceError):
    pass


class IllegalWorkflowStateException(ServiceError):
    pass
