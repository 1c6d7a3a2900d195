"""Service hooks: what a service may do around the model-driven pipeline.

The pipeline (`lakebox/app.py`) routes, authenticates, parses, validates, dispatches and
serializes by the botocore models, and names no service. A service whose requests need
more says so in an optional module `lakebox/services/<pkg>/hooks.py` that defines any of:

`claim(req) -> handler | None`
    Asked of every request before routing. Return an async
    `handler(state, req, receive) -> Response` to answer a request that no model
    operation covers: S3 answers its browser form uploads and CORS preflights this way;
    an OpenSearch domain's data plane would claim requests by their Host, a console its
    own path. The handler reads the body itself (`aws.asgi.body_chunks(receive)`).
    Keep it cheap (a look at the method, the path or a header): every request asks.
    Claims are asked in `SERVICE_NAMES` order, except that the service routing falls
    back to (S3, the broadest claimer) is asked last.

`authenticate(state, route, req)`
    Check the request's signature the way this service does and raise its own errors
    (S3: presigned-URL rules and `AuthorizationHeaderMalformed`). A service without it
    gets AWS's common checks for its protocol (`aws.signing.check`).

`streams_payload(route) -> bool` and `async spool_payload(state, req, chunks) -> payload`
    When `streams_payload` says so, the operation's payload is not read into memory:
    `spool_payload` receives it from `chunks` (an async iterator of bytes) and returns
    the object the parser hands to the action as the payload member. That object has a
    `discard()`, which the pipeline calls once the request is answered (an action moves
    away what it keeps).
    An optional `admit_payload(ctx, route)` is asked first and may refuse the request
    before any body byte is asked for (S3 decides access before it answers an upload's
    `Expect: 100-continue`, which the server sends on the first read of the body).

`response_headers(state, req, route, response) -> iterable of (name, value)`
    Headers to add to a response (S3: the bucket's CORS rules for a request with
    `Origin`). Every service's hook sees every response of the model-driven pipeline,
    including those with no route (`route` is None), and returns nothing for requests
    not its own. A claimed request's handler adds its own headers.

`iam_request(ctx, params) -> (action, resource, keys)`
    The IAM action a request is authorized as, the ARN of the resource it acts on (None:
    not checked; a list: each must be allowed, and the first refused is named, as Glue
    judges a table's request on its catalog, database and table) and a lookup of its
    condition keys (None: the global ones), for the session policies of a caller's STS
    session (`kit/sessions.py`). A service without it is checked as
    `<signing name>:<Operation>` on any resource.

`resource_names_session(ctx, action, resource) -> bool`
    Whether the resource's own policy (a KMS key policy) allows `action` to the caller's
    session by its very ARN (a federated user's, a role session's): such a grant comes on
    top of what the session policies allow (IAM User Guide, "Session policies"), so the
    session policies do not refuse it.

`access_denied(ctx, action, resource, reason) -> ServiceError`
    The error a request its session policies refuse gets, where the service words it
    its own way (S3: `AccessDenied`, "Access Denied"). Without it: `AccessDenied` (403)
    in the query protocol, `AccessDeniedException` otherwise, with IAM's message.

`validation_error(operation, params, message) -> ServiceError`
    The error a request that breaks the model's constraints gets, where the service
    answers with its own code rather than `ValidationException` (Athena:
    `InvalidRequestException` with `AthenaErrorCode` INVALID_INPUT). `message` is the
    model-driven one (`aws.validate`); `operation` the operation's name.

`MAX_REQUEST_BYTES` (an int, not a function)
    The largest request body the service's front end reads; a larger one is answered
    413 with no body (DynamoDB: 16 MiB, replies recorded against DynamoDB). Without it
    the pipeline's own limit (`aws.asgi.MAX_BUFFERED_BODY`) applies.

`error_type(code) -> str`
    The `__type` a JSON-protocol error of this service carries on the wire, where the
    service sends more than the bare code (DynamoDB qualifies it with the namespace of
    the code's owner: `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException`,
    `com.amazon.coral.validate#ValidationException`). botocore keeps what follows `#`.
"""
from lakebox.aws import asgi, signing, validate
from lakebox.aws.errors import AwsError, FrontEndRequestTooLarge, RequestTooLarge, ValidationError
from lakebox.kit import sessions


class Hooks:
    """The hooks of every service, as the pipeline asks them."""

    def __init__(self, modules: dict, last: str | None = None):
        """`modules`: service name -> its hooks module, in the order claims are asked;
        `last`: the service whose claims are asked after all others."""
        ordered = sorted(modules.items(), key=lambda item: item[0] == last)
        self.by_service = modules
        self.claims = [(name, module.claim) for name, module in ordered if hasattr(module, "claim")]
        self.header_hooks = [module.response_headers for _, module in ordered
                             if hasattr(module, "response_headers")]
        # service name -> its hook, looked up once rather than by getattr on every request
        self.authenticators = self._defined("authenticate")
        self.stream_tests = self._defined("streams_payload")
        self.admitters = self._defined("admit_payload")
        self.error_types = self._defined("error_type")
        self.validation_errors = self._defined("validation_error")
        self.iam_requests = self._defined("iam_request")
        self.access_refusals = self._defined("access_denied")
        self.session_grants = self._defined("resource_names_session")
        self.request_limits = self._defined("MAX_REQUEST_BYTES")

    def _defined(self, hook: str) -> dict:
        return {name: getattr(module, hook) for name, module in self.by_service.items() if hasattr(module, hook)}

    def claim(self, req):
        """(service, handler) of a request a service answers outside routing, or None."""
        for service, claim in self.claims:
            handler = claim(req)
            if handler is not None:
                return service, handler
        return None

    def authenticate(self, state, route, req):
        self.authenticators.get(route.spec.name, signing.check)(state, route, req)

    def request_limit(self, route):
        """(largest body read, the error a larger one gets) for this route's service."""
        limit = self.request_limits.get(route.spec.name)
        return (asgi.MAX_BUFFERED_BODY, RequestTooLarge) if limit is None else (limit, FrontEndRequestTooLarge)

    def payload_spooler(self, route):
        """The service's `spool_payload` when this operation's payload streams, else None."""
        streams = self.stream_tests.get(route.spec.name)
        return self.by_service[route.spec.name].spool_payload if streams is not None and streams(route) else None

    def validate(self, route, params):
        """Check `params` against the model; a refusal in the service's own error class."""
        try:
            validate.validate(route.operation, params)
        except ValidationError as error:
            own = self.validation_errors.get(route.spec.name)
            if own is None:
                raise
            raise own(route.operation.name, params, error.message) from None

    def error_type(self, route):
        """The service's `error_type` (code -> wire `__type`) for this route, or None."""
        return self.error_types.get(route.spec.name) if route else None

    def authorize_session(self, ctx, route, params):
        """Refuse a request of an STS session that its session policies do not allow."""
        if not sessions.narrowed(ctx.session):
            return
        target = self.iam_requests.get(route.spec.name)
        action, resources, keys = target(ctx, params) if target else \
            (f"{route.spec.signing_name}:{route.operation.name}", None, None)
        for resource in resources if isinstance(resources, list) else [resources]:
            reason = sessions.refusal(ctx, action, resource, keys)
            if reason is not None and not sessions.explicit_deny(reason):
                named = self.session_grants.get(route.spec.name)
                reason = None if named is not None and named(ctx, action, resource) else reason
            if reason is not None:
                break
        else:
            return
        denied = self.access_refusals.get(route.spec.name)
        if denied is not None:
            raise denied(ctx, action, resource, reason)
        query = route.spec.protocol == "query"
        raise AwsError("AccessDenied" if query else "AccessDeniedException",
                       sessions.message(ctx, action, resource, reason), status=403 if query else None)

    def admit_payload(self, ctx, route):
        admit = self.admitters.get(route.spec.name)
        if admit is not None:
            admit(ctx, route)

    def add_response_headers(self, state, req, route, response):
        for hook in self.header_hooks:
            response.headers.extend(hook(state, req, route, response))
