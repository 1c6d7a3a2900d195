"""S3's hooks into the pipeline (the interface is `lakebox/aws/hooks.py`).

- claims: requests to a bucket's static website endpoint, CORS preflights to a bucket or
  object, and browser form uploads (`POST /{bucket}` with multipart/form-data), which no
  model operation covers;
- authenticate: S3's own answers to malformed Authorization headers and presigned URLs;
- streaming payloads (PutObject, UploadPart): decided before the body is asked for when
  the client waits for `100-continue`, then spooled to disk while hashed and checked;
- response headers: the bucket's CORS rules for requests with `Origin`;
- session policies: a request's IAM action and resource (`access.iam_request`), and S3's
  own AccessDenied for what they refuse.
"""
from lakebox.kit import arns
from lakebox.services.s3 import access, browser, errors, forms, model, multipart, requester_pays, signature, store, upload, website


def claim(req):
    if website.is_website_request(req):
        return website.serve
    if browser.is_preflight(req):
        return browser.preflight
    if forms.is_post_form(req):
        return post_object
    return None


async def post_object(state, req, receive):
    """A browser form upload, with the CORS headers of the bucket's matching rule."""
    response = await forms.post_form(state, req, receive)
    response.headers.extend(browser.response_headers(state, req, None))
    return response


def authenticate(state, route, req):
    signature.check(state, route, req)


def streams_payload(route) -> bool:
    """The model marks the upload operations' payload as streaming (asked of every
    request: answered once per operation)."""
    streams = _STREAMING.get(route.operation.name)
    if streams is None:
        shape = route.operation.input_shape
        payload = shape.serialization.get("payload") if shape else None
        streams = _STREAMING[route.operation.name] = \
            bool(payload) and shape.members[payload].serialization.get("streaming", False)
    return streams


_STREAMING = {}         # operation name -> whether its payload streams


def admit_payload(ctx, route):
    """A body over 5 GiB (an object or a part) is refused by its declared length, before
    a byte of it is read. A client that sent `Expect: 100-continue` waits for leave before
    sending the body: S3 refuses a missing bucket or upload, or a caller without access, at
    once, so a refused upload is never sent. (The action decides again with the body in:
    things may change meanwhile.)"""
    declared = ctx.headers.get("x-amz-decoded-content-length") or ctx.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > model.MAX_SINGLE_PUT:
        raise errors.error("EntityTooLarge", ProposedSize=int(declared), MaxSizeAllowed=model.MAX_SINGLE_PUT)
    if ctx.headers.get("expect", "").lower() == "100-continue":
        upload.UploadPlan.from_headers(ctx.headers)      # the upload's own headers are judged first, as ever
        bucket = access.bucket_for(ctx, route.labels["Bucket"], ctx.headers.get("x-amz-expected-bucket-owner"),
                                   key=route.labels.get("Key"))
        if route.operation.name == "UploadPart":        # a part of an upload that is gone is not sent either
            multipart.require_upload(ctx, bucket, route.labels["Key"], ctx.request.query_dict().get("uploadId", ""))


async def spool_payload(state, req, chunks) -> upload.SpooledBody:
    return await upload.spool(chunks, req.headers, state.blobs)


def response_headers(state, req, route, response):
    return (*browser.response_headers(state, req, route), *requester_pays.response_headers(req))


def iam_request(ctx, params):
    return access.iam_request(ctx, params)


def access_denied(ctx, action, resource, reason):
    """A session policy's refusal, told why only to a caller of the bucket's own account
    (of the access point's, for a request made through one)."""
    arn = arns.parse(resource) if resource else None
    if arn is not None and arn.resource.startswith("accesspoint/"):
        return access.denied(ctx, action, resource, reason if arn.account == ctx.account else None)
    bucket = store.cached_bucket(ctx.state.cache("s3"), ctx.state.db, arn.resource.split("/")[0]) if arn else None
    return access.denied(ctx, action, resource, reason if bucket and bucket["account"] == ctx.account else None)
