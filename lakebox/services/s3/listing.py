"""ListObjects (v1), ListObjectsV2 and ListObjectVersions.

Every page is an index range scan from its start key; a delimiter's common prefixes are
skipped over with one seek each (model.list_page), so pages stay fast at any bucket size.
"""
import email.utils
import re

from lakebox.services.s3 import access, errors, model, store, versions

MAX_KEYS = 1000


def _check_encoding(params):
    encoding = params.get("EncodingType")
    if encoding is not None and encoding != "url":
        raise errors.error("InvalidArgument", "Invalid Encoding Method specified in Request",
                           ArgumentName="encoding-type", ArgumentValue=encoding)
    return encoding


def _current_page(ctx, bucket, prefix, delimiter, after, max_keys) -> model.Page:
    """A page of current objects after `after` (exclusive), or from `prefix` if that is later."""
    db, name = ctx.state.db, bucket["name"]
    upper = model.prefix_upper_bound(prefix) if prefix else None
    if after and after >= prefix:
        rows = store.seek_current(db, name, after, False, upper)
    else:
        rows = store.seek_current(db, name, prefix, True, upper)
    return model.list_page(rows, lambda key: store.seek_current(db, name, key, True, upper),
                           prefix, delimiter, max_keys, marker=after)


def _content(row, encoding, fetch_owner: bool, optional: list | None, now: float) -> dict:
    entry = {"Key": model.url_encode(row["key"], encoding),
             "LastModified": model.timestamp(row["last_modified"]),
             "ETag": model.quote_etag(row["etag"]), "Size": row["size"],
             "StorageClass": row["storage_class"]}
    if row["checksum_algorithm"]:
        entry["ChecksumAlgorithm"] = [row["checksum_algorithm"]]
        entry["ChecksumType"] = row["checksum_type"]
    if fetch_owner:
        entry["Owner"] = model.owner(row["owner"])
    if optional and "RestoreStatus" in optional:
        restore = versions.live_restore(store.loads(row["attrs"]), now)
        if restore:
            entry["RestoreStatus"] = _restore_status(restore)
    return entry


def _restore_status(restore: str) -> dict:
    """RestoreStatus from the x-amz-restore value; the expiry shows once the copy is back."""
    status = {"IsRestoreInProgress": 'ongoing-request="true"' in restore}
    expiry = re.search(r'expiry-date="([^"]+)"', restore)
    if expiry:
        status["RestoreExpiryDate"] = email.utils.parsedate_to_datetime(expiry.group(1))
    return status


def _common_prefixes(page, encoding):
    return [{"Prefix": model.url_encode(p, encoding)} for p in page.prefixes] or None


def list_objects(ctx, params):
    bucket = access.request_bucket(ctx, params)
    encoding = _check_encoding(params)
    prefix, delimiter = params.get("Prefix") or "", params.get("Delimiter") or None
    marker = params.get("Marker") or ""
    max_keys = model.page_size(params, "MaxKeys", "maxKeys", MAX_KEYS)
    page = _current_page(ctx, bucket, prefix, delimiter, marker, max_keys)
    result = {
        "Name": bucket["name"], "Prefix": model.url_encode(prefix, encoding),
        "Marker": model.url_encode(marker, encoding), "MaxKeys": max_keys,
        "Delimiter": model.url_encode(delimiter, encoding), "IsTruncated": page.truncated,
        "EncodingType": encoding,
        "Contents": [_content(row, encoding, True, params.get("OptionalObjectAttributes"), ctx.now)
                     for row in page.items] or None,
        "CommonPrefixes": _common_prefixes(page, encoding),
        "__xml_root__": "ListBucketResult",
    }
    if page.truncated and delimiter:
        result["NextMarker"] = model.url_encode(page.last, encoding)
    return result


def list_objects_v2(ctx, params):
    bucket = access.request_bucket(ctx, params)
    encoding = _check_encoding(params)
    prefix, delimiter = params.get("Prefix") or "", params.get("Delimiter") or None
    token, start_after = params.get("ContinuationToken"), params.get("StartAfter")
    if token is not None and not token:         # S3 names the argument, and no value
        raise errors.error("InvalidArgument", "The continuation token provided is incorrect",
                           ArgumentName="continuation-token")
    after = model.decode_token(token) if token else (start_after or "")
    max_keys = model.page_size(params, "MaxKeys", "maxKeys", MAX_KEYS)
    page = _current_page(ctx, bucket, prefix, delimiter, after, max_keys)
    result = {
        "Name": bucket["name"], "Prefix": model.url_encode(prefix, encoding), "MaxKeys": max_keys,
        "Delimiter": model.url_encode(delimiter, encoding), "IsTruncated": page.truncated,
        "EncodingType": encoding, "KeyCount": len(page.items) + len(page.prefixes),
        # A continued listing starts from its token, and S3 leaves StartAfter out of it.
        "ContinuationToken": token, "StartAfter": None if token else model.url_encode(start_after, encoding),
        "Contents": [_content(row, encoding, bool(params.get("FetchOwner")), params.get("OptionalObjectAttributes"),
                              ctx.now)
                     for row in page.items] or None,
        "CommonPrefixes": _common_prefixes(page, encoding),
        "__xml_root__": "ListBucketResult",
    }
    if page.truncated:
        result["NextContinuationToken"] = model.encode_token(page.last)
    return result


def list_object_versions(ctx, params):
    bucket = access.request_bucket(ctx, params)
    encoding = _check_encoding(params)
    db, name = ctx.state.db, bucket["name"]
    prefix, delimiter = params.get("Prefix") or "", params.get("Delimiter") or None
    key_marker, version_marker = params.get("KeyMarker") or "", params.get("VersionIdMarker")
    if version_marker and not key_marker:
        raise errors.error("InvalidArgument", "A version-id marker cannot be specified without a key marker.",
                           ArgumentName="version-id-marker", ArgumentValue=version_marker)
    if params.get("MaxKeys", 0) < 0:       # ListObjectVersions words it otherwise than the object listings
        raise errors.error("InvalidArgument", "max-keys cannot be negative", ArgumentName="max-keys")
    max_keys = model.page_size(params, "MaxKeys", "maxKeys", MAX_KEYS)
    upper = model.prefix_upper_bound(prefix) if prefix else None
    start, below_id = prefix, 1 << 62
    if key_marker and key_marker >= prefix:
        start, below_id = key_marker, _version_row_id(ctx, bucket, key_marker, version_marker)
    page = model.list_page(store.seek_versions(db, name, start, below_id, upper),
                           lambda key: store.seek_versions(db, name, key, 1 << 62, upper),
                           prefix, delimiter, max_keys, marker=key_marker)
    versions, markers = [], []
    for row in page.items:
        (markers if row["delete_marker"] else versions).append(_version_entry(row, encoding))
    result = {
        "Name": name, "Prefix": model.url_encode(prefix, encoding),
        "KeyMarker": model.url_encode(key_marker, encoding), "VersionIdMarker": version_marker or "",
        "MaxKeys": max_keys, "Delimiter": model.url_encode(delimiter, encoding),
        "IsTruncated": page.truncated, "EncodingType": encoding,
        "Versions": versions or None, "DeleteMarkers": markers or None,
        "CommonPrefixes": _common_prefixes(page, encoding),
        "__xml_root__": "ListVersionsResult",
    }
    if page.truncated:
        result["NextKeyMarker"] = model.url_encode(page.last, encoding)
        if page.items and page.items[-1]["key"] == page.last:
            result["NextVersionIdMarker"] = page.items[-1]["version_id"]
    return result


def _version_row_id(ctx, bucket, key: str, version_id: str | None) -> int:
    """Where a listing resumes inside `key`: below this row id (0: after the whole key)."""
    if not version_id:
        return 0
    row = store.version(ctx.state.db, bucket["name"], key, version_id)
    if row is not None:
        return row["id"]
    made = model.version_time(version_id)
    if made is None:
        raise errors.error("InvalidArgument", "Invalid version id specified", ArgumentName="version-id-marker",
                           ArgumentValue=version_id)
    return _below_deleted(ctx, bucket, key, made)


def _below_deleted(ctx, bucket, key: str, made: int) -> int:
    """Where a listing resumes after a version deleted since the previous page (one
    emptying a bucket deletes what it lists): below the newest remaining version of
    `key` made before it."""
    for found, row in store.seek_versions(ctx.state.db, bucket["name"], key, 1 << 62, None):
        if found != key:
            break
        when = model.version_time(row["version_id"])
        if (when if when is not None else row["last_modified"] * 1e9) < made:
            return row["id"] + 1
    return 0


def _version_entry(row, encoding) -> dict:
    entry = {"Key": model.url_encode(row["key"], encoding), "VersionId": row["version_id"],
             "IsLatest": bool(row["is_latest"]), "LastModified": model.timestamp(row["last_modified"]),
             "Owner": model.owner(row["owner"])}
    if row["delete_marker"]:
        return entry
    entry.update({"ETag": model.quote_etag(row["etag"]), "Size": row["size"],
                  "StorageClass": row["storage_class"]})
    if row["checksum_algorithm"]:
        entry["ChecksumAlgorithm"] = [row["checksum_algorithm"]]
        entry["ChecksumType"] = row["checksum_type"]
    return entry
