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
import hashlib

from lakebox.aws.errors import MissingAuthenticationToken, ServiceError

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
