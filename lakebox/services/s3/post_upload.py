"""Browser-based uploads: `POST /{bucket}` with a multipart/form-data body (S3 "POST Object",
the form `generate_presigned_post` describes).

Routing has no operation for `POST /{bucket}` without a query: `forms.py` takes
such requests, streams the form to disk, copies the `file` part to a temp file and calls

    status, headers, body = await post_object(ctx, fields, file_path, bucket=..., filename=...)

What S3 does, per the S3 API reference (POST Object) and the user guide ("Creating a POST
policy"):
- `key` is required; `${filename}` in it becomes the file part's file name.
- `policy` (base64 JSON): `expiration` must be in the future and every condition must
  hold, else 403 AccessDenied "Invalid according to Policy: ...". Each form field except
  `policy`, the signature fields, `file` and `x-ignore-*` must be named by a condition
  ("Extra input fields: ..."). `content-length-range` failures are EntityTooSmall /
  EntityTooLarge (400).
- `success_action_redirect` answers 303 to it (with bucket, key, etag in its query);
  else `success_action_status` 200 or 201 (201 with a PostResponse XML), default 204.
The form's signature is checked for keys whose secret lakebox knows (`check_signature`).
"""
import base64
import datetime
import hmac
import json
import os
import re
import urllib.parse
from xml.sax.saxutils import escape

from lakebox.aws import signing, sigv2, sigv4
from lakebox.services.s3.upload import SpooledBody

from lakebox.services.s3 import errors, files, objects

# Form fields S3 never checks against the policy.
_UNCHECKED = {"policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"}
# Form field -> PutObject parameter.
_HEADER_FIELDS = {"content-type": "ContentType", "cache-control": "CacheControl",
                  "content-disposition": "ContentDisposition", "content-encoding": "ContentEncoding",
                  "expires": "Expires", "x-amz-storage-class": "StorageClass",
                  "x-amz-server-side-encryption": "ServerSideEncryption",
                  "x-amz-server-side-encryption-aws-kms-key-id": "SSEKMSKeyId",
                  "x-amz-website-redirect-location": "WebsiteRedirectLocation", "acl": "ACL"}


_EXPIRATION = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")


def _denied(reason: str):
    return errors.error("AccessDenied", f"Invalid according to Policy: {reason}")


def check_signature(fields: dict, secret: str | None):
    """Refuse a form whose policy is not signed with `secret` (when lakebox knows the
    key's secret): SigV4 (`x-amz-signature`, the hex HMAC-SHA256 of the base64 policy with
    the credential scope's signing key) or SigV2 (`signature`, the base64 HMAC-SHA1 of
    it), as S3's "Browser-based uploads using POST" describes."""
    fields = {name.lower(): value for name, value in fields.items()}
    policy = fields.get("policy")
    if secret is None or not policy:
        return
    scope = fields.get("x-amz-credential", "").split("/")
    if fields.get("x-amz-signature") and len(scope) == 5:
        signed = sigv4.Signed(scope[0], scope[1], scope[2], scope[3], (), fields["x-amz-signature"], "", True)
        expected, provided = sigv4.signature(secret, signed, policy), fields["x-amz-signature"]
    elif fields.get("signature"):
        expected, provided = sigv2.signature(secret, policy), fields["signature"]
    else:
        return
    if not hmac.compare_digest(expected, provided):
        key = scope[0] if len(scope) == 5 else fields.get("awsaccesskeyid")
        raise signing.s3_mismatch(key, policy, provided)


def _decode_policy(text: str) -> dict:
    try:
        policy = json.loads(base64.b64decode(text, validate=False))
    except ValueError:
        raise errors.error("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.") from None
    if not isinstance(policy, dict) or "expiration" not in policy:
        raise errors.error("InvalidPolicyDocument", "Invalid Policy: Policy missing expiration.")
    if not isinstance(policy.get("conditions", []), list):
        raise errors.error("InvalidPolicyDocument", "Invalid Policy: Invalid 'conditions' value: must be a List.")
    return policy


def _expiry(text) -> float:
    """The policy's expiration, an ISO 8601 time in UTC ("2007-12-01T12:00:00.000Z"): S3
    refuses an offset or a space for the "T" (recorded replies)."""
    try:
        if not _EXPIRATION.fullmatch(str(text)):
            raise ValueError(text)
        moment = datetime.datetime.fromisoformat(str(text)[:-1] + "+00:00")
    except ValueError:
        raise errors.error("InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value: "
                           f"'{text}'") from None
    return moment.timestamp()


def _condition_text(condition) -> str:
    return json.dumps(condition, separators=(", ", ": "))


def _simple_condition(condition: dict) -> list:
    """{"field": "value"} as the ["eq", "$field", "value"] it stands for; S3's recorded
    refusals of other shapes."""
    if len(condition) != 1:
        raise errors.error("InvalidPolicyDocument", "Invalid Policy: Invalid Simple-Condition: "
                                                    "Simple-Conditions must have exactly one property specified.")
    (name, expected), = condition.items()
    if expected is None:
        raise errors.error("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")
    if not isinstance(expected, str):
        raise errors.error("InvalidPolicyDocument", "Invalid Policy: Invalid Simple-Condition: value must be a string.")
    return ["eq", f"${name}", expected]


def _size_bound(value) -> int | None:
    """A content-length-range bound: a whole number, or a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def check_policy(policy: dict, fields: dict, size: int, now: float):
    """Raise S3's error unless `fields` (lower-case names; the `bucket` field already set
    from the URL) and a body of `size` bytes satisfy `policy`."""
    if _expiry(policy["expiration"]) <= now:
        raise _denied("Policy expired.")
    named = set()
    for condition in policy.get("conditions", []):
        if isinstance(condition, dict):
            condition_list = _simple_condition(condition)
        elif isinstance(condition, list) and len(condition) == 3:
            condition_list = condition
        else:
            raise errors.error("InvalidPolicyDocument",
                               f"Invalid Policy: Invalid Condition: {_condition_text(condition)}")
        op = str(condition_list[0]).lower()
        if op == "content-length-range":
            low, high = _size_bound(condition_list[1]), _size_bound(condition_list[2])
            if low is None or high is None:      # S3 fails a bound that is no number: 403
                raise _denied(f"Policy Condition failed: {_condition_text(condition)}")
            if size < low:
                raise errors.error("EntityTooSmall", ProposedSize=size, MinSizeAllowed=low)
            if size > high:
                raise errors.error("EntityTooLarge", ProposedSize=size, MaxSizeAllowed=high)
            continue
        target = str(condition_list[1])
        if op not in ("eq", "starts-with"):
            raise errors.error("InvalidPolicyDocument",
                               f"Invalid Policy: Invalid Condition: {_condition_text(condition)}")
        if not target.startswith("$"):           # names no field: S3 fails it, 403
            raise _denied(f"Policy Condition failed: {_condition_text(condition_list)}")
        name = target[1:].lower()
        named.add(name)
        value, expected = fields.get(name, ""), str(condition_list[2])
        # S3 names a failed condition in its array form, {"key": "a"} as ["eq", "$key", "a"]
        if op == "eq" and value != expected:
            raise _denied(f"Policy Condition failed: {_condition_text(condition_list)}")
        if op == "starts-with" and not _starts_with(name, value, expected):
            raise _denied(f"Policy Condition failed: {_condition_text(condition_list)}")
    extra = [name for name in fields if name not in named and name not in _UNCHECKED
             and name != "bucket" and not name.startswith("x-ignore-")]
    if extra:
        raise _denied(f"Extra input fields: {', '.join(extra)}")


def _starts_with(name: str, value: str, prefix: str) -> bool:
    if name == "content-type":      # S3: each comma-separated content type must match
        return all(part.strip().startswith(prefix) for part in value.split(","))
    return value.startswith(prefix)


def _params(bucket: str, key: str, fields: dict) -> dict:
    params = {"Bucket": bucket, "Key": key}
    for field, param in _HEADER_FIELDS.items():
        if fields.get(field):
            params[param] = fields[field]
    if "Expires" in params:
        try:
            params["Expires"] = datetime.datetime.strptime(params["Expires"], "%a, %d %b %Y %H:%M:%S %Z").replace(
                tzinfo=datetime.timezone.utc)
        except ValueError:
            params.pop("Expires")     # S3 keeps an unparsable Expires as text; we drop it
    metadata = {name[len("x-amz-meta-"):]: value for name, value in fields.items() if name.startswith("x-amz-meta-")}
    if metadata:
        params["Metadata"] = metadata
    return params


def _spooled(blobs, path: str, offset: int, length: int | None) -> SpooledBody:
    """The file's bytes (all of `path`, or `length` bytes from `offset`) as an upload
    body: copied to a temp file of their own with MD5 and CRC64NVME in the same pass."""
    if length is None:
        length = os.path.getsize(path) - offset
    temp, md5_hex, digests = files.copy_hashing(blobs, path, offset, length, ("CRC64NVME",))
    return SpooledBody(temp, length, md5_hex, digests)


async def post_object(ctx, form_fields: dict, file_path: str, *, bucket: str, filename: str | None = None,
                      offset: int = 0, length: int | None = None):
    """Store the form upload; returns (HTTP status, headers, body bytes). The file is
    `file_path` whole, or `length` bytes of it from `offset` (the `file` part of a spooled
    form). `file_path` (a temp file from `blobs.temp_path()`) is consumed either way."""
    try:
        body = _spooled(ctx.state.blobs, file_path, offset, length)
    finally:
        files.discard(file_path)
    try:
        fields = {name.lower(): value for name, value in form_fields.items()}
        fields["bucket"] = bucket
        key = fields.get("key")
        if not key:
            raise errors.error("InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, "
                               "please check the order of the fields.", ArgumentName="key",
                               ArgumentValue="")
        key = key.replace("${filename}", filename or "")
        fields["key"] = key
        if fields.get("policy"):
            check_policy(_decode_policy(fields["policy"]), fields, body.size, ctx.now)
        result = await objects.store_object(ctx, {**_params(bucket, key, fields), "Body": body})
    except BaseException:
        body.discard()
        raise
    return _answer(ctx, bucket, key, fields, result)


def _answer(ctx, bucket: str, key: str, fields: dict, result: dict):
    host = ctx.headers.get("host", "localhost")
    # S3 percent-encodes the whole key here, "/" too (uploads%2Fimage.jpg in its recorded replies)
    location = f"http://{host}/{bucket}/{urllib.parse.quote(key, safe='')}"
    headers = {"ETag": result["ETag"], "Location": location}
    if result.get("VersionId"):
        headers["x-amz-version-id"] = result["VersionId"]
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        query = urllib.parse.urlencode({"bucket": bucket, "key": key, "etag": result["ETag"]})
        headers["Location"] = redirect + ("&" if "?" in redirect else "?") + query
        return 303, headers, b""
    status = fields.get("success_action_status")
    if status == "201":
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
               f"<Location>{escape(location)}</Location><Bucket>{escape(bucket)}</Bucket>"
               f"<Key>{escape(key)}</Key><ETag>{escape(result['ETag'])}</ETag></PostResponse>")
        return 201, {**headers, "Content-Type": "application/xml"}, xml.encode()
    if status == "200":
        return 200, headers, b""
    return 204, headers, b""
