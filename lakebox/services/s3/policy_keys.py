"""The condition keys an S3 request sets (Service Authorization Reference, "Condition
keys for Amazon S3"), looked up lazily: a policy that asks for none costs nothing.

Request headers stand for their `s3:x-amz-*` keys (`s3:x-amz-server-side-encryption`,
`...-aws-kms-key-id`, `s3:x-amz-acl`, `s3:x-amz-copy-source`, ...); the listing
parameters for `s3:prefix`, `s3:delimiter` and `s3:max-keys`; the `x-amz-tagging`
header for `s3:RequestObjectTag/<key>` and `s3:RequestObjectTagKeys`; the stored
object's tags for `s3:ExistingObjectTag/<key>`; how the request was signed for
`s3:signatureversion` and `s3:authType`.
"""
from urllib.parse import parse_qsl

from lakebox.kit import policies
from lakebox.services.s3 import access_points, lock_keys, store

LISTING_KEYS = {"s3:prefix": "prefix", "s3:delimiter": "delimiter", "s3:max-keys": "max-keys"}


def lookup(ctx, bucket, key: str | None, version_id: str | None):
    query = ctx.request.query_dict()

    def s3_key(name: str):
        if name in LISTING_KEYS:
            return query.get(LISTING_KEYS[name])
        if name.startswith("s3:x-amz-"):
            return ctx.headers.get(name[3:])
        if name == "s3:versionid":
            return version_id
        if name == "s3:signatureversion":
            return _signature_version(ctx, query)
        if name == "s3:authtype":
            return _auth_type(ctx, query)
        if name.startswith("s3:requestobjecttag/"):
            return _request_tags(ctx).get(name.partition("/")[2])
        if name == "s3:requestobjecttagkeys":
            return list(_request_tags(ctx)) or None
        if name.startswith(("s3:dataaccesspoint", "s3:accesspointnetworkorigin")):
            return access_points.condition_key(access_points.point_of(bucket), name)
        if name.startswith("s3:object-lock-"):
            return lock_keys.value(ctx, bucket, name)
        if name.startswith("s3:existingobjecttag/") and key is not None:
            return _existing_tags(ctx, bucket, key, version_id).get(name.partition("/")[2])
        return None
    return policies.global_keys(ctx, s3_key)


def _signature_version(ctx, query):
    if ctx.anonymous:
        return None
    header = ctx.headers.get("authorization", "")
    return "AWS" if header.startswith("AWS ") or "Signature" in query else "AWS4-HMAC-SHA256"


def _auth_type(ctx, query):
    if ctx.anonymous:
        return None
    return "REST-HEADER" if "authorization" in ctx.headers else "REST-QUERY-STRING"


def _request_tags(ctx) -> dict:
    return {k.lower(): v for k, v in parse_qsl(ctx.headers.get("x-amz-tagging", ""), keep_blank_values=True)}


def _existing_tags(ctx, bucket, key, version_id) -> dict:
    db = ctx.state.db
    row = store.version(db, bucket["name"], key, version_id) if version_id else store.latest(db, bucket["name"], key)
    if row is None or row["delete_marker"]:
        return {}
    return {t["Key"].lower(): t["Value"] for t in store.loads(row["attrs"]).get("TagSet", [])}
