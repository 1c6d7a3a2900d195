"""S3's checks of a request's signature: the Authorization header's shape, and
presigned URLs (query-string authentication).

A header must be SigV4 (or S3's old `AWS <key>:<signature>`): any other scheme is
`InvalidArgument` "Unsupported Authorization Type"; a SigV4 header without its three
components or with a mal-formed credential is `AuthorizationHeaderMalformed` (S3 API
reference, error codes; S3's recorded replies).

Presigned URLs: SigV4 (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
`X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature`) and the older SigV2
(`AWSAccessKeyId`, `Expires`, `Signature`). Signatures are not verified, since any secret works in
lakebox; a URL's shape and its validity window are, against the lakebox clock, so a
test can move the clock and watch a URL expire.
"""
import calendar
import datetime
import re
import time

from lakebox.aws.errors import InvalidArgument
from lakebox.services.s3 import errors

MAX_EXPIRES_SECONDS = 7 * 24 * 3600
# How far in the future a signing time may be before S3 calls it "not yet valid":
# its usual clock-skew allowance.
CLOCK_SKEW_SECONDS = 15 * 60
SIGV4_ALGORITHMS = ("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")
SIGV4_PARAMS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date",
                "X-Amz-SignedHeaders", "X-Amz-Expires")
SIGV2_PARAMS = ("Signature", "Expires", "AWSAccessKeyId")


HEADER_MALFORMED = "The authorization header is malformed; "
SIGV4_COMPONENTS = ("Credential", "SignedHeaders", "Signature")


def check(state, route, req):
    """S3's `authenticate` hook: raise S3's error for a malformed or expired signature."""
    header = req.headers.get("authorization")
    if header is not None:
        check_header(header)
    query = req.query_dict()
    if is_presigned(query):
        check_query_auth(query, state.clock.now())


# A SigV4 header as SDKs write it, which the checks below would pass: taken in one match.
# Past their first character (which must not be a space: the checks below strip each value),
# the two long values (some 150 and 64 characters) are matched as "no comma": a class of one
# character is a plain scan, where one with `\s` tests each character against a category
# (that took half of the whole match's time).
WELL_FORMED_SIGV4 = re.compile(r"AWS4-HMAC-SHA256 Credential=[^/,\s]+/[^/,]*/[^/,]*/[^/,]*/aws4_request, ?"
                               r"SignedHeaders=[^,\s][^,]*, ?Signature=[^,\s][^,]*")


def check_header(header: str):
    if WELL_FORMED_SIGV4.fullmatch(header):
        return
    scheme, _, rest = header.strip().partition(" ")
    if scheme == "AWS":
        return                                 # SigV2: `AWS <access key>:<signature>`
    if scheme not in SIGV4_ALGORITHMS:
        raise InvalidArgument("Unsupported Authorization Type", ArgumentName="Authorization",
                              ArgumentValue=header)
    components = dict(part.strip().partition("=")[::2] for part in rest.split(","))
    if not all(components.get(name) for name in SIGV4_COMPONENTS):
        raise _header_malformed("the authorization header requires three components: Credential, "
                                "SignedHeaders, and Signature.")
    if scheme == "AWS4-HMAC-SHA256":           # SigV4a credentials name no region
        _check_credential(components["Credential"])


def _check_credential(credential: str):
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise _header_malformed('the Credential is mal-formed; expecting '
                                '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
    if not parts[0]:
        raise _header_malformed("a non-empty Access Key (AKID) must be provided in the credential.")


def _header_malformed(detail: str):
    return errors.error("AuthorizationHeaderMalformed", HEADER_MALFORMED + detail)


def _query_error(message: str):
    return errors.error("AuthorizationQueryParametersError", message)


# Any one of these makes a query string an attempt at query-string authentication, to be
# refused whole when a part is missing: a URL stripped of its signature must not act for
# the key it names (lakebox takes the caller's account from the credential alone).
SIGV4_MARKS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature")
SIGV2_MARKS = ("Signature", "AWSAccessKeyId")


PRESIGN_MARKS = frozenset(SIGV4_MARKS + SIGV2_MARKS)


def is_presigned(query: dict) -> bool:
    return not PRESIGN_MARKS.isdisjoint(query)       # asked of every request: one set test


def check_query_auth(query: dict, now: float):
    """Raise S3's error when the presigned request in `query` is malformed or out of date."""
    if any(name in query for name in SIGV4_MARKS):
        _check_sigv4(query, now)
    else:
        _check_sigv2(query, now)


def _check_sigv4(query: dict, now: float):
    if any(name not in query for name in SIGV4_PARAMS):
        raise _query_error(
            "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
            "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
    if query["X-Amz-Algorithm"] not in SIGV4_ALGORITHMS:
        raise _query_error(
            'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256 and AWS4-ECDSA-P256-SHA256"')
    if len(query["X-Amz-Credential"].split("/")) != 5:
        raise _query_error(
            "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
            'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".')
    signed_at = _amz_date(query["X-Amz-Date"])
    expires_in = _expires_seconds(query["X-Amz-Expires"])
    expires_at = signed_at + expires_in
    if signed_at > now + CLOCK_SKEW_SECONDS:
        raise errors.error("AccessDenied", "Request is not yet valid", **{
            "X-Amz-Date": str(int(signed_at * 1000)),
            "Expires": _iso(expires_at),
            "ServerTime": _iso(now),
        })
    if now > expires_at:
        raise errors.error("AccessDenied", "Request has expired", **{
            "X-Amz-Expires": query["X-Amz-Expires"],
            "Expires": _iso(expires_at),
            "ServerTime": _iso(now),
        })


def _check_sigv2(query: dict, now: float):
    if any(name not in query for name in SIGV2_PARAMS):
        raise errors.error("AccessDenied", "Query-string authentication requires the Signature, Expires and "
                           "AWSAccessKeyId parameters")
    try:
        expires_at = int(query["Expires"])
    except ValueError:
        raise errors.error("AccessDenied",
                           f"Invalid date (should be seconds since epoch): {query['Expires']}") from None
    if now > expires_at:
        raise errors.error("AccessDenied", "Request has expired", Expires=_iso(expires_at), ServerTime=_iso(now))


def _amz_date(text: str) -> float:
    try:
        parsed = time.strptime(text, "%Y%m%dT%H%M%SZ")
    except ValueError:
        raise _query_error(
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"") from None
    return float(calendar.timegm(parsed))


def _expires_seconds(text: str) -> int:
    try:
        seconds = int(text)
    except ValueError:
        raise _query_error("X-Amz-Expires should be a number") from None
    if seconds < 0:
        raise _query_error("X-Amz-Expires must be non-negative")
    if seconds > MAX_EXPIRES_SECONDS:
        raise _query_error(
            "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
            "must be less than 604800 seconds")
    return seconds


def _iso(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
