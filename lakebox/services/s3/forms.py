"""S3 browser uploads: `POST /{bucket}` with a multipart/form-data body.

No operation in the S3 model covers this form, so S3's `claim` hook takes it: the whole
body is streamed to a temp file (memory stays flat however large the upload), the
parts are found in it, and S3's `post_upload.post_object` stores the `file` part's byte
range as the object. S3 ignores the fields after `file`.
"""
import mmap
import os
import re

from lakebox.aws import asgi, errors, routing, specs
from lakebox.aws.context import HttpRequest
from lakebox.aws.errors import InvalidArgument
from lakebox.aws.serialize import Response, serialize_error
from lakebox.identity import identify, known_secret

from lakebox.services.s3 import errors as s3_errors, post_upload
from lakebox.services.s3.post_upload import post_object

BOUNDARY = re.compile(r'boundary="?([^";]+)"?')
DISPOSITION_NAME = re.compile(rb'name="([^"]*)"')
DISPOSITION_FILENAME = re.compile(rb'filename="([^"]*)"')


def is_post_form(req: HttpRequest) -> bool:
    if req.method != "POST" or req.query or "x-amz-target" in req.headers:
        return False
    if not req.headers.get("content-type", "").startswith("multipart/form-data"):
        return False
    bucket, _, key = routing.s3_request_path(req).strip("/").partition("/")
    return bool(bucket) and not key


async def post_form(state, req: HttpRequest, receive) -> Response:
    spec = specs.spec_for("s3")
    bucket = routing.s3_request_path(req).strip("/")
    upload = state.blobs.temp_path()
    try:
        await _spool(receive, upload)
        fields, (offset, length), filename = _split_form(upload, _boundary(req))
        ctx = identify(state, _route_for(spec, fields), req)
        post_upload.check_signature(fields, known_secret(state, ctx.access_key))
        status, headers, body = await post_object(ctx, fields, upload, bucket=bucket, filename=filename,
                                                  offset=offset, length=length)
        ids = [("x-amz-request-id", ctx.request_id), ("x-amz-id-2", errors.s3_host_id(ctx.request_id))]
        return Response(status, [*ids, *headers.items()], body)
    except errors.ServiceError as error:
        return serialize_error("rest-xml", spec, error, errors.new_s3_request_id())
    finally:
        if os.path.exists(upload):        # post_object consumes it; an early error leaves it
            os.unlink(upload)


def _boundary(req) -> bytes:
    match = BOUNDARY.search(req.headers.get("content-type", ""))
    if not match:
        raise s3_errors.error("MalformedPOSTRequest")
    return match.group(1).encode("latin-1")


async def _spool(receive, path):
    with open(path, "wb") as out:
        async for chunk in asgi.body_chunks(receive):
            out.write(chunk)


def _split_form(path, boundary: bytes):
    """(text fields before `file`, (offset, length) of the file's bytes, its file name)."""
    delimiter = b"--" + boundary
    fields = {}
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            raise _no_file()
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as body:
            position = body.find(delimiter)
            while position != -1:
                start = position + len(delimiter)
                if body[start:start + 2] == b"--":
                    break                               # the closing delimiter
                head_end = body.find(b"\r\n\r\n", start)
                end = body.find(b"\r\n" + delimiter, head_end)
                if head_end == -1 or end == -1:
                    break
                head = body[start:head_end]
                name = DISPOSITION_NAME.search(head)
                name = name.group(1).decode("utf-8", "replace") if name else ""
                if name.lower() == "file":
                    filename = DISPOSITION_FILENAME.search(head)
                    filename = filename.group(1).decode("utf-8", "replace") if filename else None
                    return fields, (head_end + 4, end - head_end - 4), filename
                fields[name] = body[head_end + 4:end].decode("utf-8", "replace")
                position = end + 2
    raise _no_file()


def _no_file():
    return InvalidArgument("POST requires exactly one file upload per request.", ArgumentName="file",
                           ArgumentValue="0")


def _route_for(spec, fields):
    """Who is uploading: the access key and region of the form's credential field."""
    lowered = {k.lower(): v for k, v in fields.items()}
    credential = lowered.get("x-amz-credential", "").split("/")
    access_key = credential[0] if credential[0] else lowered.get("awsaccesskeyid")
    region = credential[2] if len(credential) == 5 else None
    return routing.Route(spec, spec.operation("PutObject"), {}, "rest-xml", region, access_key)
