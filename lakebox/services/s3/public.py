"""S3 as the other services see it: read and write objects, list prefixes, and resolve
`s3://bucket/prefix` to the files on disk so the SQL engine reads objects in place
(encrypted objects, and small ones kept in their rows, through a copy: `ObjectFile.path`).

Functions take the `AppState` and act as the AWS service itself would (Firehose
delivering, Athena writing results; writes run in a `kit.calls.system_context` for the
bucket's owner): no caller permissions are checked, but buckets and
keys must exist, and errors are S3's (`NoSuchBucket`, `NoSuchKey`). Writes follow the
bucket's versioning and are as durable as a PutObject.
"""
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from lakebox.kit import calls
from lakebox.services.s3 import access_points, acl, encryption, errors, files, model, notifications, store, stored, versions
from lakebox.services.s3.cors import cors_headers, preflight as cors_preflight

__all__ = ["ObjectFile", "parse_s3_uri", "bucket_exists", "bucket_region", "bucket_owner", "check_write_request",
           "temp_path", "put_object", "put_file", "get_object", "object_file", "list_objects", "list_common_prefixes",
           "resolve", "delete_object", "cors_preflight", "cors_headers", "reader_bucket_exists", "reader_object_file",
           "reader_list_objects", "account_public_access_block", "put_account_public_access_block",
           "delete_account_public_access_block", "create_access_point", "access_point", "list_access_points",
           "delete_access_point", "set_access_point_policy", "valid_access_point_name",
           "access_point_policy_document", "access_point_policy_is_public",
           "access_point_blocks_public_policy", "bucket_tags", "set_bucket_tags"]


@dataclass
class ObjectFile:
    bucket: str
    key: str
    size: int
    etag: str                  # quoted, as S3 shows it
    last_modified: float       # epoch seconds
    _path: str | None = field(repr=False)                     # the blob file, None for an empty object
    _decrypt: Callable | None = field(default=None, repr=False, compare=False)
    _attrs: str | None = field(default=None, repr=False, compare=False)       # the version's attrs, as stored

    @property
    def metadata(self) -> dict:
        """The object's user metadata (`x-amz-meta-*`), names lower-cased."""
        if not self._attrs or '"Metadata"' not in self._attrs:      # most objects: no parse needed
            return {}
        return store.loads(self._attrs).get("Metadata") or {}

    @property
    def path(self) -> str | None:
        """A file holding the object's bytes in the clear (None for an empty object): the
        blob itself, or for an encrypted object, or a small one kept in its row
        (stored.py), a copy made on first use (kept until the version's blob goes, or
        the server restarts; encryption.plain_copy)."""
        if self._decrypt is not None:
            self._path, self._decrypt = self._decrypt(), None
        return self._path


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` -> ("bucket", "some/prefix")."""
    if not uri.startswith(("s3://", "s3a://", "s3n://")):
        raise ValueError(f"not an s3:// URI: {uri}")
    bucket, _, prefix = uri.split("://", 1)[1].partition("/")
    return bucket, prefix


def _bucket(state, name: str):
    bucket = store.get_bucket(state.db, name)
    if bucket is None:
        raise errors.error("NoSuchBucket", BucketName=name)
    return bucket


def bucket_exists(state, name: str) -> bool:
    return store.get_bucket(state.db, name) is not None


def bucket_region(state, name: str) -> str:
    return _bucket(state, name)["region"]


def bucket_owner(state, name: str) -> str:
    """The account that owns the bucket (what ExpectedBucketOwner is checked against)."""
    return _bucket(state, name)["account"]


def check_write_request(state, bucket: str, request: dict):
    """Raise S3's error (a KMS key that cannot be used, an ACL the bucket refuses) if
    `put_file` with this `request` would, before anything is written."""
    row = _bucket(state, bucket)
    caller = calls.system_context(state, "s3", "PutObject", row["account"], row["region"])
    versions.encryption(caller, row, request)
    acl.requested_grants(caller, row, request)


def temp_path(state) -> str:
    """A fresh file path in the blob area: write an object there, then `put_file` it."""
    return state.blobs.temp_path()


def put_object(state, bucket: str, key: str, data: bytes, content_type: str | None = None,
               metadata: dict | None = None) -> dict:
    path = temp_path(state)
    with open(path, "wb") as f:
        f.write(data)
    return put_file(state, bucket, key, path, content_type, metadata)


def put_file(state, bucket: str, key: str, path: str, content_type: str | None = None,
             metadata: dict | None = None, request: dict | None = None, session: dict | None = None,
             content_encoding: str | None = None) -> dict:
    """Store the file at `path` (from `temp_path`) as an object, encrypted at rest with
    SSE-S3; the file is moved, not copied. `content_encoding` is the object's stored
    Content-Encoding (none when not given). `request` holds the PutObject parameters a
    writer asks for (ServerSideEncryption, SSEKMSKeyId, ACL), applied as PutObject
    applies them (the bucket's default encryption for what it leaves out). `session` is
    the role session the writing service acts as (`sts.public.acting_session`), whom the
    object's event notifications name.

    Returns {"ETag": ..., "VersionId": ...} as PutObject would.
    """
    row = _bucket(state, bucket)
    model.check_key(key)
    size = os.path.getsize(path)
    md5_hex, sums = files.hash_range(path, 0, size, ("CRC64NVME",))
    attrs = {"ContentType": content_type or model.DEFAULT_CONTENT_TYPE, "ServerSideEncryption": "AES256",
             "Checksum": {"Algorithm": "CRC64NVME", "Value": sums["CRC64NVME"], "Type": "FULL_OBJECT"}}
    if metadata:
        attrs["Metadata"] = metadata
    if content_encoding:
        attrs["ContentEncoding"] = content_encoding
    caller = calls.system_context(state, "s3", "PutObject", row["account"], row["region"])
    caller.session = session
    # Every write gets the bucket's default encryption for what `request` leaves out, as
    # a PutObject without encryption headers does (Athena results, Firehose deliveries).
    attrs.update(versions.encryption(caller, row, request or {}))
    grants = acl.requested_grants(caller, row, request) if request else None
    if grants:
        attrs["Grants"] = grants
    sealing = encryption.seal_now(caller, row, key, attrs, path, size)
    if size:
        blob_id = state.blobs.commit(path)
    else:
        os.unlink(path)
        blob_id = None
    version_id = versions.commit(caller, row, key, {"blob_id": blob_id, "size": size, "etag": md5_hex,
                                                     "attrs": attrs, "sealing": sealing})
    return {"ETag": model.quote_etag(md5_hex), "VersionId": versions.visible_version_id(row, version_id)}


def object_file(state, bucket: str, key: str) -> ObjectFile:
    """The current version of an object, as a file to read in place."""
    _bucket(state, bucket)
    return _object_file(state, bucket, _current(state, bucket, key))


def _current(state, bucket: str, key: str):
    row = store.latest(state.db, bucket, key)
    if row is None or row["delete_marker"]:
        raise errors.error("NoSuchKey", Key=key)
    return row


def get_object(state, bucket: str, key: str) -> bytes:
    bucket_row = _bucket(state, bucket)
    row = _current(state, bucket, key)
    if row["blob_id"] is None:
        return b""
    with encryption.open_for_service(state, state.db, bucket_row, row) as f:
        return f.read()


def _object_file(state, bucket: str, row, db=None) -> ObjectFile:
    """The version's ObjectFile. Whether its bytes are encrypted, or kept in its row, is
    looked up when its path is first asked for (listings do not read those columns),
    through `db`: the connection the row came from (a worker's read-only one, or
    `state.db` on the event loop)."""
    path = state.blobs.path(row["blob_id"]) if row["blob_id"] else None
    found = ObjectFile(bucket, row["key"], row["size"], model.quote_etag(row["etag"]), row["last_modified"], path,
                       _attrs=row["attrs"])
    if path is not None:
        found._decrypt = lambda: _plain_path(state, state.db if db is None else db, bucket, row["id"], path)
    return found


def _plain_path(state, db, bucket: str, object_id: int, path: str) -> str:
    row = store.object_row(db, object_id)
    if row is None or state.blobs.path(row["blob_id"]) != path:
        return path             # gone since it was listed, as a deleted blob is
    if row["sealing"] is None and not stored.is_inline(row):
        return path             # the blob holds the bytes in the clear
    return encryption.plain_copy(state, db, store.get_bucket(db, bucket), row)


def list_objects(state, bucket: str, prefix: str = ""):
    """Every current object under `prefix`, in key order (a generator: any bucket size)."""
    _bucket(state, bucket)
    upper = model.prefix_upper_bound(prefix) if prefix else None
    for _, row in store.seek_current(state.db, bucket, prefix, True, upper):
        yield _object_file(state, bucket, row)


def list_common_prefixes(state, bucket: str, prefix: str = "", delimiter: str = "/") -> list[str]:
    """The 'folders' directly under `prefix` (e.g. Hive partitions `dt=2024-01-01/`)."""
    _bucket(state, bucket)
    upper = model.prefix_upper_bound(prefix) if prefix else None
    page = model.list_page(store.seek_current(state.db, bucket, prefix, True, upper),
                           lambda key: store.seek_current(state.db, bucket, key, True, upper),
                           prefix, delimiter, max_items=1 << 62)
    return page.prefixes


def resolve(state, uri: str) -> list[ObjectFile]:
    """The files behind `s3://bucket/prefix`, for reading in place.

    Empty objects hold no bytes (and are often 'folder' markers), so they are left out.
    """
    bucket, prefix = parse_s3_uri(uri)
    return [found for found in list_objects(state, bucket, prefix) if found.size]


def delete_object(state, bucket: str, key: str, operation: str = "DeleteObject"):
    """Delete the current object (a delete marker in a versioned bucket); absent is fine.
    `operation` names the deletion in event notifications (lifecycle expiry's own)."""
    row = _bucket(state, bucket)
    caller = calls.system_context(state, "s3", operation, row["account"], row["region"])
    if row["versioning"] is None:
        current = store.version(state.db, bucket, key, model.NULL_VERSION)
        if current is not None:
            files.delete_later(state.blobs, [store.remove_version(state.db, current)])
            notifications.object_removed(caller, row, key, model.NULL_VERSION)
        return
    versions.commit(caller, row, key, {"delete_marker": True, "attrs": {}})


# ---------------------------------------------------------------------------
# For long work on `state.work`: the same reads through the task's read-only
# connection (`task.reader`), never the writer's.


def reader_bucket_exists(reader, name: str) -> bool:
    return store.get_bucket(reader, name) is not None


def reader_object_file(state, reader, bucket: str, key: str) -> ObjectFile | None:
    """The current version of an object, or None (no such bucket, key, or a delete marker)."""
    row = store.latest(reader, bucket, key)
    if row is None or row["delete_marker"]:
        return None
    return _object_file(state, bucket, row, reader)


def reader_list_objects(state, reader, bucket: str, prefix: str = ""):
    """Every current object under `prefix`, in key order (a generator); nothing when the
    bucket does not exist."""
    upper = model.prefix_upper_bound(prefix) if prefix else None
    for _, row in store.seek_current(reader, bucket, prefix, True, upper):
        yield _object_file(state, bucket, row, reader)


# ---- account settings (S3 Control) --------------------------------------------------

def account_public_access_block(state, account: str) -> dict | None:
    """The account-level Block Public Access configuration, or None when it has none."""
    return store.get_account_config(state.db, account, "public-access-block")


def put_account_public_access_block(state, account: str, config: dict):
    """Set the account-level settings, which every bucket of the account then applies
    together with its own (`access.public_access_block`)."""
    store.put_account_config(state.db, account, "public-access-block", config)


def delete_account_public_access_block(state, account: str):
    store.delete_account_config(state.db, account, "public-access-block")


def bucket_tags(state, account: str, name: str) -> list | None:
    """The tag set of `account`'s bucket `name` (S3 Control's view of PutBucketTagging's),
    [] when it has none; None when the account has no such bucket."""
    bucket = store.get_bucket(state.db, name)
    if bucket is None or bucket["account"] != account:
        return None
    return (store.get_config(state.db, name, "tagging") or {}).get("TagSet") or []


def set_bucket_tags(state, name: str, tags: list):
    """Replace the bucket's tag set (checked by S3's bucket tag rules)."""
    model.check_tags(tags, model.BUCKET_TAGS)
    if tags:
        store.put_config(state.db, name, "tagging", {"TagSet": tags})
    else:
        store.delete_config(state.db, name, "tagging")


# ---- access points (S3 Control) -------------------------------------------------------

def create_access_point(state, account: str, region: str, name: str, bucket_name: str, vpc_id: str | None,
                        block: dict, now: float) -> dict | None:
    """A new access point on `bucket_name`, as GetAccessPoint shows it; None when the
    bucket does not exist. The caller checked that the name is free (`access_point`)."""
    bucket = store.get_bucket(state.db, bucket_name)
    if bucket is None:
        return None
    return access_points.describe(access_points.create(state.db, account, region, name, bucket, vpc_id, block, now),
                                  full=True)


def access_point(state, account: str, region: str, name: str) -> dict | None:
    """The access point as GetAccessPoint shows it, with its `Policy` (None: it has none),
    or None when there is no such access point."""
    row = access_points.get(state.db, account, region, name)
    return None if row is None else {**access_points.describe(row, full=True), "Policy": row["policy"]}


def list_access_points(state, account: str, region: str, bucket: str | None, after: str, limit: int) -> list:
    """ListAccessPoints entries of the account in the region, by name after `after`."""
    return [access_points.describe(row, full=False)
            for row in access_points.page(state.db, account, region, bucket, after, limit)]


def delete_access_point(state, account: str, region: str, name: str) -> bool:
    return access_points.delete(state.db, account, region, name)


def set_access_point_policy(state, account: str, region: str, name: str, text: str | None):
    row = access_points.get(state.db, account, region, name)
    if row is not None:
        access_points.set_policy(state.db, row, text)


def valid_access_point_name(name: str) -> bool:
    return access_points.valid_name(name)


def access_point_policy_document(text: str):
    """The policy's JSON document, or None when it is not one."""
    return access_points.load_policy(text)


def access_point_policy_is_public(text: str) -> bool:
    return access_points.is_public(text)


def access_point_blocks_public_policy(state, account: str, region: str, name: str) -> bool:
    """BlockPublicPolicy of the access point or of its account."""
    row = access_points.get(state.db, account, region, name)
    return row is not None and access_points.block(state.db, row)["BlockPublicPolicy"]
