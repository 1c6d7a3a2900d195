"""Server-side copies: CopyObject and UploadPartCopy (big ones in a worker thread: concurrency.py)."""
import re
import urllib.parse

from lakebox.aws.errors import AwsError
from lakebox.services.s3.upload import DEFAULT_CHECKSUM

from lakebox.services.s3 import (access, acl, concurrency, encryption, errors, files, model, multipart, objects, store,
                                 versions)

_COPY_RANGE = re.compile(r"^bytes=(\d+)-(\d+)$")


def parse_copy_source(value: str) -> tuple[str, str, str | None]:
    """`bucket/key[?versionId=id]` (URL-encoded, maybe with a leading slash)."""
    path, _, query = value.partition("?")
    path = urllib.parse.unquote(path).lstrip("/")
    bucket, _, key = path.partition("/")
    if not bucket or not key:
        raise errors.error("InvalidArgument", "Invalid copy source object key", ArgumentName="x-amz-copy-source",
                           ArgumentValue=value)
    version_id = urllib.parse.parse_qs(query).get("versionId", [None])[0]
    return bucket, key, version_id


def copy_source(ctx, params):
    """(bucket, row, attrs) of the version a copy reads, after S3's checks on it."""
    bucket_name, key, version_id = parse_copy_source(params["CopySource"])
    bucket = access.bucket_for(ctx, bucket_name, params.get("ExpectedSourceBucketOwner"), any_region=True,
                               key=key, version_id=version_id, action="s3:GetObject")
    if version_id is not None:
        model.check_version_id(version_id)
        row = store.version(ctx.state.db, bucket_name, key, version_id)
        if row is not None and row["delete_marker"]:
            raise errors.error("InvalidRequest", "The source of a copy request may not specifically refer to a "
                               "delete marker by version id.")
    row = versions.find(ctx, bucket, key, version_id)
    attrs = store.loads(row["attrs"])
    try:
        versions.check_customer_key(attrs, params, prefix="CopySource")
    except AwsError as refused:
        if refused.code != "AccessDenied":
            raise
        # A copy source's wrong key is S3's InvalidRequest, not a read's AccessDenied (radkawar/stackd
        # customer_encryption_data_replay.json, copy-customer-wrong-source; the words S3 clients record).
        raise errors.error("InvalidRequest", "The provided encryption parameters did not match the ones used "
                           "originally.") from None
    versions.check_readable(row, attrs, ctx.now, source=True)
    model.check_copy_source_conditions(params, row["etag"], row["last_modified"], ctx.now)
    return bucket, row, attrs


def _source_version_header(bucket, row) -> str | None:
    return versions.visible_version_id(bucket, row["version_id"])


async def copy_object(ctx, params):
    """A copy of a version, maybe with new metadata; big copies run in a worker thread
    (see concurrency.py), reading a source file opened before, so the version copied is
    the one checked even if it is replaced or deleted meanwhile."""
    return await concurrency.attempts(lambda: _copy_object(ctx, params))


async def _copy_object(ctx, params):
    objects.refuse_upload_without_part(ctx)
    bucket = access.request_bucket(ctx, params)
    key = params["Key"]
    model.check_key(key)
    # The class asked for is judged before the source is looked for or read (radkawar/stackd
    # storage_class_replay.json: copy-object-ordering/missing-source, denied-copy/GLACIER/INVALID_CLASS).
    storage_class = versions.storage_class(params)
    source_bucket, source, source_attrs = copy_source(ctx, params)
    if source["size"] > model.MAX_SINGLE_PUT:
        raise errors.error("InvalidRequest", "The specified copy source is larger than the maximum allowable size "
                           f"for a copy source: {model.MAX_SINGLE_PUT}")
    attrs = _target_attrs(ctx, bucket, params, source_attrs)
    onto_itself = source_bucket["name"] == bucket["name"] and source["key"] == key and source["is_latest"]
    # A copy source that names its version (even the current one) is an ordinary copy: S3
    # refuses a copy onto itself that changes nothing only when no version is named.
    named_version = parse_copy_source(params["CopySource"])[2] is not None
    if onto_itself and not named_version and not _changes_something(params, source, storage_class):
        raise errors.error(
            "InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without "
            "changing the object's metadata, storage class, website redirect location or encryption "
            "attributes.")
    versions.check_write_conditions(ctx, bucket, key, params)
    # In place, the bytes stay as they are stored: only while their encryption stays too.
    in_place = onto_itself and _unversioned(bucket) and source["version_id"] == model.NULL_VERSION and \
        encryption.same_encryption(source_attrs, attrs)
    temp, md5_hex, attrs["Checksum"] = await _copy_bytes(ctx, source, source_attrs, params, in_place)
    try:
        sealing = await encryption.seal(ctx, bucket, key, attrs, params, temp, source["size"],
                                        ctx.state.blobs.durable and concurrency.offloaded(source["size"]))
    except BaseException:
        files.discard(temp)
        raise
    etag = versions.new_etag(attrs, md5_hex)
    with concurrency.Staged(ctx.state.blobs, temp) as staged, ctx.state.db.transaction():
        if concurrency.offloaded(source["size"]):        # others ran meanwhile: check again
            bucket = access.request_bucket(ctx, params)
            if in_place:
                _check_still_in_place(ctx, bucket, source)
            versions.check_write_conditions(ctx, bucket, key, params)
        if in_place:
            # The null version keeps its bytes: only what is stored beside them changes.
            store.update_in_place(ctx.state.db, source["id"], attrs, etag, storage_class, ctx.now)
            version_id = model.NULL_VERSION
        else:
            version_id = versions.commit(ctx, bucket, key, {
                "blob_id": staged.commit(), "size": source["size"], "etag": etag, "storage_class": storage_class,
                "attrs": attrs, "sealing": sealing})
    result = {"ETag": model.quote_etag(etag), "LastModified": model.timestamp(ctx.now),
              **versions.checksum_fields(attrs)}
    return {"CopyObjectResult": result, "VersionId": versions.written_version_id(bucket, version_id),
            "CopySourceVersionId": _source_version_header(source_bucket, source),
            "Expiration": versions.expiration(ctx, bucket, key, source["size"], attrs, ctx.now),
            **objects.written_encryption(attrs)}


def _unversioned(bucket) -> bool:
    return bucket["versioning"] != "Enabled"


def _check_still_in_place(ctx, bucket, source):
    """A copy onto itself rewrites the current null version where it is: only if that row
    is still exactly the one planned with, and versioning is still off (else plan again)."""
    current = store.latest(ctx.state.db, bucket["name"], source["key"])
    if not _unversioned(bucket) or current is None or tuple(current) != tuple(source):
        raise concurrency.Changed()


_DIRECTIVE_HEADERS = {"MetadataDirective": "x-amz-metadata-directive", "TaggingDirective": "x-amz-tagging-directive"}


def _directive(params, name: str) -> str:
    """COPY (the default) or REPLACE."""
    value = params.get(name, "COPY")
    if value not in ("COPY", "REPLACE"):
        header = _DIRECTIVE_HEADERS[name]
        raise errors.error("InvalidArgument", f"Unknown {header.split('-')[2]} directive.", ArgumentName=header,
                           ArgumentValue=value)
    return value


def _target_attrs(ctx, bucket, params, source_attrs) -> dict:
    """Metadata of the copy: the source's (COPY) or the request's (REPLACE), tags likewise.

    Encryption and object lock come from the request or the target bucket, never the source.
    """
    if _directive(params, "MetadataDirective") == "REPLACE":
        attrs = versions.new_attrs(ctx, bucket, {**params, "Tagging": None})
    else:
        kept = versions.CONTENT_FIELDS + ("ContentType", "Metadata")
        attrs = {name: source_attrs[name] for name in kept if name in source_attrs}
        attrs.update(versions.encryption(ctx, bucket, params))
        attrs.update(versions.object_lock(ctx, bucket, params))
        if grants := acl.requested_grants(ctx, bucket, params, ctx.account):   # a copy's ACL is the request's
            attrs["Grants"] = grants
    if _directive(params, "TaggingDirective") == "REPLACE":
        tags = model.parse_tagging_header(params.get("Tagging") or "")
        model.check_tags(tags, model.OBJECT_TAGS)
        if tags:
            attrs["TagSet"] = tags
    elif source_attrs.get("TagSet"):
        attrs["TagSet"] = source_attrs["TagSet"]
    return attrs


def _changes_something(params, source, storage_class) -> bool:
    """Whether a copy onto itself asks for a change. A storage class named is one, even the
    object's own (radkawar/stackd storage_class_replay.json storage-supplement: STANDARD onto
    itself with StorageClass STANDARD, STANDARD_IA with STANDARD_IA, both taken); without
    it the class STANDARD it gets must differ (copy-object-put/STANDARD_IA taken, STANDARD
    onto itself refused)."""
    return (params.get("MetadataDirective") == "REPLACE" or params.get("StorageClass") is not None
            or storage_class != source["storage_class"]
            or any(params.get(name) for name in ("ServerSideEncryption", "SSECustomerAlgorithm",
                                                  "WebsiteRedirectLocation", "SSEKMSKeyId")))


async def _copy_bytes(ctx, source, source_attrs, params, in_place) -> tuple[str | None, str, dict]:
    """(temp file of the copy, in the clear, ETag, checksum); no temp file when copying in
    place or empty.

    A copy is a single-part object: a multipart source gets the MD5 of its bytes, and a
    composite checksum (or a newly requested algorithm) is computed over the bytes. Else
    the bytes are copied in the kernel and the source's ETag and checksum carry over.
    Big sources are read in a worker thread; small ones inline.
    """
    blobs = ctx.state.blobs
    size = source["size"]
    algorithm = params.get("ChecksumAlgorithm")
    checksum = source_attrs.get("Checksum") or {}
    full = checksum.get("Type") == "FULL_OBJECT"
    # S3 (CopyObject, x-amz-checksum-algorithm): without that header "the checksum algorithm
    # will be copied from the source object", a COMPOSITE one too (then as FULL_OBJECT).
    wanted = algorithm or checksum.get("Algorithm") or DEFAULT_CHECKSUM
    # An SSE-C source's ETag is not its MD5 (versions.new_etag): then the bytes are hashed.
    keep = "-" not in source["etag"] and full and checksum["Algorithm"] == wanted and \
        not source_attrs.get("SSECustomerKeyMD5")
    if keep and (in_place or source["blob_id"] is None):
        return None, source["etag"], checksum
    sync = False        # the copy is encrypted next, and flushed to disk then
    src = _open_source(ctx, source, source_attrs, params)
    if keep:
        temp = await concurrency.run(ctx, size, files.closing_after, src, files.copy_whole, blobs, src, size,
                                     sync, discard=files.discard)
        return temp, source["etag"], checksum
    if in_place or src is None:
        temp = None
        md5_hex, sums = await concurrency.run(ctx, size, files.closing_after, src, files.hash_range, src, 0,
                                              size, (wanted,))
    else:
        temp, md5_hex, sums = await concurrency.run(
            ctx, size, files.closing_after, src, files.copy_hashing, blobs, src, 0, size, (wanted,), sync,
            discard=_discard_first)
    return temp, md5_hex, {"Algorithm": wanted, "Value": sums[wanted], "Type": "FULL_OBJECT"}


def _open_source(ctx, source, source_attrs, params):
    """The source version's bytes in the clear, opened now (on the loop): an open file still
    reads after the version is replaced or deleted, so a copy in a worker thread reads what
    was checked."""
    return encryption.open_plain(ctx, source, source_attrs, params, prefix="CopySource")


def _discard_first(result):
    files.discard(result[0])


async def upload_part_copy(ctx, params):
    bucket = access.request_bucket(ctx, params)
    upload = multipart.require_upload(ctx, bucket, params["Key"], params["UploadId"])
    multipart.check_part_number(params["PartNumber"])
    source_bucket, source, source_attrs = copy_source(ctx, params)
    first, length = _copy_range(params.get("CopySourceRange"), source["size"])
    if length > model.MAX_PART_SIZE:
        raise errors.error("EntityTooLarge", ProposedSize=length, MaxSizeAllowed=model.MAX_PART_SIZE)
    attrs = store.loads(upload["attrs"])
    multipart.check_upload_key(attrs, params)
    algorithm = attrs.get("ChecksumAlgorithm")
    wanted = tuple(dict.fromkeys(name for name in (DEFAULT_CHECKSUM, algorithm) if name))
    blobs = ctx.state.blobs
    src = _open_source(ctx, source, source_attrs, params)
    temp, md5_hex, sums = await concurrency.run(
        ctx, length, files.closing_after, src, files.copy_hashing, blobs, src, first, length, wanted,
        blobs.durable and concurrency.offloaded(length), discard=_discard_first)
    with concurrency.Staged(blobs, temp) as staged, ctx.state.db.transaction():
        if concurrency.offloaded(length):   # aborted or completed meanwhile? NoSuchUpload then
            upload = multipart.require_upload(ctx, access.request_bucket(ctx, params), params["Key"],
                                              params["UploadId"])
        etag = versions.new_etag(attrs, md5_hex)
        multipart.store_part(ctx, upload, params["PartNumber"], staged.commit(), length, etag, sums)
    result = {"ETag": model.quote_etag(etag), "LastModified": model.timestamp(ctx.now)}
    if algorithm:
        result["Checksum" + algorithm] = sums[algorithm]
    return {"CopyPartResult": result, "CopySourceVersionId": _source_version_header(source_bucket, source),
            **objects.written_encryption(attrs)}


def _copy_range(header: str | None, size: int) -> tuple[int, int]:
    """(first byte, length) of x-amz-copy-source-range, which must lie inside the source."""
    if header is None:
        return 0, size
    match = _COPY_RANGE.match(header.strip())
    if not match:
        raise errors.error(
            "InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and "
            "last are the zero-based offsets of the first and last bytes to copy",
            ArgumentName="x-amz-copy-source-range", ArgumentValue=header)
    first, last = int(match.group(1)), int(match.group(2))
    if first >= size and first <= last:     # a range starting past the end: S3 says InvalidRequest
        raise errors.error("InvalidRequest", "The specified copy range is invalid for the source object size")
    if first > last or last >= size:
        raise errors.error("InvalidArgument", f"Range specified is not valid for source object of size: {size}",
                           ArgumentName="x-amz-copy-source-range", ArgumentValue=header)
    return first, last - first + 1
