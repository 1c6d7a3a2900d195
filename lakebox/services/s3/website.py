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

A signed request is still served as an anonymous one; a key that does not exist is
404 NoSuchKey there even to whom may not list the bucket; every error answer names its
code in `x-amz-error-code` (and the key in `x-amz-error-detail-key`); an error document
that cannot be read is reported in its own section of the page (radkawar/stackd
testdata/aws/s3/website_http_replay.json, recorded from S3).
"""
import dataclasses
import email.utils
import html
import re
from urllib.parse import quote, quote_plus, unquote
from xml.etree import ElementTree

from lakebox.aws import errors as core_errors
from lakebox.aws import serialize, specs
from lakebox.aws.routing import Route
from lakebox.aws.serialize import Response
from lakebox.identity import identify

from lakebox.kit.calls import system_context
from lakebox.services.s3 import cors, errors, objects, store

WEBSITE_HOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]*?)\.s3-website[.-](?:[a-z0-9-]+\.)?"
                          r"(?:amazonaws\.com|localhost)(?::\d+)?$")
PAGE_STATUS = {301: "Moved Permanently", 302: "Found", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
               405: "Method Not Allowed"}
ALLOWED = "GET, HEAD, OPTIONS"
DOCUMENT_FAILED = "An Error Occurred While Attempting to Retrieve a Custom Error Document"
SIGNING_HEADERS = ("authorization", "x-amz-security-token", "x-amz-date", "x-amz-content-sha256")
TEXT_CONDITIONS = {"range": "Range", "if-match": "IfMatch", "if-none-match": "IfNoneMatch"}
DATE_CONDITIONS = {"if-modified-since": "IfModifiedSince", "if-unmodified-since": "IfUnmodifiedSince"}


def is_website_request(req) -> bool:
    host = req.headers.get("host", "")
    return "s3-website" in host and WEBSITE_HOST.match(host) is not None


async def serve(state, req, receive) -> Response:
    request_id = core_errors.new_s3_request_id()
    bucket = WEBSITE_HOST.match(req.headers["host"]).group("bucket")
    req = _anonymous(req)
    try:
        if req.method == "OPTIONS":
            return _preflight(state, req, bucket, request_id)
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
        return _redirect(301, f"{scheme}://{everything['HostName']}{req.raw_path}{_query(req)}", request_id)
    path = unquote(req.raw_path).lstrip("/")
    # a condition's prefix is compared with the path whose escaped slashes (%2F) stay escaped
    rule = _matching_rule(config, _condition_path(req), None)
    if rule is not None:
        return _rule_redirect(req, rule, path, request_id)
    suffix = config["IndexDocument"]["Suffix"]
    key = path + suffix if path == "" or path.endswith("/") else path
    try:
        return _object(state, req, bucket, key, request_id)
    except core_errors.ServiceError as error:
        # (a missing key is AccessDenied to whom may not list the bucket: S3 hides which keys exist)
        if error.status in (403, 404) and key == path and _exists(state, req, bucket, f"{path}/{suffix}"):
            found = core_errors.AwsError("Found", "Resource Found", 302)
            found.headers["Location"] = "/" + path.replace("%", "%25") + "/"
            return _error_page(req, found, request_id)
        rule = _matching_rule(config, _condition_path(req), error.status)
        if rule is not None:
            return _rule_redirect(req, rule, path, request_id)
        document = (config.get("ErrorDocument") or {}).get("Key")
        if document and error.status in (403, 404):
            try:
                page = _object(state, req, bucket, document, request_id)
            except core_errors.ServiceError as failure:
                return _error_page(req, error, request_id, failure)
            page.status = error.status
            page.headers.extend(_error_headers(error))
            return page
        raise


def _object(state, req, bucket: str, key: str, request_id: str, method: str | None = None) -> Response:
    """The object as GetObject (HeadObject) answers an anonymous caller, or an object's
    own redirect."""
    operation = "GetObject" if (method or req.method) == "GET" else "HeadObject"
    spec = specs.spec_for("s3")
    route = Route(spec, spec.operation(operation), {"Bucket": bucket, "Key": key}, "rest-xml")
    ctx = identify(state, route, req)
    try:
        result = (objects.get_object if operation == "GetObject" else objects.head_object)(
            ctx, {"Bucket": bucket, "Key": key, **_conditions(req.headers)})
    except core_errors.ServiceError as error:
        # the website tells a missing key even to whom may not list the bucket
        current = store.latest(state.db, bucket, key) if error.status == 403 else True
        if current is None or (current is not True and current["delete_marker"]):
            raise errors.error("NoSuchKey", Key=key) from None
        raise
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
    """A replacement key is sent as written, without the request's query; a key kept or
    given another prefix is escaped and keeps the query."""
    redirect = rule.get("Redirect") or {}
    if "ReplaceKeyWith" in redirect:
        target = redirect["ReplaceKeyWith"]
    else:
        key = path
        if "ReplaceKeyPrefixWith" in redirect:
            prefix = (rule.get("Condition") or {}).get("KeyPrefixEquals") or ""
            key = redirect["ReplaceKeyPrefixWith"] + path[len(prefix):]
        target = quote(key) + _query(req)
    scheme = redirect.get("Protocol") or req.scheme
    host = redirect.get("HostName") or req.headers.get("host", "")
    return _redirect(int(redirect.get("HttpRedirectCode") or 301), f"{scheme}://{host}/{target}", request_id)


def _condition_path(req) -> str:
    return unquote(re.sub("%2[Ff]", "%252F", req.raw_path)).lstrip("/")


def _query(req) -> str:
    pairs = [quote_plus(name) + (f"={quote_plus(value)}" if value else "") for name, value in req.query]
    return "?" + "&".join(pairs) if pairs else ""


def _anonymous(req):
    """The website endpoint serves everyone as anonymous, whatever the request signs."""
    headers = {name: value for name, value in req.headers.items() if name not in SIGNING_HEADERS}
    query = [(name, value) for name, value in req.query if not name.lower().startswith("x-amz-")]
    return dataclasses.replace(req, headers=headers, query=query)


def _preflight(state, req, bucket: str, request_id: str) -> Response:
    """OPTIONS is a CORS preflight, answered from the bucket's CORS rules."""
    ctx = system_context(state, "s3", "CORS", account="", region="")
    ctx.request_id = request_id
    status, headers, body = cors.preflight(ctx, bucket, req.headers.get("origin"),
                                           req.headers.get("access-control-request-method"),
                                           req.headers.get("access-control-request-headers"))
    if status == 200:
        return Response(200, [*_ids(request_id), *headers.items(), ("Content-Length", "0")], b"")
    tree = ElementTree.fromstring(body)
    fields = {node.tag: node.text for node in tree if node.tag not in ("Code", "Message", "RequestId", "HostId")}
    raise core_errors.AwsError(tree.findtext("Code"), tree.findtext("Message"), status, **fields)


def _redirect(status: int, location: str, request_id: str) -> Response:
    return Response(status, [*_ids(request_id), ("Location", location), ("Content-Length", "0")], b"")


def _error_page(req, error, request_id: str, document_error=None) -> Response:
    """S3's website error page: the status as a title, then Code, Message, the error's
    fields, RequestId and HostId as a list; then, when the error document could not be
    read, that failure's Code, Message and fields."""
    title = f"{error.status} {PAGE_STATUS.get(error.status, 'Error')}"
    items = [("Code", error.code), ("Message", error.message), *error.fields.items(),
             ("RequestId", request_id), ("HostId", core_errors.s3_host_id(request_id))]
    listed = _listed(items)
    if document_error is not None:
        failure = [("Code", document_error.code), ("Message", document_error.message), *document_error.fields.items()]
        listed += f"</ul>\n<h3>{DOCUMENT_FAILED}</h3>\n<ul>\n{_listed(failure)}"
    page = (f"<html>\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n<ul>\n{listed}</ul>\n"
            "<hr/>\n</body>\n</html>\n").encode()
    headers = [*_ids(request_id), *_error_headers(error), *error.headers.items(),
               ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))]
    if error.code == "MethodNotAllowed":
        headers.append(("Allow", ALLOWED))
    return Response(error.status, headers, b"" if req.method == "HEAD" else page)


def _listed(items) -> str:
    return "".join(f"<li>{name}: {html.escape(str(value))}</li>\n" for name, value in items)


def _error_headers(error) -> list:
    named = [("x-amz-error-code", error.code)]
    if "Key" in error.fields:
        named.append(("x-amz-error-detail-key", str(error.fields["Key"])))
    return named


def _ids(request_id: str) -> list:
    return [("x-amz-request-id", request_id), ("x-amz-id-2", core_errors.s3_host_id(request_id))]
