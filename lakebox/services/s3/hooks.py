"""S3's hooks into the pipeline (the interface is `lakebox/aws/hooks.py`).

- claims: CORS preflights to a bucket or object, and browser form uploads
  (`POST /{bucket}` with multipart/form-data), which no model operation covers;
- authenticate: S3's own answers to malformed Authorization headers and presigned URLs;
- streaming payloads (PutObject, UploadPart): spooled to disk while hashed and checked;
- response headers: the bucket's CORS rules for requests with `Origin`.
"""
from lakebox.services.s3 import browser, forms, signature, upload


def claim(req):
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
    """The model marks the upload operations' payload as streaming."""
    shape = route.operation.input_shape
    payload = shape.serialization.get("payload") if shape else None
    return bool(payload) and shape.members[payload].serialization.get("streaming", False)


async def spool_payload(state, req, chunks) -> upload.SpooledBody:
    return await upload.spool(chunks, req.headers, state.blobs)


def response_headers(state, req, route, response):
    return browser.response_headers(state, req, route)
