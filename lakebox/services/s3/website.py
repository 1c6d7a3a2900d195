"""The static website endpoint of a bucket with a website configuration (S3 User Guide,
"Hosting a static website using Amazon S3").

A request whose Host is the bucket's website endpoint (`<bucket>.s3-website-<region>.
amazonaws.com`, `<bucket>.s3-website.<region>.amazonaws.com`, and locally
`<bucket>.s3-website.localhost:<port>`) is answered as a browser expects: GET and HEAD
only, always anonymous (so the bucket must grant public reads), `/` and `.../` served
from the index document, `/dir` redirected to `/dir/` when only its index exists, errors
as HTML pages, the error document for a 4xx, routing rules and redirects
(`RedirectAllRequestsTo`, a rule's condition on a key prefix or an error code, an
object's `x-amz-website-redirect-location`).
"""
import email.utils
import html
import re
from urllib.parse import quote, unquote

from lakebox.aws import errors as core_errors
from lakebox.aws import serialize, specs
from lakebox.aws.routing import Route
from lakebox.aws.serialize import Response
from lakebox.identity import identify

from lakebox.services.s3 import errors, objects, store

WEBSITE_HOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]*?)\.s3-website[.-](?:[a-z0-9-]+\.)?"
                          r"(?:amazonaws\.com|localhost)(?::\d+)?$")
PAGE_STATUS = {301: "Moved Permanently", 302: "Found", 403: "Forbidden", 404: "Not Found",
               405: "Method Not Allowed"}
TEXT_CONDITIONS = {"range": "Range", "if-match": "IfMatch", "if-none-match": "IfNoneMatch"}
DATE_CONDITIONS = {"if-modified-since": "IfModifiedSince", "if-unmodified-since": "IfUnmodifiedSince"}


def is_website_request(req) -> bool:
    host = req.headers.get("host", "")
    return "s3-website" in host and WEBSITE_HOST.match(host) is not None


async def serve(state, req, receive) -> Response:
    request_id = core_errors.new_s3_request_id()
    bucket = WEBSITE_HOST.match(req.headers["host"]).group("bucket")
    try:
        if req.method not in ("GET", "HEAD"):
            raise errors.error("MethodNotAllowed", Method=req.method, ResourceType="OBJECT")
        if store.cached_bucket(state.cache("s3"), state.db, bucket) is None:
            raise errors.error("NoSuchBucket", BucketName=bucket)
        config = store.get_config(state.db, bucket, "website")
        if config is None:
            raise errors.error("NoSuchWebsiteConfiguration", BucketName=bucket)
        return _answer(state, req, bucket, config, request_id)
    except core_errors.ServiceError as error:
        if error.status == 304:                   # a browser's cached copy is current
            return Response(304, [*_ids(request_id), *error.headers.items()], b"")
        return _error_page(req, error, request_id)


def _answer(state, req, bucket: str, config: dict, request_id: str) -> Response:
    everything = config.get("RedirectAllRequestsTo")
    if everything:
        scheme = everything.get("Protocol") or req.scheme
        return _redirect(301, f"{scheme}://{everything['HostName']}{req.raw_path}", request_id)
    path = unquote(req.raw_path).lstrip("/")
    rule = _matching_rule(config, path, None)
    if rule is not None:
        return _rule_redirect(req, rule, path, request_id)
    suffix = config["IndexDocument"]["Suffix"]
    key = path + suffix if path == "" or path.endswith("/") else path
    try:
        return _object(state, req, bucket, key, request_id)
    except core_errors.ServiceError as error:
        # (a missing key is AccessDenied to whom may not list the bucket: S3 hides which keys exist)
        if error.status in (403, 404) and key == path and _exists(state, req, bucket, f"{path}/{suffix}"):
            return _redirect(302, "/" + quote(path) + "/", request_id)
        rule = _matching_rule(config, path, error.status)
        if rule is not None:
            return _rule_redirect(req, rule, path, request_id)
        document = (config.get("ErrorDocument") or {}).get("Key")
        if document and error.status in (403, 404):
            try:
                page = _object(state, req, bucket, document, request_id)
            except core_errors.ServiceError:
                raise error from None
            page.status = error.status
            return page
        raise


def _object(state, req, bucket: str, key: str, request_id: str, method: str | None = None) -> Response:
    """The object as GetObject (HeadObject) answers an anonymous caller, or an object's
    own redirect."""
    operation = "GetObject" if (method or req.method) == "GET" else "HeadObject"
    spec = specs.spec_for("s3")
    route = Route(spec, spec.operation(operation), {"Bucket": bucket, "Key": key}, "rest-xml")
    ctx = identify(state, route, req)
    result = (objects.get_object if operation == "GetObject" else objects.head_object)(
        ctx, {"Bucket": bucket, "Key": key, **_conditions(req.headers)})
    if result.get("WebsiteRedirectLocation"):
        return _redirect(301, result["WebsiteRedirectLocation"], request_id)
    return serialize.serialize(route, result, request_id)


def _conditions(headers: dict) -> dict:
    """A browser's range and cache headers, as GetObject takes them."""
    found = {name: headers[header] for header, name in TEXT_CONDITIONS.items() if header in headers}
    for header, name in DATE_CONDITIONS.items():
        try:
            found[name] = email.utils.parsedate_to_datetime(headers[header])
        except (KeyError, TypeError, ValueError):
            pass                               # absent, or no date: S3 ignores it
    return found


def _exists(state, req, bucket: str, key: str) -> bool:
    try:
        _object(state, req, bucket, key, "", method="HEAD")
    except core_errors.ServiceError:
        return False
    return True


def _matching_rule(config: dict, path: str, status: int | None) -> dict | None:
    """The first routing rule whose condition holds: on the key's prefix before the
    object is looked up, on the error code after a failure."""
    for rule in config.get("RoutingRules") or []:
        condition = rule.get("Condition") or {}
        prefix, code = condition.get("KeyPrefixEquals"), condition.get("HttpErrorCodeReturnedEquals")
        if (status is None) != (code is None):
            continue
        if code is not None and code != str(status):
            continue
        if prefix is not None and not path.startswith(prefix):
            continue
        return rule
    return None


def _rule_redirect(req, rule: dict, path: str, request_id: str) -> Response:
    redirect = rule.get("Redirect") or {}
    key = path
    if "ReplaceKeyWith" in redirect:
        key = redirect["ReplaceKeyWith"]
    elif "ReplaceKeyPrefixWith" in redirect:
        prefix = (rule.get("Condition") or {}).get("KeyPrefixEquals") or ""
        key = redirect["ReplaceKeyPrefixWith"] + path[len(prefix):]
    scheme = redirect.get("Protocol") or req.scheme
    host = redirect.get("HostName") or req.headers.get("host", "")
    return _redirect(int(redirect.get("HttpRedirectCode") or 301), f"{scheme}://{host}/{quote(key)}", request_id)


def _redirect(status: int, location: str, request_id: str) -> Response:
    return Response(status, [*_ids(request_id), ("Location", location), ("Content-Length", "0")], b"")


def _error_page(req, error, request_id: str) -> Response:
    """S3's website error page: the status as a title, then Code, Message, the error's
    fields, RequestId and HostId as a list."""
    title = f"{error.status} {PAGE_STATUS.get(error.status, 'Error')}"
    items = [("Code", error.code), ("Message", error.message), *error.fields.items(),
             ("RequestId", request_id), ("HostId", core_errors.s3_host_id(request_id))]
    listed = "".join(f"<li>{name}: {html.escape(str(value))}</li>\n" for name, value in items)
    page = (f"<html>\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n<ul>\n{listed}</ul>\n"
            "<hr/>\n</body>\n</html>\n").encode()
    headers = [*_ids(request_id), ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))]
    return Response(error.status, headers, b"" if req.method == "HEAD" else page)


def _ids(request_id: str) -> list:
    return [("x-amz-request-id", request_id), ("x-amz-id-2", core_errors.s3_host_id(request_id))]
