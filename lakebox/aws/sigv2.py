"""Signature Version 2 as S3's REST API takes it, to check the signatures of keys whose
secret lakebox knows (S3 API reference, "Authenticating Requests (AWS Signature Version
2)"): `Authorization: AWS <key>:<signature>`, or a presigned URL's `AWSAccessKeyId`,
`Expires` and `Signature`.

The string to sign is the method, `Content-MD5`, `Content-Type`, the `Date` header
(empty when `x-amz-date` is sent; a presigned URL's `Expires` instead), the `x-amz-*`
headers (lower-cased, sorted, values trimmed; a presigned URL carries them in its
query), and the resource: `/<bucket>` and the path as sent, then
the sub-resources the clients sign (botocore's list, so that lakebox agrees with the
SDKs), sorted, each `name` or `name=value` (not URL-encoded). The signature is the
base64 HMAC-SHA1 of that string with the secret.
"""
import base64
import hashlib
import hmac
from dataclasses import dataclass

from botocore.auth import HmacV1Auth

SUBRESOURCES = frozenset(HmacV1Auth.QSAOfInterest)


@dataclass(frozen=True)
class Signed:
    access_key: str
    signature: str
    expires: str | None          # a presigned URL's; None for a signed header


def from_request(req) -> Signed | None:
    header = req.headers.get("authorization", "")
    if header.startswith("AWS ") and ":" in header:
        key, _, signature = header[4:].rpartition(":")
        return Signed(key.strip(), signature.strip(), None)
    query = req.query_dict()
    if "Signature" in query and "AWSAccessKeyId" in query:
        return Signed(query["AWSAccessKeyId"], query["Signature"], query.get("Expires", ""))
    return None


def strings_to_sign(req, signed: Signed, bucket: str | None) -> list[str]:
    """The string to sign, and for a path-style request on the bucket itself (`/<bucket>`)
    also the one with the resource `/<bucket>/`, which botocore signs for it."""
    texts = [string_to_sign(req, signed, _path(req, bucket))]
    if bucket and req.raw_path == f"/{bucket}" and not _virtual(req, bucket):
        texts.append(string_to_sign(req, signed, f"/{bucket}/"))
    return texts


def string_to_sign(req, signed: Signed, path: str) -> str:
    presigned = signed.expires is not None
    fields = dict(req.headers)
    if presigned:
        fields.update((name.lower(), value) for name, value in req.query
                      if name.lower().startswith("x-amz-") or name.lower() in ("content-md5", "content-type"))
        date = signed.expires
    else:
        date = "" if "x-amz-date" in fields else fields.get("date", "")
    amz = "".join(f"{name}:{fields[name].strip()}\n" for name in sorted(n for n in fields if n.startswith("x-amz-")))
    return (f"{req.method}\n{fields.get('content-md5', '').strip()}\n{fields.get('content-type', '').strip()}\n"
            f"{date}\n{amz}{_resource(req, path)}")


def _virtual(req, bucket: str) -> bool:
    return req.headers.get("host", req.host).split(":")[0].startswith(bucket + ".")


def _path(req, bucket: str | None) -> str:
    """The path with the bucket in it (a virtual-hosted request's path lacks it)."""
    return f"/{bucket}{req.raw_path}" if bucket and _virtual(req, bucket) else req.raw_path


def _resource(req, path: str) -> str:
    subresources = sorted((name, value) for name, value in req.query if name in SUBRESOURCES)
    if not subresources:
        return path
    return path + "?" + "&".join(f"{name}={value}" if value else name for name, value in subresources)


def signature(secret: str, text: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), text.encode("utf-8"), hashlib.sha1).digest()).decode()
