"""Signature Version 4, computed as the AWS General Reference ("Create a signed AWS API
request") defines it, to check the signatures of keys whose secret lakebox knows.

The canonical request is the method, the path (as sent for S3; encoded once more for
every other service, as their SDKs sign it), the query (sorted, each name and value
encoded as RFC 3986 unreserved, without `X-Amz-Signature`), the signed headers (values
trimmed, runs of spaces made one), their names, and the payload's hash
(`x-amz-content-sha256` when sent, `UNSIGNED-PAYLOAD` for a presigned URL, else the
body's SHA-256).
"""
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"


@dataclass(frozen=True)
class Signed:
    """What a request says about its signature."""
    access_key: str
    date: str                  # yyyymmdd of the scope
    region: str
    service: str
    signed_headers: tuple
    signature: str
    amz_date: str              # the signing time, yyyymmddThhmmssZ
    presigned: bool

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def from_request(req) -> Signed | None:
    """The request's SigV4 signature (header or presigned query), or None when it has
    none or its parts are not all there (their shape is checked elsewhere)."""
    header = req.headers.get("authorization", "")
    if header.startswith(ALGORITHM + " "):
        parts = dict(p.strip().partition("=")[::2] for p in header[len(ALGORITHM):].split(","))
        amz_date = req.headers.get("x-amz-date") or ""
        return _signed(parts.get("Credential"), parts.get("SignedHeaders"), parts.get("Signature"), amz_date, False)
    query = req.query_dict()
    if query.get("X-Amz-Algorithm") == ALGORITHM:
        return _signed(query.get("X-Amz-Credential"), query.get("X-Amz-SignedHeaders"),
                       query.get("X-Amz-Signature"), query.get("X-Amz-Date") or "", True)
    return None


def _signed(credential, signed_headers, signature, amz_date, presigned):
    scope = (credential or "").split("/")
    if len(scope) != 5 or not signed_headers or not signature:
        return None
    return Signed(scope[0], scope[1], scope[2], scope[3], tuple(signed_headers.split(";")), signature,
                  amz_date, presigned)


def canonical_request(req, signed: Signed, s3: bool) -> str:
    path = req.raw_path if s3 else quote(req.raw_path, safe="/~")
    pairs = sorted((_encode(name), _encode(value)) for name, value in req.query
                   if not (signed.presigned and name == "X-Amz-Signature"))
    query = "&".join(f"{name}={value}" for name, value in pairs)
    headers = "".join(f"{name}:{' '.join(_header(req, name).split())}\n" for name in signed.signed_headers)
    return "\n".join([req.method, path, query, headers, ";".join(signed.signed_headers), _payload_hash(req, signed)])


def _header(req, name: str) -> str:
    if name == "host":
        return req.headers.get("host", req.host)
    return req.headers.get(name, "")


def _payload_hash(req, signed: Signed) -> str:
    sent = req.headers.get("x-amz-content-sha256")
    if sent:
        return sent
    if signed.presigned:
        return UNSIGNED_PAYLOAD
    body = req.body if isinstance(req.body, (bytes, bytearray)) else b""
    return hashlib.sha256(body).hexdigest()


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def string_to_sign(signed: Signed, canonical: str) -> str:
    return "\n".join([ALGORITHM, signed.amz_date, signed.scope, hashlib.sha256(canonical.encode()).hexdigest()])


def signature(secret: str, signed: Signed, text: str) -> str:
    key = ("AWS4" + secret).encode()
    for part in (signed.date, signed.region, signed.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
