"""STS errors, named as the model's error shapes (the query protocol sends the code)."""
from lakebox.aws.errors import ServiceError, ValidationError


class MalformedPolicyDocument(ServiceError):
    code = "MalformedPolicyDocument"


class PackedPolicyTooLarge(ServiceError):
    code = "PackedPolicyTooLarge"


class InvalidIdentityToken(ServiceError):
    code = "InvalidIdentityToken"


class ExpiredTokenException(ServiceError):
    """A web identity token past its `exp` (the model's own error shape, not the
    expired-credentials error of the request pipeline)."""
    code = "ExpiredTokenException"


class InvalidAuthorizationMessageException(ServiceError):
    code = "InvalidAuthorizationMessageException"


class AccessDenied(ServiceError):
    code = "AccessDenied"
    status = 403


class DurationTooLong(ValidationError):
    """STS words duration problems as a plain (query protocol) ValidationError."""


class InvalidRoleArn(ValidationError):
    """A RoleArn that is not an ARN (the query protocol names it `ValidationError`)."""


class InvalidParameterValue(ServiceError):
    """Not a shape of STS's model: the code STS answers session tags it refuses with."""
    code = "InvalidParameterValue"


class SourceIdentityAlreadySet(ValidationError):
    """A chained AssumeRole that names another SourceIdentity (query protocol: ValidationError)."""
