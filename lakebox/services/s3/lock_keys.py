"""The Object Lock condition keys of a request (Service Authorization Reference,
"Condition keys for Amazon S3"): `s3:object-lock-mode`, `s3:object-lock-retain-until-date`,
`s3:object-lock-legal-hold` and `s3:object-lock-remaining-retention-days`.

A write (PutObject, CopyObject, CreateMultipartUpload) sets them from its lock headers or,
with none, from the bucket's default retention (replies recorded from S3: a session denied
a mode is refused a write the default would lock); PutObjectRetention and
PutObjectLegalHold set them from their bodies.
"""
import datetime
import math
import re

WRITES = frozenset(("PutObject", "CopyObject", "CreateMultipartUpload"))
_HEADERS = {"s3:object-lock-mode": "x-amz-object-lock-mode",
            "s3:object-lock-retain-until-date": "x-amz-object-lock-retain-until-date",
            "s3:object-lock-legal-hold": "x-amz-object-lock-legal-hold"}


def value(ctx, bucket, name: str):
    """The key `name` (lower case) of this request, or None where it sets none."""
    mode, until, hold = _lock(ctx, bucket)
    if name == "s3:object-lock-mode":
        return mode
    if name == "s3:object-lock-legal-hold":
        return hold
    when = _instant(until)
    if when is None:
        return None
    if name == "s3:object-lock-retain-until-date":
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")
    if name == "s3:object-lock-remaining-retention-days":
        return str(max(0, math.ceil((when.timestamp() - ctx.now) / 86400)))
    return None


def _lock(ctx, bucket):
    if ctx.operation in WRITES:
        mode, until, hold = (ctx.headers.get(_HEADERS[k]) for k in (
            "s3:object-lock-mode", "s3:object-lock-retain-until-date", "s3:object-lock-legal-hold"))
        if mode is None and until is None and hold is None and bucket is not None and bucket["object_lock"]:
            from lakebox.services.s3 import versions     # (versions -> access -> policy_keys -> here)
            mode, until = versions.default_retention(ctx, bucket)
        return mode, until, hold
    body = ctx.request.body.decode("utf-8", "replace") if isinstance(ctx.request.body, bytes) else ""
    if ctx.operation == "PutObjectRetention":
        return _element(body, "Mode"), _element(body, "RetainUntilDate"), None
    if ctx.operation == "PutObjectLegalHold":
        return None, None, _element(body, "Status")
    return None, None, None


def _element(body: str, name: str) -> str | None:
    found = re.search(rf"<{name}>\s*([^<]*?)\s*</{name}>", body)
    return found.group(1) if found else None


def _instant(until):
    if until is None or isinstance(until, datetime.datetime):
        return until
    try:
        when = datetime.datetime.fromisoformat(until.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)
