"""Object versions: find the one a request names, write a new one, describe one.

A version's `attrs` hold what S3 keeps beside the bytes, in boto3's names: content
headers, user metadata, encryption, checksum, tags, object-lock settings, restore state.
"""
import base64
import email.utils
import hashlib
import re

from lakebox.services.s3.upload import without_aws_chunked
from lakebox.aws.specs import spec_for
from lakebox.kit import arns, sessions

from lakebox.services.s3 import access, acl, errors, files, lifecycle, model, notifications, replication, sse_c_block, store
from lakebox.services.s3 import encryption as at_rest

CONTENT_FIELDS = ("CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage",
                  "Expires", "WebsiteRedirectLocation")
LOCK_FIELDS = ("ObjectLockMode", "ObjectLockRetainUntilDate", "ObjectLockLegalHoldStatus")
ENCRYPTION_FIELDS = ("ServerSideEncryption", "SSEKMSKeyId", "BucketKeyEnabled",
                     "SSECustomerAlgorithm", "SSECustomerKeyMD5")
LOCK_PARAMS = frozenset(LOCK_FIELDS)
DESCRIBING_PARAMS = frozenset(CONTENT_FIELDS + ("Metadata", "Tagging"))    # what a write may say of its bytes
DESCRIBED_FIELDS = frozenset(CONTENT_FIELDS + ENCRYPTION_FIELDS + LOCK_FIELDS)     # copied as stored
SSE_PARAMS = frozenset(("ServerSideEncryption", "SSECustomerAlgorithm", "SSECustomerKey", "SSECustomerKeyMD5",
                        "SSEKMSKeyId", "BucketKeyEnabled"))     # a write's encryption parameters
ARCHIVE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")
STORAGE_CLASSES = frozenset(spec_for("s3").model.shape_for("StorageClass").enum)
ENCRYPTION_ALGORITHMS = frozenset(spec_for("s3").model.shape_for("ServerSideEncryption").enum)


# ---- finding ---------------------------------------------------------------------

def find(ctx, bucket, key: str, version_id: str | None, method: str | None = None, marker_refused: bool = False,
         missing_key: str | None = None):
    """The version a request names (the current one without an id); never a delete marker.
    A current delete marker is NoSuchKey, or with `marker_refused` (the tagging actions)
    MethodNotAllowed as when named by id. A key with no version is NoSuchKey naming the
    key, or `missing_key` where S3 names it otherwise."""
    if version_id is None:
        row = store.latest(ctx.state.db, bucket["name"], key)
        if row is None:
            raise errors.error("NoSuchKey", Key=missing_key or key)
        if row["delete_marker"] and marker_refused:
            raise _marker_refusal(ctx, bucket, row, method)
        if row["delete_marker"]:
            error = errors.error("NoSuchKey", Key=key)
            error.headers.update(_marker_headers(bucket, row))
            raise error
        return row
    model.check_version_id(version_id, bucket["versioning"] is not None)
    row = store.version(ctx.state.db, bucket["name"], key, version_id)
    if row is None and model.never_issued(version_id):
        raise model.invalid_version_id(version_id)
    if row is None:
        raise errors.error("NoSuchVersion", Key=key, VersionId=version_id)
    if row["delete_marker"]:
        raise _marker_refusal(ctx, bucket, row, method)
    return row


def _marker_refusal(ctx, bucket, row, method: str | None):
    error = errors.error("MethodNotAllowed", Method=method or ctx.request.method, ResourceType="DeleteMarker")
    error.headers.update(_marker_headers(bucket, row))
    error.headers["Last-Modified"] = email.utils.formatdate(row["last_modified"], usegmt=True)
    error.headers["Allow"] = "DELETE"       # the one method a delete marker takes
    return error


def require_mfa(bucket, params: dict):
    """A bucket with MFA delete turned on takes a request that deletes a version for
    good, or changes its versioning, only with the x-amz-mfa header (the device's serial
    and code; lakebox has no device to check the code against)."""
    if bucket["mfa_delete"] == "Enabled" and not params.get("MFA"):
        raise errors.error("AccessDenied", "Mfa Authentication must be used for this request")


def _marker_headers(bucket, row) -> dict:
    headers = {"x-amz-delete-marker": "true"}
    if bucket["versioning"]:
        headers["x-amz-version-id"] = row["version_id"]
    return headers


def visible_version_id(bucket, version_id: str) -> str | None:
    """S3 shows version ids only on buckets that have had versioning turned on."""
    return version_id if bucket["versioning"] else None


def written_version_id(bucket, version_id: str) -> str | None:
    """The version id a write answers with: none while versioning is suspended (the
    write made the null version, and S3 sends no x-amz-version-id for it)."""
    return None if bucket["versioning"] == "Suspended" else visible_version_id(bucket, version_id)


def check_write_conditions(ctx, bucket, key: str, params: dict):
    """If-Match / If-None-Match of a write, against the current object (read only if asked)."""
    if params.get("IfMatch") is not None or params.get("IfNoneMatch") is not None:
        model.check_write_conditions({**params, "Key": key}, current_etag(ctx, bucket, key))


def current_etag(ctx, bucket, key: str) -> str | None:
    """ETag of the current object, for conditional writes (None if absent or deleted)."""
    row = store.latest(ctx.state.db, bucket["name"], key)
    return None if row is None or row["delete_marker"] else row["etag"]


# ---- writing ---------------------------------------------------------------------

def commit(ctx, bucket, key: str, row: dict, parts: list[tuple] = ()) -> str:
    """Make `row` the current version of `key`; returns its version id.

    The new blob is already committed; the row switch is one transaction; blobs of the
    versions it replaced are deleted after it.
    """
    versioning = bucket["versioning"]
    version_id = model.new_version_id() if versioning == "Enabled" else model.NULL_VERSION
    row = {"owner": access.object_owner(ctx, bucket, row.get("attrs")), "last_modified": ctx.now, **row,
           "version_id": version_id}
    replicated = replication.mark(ctx, bucket, key, row)
    files.delete_later(ctx.state.blobs, store.write_version(ctx.state.db, bucket["name"], key, row, parts))
    if replicated:
        replication.queue(ctx, bucket, key, version_id)
    notifications.object_created(ctx, bucket, key, row, version_id)
    return version_id


def commit_in_place(ctx, bucket, key: str, row: dict) -> str | None:
    """The everyday write in one statement (`store.put_null_version`), where nothing has to
    land with the row: a bucket that never had versioning (the key has its null version at
    most: no version to demote, no object lock, no replication), no event to send, bytes
    kept in `row` (no blob journal entry) and no plain copy of a replaced version's bytes
    to delete (`files.plain_copies_made`). Returns the version id written, or None having
    written nothing: then `commit` in a transaction, which handles every case."""
    if bucket["versioning"] is not None or notifications.sends_events(ctx, bucket) or files.plain_copies_made():
        return None
    row = {"owner": access.object_owner(ctx, bucket, row.get("attrs")), "last_modified": ctx.now, **row}
    return model.NULL_VERSION if store.put_null_version(ctx.state.db, bucket["name"], key, row) else None


def storage_class(params: dict) -> str:
    """The storage class a write asks for (STANDARD when it names none). A general purpose
    bucket refuses the classes of directory buckets, Outposts and Snow as it refuses an
    unknown or empty name (InvalidStorageClass), and those of FSx with InvalidArgument
    naming the header (radkawar/stackd storage_class_replay.json invalid/put-object/* and
    invalid/create-multipart-upload/*: EXPRESS_ONEZONE, OUTPOSTS, SNOW, FSX_OPENZFS, empty;
    FSX_ONTAP is not recorded and is taken as FSX_OPENZFS is)."""
    name = params.get("StorageClass")
    if name is None:
        return "STANDARD"
    if name in FSX_CLASSES:
        raise errors.error("InvalidArgument", "The storage class you specified is not supported for this bucket.",
                           ArgumentName="x-amz-storage-class", ArgumentValue=name)
    if name not in STORAGE_CLASSES or name in ELSEWHERE_CLASSES:
        raise errors.error("InvalidStorageClass", StorageClassRequested=name)
    return name


FSX_CLASSES = frozenset(("FSX_OPENZFS", "FSX_ONTAP"))
ELSEWHERE_CLASSES = frozenset(("EXPRESS_ONEZONE", "OUTPOSTS", "SNOW"))


def new_attrs(ctx, bucket, params: dict) -> dict:
    """What PutObject, CreateMultipartUpload and CopyObject (REPLACE) store beside the bytes."""
    if DESCRIBING_PARAMS.isdisjoint(params):        # the usual write: a content type at most
        attrs = {"ContentType": params.get("ContentType") or model.DEFAULT_CONTENT_TYPE}
    else:
        attrs = _described(params)
    attrs.update(encryption(ctx, bucket, params))
    if not LOCK_PARAMS.isdisjoint(params) or bucket["object_lock"]:
        attrs.update(object_lock(ctx, bucket, params))
    grants = acl.requested_grants(ctx, bucket, params, ctx.account)
    if grants:
        attrs["Grants"] = grants
    return attrs


def _described(params: dict) -> dict:
    """The content headers, user metadata and tags a write sets (and its content type)."""
    attrs = {name: params[name] for name in CONTENT_FIELDS if params.get(name) is not None}
    attrs["ContentType"] = params.get("ContentType") or model.DEFAULT_CONTENT_TYPE
    encoding = without_aws_chunked(params.get("ContentEncoding"))
    if encoding:
        attrs["ContentEncoding"] = encoding
    else:
        attrs.pop("ContentEncoding", None)
    if params.get("Metadata"):
        model.check_metadata(params["Metadata"])
        attrs["Metadata"] = params["Metadata"]
    if params.get("Tagging"):
        tags = model.parse_tagging_header(params["Tagging"])
        model.check_tags(tags, model.OBJECT_TAGS)
        attrs["TagSet"] = tags
    return attrs


def encryption(ctx, bucket, params: dict) -> dict:
    """Encryption settings of a new object: the request's, else the bucket default.

    Every S3 object is encrypted at rest; with no other setting that is SSE-S3 (AES256).
    Header combinations S3 refuses are `InvalidArgument` in its words (S3 User Guide,
    "Using server-side encryption with customer-provided keys"; recorded replies).
    """
    if SSE_PARAMS.isdisjoint(params) and store.bucket_config(ctx.state, bucket, "encryption") is None:
        return {"ServerSideEncryption": "AES256"}        # the usual write: nothing asked, no bucket default
    requested = params.get("ServerSideEncryption")
    if any(params.get(name) is not None for name in sse_c_block.CUSTOMER_KEY_PARAMS):
        if params.get("SSECustomerAlgorithm") is None:
            raise errors.error("InvalidArgument", "Requests specifying Server Side Encryption with Customer "
                               "provided keys must provide a valid encryption algorithm.")
        if requested is not None or params.get("SSEKMSKeyId") is not None or \
                params.get("SSEKMSEncryptionContext") is not None:      # a KMS key or context too, as recorded
            raise errors.error("InvalidArgument", "Server Side Encryption with Customer provided key is incompatible "
                               "with the encryption method specified")
        if params.get("SSECustomerKey") is None:
            raise errors.error("InvalidArgument", "Requests specifying Server Side Encryption with Customer "
                               "provided keys must provide an appropriate secret key.")
        if params.get("SSECustomerKeyMD5") is None:
            raise errors.error("InvalidArgument", "Requests specifying Server Side Encryption with Customer "
                               "provided keys must provide the client calculated MD5 of the secret key.")
        # A bucket blocking SSE-C refuses the write once its headers are all there (a missing key
        # stays InvalidArgument: customer_encryption_audit_replay.json notes), before the key's worth.
        sse_c_block.check_write(ctx, bucket, params)
        if params["SSECustomerAlgorithm"] != "AES256":    # recorded: 'aes256', 'aws:kms' and '' alike
            raise errors.error("InvalidEncryptionAlgorithmError")
        return {"SSECustomerAlgorithm": params["SSECustomerAlgorithm"],
                "SSECustomerKeyMD5": customer_key_md5(params)}
    if params.get("SSEKMSKeyId") and not (requested or "").startswith("aws:kms"):
        raise errors.error("InvalidArgument", "Server Side Encryption with AWS KMS managed key requires HTTP header "
                           "x-amz-server-side-encryption : aws:kms")
    if requested is not None and requested not in ENCRYPTION_ALGORITHMS:
        raise errors.error("InvalidArgument", "The encryption method specified is not supported",
                           ArgumentName="x-amz-server-side-encryption", ArgumentValue=requested)
    default = _bucket_default_encryption(ctx, bucket)
    algorithm = requested or default.get("SSEAlgorithm", "AES256")
    found = {"ServerSideEncryption": algorithm}
    if algorithm.startswith("aws:kms"):
        # S3 answers with the key's ARN (an alias, or none for aws/s3, resolved): the key
        # must exist and be usable before anything is written.
        key_id = params.get("SSEKMSKeyId") or default.get("KMSMasterKeyID")
        found["SSEKMSKeyId"] = at_rest.kms_key_arn(ctx, key_id)
        bucket_key = params.get("BucketKeyEnabled", default.get("BucketKeyEnabled"))
        if bucket_key:
            found["BucketKeyEnabled"] = True
    return found


def _bucket_default_encryption(ctx, bucket) -> dict:
    config = store.bucket_config(ctx.state, bucket, "encryption") or {}
    rules = config.get("Rules") or [{}]
    rule = rules[0]
    return {**rule.get("ApplyServerSideEncryptionByDefault", {}),
            "BucketKeyEnabled": rule.get("BucketKeyEnabled")}


def customer_key_md5(params: dict, prefix: str = "") -> str | None:
    """Base64 MD5 of an SSE-C key: the one sent, checked against the key when both came."""
    key = params.get(prefix + "SSECustomerKey")
    given = params.get(prefix + "SSECustomerKeyMD5")
    if key is None:
        return given
    try:
        raw = base64.b64decode(key, validate=True)
    except ValueError:
        raise errors.error("InvalidArgument", "The secret key was invalid for the specified algorithm.")
    if len(raw) != 32:
        raise errors.error("InvalidArgument", "The secret key was invalid for the specified algorithm.")
    digest = base64.b64encode(hashlib.md5(raw).digest()).decode()
    if given is not None and given != digest:
        raise errors.error("InvalidArgument",
                           "The calculated MD5 hash of the key did not match the hash that was provided.")
    return digest


def _read_key_md5(params: dict, prefix: str) -> str | None:
    """customer_key_md5 for a read: a well-formed key of the wrong length gives its MD5 (it
    matches no stored key) rather than InvalidArgument."""
    key = params.get(prefix + "SSECustomerKey")
    try:
        raw = base64.b64decode(key, validate=True) if key is not None else None
    except ValueError:
        raw = None
    if raw is None or len(raw) == 32:
        return customer_key_md5(params, prefix)
    digest = base64.b64encode(hashlib.md5(raw).digest()).decode()
    given = params.get(prefix + "SSECustomerKeyMD5")
    if given is not None and given != digest:
        raise errors.error("InvalidArgument",
                           "The calculated MD5 hash of the key did not match the hash that was provided.")
    return digest


def new_etag(attrs: dict, md5_hex: str) -> str:
    """The ETag of newly written bytes: their MD5, except under SSE-C, where S3's ETag is not
    the MD5 of the data: one derived from the data's MD5 and the key's stands in for it,
    the same for the same bytes under the same key, as S3's is."""
    key_md5 = attrs.get("SSECustomerKeyMD5")
    return hashlib.md5(f"sse-c:{key_md5}:{md5_hex}".encode()).hexdigest() if key_md5 else md5_hex


def check_customer_key(attrs: dict, params: dict, prefix: str = "", presence_only: bool = False):
    """Reads of an SSE-C object need its key; other objects refuse one. A key of the wrong
    length is a wrong key here (AccessDenied), as S3 answers a read
    (radkawar/stackd customer_encryption_data_replay.json, get-short-key). With
    `presence_only`, only whether a key came is checked: S3 weighs a read's conditions
    before the key's worth (get-conditional-wrong-key: 304; get-conditional-no-key: 400)."""
    stored = attrs.get("SSECustomerKeyMD5")
    if presence_only:
        given = params.get(prefix + "SSECustomerKey") or params.get(prefix + "SSECustomerKeyMD5")
        if stored and not given:
            raise errors.error("InvalidRequest", "The object was stored using a form of Server Side Encryption. "
                               "The correct parameters must be provided to retrieve the object.")
        return
    given = _read_key_md5(params, prefix) if stored else customer_key_md5(params, prefix)
    if stored and not given:
        raise errors.error("InvalidRequest", "The object was stored using a form of Server Side Encryption. "
                           "The correct parameters must be provided to retrieve the object.")
    if stored and given != stored:
        raise errors.error("AccessDenied", "Requests specifying Server Side Encryption with Customer provided "
                           "keys must provide the correct secret key.")
    if given and not stored:
        raise errors.error("InvalidRequest", "The encryption parameters are not applicable to this object.")


def object_lock(ctx, bucket, params: dict) -> dict:
    """Retention and legal hold of a new object: the request's, else the bucket's default."""
    mode, until = params.get("ObjectLockMode"), params.get("ObjectLockRetainUntilDate")
    hold = params.get("ObjectLockLegalHoldStatus")
    _check_lock_headers(mode, hold)
    if not bucket["object_lock"]:
        if mode or until or hold:
            # A write's lock headers word it so (the object-lock calls say "Object Lock Configuration")
            raise errors.error("InvalidRequest", "Bucket is missing ObjectLockConfiguration")
        return {}
    _require_lock_grants(ctx, bucket, params.get("Key"), mode or until, hold)
    if ctx.operation == "PutObject" and not _digest_sent(ctx.headers):
        raise errors.error("InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object "
                           "requests with Object Lock parameters")
    if bool(mode) != bool(until):       # S3 names the one missing
        raise errors.error("InvalidArgument", "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode "
                           "must both be supplied", ArgumentName="x-amz-object-lock-retain-until-date" if mode
                           else "x-amz-object-lock-mode")
    if until is not None and until.timestamp() <= ctx.now:
        raise errors.error("InvalidArgument", "The retain until date must be in the future!")
    if mode is None and hold is None:      # any lock header of its own (a legal hold OFF too) keeps the default off
        mode, until = default_retention(ctx, bucket)
    found = {"ObjectLockMode": mode, "ObjectLockRetainUntilDate": until, "ObjectLockLegalHoldStatus": hold}
    return {k: v for k, v in found.items() if v is not None}


def _require_lock_grants(ctx, bucket, key: str | None, retention, hold):
    """A write that sets a retention needs s3:PutObjectRetention too, one that sets a legal
    hold s3:PutObjectLegalHold (S3 User Guide, "Object Lock considerations"); a bucket's
    default retention needs neither."""
    for asked, action in ((retention, "s3:PutObjectRetention"), (hold, "s3:PutObjectLegalHold")):
        if asked and key is not None and not may(ctx, bucket, key, action):
            resource = arns.build("s3", "", "", f"{bucket['name']}/{key}")
            raise access.denied(ctx, action, resource, sessions.refusal(ctx, action, resource))


def may(ctx, bucket, key: str, action: str) -> bool:
    """Whether the caller may `action` on the object beside its request's own permission:
    its session policies and the bucket policy both judge."""
    resource = arns.build("s3", "", "", f"{bucket['name']}/{key}")
    return sessions.refusal(ctx, action, resource) is None and access.permits(ctx, bucket, key, action)


def _digest_sent(headers) -> bool:
    """A Content-MD5 or an x-amz-checksum-* of the body, in a header or a trailer."""
    return "content-md5" in headers or any(
        name.startswith("x-amz-checksum-") and name != "x-amz-checksum-type" for name in headers) or \
        headers.get("x-amz-trailer", "").lower().startswith("x-amz-checksum-")


def _check_lock_headers(mode: str | None, hold: str | None):
    """Spelled exactly as S3 spells them, checked before whether the bucket has Object Lock."""
    if mode is not None and mode not in model.LOCK_MODES:
        raise errors.error("InvalidArgument", "Unknown wormMode directive.", ArgumentName="x-amz-object-lock-mode",
                           ArgumentValue=mode)
    if hold is not None and hold not in ("ON", "OFF"):
        raise errors.error("InvalidArgument", "Legal Hold must be either of 'ON' or 'OFF'",
                           ArgumentName="x-amz-object-lock-legal-hold", ArgumentValue=hold)


def default_retention(ctx, bucket):
    config = store.bucket_config(ctx.state, bucket, "object-lock") or {}
    retention = (config.get("Rule") or {}).get("DefaultRetention")
    if not retention:
        return None, None
    if "Days" in retention:
        return retention["Mode"], model.timestamp(ctx.now + retention["Days"] * 86400)
    return retention["Mode"], _years_later(model.timestamp(ctx.now), retention["Years"])


def _years_later(when, years: int):
    """The same day `years` on, by the calendar (29 February falls back to the 28th)."""
    try:
        return when.replace(year=when.year + years)
    except ValueError:
        return when.replace(year=when.year + years, day=28)


# ---- describing ------------------------------------------------------------------

def describe(ctx, bucket, row, attrs: dict, checksum_mode: str | None = None) -> dict:
    """The response fields GET and HEAD share (everything but the length and range)."""
    # a read naming a version, or of a noncurrent one, tells no expiration (recorded:
    # lifecycle_header_authority_replay.json, explicit current VersionId and null reads)
    named = ctx.request is not None and "versionId" in ctx.request.query_dict()
    result = {
        "Expiration": None if named or not row["is_latest"] else expiration(
            ctx, bucket, row["key"], row["size"], attrs, row["last_modified"]),
        "ETag": model.quote_etag(row["etag"]),
        "LastModified": model.timestamp(row["last_modified"]),
        "AcceptRanges": "bytes",
        "ContentType": attrs.get("ContentType"),
        "Metadata": _metadata_headers(attrs.get("Metadata")),
        "VersionId": visible_version_id(bucket, row["version_id"]),
        "StorageClass": row["storage_class"] if row["storage_class"] != "STANDARD" else None,
        "TagCount": len(attrs["TagSet"]) if attrs.get("TagSet") else None,
        "Restore": live_restore(attrs, ctx.now),
        "ReplicationStatus": attrs.get("ReplicationStatus"),
    }
    readable = {}
    for name, value in attrs.items():
        if name in DESCRIBED_FIELDS and _lock_field_shown(ctx, bucket, row["key"], name, readable):
            result[name] = value
    if checksum_mode is not None and checksum_mode.upper() == "ENABLED":     # S3 takes any case
        result.update(checksum_fields(attrs))
    return result


# A GET or HEAD shows a version's retention only to a caller allowed s3:GetObjectRetention,
# and its legal hold only to one allowed s3:GetObjectLegalHold (S3 User Guide, "Object
# Lock considerations"; replies recorded from S3 to sessions without them).
LOCK_READ_ACTIONS = {"ObjectLockMode": "s3:GetObjectRetention", "ObjectLockRetainUntilDate": "s3:GetObjectRetention",
                     "ObjectLockLegalHoldStatus": "s3:GetObjectLegalHold"}


def _lock_field_shown(ctx, bucket, key: str, name: str, readable: dict) -> bool:
    action = LOCK_READ_ACTIONS.get(name)
    if action is None:
        return True
    if action not in readable:
        readable[action] = may(ctx, bucket, key, action)
    return readable[action]


def _metadata_headers(metadata: dict | None) -> dict | None:
    """User metadata as S3 sends it back: a value that is not ASCII is RFC 2047 encoded
    (`=?UTF-8?B?...?=`), as HTTP headers cannot carry it otherwise (S3 User Guide,
    "Working with object metadata": user-defined metadata)."""
    if not metadata:
        return None
    if all(value.isascii() for value in metadata.values()):
        return metadata
    return {name: value if value.isascii() else _rfc2047(value) for name, value in metadata.items()}


def _rfc2047(value: str) -> str:
    try:
        raw = value.encode("latin-1")        # the header's bytes as they arrived
    except UnicodeEncodeError:
        raw = value.encode()                 # text written by another service
    return f"=?UTF-8?B?{base64.b64encode(raw).decode()}?="


def expiration(ctx, bucket, key: str, size: int, attrs: dict, last_modified: float) -> str | None:
    """x-amz-expiration: when a lifecycle rule will expire this object, and which rule."""
    config = store.bucket_config(ctx.state, bucket, "lifecycle")
    if config is None:
        return None
    tags = {tag["Key"]: tag["Value"] for tag in attrs.get("TagSet", [])}
    found = lifecycle.object_expiration(config, key, size, tags, last_modified)
    if found is None:
        return None
    expiry, rule_id = found
    return f'expiry-date="{email.utils.formatdate(expiry, usegmt=True)}", rule-id="{_escaped_rule_id(rule_id)}"'


def _escaped_rule_id(rule_id: str) -> str:
    """The rule's ID as S3 writes it in x-amz-expiration: '"', '%' and what is not ASCII as
    lower-case %xx of its UTF-8 bytes, the rest as is ('a b"&,/%é' -> 'a b%22&,/%25%c3%a9',
    radkawar/stackd testdata/aws/s3/lifecycle_header_authority_replay.json)."""
    return "".join(char if char.isascii() and char not in '"%' else
                   "".join(f"%{byte:02x}" for byte in char.encode()) for char in rule_id)


def checksum_fields(attrs: dict) -> dict:
    checksum = attrs.get("Checksum")
    if not checksum:
        return {}
    return {"Checksum" + checksum["Algorithm"]: checksum["Value"], "ChecksumType": checksum["Type"]}


def check_readable(row, attrs: dict, now: float, source: bool = False):
    """Archived objects must be restored before their bytes can be read, and read before
    the restored copy expires. As the source of a copy, S3 words the refusal for the
    source object."""
    if row["storage_class"] in ARCHIVE_CLASSES and 'ongoing-request="false"' not in (live_restore(attrs, now) or ""):
        message = ("Operation is not valid for the source object's storage class" if source
                   else "The operation is not valid for the object's storage class")
        raise errors.error("InvalidObjectState", message, StorageClass=row["storage_class"])


_RESTORE_EXPIRY = re.compile(r'expiry-date="([^"]+)"')


def live_restore(attrs: dict, now: float) -> str | None:
    """The object's x-amz-restore: `ongoing-request="true"` until the restore is done
    (restores.py), then the restored copy's expiry while it lasts: once that date has
    passed, S3 deletes the copy, the object is only archived again, and no restore is
    shown (User Guide, "Restoring an archived object")."""
    job = attrs.get("RestoreJob")
    if job:
        if now < job["ready"]:
            return 'ongoing-request="true"'
        expiry = restored_until(job["since"], job["days"])
        return f'ongoing-request="false", expiry-date="{email.utils.formatdate(expiry, usegmt=True)}"' \
            if expiry > now else None
    restore = attrs.get("Restore")          # stored before restores took time
    expiry = _RESTORE_EXPIRY.search(restore) if restore else None
    if expiry and email.utils.parsedate_to_datetime(expiry.group(1)).timestamp() <= now:
        return None
    return restore


def restored_until(done: float, days: int) -> float:
    """When a restored copy expires: S3 adds the days to the moment the restore completes
    (or the copy's days were set again), then rounds up to the next midnight UTC (User
    Guide, "Restoring an archived object")."""
    # S3 takes days up to 2**31 - 1 (restore_replay.json days-maxint): the date is kept within
    # what an HTTP date can say (lakebox's bound; S3's shown date for such days is not recorded).
    return min((int((done + days * 86400) // 86400) + 1) * 86400.0, LAST_HTTP_MIDNIGHT)


LAST_HTTP_MIDNIGHT = 253402214400.0         # 9999-12-31T00:00:00Z
