"""One way for a service to reach another's `public.py` with a request context.

A service's public functions take a `RequestContext` like its actions do, so the
callee sees who is asking, when, and with which request id. There are two callers:

- `on_behalf(ctx, service, operation)`: inside a client's request, acting for that
  client (S3 answering a browser's CORS preflight, Athena reading the caller's
  buckets). The callee's context keeps the caller's identity (account, ARN, session,
  anonymity), region, clock reading, request id and HTTP request; only the service and
  operation are the callee's, so its access checks judge the same caller, and
  `via_service` names the calling service (KMS's `kms:ViaService`).
- `system_context(state, service, operation, account, region)`: work no client asked
  for at that moment (a scheduled job, Firehose delivering a buffer, lifecycle expiry):
  the service acts as itself, for the `account` that owns the resources, with the
  lakebox clock's time and a fresh request id. Its caller ARN is the service principal
  (`firehose.amazonaws.com`), as resource policies name AWS services.
"""
from lakebox.aws.context import HttpRequest, RequestContext


def on_behalf(ctx: RequestContext, service: str, operation: str) -> RequestContext:
    # What dataclasses.replace does, at a quarter of its cost (it rebuilds the context
    # through __init__): S3 makes one for every GET of an SSE-KMS object.
    called = object.__new__(RequestContext)
    called.__dict__.update(ctx.__dict__, service=service, operation=operation, via_service=ctx.service)
    return called


def system_context(state, service: str, operation: str, account: str, region: str) -> RequestContext:
    return RequestContext(
        service=service, operation=operation, account=account, region=region, access_key="",
        caller_arn=f"{service}.amazonaws.com", now=state.clock.now(), state=state,
        request=HttpRequest(method="POST", raw_path="/", query=[], headers={}))
