"""Errors as AWS names them. Services subclass ServiceError once per error shape, or
raise an `AwsError` by code where a class per error adds nothing.

`code` defaults to the class name; `status` defaults to the status the service model
gives that error shape (else 400). `fields` become extra members of the error body
(S3's `<Key>`, `<BucketName>`, ...).
"""
import binascii
import hashlib
import random

_S3_ID_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def new_request_id() -> str:
    """A random UUID-shaped id; `random` (seeded from the OS once) avoids a syscall per request."""
    text = f"{random.getrandbits(128):032x}"
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{text[16:20]}-{text[20:]}"


# Each of 256 byte values -> one of the 36 characters (four of them come up 8 times in 256,
# the others 7: a request id names a request, it guards nothing).
_S3_ID_TABLE = bytes.maketrans(bytes(range(256)), (_S3_ID_CHARACTERS * 8)[:256].encode())


def new_s3_request_id() -> str:
    """S3's x-amz-request-id: 16 upper-case letters and digits (`ESKQ7XZNYHG694XZ`), not a UUID.
    Random bytes mapped through a table: 0.4 us, against 1.1 us for 16 divisions of a big int."""
    return random.randbytes(16).translate(_S3_ID_TABLE).decode("ascii")


def new_request_id_for(wire: str) -> str:
    """A new request's id in its protocol's shape: S3's REST-XML APIs name requests as S3
    does, every other protocol with a UUID."""
    return new_s3_request_id() if wire == "rest-xml" else new_request_id()


def s3_host_id(request_id: str) -> str:
    """S3's x-amz-id-2 (the error body's HostId) of a request: 76 characters of base64 (56
    bytes), derived from the request id so that every place that names the request agrees."""
    return binascii.b2a_base64(hashlib.blake2b(request_id.encode(), digest_size=56).digest(), newline=False).decode()


class ServiceError(Exception):
    code: str | None = None
    status: int | None = None
    sender_fault = True
    message: str | None = None          # a subclass's fixed message, if it has one
    # The code a former query service (SQS) sends in the query protocol and in JSON's
    # `x-amzn-query-error` header, where its model no longer names it.
    query_code: str | None = None
    # Its message in the query protocol, where that one's words differ from JSON's.
    query_message: str | None = None
    no_body = False                     # answered with its status alone (no error document)

    def __init__(self, message=None, **fields):
        if message is not None:
            self.message = message
        super().__init__(self.message)
        self.fields = fields
        self.headers = {}
        if self.code is None:
            self.code = type(self).__name__


class AwsError(ServiceError):
    """An error named by its code, for errors that are data rather than classes (S3's
    table of codes, the kit's tag rules): `AwsError("NoSuchKey", "The specified key does
    not exist.", status=404, Key="k")`."""

    def __init__(self, code: str, message=None, status: int | None = None, **fields):
        self.code = code
        if status is not None:
            self.status = status
        super().__init__(message, **fields)


class ValidationError(ServiceError):
    """Input that breaks the model's constraints. The query protocol calls it `ValidationError`."""
    code = "ValidationException"


class NotImplementedOperation(ServiceError):
    code = "NotImplemented"
    status = 501
    sender_fault = False

    def __init__(self, service: str, operation: str):
        super().__init__(f"lakebox does not implement {service} {operation} yet")


class UnknownOperation(ServiceError):
    code = "UnknownOperationException"
    status = 400


# The query protocol's own errors come in the AWSFault namespace, not the service's.
AWS_FAULT_NAMESPACE = "http://webservices.amazon.com/AWSFault/2005-15-09"


class MissingAction(ServiceError):
    code = "MissingAction"
    status = 400
    xml_namespace = AWS_FAULT_NAMESPACE


class InvalidAction(ServiceError):
    code = "InvalidAction"
    status = 400
    xml_namespace = AWS_FAULT_NAMESPACE


class MethodNotAllowed(ServiceError):
    code = "MethodNotAllowed"
    status = 405
    message = "The specified method is not allowed against this resource."


class SerializationError(ServiceError):
    """A body that cannot be read: bad JSON or CBOR, wrong types."""
    code = "SerializationException"
    status = 400


class MalformedInput(ServiceError):
    """A query-protocol parameter that is not of its type (an integer that is not one)."""
    code = "MalformedInput"
    status = 400


class MalformedQueryString(ServiceError):
    code = "MalformedQueryString"
    status = 400


class MalformedXML(ServiceError):
    code = "MalformedXML"
    status = 400
    message = ("The XML you provided was not well-formed or did not validate against "
               "our published schema")


class InvalidArgument(ServiceError):
    code = "InvalidArgument"
    status = 400


class UnrecognizedClient(ServiceError):
    """A session token that is not the one issued with its access key (JSON services)."""
    code = "UnrecognizedClientException"
    status = 400
    message = "The security token included in the request is invalid."


class InvalidClientTokenId(ServiceError):
    """The same, as the query protocol (STS) names it."""
    code = "InvalidClientTokenId"
    status = 403
    message = "The security token included in the request is invalid."


class InvalidToken(ServiceError):
    """The same, as S3 names it."""
    code = "InvalidToken"
    status = 400
    message = "The provided token is malformed or otherwise invalid."


class MissingAuthenticationToken(ServiceError):
    """An unsigned request to a service that needs a signature (JSON services' name)."""
    code = "MissingAuthenticationTokenException"
    status = 403
    message = "Missing Authentication Token"


class RequestTooLarge(ServiceError):
    code = "RequestEntityTooLarge"
    status = 413
    message = "Request entity too large"


class FrontEndRequestTooLarge(RequestTooLarge):
    """A body past a service's own request limit, refused by its HTTP front end: 413 and
    no body at all (DynamoDB past 16 MiB)."""
    no_body = True


class ExpiredToken(ServiceError):
    """A session token lakebox issued and that has expired (query protocol: `ExpiredToken`)."""
    code = "ExpiredTokenException"
    status = 400
    message = "The security token included in the request is expired"


class ExpiredS3Token(ServiceError):
    """The same, as S3 names it; S3 also echoes the token (`Token-0`)."""
    code = "ExpiredToken"
    status = 400
    message = "The provided token has expired."


class InternalError(ServiceError):
    code = "InternalFailure"
    status = 500
    sender_fault = False
    message = "An internal error occurred."
