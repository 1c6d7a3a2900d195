"""XML request bodies checked as S3 checks them, before anything changes: present,
intact (Content-MD5 or x-amz-checksum-*, required where the model says S3 requires one)
and valid against the schema (every required element there, every enumerated value one
of the model's, else `MalformedXML`)."""
from lakebox.aws.specs import spec_for

from lakebox.services.s3 import errors, model, xml_strict

ANY_CASE = frozenset({"FilterRuleName"})      # `Prefix` or `prefix`
# Operations the model marks checksum-required that S3 was recorded taking with no
# Content-MD5 nor checksum (stackd's requester_admission_replay.json).
DIGEST_OPTIONAL = frozenset({"PutBucketRequestPayment"})


def check_body(ctx, params: dict, member: str, optional: bool = False):
    """Check the payload `member` of this request (`optional`: it may be absent)."""
    operation = spec_for("s3").operation(ctx.operation)
    if params.get(member) is None:
        if optional:
            return
        raise errors.error("MissingRequestBodyError")
    required = bool(operation.http_checksum_required or operation.http_checksum.get("requestChecksumRequired")) and (
        ctx.operation not in DIGEST_OPTIONAL or "x-amz-sdk-checksum-algorithm" in ctx.headers)
    model.check_body_digest(ctx.headers, ctx.request.body, required)
    if ctx.request.body and operation.input_shape.members[member].type_name == "structure":
        xml_strict.check(operation.input_shape.members[member], ctx.request.body)
    _check_required(operation.input_shape.members[member], params[member])


def _check_required(shape, value):
    kind = shape.type_name
    if kind == "string" and shape.enum and value is not None and value not in shape.enum and (
            shape.name not in ANY_CASE or value.lower() not in _lowered(shape)):
        # S3's schema names every allowed value, in its case ('enabled' is no versioning or
        # acceleration Status: recorded S3 replies); a filter rule's name it takes in any case.
        raise errors.error("MalformedXML")
    if kind == "structure":
        if not isinstance(value, dict):
            raise errors.error("MalformedXML")
        for name in shape.required_members:
            if value.get(name) is None:
                raise errors.error("MalformedXML")
        for name, item in value.items():
            if item is not None and name in shape.members:
                _check_required(shape.members[name], item)
    elif kind == "list":
        for item in value:
            _check_required(shape.member, item)


def _lowered(shape) -> frozenset:
    return frozenset(value.lower() for value in shape.enum)
