"""Objects: PUT, GET, HEAD, DELETE and DeleteObjects."""
import email.utils
import functools

from lakebox.aws.errors import ServiceError
from lakebox.aws.specs import spec_for

from lakebox.services.s3 import (access, concurrency, encryption, errors, files, model, notifications, payload,
                                 store, stored, versions)
from lakebox.services.s3.upload import DEFAULT_CHECKSUM

MAX_DELETE_OBJECTS = 1000
RESPONSE_OVERRIDES = {"ResponseCacheControl": "CacheControl", "ResponseContentDisposition": "ContentDisposition",
                      "ResponseContentEncoding": "ContentEncoding", "ResponseContentLanguage": "ContentLanguage",
                      "ResponseContentType": "ContentType", "ResponseExpires": "Expires"}
OVERRIDE_PARAMS = frozenset(RESPONSE_OVERRIDES)


async def put_object(ctx, params):
    refuse_upload_without_part(ctx)
    model.check_content_length(ctx.headers)
    return await store_object(ctx, params)


def refuse_upload_without_part(ctx):
    """A PUT naming an upload (`?uploadId=`) without a part number uploads nothing: S3
    answers 405, where the model's routing would make it a PutObject or CopyObject."""
    if "uploadId" in ctx.request.query_dict():
        raise errors.error("MethodNotAllowed", Method="PUT", ResourceType="OBJECT")


async def store_object(ctx, params):
    """PutObject's work once the body is in hand (POST form uploads share it)."""
    bucket = access.request_bucket(ctx, params)
    key = params["Key"]
    model.check_key(key)
    body = params["Body"]
    if body.size > model.MAX_SINGLE_PUT:
        raise errors.error("EntityTooLarge", ProposedSize=body.size, MaxSizeAllowed=model.MAX_SINGLE_PUT)
    attrs = versions.new_attrs(ctx, bucket, params)
    storage_class = versions.storage_class(params)
    algorithm = body.checksum_algorithm or DEFAULT_CHECKSUM
    attrs["Checksum"] = {"Algorithm": algorithm, "Value": body.checksums[algorithm], "Type": "FULL_OBJECT"}
    etag = versions.new_etag(attrs, body.md5_hex)
    versions.check_write_conditions(ctx, bucket, key, params)
    blobs = ctx.state.blobs
    waited = concurrency.offloaded(body.size)
    # A body is encrypted at rest when its encryption asks for it (encryption.sealed_at_rest),
    # and then flushed to disk when the store is durable: a big one off the loop, before committing.
    if body.size and body.data is not None:         # a small body, held in memory
        body.data, sealing = encryption.seal_bytes(ctx, bucket, key, attrs, params, body.data)
    else:
        sealing = await encryption.seal(ctx, bucket, key, attrs, params, body.path, body.size,
                                        blobs.durable and waited)
    # Every check is done: only now does the body become a blob (or, small, part of the
    # row: stored.py), then the current version. One transaction: the blob's journal
    # entry commits with the row that points at it. The everyday small write, which
    # makes no file, is one statement (versions.commit_in_place).
    row = {"size": body.size, "etag": etag, "storage_class": storage_class, "attrs": attrs, "sealing": sealing}
    with concurrency.Staged(blobs, body.take(), inline=True) as staged:
        version_id = None
        if not waited and not staged.makes_file:
            version_id = versions.commit_in_place(ctx, bucket, key, {
                "blob_id": staged.commit(), "content": staged.content, **row})
        if version_id is None:
            with ctx.state.db.transaction():
                if waited:      # others ran meanwhile: the bucket and the write conditions again
                    bucket = access.request_bucket(ctx, params)
                    versions.check_write_conditions(ctx, bucket, key, params)
                version_id = versions.commit(ctx, bucket, key, {
                    "blob_id": staged.commit(), "content": staged.content, **row})
    return {"ETag": model.quote_etag(etag), "VersionId": versions.written_version_id(bucket, version_id),
            "Expiration": versions.expiration(ctx, bucket, key, body.size, attrs, ctx.now),
            **versions.checksum_fields(attrs), **written_encryption(attrs)}


def written_encryption(attrs: dict) -> dict:
    return {name: attrs[name] for name in versions.ENCRYPTION_FIELDS if name in attrs}


def get_object(ctx, params):
    row, attrs, result, first, length = _read(ctx, params, "GET")
    if row["blob_id"] is None or length == 0:
        result["Body"] = b""
    elif row["sealing"] is None:
        result["Body"] = stored.body_range(ctx.state.blobs, row, first, length)
    else:
        result["Body"] = encryption.plain_body(ctx, row, attrs, params, first, length)
    return result


def head_object(ctx, params):
    return _read(ctx, params, "HEAD")[2]


def _read(ctx, params, method):
    """(row, attrs, response fields, first byte, length) of a GET or HEAD, after every check."""
    bucket = access.request_bucket(ctx, params)
    _check_overrides(ctx, params, method)
    row, attrs = _readable_version(ctx, bucket, params, method)
    first, last, selection = _selected_bytes(ctx, row, params)
    # A checksum describes the whole object, so a range comes without one (unless it spans
    # the whole object, or exactly one part of a COMPOSITE one); a part comes with its own.
    whole = first == 0 and last == row["size"] - 1 and params.get("PartNumber") is None
    checksum_mode = params.get("ChecksumMode") if not selection or whole else None
    result = versions.describe(ctx, bucket, row, attrs, checksum_mode)
    result.update(selection)
    if (params.get("ChecksumMode") or "").upper() == "ENABLED":
        if params.get("PartNumber") is not None:
            result.update(_part_checksum(ctx, row, attrs, params["PartNumber"]))
        elif selection and not whole:
            result.update(_range_checksum(ctx, row, attrs, first, last))
    result["ContentLength"] = last - first + 1
    if not OVERRIDE_PARAMS.isdisjoint(params):        # the usual read asks for none
        for param, field in RESPONSE_OVERRIDES.items():
            if params.get(param) is not None:
                result[field] = params[param]
    return row, attrs, result, first, last - first + 1


def _check_overrides(ctx, params, method):
    """A response header asked for must be writable as one: ISO-8859-1 (S3's reply, as a
    client logged it: InvalidArgument "Header value cannot be represented using ISO-8859-1."),
    and asked for in a signed GET (S3 refuses them in an unsigned one, as clients of public
    buckets record it)."""
    if OVERRIDE_PARAMS.isdisjoint(params):
        return
    if method == "GET" and ctx.anonymous and any(params.get(param) is not None for param in RESPONSE_OVERRIDES):
        raise errors.error("InvalidRequest", "Request specific response headers cannot be used for anonymous GET "
                           "requests.")
    for param in RESPONSE_OVERRIDES:
        value = params.get(param)
        if isinstance(value, str) and not _latin1(value):
            raise errors.error("InvalidArgument", "Header value cannot be represented using ISO-8859-1.",
                               ArgumentName=_query_name(param), ArgumentValue=value)


@functools.cache
def _query_name(param: str) -> str:
    """The query parameter that carries `param` (the model's: `response-content-type`)."""
    return spec_for("s3").operation("GetObject").input_shape.members[param].serialization["name"]


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _readable_version(ctx, bucket, params, method):
    row = versions.find(ctx, bucket, params["Key"], params.get("VersionId"), method)
    attrs = store.loads(row["attrs"])
    # S3's order (radkawar/stackd customer_encryption_boundaries_replay.json): a key that
    # should come, the conditions, the Range or part number, the key's worth, and only then
    # an archived object's state.
    versions.check_customer_key(attrs, params, presence_only=True)
    try:
        model.check_read_conditions(params, row["etag"], row["last_modified"], ctx.now)
    except ServiceError as failed:
        if failed.code == "NotModified":
            failed.headers.update({"ETag": model.quote_etag(row["etag"]),
                                   "Last-Modified": email.utils.formatdate(row["last_modified"], usegmt=True)})
        raise
    if params.get("PartNumber") is not None and not params.get("Range"):
        _part_bounds(ctx, row, params["PartNumber"])           # InvalidPartNumber before the key is weighed
    elif params.get("Range") and params.get("PartNumber") is None:
        model.parse_range(params["Range"], row["size"])        # InvalidRange before the key is weighed
    versions.check_customer_key(attrs, params)
    if method == "GET":     # HEAD shows an archived object (and x-amz-restore); GET needs it restored
        versions.check_readable(row, attrs, ctx.now)
    return row, attrs


def _selected_bytes(ctx, row, params) -> tuple[int, int, dict]:
    """(first, last, fields of a 206 answer): the bytes a Range header or partNumber selects.

    The fields are empty when the whole object is sent.
    """
    size = row["size"]
    part_number = params.get("PartNumber")
    selection = {}
    if part_number is not None:
        if params.get("Range"):
            raise errors.error("InvalidRequest", "Cannot specify both Range header and partNumber query parameter")
        first, last = _part_bounds(ctx, row, part_number)
        if row["parts_count"]:
            selection["PartsCount"] = row["parts_count"]
    else:
        selected = model.parse_range(params.get("Range"), size)
        if selected is None:
            return 0, size - 1, selection
        first, last = selected
    if size:
        selection.update({"ContentRange": model.content_range(first, last, size), "__status__": 206})
    return first, last, selection


def _part_bounds(ctx, row, part_number: int) -> tuple[int, int]:
    if not 1 <= part_number <= model.MAX_PART_NUMBER:
        raise errors.error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive",
                           ArgumentName="partNumber", ArgumentValue=str(part_number))
    if not row["parts_count"]:
        if part_number != 1:
            raise errors.error("InvalidPartNumber", PartNumberRequested=part_number, ActualPartCount=1)
        return 0, row["size"] - 1
    part = store.object_part(ctx.state.db, row["id"], part_number)
    if part is None:
        raise errors.error("InvalidPartNumber", PartNumberRequested=part_number, ActualPartCount=row["parts_count"])
    return part["offset"], part["offset"] + part["size"] - 1


def _part_checksum(ctx, row, attrs, part_number: int) -> dict:
    """The checksum of the part a GET or HEAD names, for an object whose checksum is made
    of its parts' (COMPOSITE: S3 User Guide, "Checking object integrity", part-level
    checksums are read with partNumber), with the object's type."""
    if not row["parts_count"]:
        return versions.checksum_fields(attrs)         # part 1 of a single-part object is all of it
    checksum = attrs.get("Checksum")
    if not checksum or checksum["Type"] != "COMPOSITE":
        return {}
    part = store.object_part(ctx.state.db, row["id"], part_number)
    value = (store.loads(part["checksums"]) or {}).get(checksum["Algorithm"])
    return {"Checksum" + checksum["Algorithm"]: value, "ChecksumType": checksum["Type"]} if value else {}


def _range_checksum(ctx, row, attrs, first: int, last: int) -> dict:
    """A Range that selects exactly one part of a COMPOSITE object comes with that part's
    checksum, as S3 answers (radkawar/stackd multipart_read_bounds_replay.json)."""
    checksum = attrs.get("Checksum")
    if not row["parts_count"] or not checksum or checksum["Type"] != "COMPOSITE":
        return {}
    for ordinal, part in enumerate(store.object_parts(ctx.state.db, row["id"]), 1):
        if part["offset"] == first:
            if part["offset"] + part["size"] - 1 != last:
                return {}
            return _part_checksum(ctx, row, attrs, ordinal)
    return {}


# ---- deleting --------------------------------------------------------------------

# A conditional delete names no version: S3 answers one that does 501 NotImplemented
# (replies recorded from S3, conditional deletes on a versioned bucket).
VERSIONED_CONDITIONAL_DELETE = ("Conditional delete operations are not allowed when a version ID is included in "
                                "the request parameters.")

def delete_object(ctx, params):
    bucket = access.request_bucket(ctx, params)
    key = params["Key"]
    if params.get("IfMatch") is not None and params.get("VersionId") is not None:
        raise errors.error("NotImplemented", "A header you provided implies functionality that is not implemented",
                           Header="If-Match", additionalMessage=VERSIONED_CONDITIONAL_DELETE)
    versions.check_write_conditions(ctx, bucket, key, {"IfMatch": params.get("IfMatch")})
    if params.get("VersionId") is not None:
        versions.require_mfa(bucket, params)
    outcome = delete_one(ctx, bucket, key, params.get("VersionId"), params.get("BypassGovernanceRetention"))
    return {"DeleteMarker": outcome.get("DeleteMarker"),
            "VersionId": outcome.get("DeleteMarkerVersionId") or outcome.get("VersionId")}


def delete_one(ctx, bucket, key: str, version_id: str | None, bypass_governance=False, batch=False) -> dict:
    """Delete a key (adding a delete marker when versioned) or one version of it.

    Returns the DeleteObjects `Deleted` entry describing what happened. A version the key
    does not hold was deleted already; an id never given (any but "null" in a bucket never
    versioned) is InvalidArgument, and NoSuchVersion in a DeleteObjects `batch`.
    """
    model.check_key(key)
    if version_id is not None:
        return _delete_version(ctx, bucket, key, version_id, bypass_governance, batch)
    if bucket["versioning"] is None:
        row = store.version(ctx.state.db, bucket["name"], key, model.NULL_VERSION)
        if row is not None:
            _drop(ctx, bucket, row)
        else:       # a key never held is deleted all the same, and its event is sent
            notifications.object_removed(ctx, bucket, key, model.NULL_VERSION)
        return {"Key": key}
    marker_id = versions.commit(ctx, bucket, key, {"delete_marker": True, "attrs": {}})
    return {"Key": key, "DeleteMarker": True, "DeleteMarkerVersionId": marker_id}


def _delete_version(ctx, bucket, key, version_id, bypass_governance, batch) -> dict:
    model.check_version_id(version_id)
    row = store.version(ctx.state.db, bucket["name"], key, version_id)
    if row is None:     # deleted already, unless it is an id S3 never gave this bucket
        if version_id != model.NULL_VERSION and (bucket["versioning"] is None or model.never_issued(version_id)):
            if batch:
                raise errors.error("NoSuchVersion", Key=key, VersionId=version_id)
            raise model.invalid_version_id(version_id)
        return {"Key": key, "VersionId": version_id}
    check_retention(ctx, bucket, row, bypass_governance)
    _drop(ctx, bucket, row)
    if row["delete_marker"]:
        return {"Key": key, "VersionId": version_id, "DeleteMarker": True, "DeleteMarkerVersionId": version_id}
    return {"Key": key, "VersionId": version_id}


def _drop(ctx, bucket, row):
    files.delete_later(ctx.state.blobs, [store.remove_version(ctx.state.db, row)])
    notifications.object_removed(ctx, bucket, row["key"], row["version_id"])


def check_retention(ctx, bucket, row, bypass_governance=False):
    """Object Lock: a legal hold, or a retention period not yet over, protects a version."""
    attrs = store.loads(row["attrs"])
    if attrs.get("ObjectLockLegalHoldStatus") == "ON":
        raise errors.error("AccessDenied", "Access Denied because object protected by object lock.")
    until = attrs.get("ObjectLockRetainUntilDate")
    if until is None or until.timestamp() <= ctx.now:
        return
    if attrs.get("ObjectLockMode") == "GOVERNANCE" and may_bypass(ctx, bucket, row["key"], bypass_governance):
        return
    raise errors.error("AccessDenied", "Access Denied because object protected by object lock.")


def may_bypass(ctx, bucket, key: str, asked: bool) -> bool:
    """The bypass header lifts governance retention only for callers the bucket allows
    `s3:BypassGovernanceRetention` (S3 User Guide, "Bypassing governance mode"), and
    whose session policies allow it."""
    return bool(asked) and versions.may(ctx, bucket, key, "s3:BypassGovernanceRetention")


def delete_objects(ctx, params):
    bucket = access.keys_bucket(ctx, params)
    payload.check_body(ctx, params, "Delete")
    request = params["Delete"]
    objects = request.get("Objects") or []
    if not objects or len(objects) > MAX_DELETE_OBJECTS:
        raise errors.error("MalformedXML")
    if any(item.get("VersionId") is not None for item in objects):
        versions.require_mfa(bucket, params)     # the whole request fails, not just those entries
    quiet = request.get("Quiet", False)
    deleted, failed = [], []
    for item in objects:
        key, version_id = item.get("Key", ""), item.get("VersionId")
        try:
            access.authorize(ctx, bucket, key, version_id, "s3:DeleteObject")
            if item.get("ETag") is not None and version_id is not None:
                raise errors.error("NotImplemented", "A form field you provided implies functionality that is "
                                                     "not implemented")
            versions.check_write_conditions(ctx, bucket, key, {"IfMatch": item.get("ETag")})
            outcome = delete_one(ctx, bucket, key, version_id, params.get("BypassGovernanceRetention"), batch=True)
        except ServiceError as error:
            failed.append({"Key": key, "VersionId": version_id, "Code": error.code, "Message": error.message})
            continue
        if not quiet:
            deleted.append(outcome)
    return {"Deleted": deleted or None, "Errors": failed or None, "__xml_root__": "DeleteResult"}
