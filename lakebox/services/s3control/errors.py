"""S3 Control errors, named as the model's error shapes (and AccessDenied, which S3 uses)."""
from lakebox.aws.errors import ServiceError


class NoSuchPublicAccessBlockConfiguration(ServiceError):
    code = "NoSuchPublicAccessBlockConfiguration"
    message = "The public access block configuration was not found"


class AccessDenied(ServiceError):
    code = "AccessDenied"
    status = 403
    message = "Access Denied"
