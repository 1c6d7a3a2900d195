"""S3's errors: class name = error code; status and message as S3 answers them.

Messages follow the S3 API reference ("Error responses", List of error codes). Extra
keyword fields (BucketName, Key, ...) are written into the error XML, as S3 does.
"""
from lakebox.aws.errors import ServiceError


# 3xx
class NotModified(ServiceError):
    status = 304
    message = 'Not Modified'


class PermanentRedirect(ServiceError):
    status = 301
    message = ('The bucket you are attempting to access must be addressed using the specified '
               'endpoint. Please send all future requests to this endpoint.')


# 400
class AuthorizationHeaderMalformed(ServiceError):
    status = 400
    message = 'The authorization header you provided is invalid.'


class InvalidBucketAclWithObjectOwnership(ServiceError):
    status = 400
    message = "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"


class AccessControlListNotSupported(ServiceError):
    status = 400
    message = 'The bucket does not allow ACLs'


class AuthorizationQueryParametersError(ServiceError):
    status = 400
    message = 'Error parsing the X-Amz-Credential parameter.'


class BadDigest(ServiceError):
    status = 400
    message = 'The Content-MD5 you specified did not match what we received.'


class EntityTooSmall(ServiceError):
    status = 400
    message = 'Your proposed upload is smaller than the minimum allowed object size.'


class EntityTooLarge(ServiceError):
    status = 400
    message = 'Your proposed upload exceeds the maximum allowed object size.'


class IllegalLocationConstraintException(ServiceError):
    status = 400
    message = ('The unspecified location constraint is incompatible for the region specific '
               'endpoint this request was sent to.')


class IllegalVersioningConfigurationException(ServiceError):
    status = 400
    message = 'The Versioning element must be specified'


class InvalidArgument(ServiceError):
    status = 400
    message = 'Invalid Argument'


class InvalidBucketName(ServiceError):
    status = 400
    message = 'The specified bucket is not valid.'


class InvalidDigest(ServiceError):
    status = 400
    message = 'The Content-MD5 you specified is not valid.'


class InvalidLocationConstraint(ServiceError):
    status = 400
    message = 'The specified location-constraint is not valid'


class InvalidPart(ServiceError):
    status = 400
    message = ('One or more of the specified parts could not be found. The part might not have '
               "been uploaded, or the specified entity tag might not have matched the part's "
               'entity tag.')


class InvalidPartOrder(ServiceError):
    status = 400
    message = ('The list of parts was not in ascending order. Parts list must be specified in '
               'order by part number.')


class InvalidRequest(ServiceError):
    status = 400
    message = 'Invalid Request'


class InvalidStorageClass(ServiceError):
    status = 400
    message = 'The storage class you specified is not valid.'


class BadRequest(ServiceError):
    status = 400


class InvalidTag(ServiceError):
    status = 400
    message = 'The tag provided was not a valid tag.'


class InvalidTargetBucketForLogging(ServiceError):
    status = 400
    message = ('The target bucket for logging does not exist, is not owned by you, or does not '
               'have the appropriate grants for the log-delivery group.')


class KeyTooLongError(ServiceError):
    status = 400
    message = 'Your key is too long.'


class MalformedXML(ServiceError):
    status = 400
    message = ('The XML you provided was not well-formed or did not validate against our '
               'published schema.')


class MalformedPolicy(ServiceError):
    status = 400
    message = "Policies must be valid JSON and the first byte must be '{'"


class InvalidPolicyDocument(ServiceError):
    """A POST form upload's policy that cannot be read (post_upload.py)."""
    status = 400
    message = "Invalid Policy: Invalid JSON."


class MetadataTooLarge(ServiceError):
    status = 400
    message = 'Your metadata headers exceed the maximum allowed metadata size.'


class MissingRequestBodyError(ServiceError):
    status = 400
    message = 'Request body is empty.'


class MissingSecurityHeader(ServiceError):
    status = 400
    message = 'Your request is missing a required header.'


class TooManyParts(ServiceError):
    status = 400
    message = 'You have attempted to upload more than 10000 parts.'


# 403
class AccessDenied(ServiceError):
    status = 403
    message = 'Access Denied'


class CrossLocationLoggingProhibited(ServiceError):
    status = 403
    message = 'Cross S3 location logging not allowed. '


class InvalidObjectState(ServiceError):
    status = 403
    message = 'The action is not valid for the current state of the object.'


# 404
class NoSuchBucket(ServiceError):
    status = 404
    message = 'The specified bucket does not exist.'


class NoSuchKey(ServiceError):
    status = 404
    message = 'The specified key does not exist.'


class NoSuchVersion(ServiceError):
    status = 404
    message = ('Indicates that the version ID specified in the request does not match an '
               'existing version.')


class NoSuchUpload(ServiceError):
    status = 404
    message = ('The specified multipart upload does not exist. The upload ID might be invalid, '
               'or the multipart upload might have been aborted or completed.')


class NoSuchBucketPolicy(ServiceError):
    status = 404
    message = 'The specified bucket does not have a bucket policy.'


class NoSuchLifecycleConfiguration(ServiceError):
    status = 404
    message = 'The lifecycle configuration does not exist.'


class NoSuchCORSConfiguration(ServiceError):
    status = 404
    message = 'The CORS configuration does not exist'


class NoSuchTagSet(ServiceError):
    status = 404
    message = 'The TagSet does not exist'


class NoSuchWebsiteConfiguration(ServiceError):
    status = 404
    message = 'The specified bucket does not have a website configuration'


class NoSuchPublicAccessBlockConfiguration(ServiceError):
    status = 404
    message = 'The public access block configuration was not found'


class OwnershipControlsNotFoundError(ServiceError):
    status = 404
    message = 'The bucket ownership controls were not found'


class ServerSideEncryptionConfigurationNotFoundError(ServiceError):
    status = 404
    message = 'The server side encryption configuration was not found'


class ObjectLockConfigurationNotFoundError(ServiceError):
    status = 404
    message = 'Object Lock configuration does not exist for this bucket'


class NoSuchObjectLockConfiguration(ServiceError):
    status = 404
    message = 'The specified object does not have a ObjectLock configuration'


class ReplicationConfigurationNotFoundError(ServiceError):
    status = 404
    message = 'The replication configuration was not found'


class NoSuchConfiguration(ServiceError):
    status = 404
    message = 'The specified configuration does not exist.'


# 405, 409, 411, 412, 416, 501
class MethodNotAllowed(ServiceError):
    status = 405
    message = 'The specified method is not allowed against this resource.'


class BucketAlreadyExists(ServiceError):
    status = 409
    message = ('The requested bucket name is not available. The bucket namespace is shared by '
               'all users of the system. Please select a different name and try again.')


class BucketAlreadyOwnedByYou(ServiceError):
    status = 409
    message = 'Your previous request to create the named bucket succeeded and you already own it.'


class BucketNotEmpty(ServiceError):
    status = 409
    message = 'The bucket you tried to delete is not empty.'


class InvalidBucketState(ServiceError):
    status = 409
    message = 'The request is not valid with the current state of the bucket.'


class ConditionalRequestConflict(ServiceError):
    status = 409
    message = ('A conflicting operation occurred. If using PutObject you can retry the request. '
               'If using multipart upload you should initiate another CreateMultipartUpload '
               'request and re-upload each part.')


class MissingContentLength(ServiceError):
    status = 411
    message = 'You must provide the Content-Length HTTP header.'


class PreconditionFailed(ServiceError):
    status = 412
    message = 'At least one of the preconditions you specified did not hold.'


class InvalidPartNumber(ServiceError):
    status = 416
    message = 'The requested partnumber is not satisfiable'


class InvalidRange(ServiceError):
    status = 416
    message = 'The requested range is not satisfiable'


class NotImplemented(ServiceError):
    status = 501
    message = 'A header you provided implies functionality that is not implemented.'
