"""XML request bodies checked as S3 checks them, before anything changes: present,
intact (Content-MD5 or x-amz-checksum-*, required where the model says S3 requires one)
and valid against the schema (every required element there, every enumerated value one
of the model's, else `MalformedXML`)."""
from xml.etree import ElementTree

from lakebox.aws.specs import spec_for

from lakebox.services.s3 import errors, model, xml_strict

ANY_CASE = frozenset({"FilterRuleName"})      # `Prefix` or `prefix`
# values the action refuses in words of its own (a website redirect's Protocol: InvalidRequest)
CHECKED_BY_ACTION = frozenset({"Protocol"})
# values S3 takes that the installed model may not list yet (S3 took both for an inventory's
# OptionalFields: radkawar/stackd testdata/aws/s3/inventory_control_replay.json, complete-CSV)
# and a retention change's event type, which recorded S3 replies deliver
NEWER_VALUES = {"InventoryOptionalField": frozenset({"ObjectLockEventHoldStatus", "ObjectLockEventHoldDuration"}),
                "Event": frozenset({"s3:ObjectRetention:Put"})}
# required members whose absence S3 names in a code of its own (analytics_controls_replay.json)
MISSING_CODES = {("AnalyticsConfiguration", "StorageClassAnalysis"): "MissingStorageClassAnalysis"}
# operations whose empty body S3 calls MalformedXML (analytics_controls_replay.json, raw-empty-body)
EMPTY_IS_MALFORMED = frozenset({"PutBucketAnalyticsConfiguration"})
# bodies S3 takes without Content-MD5 though the model asks for one (radkawar/stackd
# testdata/aws/s3: PutBucketLogging in logging_raw_replay.json, missing checksum;
# PutBucketRequestPayment in requester_admission_replay.json)
DIGEST_OPTIONAL = frozenset({"PutBucketLogging", "PutBucketRequestPayment"})


def check_body(ctx, params: dict, member: str, optional: bool = False):
    """Check the payload `member` of this request (`optional`: it may be absent)."""
    operation = spec_for("s3").operation(ctx.operation)
    if params.get(member) is None:
        if optional:
            return
        raise errors.error("MalformedXML" if ctx.operation in EMPTY_IS_MALFORMED else "MissingRequestBodyError")
    required = bool(operation.http_checksum_required or operation.http_checksum.get("requestChecksumRequired"))
    if ctx.operation in DIGEST_OPTIONAL:
        required = False
    if ctx.headers.get("x-amz-sdk-checksum-algorithm") and not any(
            f"x-amz-checksum-{name.lower()}" in ctx.headers for name in model.CHECKSUM_ALGORITHMS):
        # an SDK's algorithm named without its checksum, or one S3 does not know (recorded:
        # logging_raw_replay.json and acceleration_controls_replay.json, InvalidRequest; the words
        # are S3's for object uploads)
        raise errors.error("InvalidRequest", "x-amz-sdk-checksum-algorithm specified, but no corresponding "
                           "x-amz-checksum-* or x-amz-trailer headers were found.")
    model.check_body_digest(ctx.headers, ctx.request.body, required)
    if ctx.request.body and operation.input_shape.members[member].type_name == "structure":
        xml_strict.check(operation.input_shape.members[member], ctx.request.body)
    _check_required(operation.input_shape.members[member], params[member])


def _check_required(shape, value):
    kind = shape.type_name
    if kind == "string" and shape.enum and value is not None and _refused_value(shape, value):
        raise errors.error("MalformedXML")
    if kind == "structure":
        if not isinstance(value, dict):
            raise errors.error("MalformedXML")
        for name in shape.required_members:
            if value.get(name) is None:
                raise errors.error(MISSING_CODES.get((shape.name, name), "MalformedXML"))
        for name, item in value.items():
            if item is not None and name in shape.members:
                _check_required(shape.members[name], item)
    elif kind == "list":
        for item in value:
            _check_required(shape.member, item)


def _refused_value(shape, value: str) -> bool:
    """S3's schema names every allowed value, in its case ('enabled' is no versioning or
    acceleration Status: recorded S3 replies); a filter rule's name it takes in any case."""
    if value in shape.enum or shape.name in CHECKED_BY_ACTION or value in NEWER_VALUES.get(shape.name, ()):
        return False
    return shape.name not in ANY_CASE or value.lower() not in _lowered(shape)


def _lowered(shape) -> frozenset:
    return frozenset(value.lower() for value in shape.enum)


def check_root(ctx, root: str):
    """Refuse (MalformedXML) a body whose root is not named `root` (check_body's
    xml_strict does not read the root's name: S3 reads it for these configurations only)."""
    try:
        element = ElementTree.fromstring(ctx.request.body)
    except ElementTree.ParseError:
        raise errors.error("MalformedXML") from None
    if element.tag.rpartition("}")[2] != root:
        raise errors.error("MalformedXML")
