"""Find the service and operation a request is for.

In order: `X-Amz-Target` (JSON services, and JSON services called with CBOR bodies),
the `/service/<Service>/operation/<Operation>` path of smithy-rpc-v2-cbor, the SigV4
credential scope's service (S3 Control, signed as S3, by its `/v20180820/` paths), the query protocol's `Action`, else S3 (path-style or
virtual-host style). A JSON body posted to `/` without `X-Amz-Target` is no S3
request: it is an unknown operation of some JSON service.
"""
import re
from dataclasses import dataclass
from urllib.parse import unquote

from lakebox.aws import query_compat, specs
from lakebox.aws.errors import (InvalidAction, MethodNotAllowed, MissingAction, NotImplementedOperation,
                                UnknownOperation)

CREDENTIAL_SCOPE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")
CBOR_PATH = re.compile(r"^/service/([^/]+)/operation/([^/?]+)$")
# A bucket in the Host header: `bucket.localhost`, `bucket.s3.localhost…`, `bucket.s3.<region>.…`.
# The service of requests nothing else names: plain HTTP with a path.
FALLBACK_SERVICE = "s3"
# S3 Control shares S3's signing name; its paths start with its API version (which makes
# a bucket named `v20180820` unreachable path-style: virtual-host style still works).
S3_CONTROL_PATH = "/v20180820/"
JSON_CONTENT_TYPES = ("application/x-amz-json", "application/x-amz-cbor")
VIRTUAL_HOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.\-]*?)\.(?:s3[.-][^:]*|localhost)(?::\d+)?$")


@dataclass
class Route:
    spec: specs.ServiceSpec
    operation: object                   # botocore OperationModel
    labels: dict                        # URI labels of rest protocols
    wire: str                           # the protocol spoken: the spec's, or "cbor"
    region: str | None = None
    access_key: str | None = None


def route(req) -> Route:
    access_key, region, scope_service = _credential_scope(req)
    target = req.headers.get("x-amz-target")
    if target:
        return _by_target(req, target, access_key, region)
    match = CBOR_PATH.match(req.raw_path) if req.raw_path.startswith("/service/") else None
    if match and req.method == "POST":
        return _by_cbor_path(match, access_key, region)
    if scope_service == "s3" and req.raw_path.startswith(S3_CONTROL_PATH):
        return _rest_route(specs.spec_for("s3control"), req.raw_path, req, access_key, region)
    spec = specs.by_signing_name().get(scope_service) if scope_service else None
    if spec is not None and spec.protocol.startswith("rest-"):
        # Signed for a rest service: its paths decide (no `Action` to look for).
        path = s3_request_path(req) if spec.name == FALLBACK_SERVICE else req.raw_path
        return _rest_route(spec, path, req, access_key, region)
    action = _action(req)
    if scope_service and spec is None:
        # Signed for a service lakebox does not serve (IAM, EC2, SNS, ...): say so plainly.
        raise NotImplementedOperation(scope_service, action or req.method + " " + req.raw_path)
    if spec is None and action:
        spec = specs.query_operations().get(action)
        if spec is None and req.raw_path == "/":
            # An unsigned query-protocol call (STS's AssumeRoleWith* are) of an unknown
            # action: S3 has no `Action` parameter, so it is not an S3 request either.
            raise InvalidAction(f"Could not find operation {action}")
    if spec is None and _json_without_target(req):
        raise UnknownOperation()
    if spec is None or spec.name == FALLBACK_SERVICE:
        return _rest_route(specs.spec_for(FALLBACK_SERVICE), s3_request_path(req), req, access_key, region)
    if spec.protocol == "query":
        return _query_route(spec, req, access_key, region)
    if spec.protocol == "json":
        if action and query_compat.is_query_compatible(spec.model):
            # The query protocol a JSON service (SQS) took before, which older clients speak.
            return _query_route(specs.query_view_spec(spec.name), req, access_key, region)
        if action:
            raise NotImplementedOperation(spec.name, action)
        raise UnknownOperation()
    return _rest_route(spec, req.raw_path, req, access_key, region)


def _json_without_target(req) -> bool:
    """A JSON body posted to `/` (where every JSON service listens, and no S3 operation)."""
    return req.headers.get("content-type", "").startswith(JSON_CONTENT_TYPES) and s3_request_path(req) == "/"


def _credential_scope(req):
    auth = req.headers.get("authorization", "")
    match = CREDENTIAL_SCOPE.search(auth)
    if match:
        return match.group(1, 3, 4)
    credential = req.query_dict().get("X-Amz-Credential")
    if credential:
        parts = credential.split("/")
        if len(parts) == 5:
            return parts[0], parts[2], parts[3]
    return None, None, None


def _by_target(req, target, access_key, region) -> Route:
    prefix, _, op_name = target.rpartition(".")
    spec = specs.by_target_prefix().get(prefix)
    if spec is None or spec.operation(op_name) is None:
        raise UnknownOperation()
    content_type = req.headers.get("content-type", "")
    wire = "cbor" if "cbor" in content_type else "json"
    return Route(spec, spec.operation(op_name), {}, wire, region, access_key)


def _by_cbor_path(match, access_key, region) -> Route:
    service_id, op_name = unquote(match.group(1)), unquote(match.group(2))
    spec = specs.by_target_prefix().get(service_id)
    if spec is None or spec.operation(op_name) is None:
        raise UnknownOperation()
    return Route(spec, spec.operation(op_name), {}, "rpcv2cbor", region, access_key)


def _action(req) -> str | None:
    """The query protocol's operation: `Action=` in the form body or the query string."""
    return req.form().get("Action") or req.query_dict().get("Action")


def _query_route(spec, req, access_key, region) -> Route:
    action = _action(req)
    if not action:
        raise MissingAction("Missing Action")
    version = req.form().get("Version", req.query_dict().get("Version"))
    op = spec.operation(action)
    if op is None or version != spec.model.api_version:
        shown = "NO_VERSION_SPECIFIED" if version is None else version
        raise InvalidAction(f"Could not find operation {action} for version {shown}")
    return Route(spec, op, {}, "query", region, access_key)


def s3_request_path(req) -> str:
    """The path as if the request were path-style: a bucket in the Host moves into it."""
    host = req.headers.get("host", "")
    match = VIRTUAL_HOST.match(host)
    if match and not host.startswith("s3."):
        return "/" + match.group("bucket") + (req.raw_path if req.raw_path != "/" else "")
    return req.raw_path


def _rest_route(spec, raw_path, req, access_key, region) -> Route:
    query = req.query_dict()
    for rest in _ranked(spec.name, req.method, query, req.headers):
        labels = rest.match_path(raw_path)
        if labels is not None:
            return Route(spec, spec.operation(rest.name), labels, spec.protocol, region, access_key)
    other_methods = (rest for method, ops in _rest_table(spec.name).items() if method != req.method for rest in ops)
    if any(rest.match_path(raw_path) is not None for rest in other_methods):
        raise MethodNotAllowed()
    raise UnknownOperation()


_RANKINGS = {}
MAX_RANKINGS = 4096          # distinct query-key and header combinations kept


def _ranked(service: str, method: str, query: dict, headers: dict) -> list["RestOperation"]:
    """The operations a request with this method, query and headers can be, best first;
    the first whose path template matches is the one. Scores depend on the query's keys
    (and the values some operations fix), and on which required headers are present,
    never on the path, so the ranking is worked out once per such combination."""
    significant = _significant(service)
    key = (service, method, tuple(query), tuple(map(query.get, significant.query_values)),
           tuple(map(headers.__contains__, significant.headers)))
    ranking = _RANKINGS.get(key)
    if ranking is None:
        if len(_RANKINGS) >= MAX_RANKINGS:
            _RANKINGS.clear()
        ranking = _RANKINGS[key] = _rank(service, method, query, headers)
    return ranking


def _rank(service: str, method: str, query: dict, headers: dict) -> list["RestOperation"]:
    # `x-id` names the operation outright. Ties (same method, path and required parts,
    # e.g. S3 ListBuckets and ListDirectoryBuckets) go to the operation that knows more
    # of the optional query parameters sent, then to the current operation over its
    # deprecated twin (GetBucketLifecycle and GetBucketLifecycleConfiguration are one
    # wire binding), then to the first in model order.
    wanted = query.get("x-id")
    scored = []
    for rest in _candidates(_rest_index(service).get(method, {}), query):
        score = rest.score(query, headers)
        if score is not None:
            scored.append(((wanted == rest.name, *score, len(rest.optional_query.intersection(query)),
                            not rest.deprecated), rest))
    scored.sort(key=lambda entry: entry[0], reverse=True)       # stable: ties keep model order
    return [rest for _, rest in scored]


@dataclass
class _Significant:
    query_values: tuple        # query keys whose value (not only presence) a score reads
    headers: tuple             # headers some operation requires


_SIGNIFICANT = {}


def _significant(service: str) -> _Significant:
    found = _SIGNIFICANT.get(service)
    if found is None:
        operations = [rest for ops in _rest_table(service).values() for rest in ops]
        values = {"x-id"} | {k for rest in operations for k, v in rest.fixed_query.items() if v is not None}
        headers = {h for rest in operations for h in rest.required_headers}
        found = _SIGNIFICANT[service] = _Significant(tuple(sorted(values)), tuple(sorted(headers)))
    return found


class RestOperation:
    """One operation's HTTP binding: method, path template, required query and headers."""

    def __init__(self, op):
        self.name = op.name
        self.method = op.http["method"]
        path, _, query = op.http["requestUri"].partition("?")
        self.path_regex = re.compile(_template_regex(path))
        self.literal_length = len(re.sub(r"\{[^}]+\}", "", path))
        self.fixed_query = {}
        for part in filter(None, query.split("&")):
            key, _, value = part.partition("=")
            if key != "x-id":
                self.fixed_query[key] = value or None
        self.required_query, self.required_headers = _required_locations(op)
        self.needs = frozenset(self.required_query), frozenset(self.required_headers)
        self.optional_query = _query_names(op)
        self.deprecated = bool(op.deprecated)

    def match_path(self, raw_path):
        match = self.path_regex.match(raw_path)
        return None if match is None else {k: unquote(v) for k, v in match.groupdict().items()}

    def score(self, query, headers):
        for key, value in self.fixed_query.items():
            if key not in query or (value is not None and query[key] != value):
                return None
        needed_query, needed_headers = self.needs
        if not (query.keys() >= needed_query and headers.keys() >= needed_headers):
            # A request the URI's own query names (`?attributes`) is still this operation,
            # below a complete match with as specific a query; validation reports what it lacks.
            return (len(self.fixed_query), False, self.literal_length) if self.fixed_query else None
        points = 10 * (len(self.required_query) + len(self.required_headers)) + self.literal_length
        return len(self.fixed_query), True, points


def _template_regex(path: str) -> str:
    pattern, pos = "^", 0
    for match in re.finditer(r"\{([^}+]+)(\+?)\}", path):
        pattern += re.escape(path[pos:match.start()])
        name = re.sub(r"\W", "_", match.group(1))
        pattern += f"(?P<{name}>.+)" if match.group(2) else f"(?P<{name}>[^/]+)"
        pos = match.end()
    tail = path[pos:]
    pattern += re.escape(tail.rstrip("/")) + "/?$" if tail not in ("", "/") else ("/?$" if pos else "/$")
    return pattern


def _required_locations(op):
    shape = op.input_shape
    if shape is None:
        return [], []
    query, headers = [], []
    for name in shape.required_members:
        member = shape.members[name]
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "querystring":
            query.append(wire_name)
        elif location == "header":
            headers.append(wire_name.lower())
    return query, headers


def _query_names(op):
    shape = op.input_shape
    if shape is None:
        return frozenset()
    return frozenset(member.serialization.get("name", name) for name, member in shape.members.items()
                     if member.serialization.get("location") == "querystring")


_REST_TABLES = {}


def _candidates(by_query_key: dict, query: dict):
    """The operations a request can be: those that need no fixed query key (S3's
    `?acl`, `?tagging`, ...), and those whose key the request carries."""
    yield from by_query_key.get("", ())
    for key in query:
        if key:
            yield from by_query_key.get(key, ())


_REST_INDEXES = {}


def _rest_index(service: str) -> dict[str, dict[str, list[RestOperation]]]:
    """method -> first fixed query key ('' for none) -> operations."""
    index = _REST_INDEXES.get(service)
    if index is None:
        index = _REST_INDEXES[service] = {}
        for method, operations in _rest_table(service).items():
            for rest in operations:
                first_key = next(iter(rest.fixed_query), "")
                index.setdefault(method, {}).setdefault(first_key, []).append(rest)
    return index


def _rest_table(service: str) -> dict[str, list[RestOperation]]:
    """The service's REST bindings, by HTTP method."""
    table = _REST_TABLES.get(service)
    if table is None:
        spec = specs.spec_for(service)
        table = _REST_TABLES[service] = {}
        for name in spec.model.operation_names:
            rest = RestOperation(spec.operation(name))
            table.setdefault(rest.method, []).append(rest)
    return table
