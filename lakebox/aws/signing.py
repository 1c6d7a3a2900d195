"""Is the request's SigV4 signature complete? AWS's common checks, per protocol.

Signatures are not verified yet (any secret works), but a signature that cannot be one is
refused as AWS refuses it, in the words AWS's JSON and query services use (recorded
Kinesis and DynamoDB replies; the "Common Errors" pages give the status codes):

- an `Authorization` header must name `Credential`, `Signature` and `SignedHeaders`, and
  the request must carry `X-Amz-Date` or `Date`, else `IncompleteSignature`, listing
  every part missing and echoing the header;
- a header part that is not `key=value` is refused with the header's SHA-256 digest;
- a query-string signature (`X-Amz-Algorithm` present) must have all five of its
  parameters; the header and the query string may not both sign a request.

A request with no signature at all is `identity`'s to refuse (`missing_token`). Services
with their own rules (S3) check in their `authenticate` hook instead (`aws/hooks.py`).
"""
import base64
import calendar
import datetime
import email.utils
import functools
import hashlib
import hmac
import time

from lakebox.aws import sigv2, sigv4
from lakebox.aws.errors import AwsError, MissingAuthenticationToken, ServiceError

HEADER_PARTS = ("Credential", "Signature", "SignedHeaders")
QUERY_PARAMS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date")
# Protocols that answer a refused signature with 400, not the query protocol's 403.
JSON_WIRES = ("json", "cbor", "rpcv2cbor")


class IncompleteSignature(ServiceError):
    code = "IncompleteSignatureException"
    status = 400


class InvalidSignature(ServiceError):
    code = "InvalidSignatureException"
    status = 400
    message = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."


def check(state, route, req):
    """Raise the protocol's error when the request's signature is incomplete."""
    header = req.headers.get("authorization")
    query = req.query_dict()
    if header is not None:
        if "X-Amz-Algorithm" in query:
            raise _in_words_of(route, InvalidSignature())
        problem = header_problem(header, req.headers)
        if problem:
            raise _in_words_of(route, IncompleteSignature(problem))
    elif "X-Amz-Algorithm" in query:
        missing = [name for name in QUERY_PARAMS if not query.get(name)]
        if missing:
            raise _in_words_of(route, IncompleteSignature(" ".join(
                [f"AWS query-string parameters must include '{name}'." for name in missing]
                + ["Re-examine the query-string parameters."])))


def header_problem(header: str, headers: dict) -> str | None:
    """What AWS says is wrong with an `Authorization` header, or None when it is complete."""
    _, _, rest = header.strip().partition(" ")
    if _sdk_form(rest) and ("x-amz-date" in headers or "date" in headers):
        return None                                  # what every SDK sends: checked at a glance
    parts = rest.replace(",", " ").split()          # parts are separated by commas, spaces or both
    if not all("=" in part for part in parts):
        digest = base64.b64encode(hashlib.sha256(header.encode("latin-1")).digest()).decode()
        return ("Invalid key=value pair (missing equal-sign) in Authorization header (hashed with "
                f"SHA-256 and encoded with Base64): '{digest}'.")
    named = {part.partition("=")[0] for part in parts}
    missing = [f"Authorization header requires '{name}' parameter." for name in HEADER_PARTS if name not in named]
    if "x-amz-date" not in headers and "date" not in headers:
        missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    return " ".join(missing + [f"Authorization={header}"]) if missing else None


def _sdk_form(rest: str) -> bool:
    """`Credential=…, SignedHeaders=…, Signature=…` with no space or comma in a value."""
    parts = rest.split(", ")
    return (len(parts) == 3 and rest.count(" ") == 2 and rest.count(",") == 2 and parts[0].startswith("Credential=")
            and parts[1].startswith("SignedHeaders=") and parts[2].startswith("Signature="))


def missing_token(route) -> MissingAuthenticationToken:
    """An unsigned request's refusal: 400 from JSON services, 403 from query services."""
    return _in_words_of(route, MissingAuthenticationToken())


def _in_words_of(route, error: ServiceError) -> ServiceError:
    if route.wire in JSON_WIRES:
        error.status = 400
    elif route.wire == "query":
        error.code = error.code.removesuffix("Exception")     # `IncompleteSignature`, as query services name it
    return error


# ---- verification --------------------------------------------------------------
# Keys lakebox knows the secret of (its STS sessions' keys, keys declared with
# `lakebox serve --credentials`) must sign correctly; any other key keeps the "any
# secret works" default. Every header-signed request's signing time must be within 15
# minutes of the machine's real time (not the lakebox clock, which tests move), as AWS
# requires of every request.

MAX_SKEW_SECONDS = 15 * 60
MISMATCH = "The request signature we calculated does not match the signature you provided."
S3_MISMATCH = MISMATCH + " Check your key and signing method."
SERVICE_MISMATCH = MISMATCH + (" Check your AWS Secret Access Key and signing method. Consult the service "
                               "documentation for details.")


def verify(route, req, secret: str):
    """Raise the protocol's refusal unless the request is signed with `secret`
    (SigV4, or S3's SigV2)."""
    signed = sigv4.from_request(req)
    s3 = route.spec.name == "s3"
    if signed is None:
        if s3:
            _verify_sigv2(route, req, secret)
        return
    canonical = sigv4.canonical_request(req, signed, s3)
    text = sigv4.string_to_sign(signed, canonical)
    if hmac.compare_digest(sigv4.signature(secret, signed, text), signed.signature):
        return
    if s3:
        raise s3_mismatch(signed.access_key, text, signed.signature, canonical)
    raise _refusal(route, SERVICE_MISMATCH)


def s3_mismatch(access_key, text: str, provided: str, canonical: str | None = None) -> AwsError:
    """S3's SignatureDoesNotMatch: it shows the string it signed (and the canonical request
    of a SigV4 request), each also as the hex of its bytes (recorded S3 replies)."""
    details = {"AWSAccessKeyId": access_key, "StringToSign": text, "SignatureProvided": provided,
               "StringToSignBytes": _hex_bytes(text)}
    if canonical is not None:
        details.update(CanonicalRequest=canonical, CanonicalRequestBytes=_hex_bytes(canonical))
    return AwsError("SignatureDoesNotMatch", S3_MISMATCH, 403, **details)


def _hex_bytes(text: str) -> str:
    return " ".join(f"{byte:02x}" for byte in text.encode())


def _verify_sigv2(route, req, secret: str):
    signed = sigv2.from_request(req)
    if signed is None:
        return
    texts = sigv2.strings_to_sign(req, signed, route.labels.get("Bucket"))
    if not any(hmac.compare_digest(sigv2.signature(secret, text), signed.signature) for text in texts):
        raise s3_mismatch(signed.access_key, texts[0], signed.signature)


def body_pending(req) -> bool:
    """The signature covers a body not read yet (signed in a header, with no
    `x-amz-content-sha256` standing for the body's hash): check it once the body is."""
    return "authorization" in req.headers and "x-amz-content-sha256" not in req.headers and not req.body


def check_time(route, req, now: float):
    """Raise the protocol's refusal when a header-signed request was signed more than 15
    minutes from `now` (the real time)."""
    if "authorization" not in req.headers:
        return
    sent = req.headers.get("x-amz-date") or req.headers.get("date")
    signed_at = _request_time(sent)
    if signed_at is None or abs(signed_at - now) <= MAX_SKEW_SECONDS:
        return                       # a missing or unreadable date is the shape checks' to refuse
    if route.spec.name == "s3":
        raise AwsError("RequestTimeTooSkewed", "The difference between the request time and the current time is "
                       "too large.", 403, RequestTime=sent, ServerTime=_iso(now),
                       MaxAllowedSkewMilliseconds=str(MAX_SKEW_SECONDS * 1000))
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(signed_at))
    if signed_at < now:
        message = (f"Signature expired: {stamp} is now earlier than {_basic(now - MAX_SKEW_SECONDS)} "
                   f"({_basic(now)} - 15 min.)")
    else:
        message = (f"Signature not yet current: {stamp} is still later than {_basic(now + MAX_SKEW_SECONDS)} "
                   f"({_basic(now)} + 15 min.)")
    raise _refusal(route, message)


def _refusal(route, message: str) -> AwsError:
    """A refused signature: `SignatureDoesNotMatch` from query services, 403;
    `InvalidSignatureException` from the others, 400 from JSON ones."""
    if route.wire == "query":
        return AwsError("SignatureDoesNotMatch", message, 403)
    return _in_words_of(route, AwsError("InvalidSignatureException", message, 403))


@functools.lru_cache(maxsize=64)
def _request_time(sent: str | None) -> float | None:
    """The epoch seconds of a request's date header (cached: the requests of one second
    share their `X-Amz-Date`)."""
    if not sent:
        return None
    if len(sent) == 16 and sent[8] == "T" and sent[15] == "Z" and sent[:8].isdigit() and sent[9:15].isdigit():
        # SigV4's basic form, the date of nearly every request: read by hand, since
        # strptime costs more than the rest of the signature checks.
        try:
            return datetime.datetime(int(sent[:4]), int(sent[4:6]), int(sent[6:8]), int(sent[9:11]),
                                     int(sent[11:13]), int(sent[13:15]), tzinfo=datetime.timezone.utc).timestamp()
        except ValueError:
            pass                         # out of range for datetime (a leap second): strptime decides
    try:
        return float(calendar.timegm(time.strptime(sent, "%Y%m%dT%H%M%SZ")))
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(sent).timestamp()
    except (TypeError, ValueError):
        return None


def _basic(moment: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(moment))


def _iso(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
