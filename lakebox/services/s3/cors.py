"""CORS: the bucket's rules applied to browser requests.

A preflight `OPTIONS` is answered here from the bucket's CORS configuration (the
first rule whose origin, method and headers all match wins, as S3 does); an actual
request carrying `Origin` gets the CORS headers of its matching rule added, or none.
"""
import functools
import re
from xml.sax.saxutils import escape

from lakebox.aws.errors import s3_host_id
from lakebox.services.s3 import store

CORS_METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
# The echo of the request that an answer varies with, so caches keep them apart.
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket."
# S3's own wording, spelling included.
NOT_ALLOWED = ("CORSResponse: This CORS request is not allowed. This is usually because the "
               "evalution of Origin, request method / Access-Control-Request-Method or "
               "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")


def preflight(ctx, bucket: str, origin, method, request_headers, key: str | None = None
              ) -> tuple[int, dict, bytes]:
    """S3's answer to `OPTIONS` with `Origin` and `Access-Control-Request-Method`.

    `request_headers` is the `Access-Control-Request-Headers` value (or None); `key` is
    the object key when the preflight is for an object rather than the bucket.
    """
    if not origin:
        return _error(ctx, 400, "BadRequest", "Insufficient information. Origin request header needed.")
    if method not in CORS_METHODS:
        return _error(ctx, 400, "BadRequest", f"Invalid Access-Control-Request-Method: {method or 'null'}")
    resource = {"Method": method, "ResourceType": "OBJECT" if key else "BUCKET"}
    rules = _rules(ctx, bucket)
    if not rules:       # the bucket answers, whatever the path names
        return _error(ctx, 403, "AccessForbidden", NOT_ENABLED, {"Method": method, "ResourceType": "BUCKET"})
    wanted = _header_list(request_headers)
    rule = _matching_rule(rules, origin, method, wanted)
    if rule is None:
        return _error(ctx, 403, "AccessForbidden", NOT_ALLOWED, resource)
    headers = _allow_headers(rule, origin)
    if wanted:
        headers["Access-Control-Allow-Headers"] = ", ".join(wanted)
    return 200, headers, b""


def cors_headers(ctx, bucket: str, origin, method) -> dict:
    """Headers to add to an actual request's response; empty when no rule allows it."""
    if not origin:
        return {}
    rule = _matching_rule(_rules(ctx, bucket), origin, method, [])
    return _allow_headers(rule, origin) if rule is not None else {}


def _rules(ctx, bucket: str) -> list:
    config = store.get_config(ctx.state.db, bucket, "cors")
    return (config or {}).get("CORSRules") or []


def _matching_rule(rules, origin: str, method: str, wanted: list):
    for rule in rules:
        if (method in rule.get("AllowedMethods", [])
                and any(_wildcard(pattern).fullmatch(origin) for pattern in rule.get("AllowedOrigins", []))
                and all(any(_wildcard(allowed.lower()).fullmatch(header) for allowed in rule.get("AllowedHeaders", []))
                        for header in wanted)):
            return rule
    return None


def _allow_headers(rule: dict, origin: str) -> dict:
    any_origin = "*" in rule.get("AllowedOrigins", [])
    headers = {
        "Access-Control-Allow-Origin": "*" if any_origin else origin,
        "Access-Control-Allow-Methods": ", ".join(rule["AllowedMethods"]),
        "Vary": VARY,
    }
    if not any_origin:
        headers["Access-Control-Allow-Credentials"] = "true"
    if rule.get("ExposeHeaders"):
        headers["Access-Control-Expose-Headers"] = ", ".join(rule["ExposeHeaders"])
    if rule.get("MaxAgeSeconds") is not None:
        headers["Access-Control-Max-Age"] = str(rule["MaxAgeSeconds"])
    return headers


def _header_list(value) -> list:
    return [name.strip().lower() for name in (value or "").split(",") if name.strip()]


@functools.lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern:
    """An AllowedOrigins/AllowedHeaders entry, where `*` stands for any run of characters."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def _error(ctx, status: int, code: str, message: str, fields: dict | None = None):
    extra = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in (fields or {}).items())
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code}</Code><Message>{escape(message)}</Message>{extra}"
            f"<RequestId>{ctx.request_id}</RequestId><HostId>{s3_host_id(ctx.request_id)}</HostId></Error>")
    return status, {"Content-Type": "application/xml"}, body.encode()
