"""S3's errors as data: each code with the HTTP status S3 answers it with and its usual
words (S3 API reference, "Error responses", List of error codes).

`error(code, message=None, **fields)` makes one: `raise errors.error("NoSuchKey", Key=key)`.
A message given replaces the usual words; extra keyword fields (BucketName, Key, ...)
are written into the error XML, as S3 does. An error's `headers` may be filled before it
is raised (x-amz-bucket-region, the ETag of a 304).
"""
from lakebox.aws import errors as core
from lakebox.aws.errors import AwsError

CODES = {
    "NotModified": (304, "Not Modified"),
    "PermanentRedirect": (301,
        "The bucket you are attempting to access must be addressed using the specified endpoint. "
        "Please send all future requests to this endpoint."),
    "AuthorizationHeaderMalformed": (400, "The authorization header you provided is invalid."),
    "InvalidBucketAclWithObjectOwnership": (400,
        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"),
    "AccessControlListNotSupported": (400, "The bucket does not allow ACLs"),
    # codes S3 answered for inventory configurations (radkawar/stackd inventory_control_replay.json);
    # their messages were not recorded
    "IdMismatch": (400, "Document ID does not match the specified configuration ID."),
    "InvalidConfigurationId": (400, "The specified configuration id is not valid."),
    # and for analytics configurations (analytics_controls_replay.json), messages not recorded
    "InvalidPrefix": (400, "The prefix of the filter is not valid."),
    "InvalidAnd": (400, "An And of a filter must name at least two conditions."),
    "InvalidDestination": (400, "The destination of the data export is not valid."),
    "MissingStorageClassAnalysis": (400, "A StorageClassAnalysis element must be specified."),
    "InvalidConfigId": (400, "The configuration ID is not valid."),
    "InvalidAccessTier": (400, "The access tier of the Intelligent-Tiering configuration is not valid."),
    "AuthorizationQueryParametersError": (400, "Error parsing the X-Amz-Credential parameter."),
    "BadDigest": (400, "The Content-MD5 you specified did not match what we received."),
    # Where S3's replies (as clients logged them) word an error otherwise than the error
    # table does, the replies win: EntityTooSmall, InvalidPart, InvalidPartOrder,
    # EntityTooLarge, NoSuchVersion, NoSuchUpload, BucketNotEmpty, NoSuchBucketPolicy,
    # NoSuchLifecycleConfiguration.
    "EntityTooSmall": (400, "Your proposed upload is smaller than the minimum allowed size"),
    "EntityTooLarge": (400, "Your proposed upload exceeds the maximum allowed size"),
    "IllegalLocationConstraintException": (400,
        "The unspecified location constraint is incompatible for the region specific endpoint this "
        "request was sent to."),
    "IllegalVersioningConfigurationException": (400, "The Versioning element must be specified"),
    # recorded for an AccelerateConfiguration with no Status (acceleration_controls_replay.json);
    # the words are lakebox's, in the versioning refusal's manner
    "IllegalAccelerateConfigurationException": (400, "The Status element must be specified"),
    "InvalidArgument": (400, "Invalid Argument"),
    "InvalidBucketName": (400, "The specified bucket is not valid."),
    "InvalidBucketOwnerAWSAccountID": (400, "The value of the expected bucket owner parameter must be an AWS "
                                            "Account ID..."),
    "InvalidDigest": (400, "The Content-MD5 you specified was invalid."),
    "InvalidEncryptionAlgorithmError": (400, "The encryption request you specified is not valid. The valid value "
                                             "is AES256."),
    "IncompleteBody": (400, "The request body terminated unexpectedly"),
    "XAmzContentSHA256Mismatch": (400, "The provided 'x-amz-content-sha256' header does not match what was computed."),
    "MalformedTrailerError": (400,
        "The request contained trailing data that was not well-formed or did not conform to our published schema."),
    "MalformedPOSTRequest": (400, "The body of your POST request is not well-formed multipart/form-data."),
    "InvalidLocationConstraint": (400, "The specified location-constraint is not valid"),
    "InvalidPart": (400,
        "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag."),
    "InvalidPartOrder": (400, "The list of parts was not in ascending order. Parts must be ordered by part number."),
    "InvalidRequest": (400, "Invalid Request"),
    "InvalidAccessPointAliasError": (400, "The specified access point alias name is not valid."),
    # The words of a recorded reply (rebuy-de/aws-nuke issue 660); the error table has others.
    "BucketHasAccessPointsAttached": (400, "Bucket has access points attached and cannot be deleted."),
    "InvalidStorageClass": (400, "The storage class you specified is not valid."),
    "BadRequest": (400, None),
    # No recorded AWS reply words this refusal of an inventory destination; the code is the
    # one AWS clients (the amazon.aws Ansible collection) expect from PutBucketInventoryConfiguration.
    "InvalidS3DestinationBucket": (400, "The S3 destination bucket is not valid."),
    "TooManyConfigurations": (400, "You are attempting to create a new configuration but have already reached "
                                   "the 1,000-configuration limit."),
    "UnexpectedContent": (400, "This request does not support content"),
    "InvalidTag": (400, "The tag provided was not a valid tag."),
    "InvalidTargetBucketForLogging": (400,
        "The target bucket for logging does not exist, is not owned by you, or does not have the "
        "appropriate grants for the log-delivery group."),
    "KeyTooLongError": (400, "Your key is too long."),
    # An ACL body S3 cannot read as a policy (its error-code list gives these words).
    "MalformedACLError": (400, "The XML you provided was not well-formed or did not validate against our "
                          "published schema."),
    "MalformedXML": (400, core.MalformedXML.message),      # also raised by the core's XML reader
    "MalformedPolicy": (400, "Policies must be valid JSON and the first byte must be '{'"),
    "InvalidPolicyDocument": (400, "Invalid Policy: Invalid JSON."),
    "MetadataTooLarge": (400, "Your metadata headers exceed the maximum allowed metadata size."),
    "MissingRequestBodyError": (400, "Request body is empty."),
    "MissingSecurityHeader": (400, "Your request is missing a required header."),
    "TooManyParts": (400, "You have attempted to upload more than 10000 parts."),
    "AccessDenied": (403, "Access Denied"),
    # S3's own spelling (radkawar/stackd testdata/aws/s3/logging_raw_replay.json, target wrong region)
    "CrossLocationLoggingProhibitted": (403, "Cross S3 location logging not allowed. "),
    "InvalidObjectState": (403, "The action is not valid for the current state of the object."),
    "NoSuchBucket": (404, "The specified bucket does not exist"),
    "NoSuchKey": (404, "The specified key does not exist."),
    "UnresolvableGrantByEmailAddress": (400, "The e-mail address you provided does not match any account on record."),
    "NoSuchVersion": (404, "The specified version does not exist."),
    "NoSuchUpload": (404,
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have "
        "been aborted or completed."),
    "NoSuchBucketPolicy": (404, "The bucket policy does not exist"),
    "NoSuchLifecycleConfiguration": (404, "The lifecycle configuration does not exist"),
    "NoSuchCORSConfiguration": (404, "The CORS configuration does not exist"),
    "NoSuchTagSet": (404, "The TagSet does not exist"),
    "NoSuchWebsiteConfiguration": (404, "The specified bucket does not have a website configuration"),
    "NoSuchPublicAccessBlockConfiguration": (404, "The public access block configuration was not found"),
    "OwnershipControlsNotFoundError": (404, "The bucket ownership controls were not found"),
    "ServerSideEncryptionConfigurationNotFoundError": (404,
        "The server side encryption configuration was not found"),
    "ObjectLockConfigurationNotFoundError": (404, "Object Lock configuration does not exist for this bucket"),
    "NoSuchObjectLockConfiguration": (404, "The specified object does not have a ObjectLock configuration"),
    "ReplicationConfigurationNotFoundError": (404, "The replication configuration was not found"),
    "NoSuchConfiguration": (404, "The specified configuration does not exist."),
    # ListBucketIntelligentTieringConfigurations' refusal of a token it did not give (code recorded:
    # radkawar/stackd intelligent_tiering_control_replay.json invalid-token-*; the words are lakebox's).
    "MalformedContinuationToken": (400, "The continuation token provided is incorrect"),
    # A tier the object's class has no retrieval for (DEEP_ARCHIVE Expedited); S3's code and
    # status are recorded (radkawar/stackd restore_replay.json deep-expedited), not its words.
    "InvalidTier": (403, "The specified tier is not valid for the object's storage class"),
    "MethodNotAllowed": (405, core.MethodNotAllowed.message),   # also raised by the core's router
    "BucketAlreadyExists": (409,
        "The requested bucket name is not available. The bucket namespace is shared by all users of"
        " the system. Please select a different name and try again."),
    "BucketAlreadyOwnedByYou": (409,
        "Your previous request to create the named bucket succeeded and you already own it."),
    "BucketNotEmpty": (409, "The bucket you tried to delete is not empty"),
    "InvalidBucketState": (409, "The request is not valid with the current state of the bucket."),
    # Recorded replies (S3 Batch Operations reports) give it without the error table's full stop.
    "RestoreAlreadyInProgress": (409, "Object restore is already in progress"),
    "ConditionalRequestConflict": (409,
        "A conflicting operation occurred. If using PutObject you can retry the request. If using "
        "multipart upload you should initiate another CreateMultipartUpload request and re-upload "
        "each part."),
    "MissingContentLength": (411, "You must provide the Content-Length HTTP header."),
    "PreconditionFailed": (412, "At least one of the pre-conditions you specified did not hold"),
    "InvalidPartNumber": (416, "The requested partnumber is not satisfiable"),
    "InvalidRange": (416, "The requested range is not satisfiable"),
    # S3's answer to a fault of its own (lakebox's: an object whose stored bytes were damaged).
    "InternalError": (500, "We encountered an internal error. Please try again."),
    "NotImplemented": (501, "A header you provided implies functionality that is not implemented."),
}


def error(code: str, message: str | None = None, **fields) -> AwsError:
    """S3's error `code`: its status, and its usual words unless `message` is given."""
    status, usual = CODES[code]
    return AwsError(code, usual if message is None else message, status, **fields)
