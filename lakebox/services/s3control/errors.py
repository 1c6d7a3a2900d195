"""S3 Control errors, named as the model's error shapes (and AccessDenied, which S3 uses)."""
from lakebox.aws.errors import ServiceError


class NoSuchPublicAccessBlockConfiguration(ServiceError):
    code = "NoSuchPublicAccessBlockConfiguration"
    message = "The public access block configuration was not found"


class AccessDenied(ServiceError):
    code = "AccessDenied"
    status = 403
    message = "Access Denied"


class NoSuchAccessPoint(ServiceError):
    code = "NoSuchAccessPoint"
    status = 404
    message = "The specified accesspoint does not exist"


class NoSuchAccessPointPolicy(ServiceError):
    # No recorded AWS reply gives its words: these follow NoSuchAccessPoint's.
    code = "NoSuchAccessPointPolicy"
    status = 404
    message = "The specified accesspoint policy does not exist"


class AccessPointAlreadyOwnedByYou(ServiceError):
    code = "AccessPointAlreadyOwnedByYou"
    status = 409
    message = "Your previous request to create the named accesspoint succeeded and you already own it."


class InvalidURI(ServiceError):
    code = "InvalidURI"
    status = 400
    message = "Couldn't parse the specified URI."


class InvalidRequest(ServiceError):
    code = "InvalidRequest"
    status = 400
    message = "Invalid Request"


class MalformedPolicy(ServiceError):
    code = "MalformedPolicy"
    status = 400
    message = "Policies must be valid JSON and the first byte must be '{'"
