"""KMS errors, named exactly as the error shapes of the service model."""
from lakebox.aws.errors import ServiceError


class NotFoundException(ServiceError):
    pass


class AccessDeniedException(ServiceError):
    """Not a shape of KMS's model: the common error of every AWS JSON service (400 in KMS)."""
    status = 400


class AlreadyExistsException(ServiceError):
    pass


class DisabledException(ServiceError):
    pass


class KMSInvalidStateException(ServiceError):
    pass


class InvalidCiphertextException(ServiceError):
    message = ""          # AWS says nothing more about a ciphertext it cannot open


class IncorrectKeyException(ServiceError):
    pass


class InvalidKeyUsageException(ServiceError):
    pass


class InvalidAliasNameException(ServiceError):
    pass


class InvalidArnException(ServiceError):
    pass


class InvalidMarkerException(ServiceError):
    pass


class InvalidGrantIdException(ServiceError):
    pass


class InvalidGrantTokenException(ServiceError):
    pass


class KMSInvalidSignatureException(ServiceError):
    message = ""


class KMSInvalidMacException(ServiceError):
    message = ""


class LimitExceededException(ServiceError):
    pass


class MalformedPolicyDocumentException(ServiceError):
    pass


class TagException(ServiceError):
    pass


class UnsupportedOperationException(ServiceError):
    pass



class DryRunOperationException(ServiceError):
    message = "The request would have succeeded, but the DryRun option is set."


class ExpiredImportTokenException(ServiceError):
    pass


class IncorrectKeyMaterialException(ServiceError):
    pass


class InvalidImportTokenException(ServiceError):
    pass


class CustomKeyStoreNotFoundException(ServiceError):
    message = ""          # the wording AWS adds is not on record; the code is the answer
