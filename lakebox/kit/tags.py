"""Tag rules, one table for every service, and the checks that apply them.

Each service documents its own limits (how many tags, key and value lengths, which
characters, whether `aws:` is reserved) and answers a broken rule with its own error
code and words. `RULES` holds that as data; `check_tags`, `check_keys` and
`check_count` apply one service's row and raise its error (a service checks the count
against every key the resource would hold, so it calls `check_count` itself). A rule a service's row has
no error for is not checked here: either the service model already refuses it (Kinesis
key lengths are model constraints, answered with a ValidationException before the
action runs) or the service does not check it.

Message templates may name `{label}` (e.g. "stream s1"), `{account}`, `{action}`
("add tags to" / "remove tags from"), `{max}`, and the refused `{key}` and `{value}`; each entry also names the error
members (`TagKey`, `TagValue`) the service adds to its error body.

Keys and values are case sensitive in every service below (each one's documentation
says so), so keys are compared as they are.
"""
import re
from dataclasses import dataclass, field

from lakebox.aws.errors import AwsError

# Kinds of broken rule, in the order they are checked.
TOO_MANY, DUPLICATE, KEY_LENGTH, VALUE_LENGTH, KEY_CHARACTERS, VALUE_CHARACTERS, CHARACTERS, REFUSED, AWS_PREFIX = (
    "too_many", "duplicate", "key_length", "value_length", "key_characters", "value_characters", "characters",
    "refused", "aws_prefix")


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str | None                   # a template; None where AWS's words are not yet recorded
    members: tuple = ()                  # error members to add: "TagKey", "TagValue"
    status: int | None = None             # else the model's status for `code`


@dataclass(frozen=True)
class TagRules:
    max_tags: int
    max_key: int = 128
    max_value: int = 256
    characters: str | None = None         # a regex every key and value must match whole; None: any
    # (a service that names the key or the value it refuses has KEY_/VALUE_CHARACTERS refusals)
    refused: str = ""                     # characters refused after `characters` passed (Kinesis' %)
    refusals: dict = field(default_factory=dict)   # kind -> Refusal
    utf16: bool = False                   # lengths in UTF-16 code units (a character past U+FFFF is 2)


_KINESIS_CHARACTERS = (
    "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.")
_S3_TAG = "InvalidTag"
# S3's tag characters: Unicode letters, numbers and spaces, and _ . : / = + - @ (S3 API
# reference, S3Tag's pattern `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`). S3 refuses others, as
# users report it: a `,` in an object tag value (PutObject), `(` in a bucket tag value
# (PutBucketTagging), both "The TagValue you have provided is invalid".
_S3_CHARACTERS = r"(?:[\w.:/=+\-@]|[^\S\t\n\r\x0b\x0c\x1c-\x1f\x85])*"
_S3_REFUSALS = {
    DUPLICATE: Refusal(_S3_TAG, "Cannot provide multiple Tags with the same key", ("TagKey",), 400),
    KEY_LENGTH: Refusal(_S3_TAG, "The TagKey you have provided is invalid", ("TagKey",), 400),
    VALUE_LENGTH: Refusal(_S3_TAG, "The TagValue you have provided is invalid", ("TagKey", "TagValue"), 400),
    KEY_CHARACTERS: Refusal(_S3_TAG, "The TagKey you have provided is invalid", ("TagKey",), 400),
    VALUE_CHARACTERS: Refusal(_S3_TAG, "The TagValue you have provided is invalid", ("TagKey", "TagValue"), 400),
    AWS_PREFIX: Refusal(_S3_TAG, "Your TagKey cannot be prefixed with aws:", ("TagKey",), 400)}

RULES = {
    # S3 object tags: at most 10 (x-amz-tagging, PutObjectTagging); bucket tags: at most 50.
    # Keys 1-128, values 0-256 Unicode characters; `aws:` is reserved. Source: S3 User Guide,
    # "Categorizing your storage using tags" and "Using cost allocation S3 bucket tags"; codes
    # and words as S3 answers them (tests/scenarios/s3/test_edges_bucket_extras.py).
    "s3-object": TagRules(max_tags=10, characters=_S3_CHARACTERS, refusals={
        TOO_MANY: Refusal("BadRequest", "Object tags cannot be greater than 10", status=400), **_S3_REFUSALS}),
    # A bucket's `aws:` key is refused in other words than an object's (recorded S3 replies:
    # LocalStack's AWS-validated snapshot, test_tagging_validation).
    # Its lengths count UTF-16 code units: 64 letters past U+FFFF make a full key, 65 are
    # refused (recorded: radkawar/stackd testdata/aws/s3/bucket_tags.json, put-key-astral-*).
    "s3-bucket": TagRules(max_tags=50, characters=_S3_CHARACTERS, utf16=True, refusals={
        TOO_MANY: Refusal(_S3_TAG, "Bucket tag count cannot be greater than 50", status=400), **_S3_REFUSALS,
        AWS_PREFIX: Refusal(_S3_TAG, "System tags cannot be added/updated by requester", ("TagKey",), 400)}),
    # Kinesis Data Streams: 50 tags per stream or consumer (Kinesis Developer Guide, "Tag your
    # resources"; the model lets one request carry more). Keys 1-128 and values 0-256 are model
    # constraints. Characters: Unicode letters, digits, the space (tab and newline are refused),
    # _ . / = + - @; `%` passes the first check and is refused by a second one. Words recorded
    # against live Kinesis in kinesalite's addTagsToStream / removeTagsFromStream tests. An `aws:`
    # key, and TagResource's tag too many (`{tail}`: " associated with it", `{label}`: "resource
    # <ARN>"), in the words of real Kinesis replies recorded in us-east-1 (radkawar/stackd
    # testdata/aws/kinesis/controls.json).
    "kinesis": TagRules(max_tags=50, characters=r"[\w ./=+\-%@]*", refused="%", refusals={
        TOO_MANY: Refusal("InvalidArgumentException",
                          "Failed to add tags to {label} under account {account} because a given resource "
                          "cannot have more than {max} tags{tail}."),
        AWS_PREFIX: Refusal("InvalidArgumentException",
                            "Some tag keys in the request started with 'aws:'. System tags cannot be modified."),
        CHARACTERS: Refusal("InvalidArgumentException", _KINESIS_CHARACTERS),
        REFUSED: Refusal("InvalidArgumentException",
                         "Failed to {action} {label} under account {account} because some tags contained "
                         "illegal characters. The allowed characters are Unicode letters, white-spaces, "
                         "'_',',','/','=','+','-','@'.")}),
    # Amazon Data Firehose: 50 tags per stream; keys 1-128, values 0-255; Unicode letters,
    # digits, white space, _ . / = + - @; `aws:` reserved. Source: Firehose Developer Guide,
    # "Know tag restrictions"; the API reference's Tag shape also lists %.
    "firehose": TagRules(max_tags=50, max_value=255, characters=r"[\w ./=+\-@]*", refusals={
        TOO_MANY: Refusal("LimitExceededException", None),
        CHARACTERS: Refusal("InvalidArgumentException", None),
        AWS_PREFIX: Refusal("InvalidArgumentException", None)}),
    # DynamoDB: 50 tags per resource, counted on the set the request leaves (also the keys
    # UntagResource names); keys 1-128, values 0-256; letters of any script, digits, white
    # space and + - = . _ : / @; `aws:` reserved in any case. Source: DynamoDB Developer Guide,
    # "Tagging restrictions"; codes and words as DynamoDB answered them (ValidationException
    # throughout, not the LimitExceededException the API reference lists), recorded by the
    # ack-api-quirks lab (DDB-TABLE-105/107/108/372) and ScyllaDB's test_tag.py.
    "dynamodb": TagRules(max_tags=50, characters=r"[\w\s+\-=._:/@]*", refusals={
        TOO_MANY: Refusal("ValidationException", "Number of Tags exceed the current limit for the provided ResourceArn"),
        DUPLICATE: Refusal("ValidationException", "Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}"),
        KEY_LENGTH: Refusal("ValidationException", "The Tag Key provided is invalid, Key: {key}"),
        VALUE_LENGTH: Refusal("ValidationException", "The Tag Value provided is invalid, Value: {value}"),
        AWS_PREFIX: Refusal("ValidationException", "Tag Key cannot be prefixed with aws:, Key: {key}"),
        KEY_CHARACTERS: Refusal("ValidationException", "The Tag Key provided is invalid, Key: {key}"),
        VALUE_CHARACTERS: Refusal("ValidationException", "The Tag Value provided is invalid, Value: {value}")}),
    # SQS: 50 tags per queue ("adding more than 50 tags to a queue isn't recommended"); keys
    # 1-128, values 0-256; case sensitive; `aws:` reserved. Source: SQS API reference TagQueue
    # and Developer Guide, "Quotas related to queues".
    "sqs": TagRules(max_tags=50, refusals={
        TOO_MANY: Refusal("InvalidParameterValue", None),
        AWS_PREFIX: Refusal("InvalidParameterValue", None)}),
    # KMS: 50 tags per key; keys 1-128, values 0-256 (may be empty; lengths are model constraints,
    # answered with a ValidationException); Unicode letters, digits, white space and _ . : / = + @ -;
    # `aws:` reserved in any case. Source: KMS API reference TagResource / Tag; CloudFormation
    # AWS::KMS::Key Tag. Codes and words as KMS answers them, recorded against AWS in LocalStack's
    # test_kms snapshots (duplicates, more than 50 tags, `aws:` / `AWS:`); a refused character
    # ("Invalid tag", `&` in a value) as a crossplane user's CloudTrail record shows it.
    "kms": TagRules(max_tags=50, characters=_S3_CHARACTERS, refusals={
        TOO_MANY: Refusal("TagException", "Too many tags"),
        DUPLICATE: Refusal("TagException", "Duplicate tag keys"),
        AWS_PREFIX: Refusal("TagException", "Tags beginning with aws: are reserved"),
        CHARACTERS: Refusal("TagException", "Invalid tag")}),
    # Glue: 50 tags per resource (TagsToAdd holds at most 50); keys 1-128, values 0-256; keys and
    # values "must not contain the prefix aws" (checked here, as for every service, on keys
    # starting with `aws:`). Source: Glue API reference, Tag and TagResource.
    "glue": TagRules(max_tags=50, refusals={
        TOO_MANY: Refusal("InvalidInputException", None),
        AWS_PREFIX: Refusal("InvalidInputException", None)}),
    # Athena: 50 tags per resource; keys 1-128, values 0-256; letters and numbers representable
    # in UTF-8 and + - = . _ : / @ (and spaces). Source: Athena API reference, Tag; User Guide,
    # "Tag restrictions".
    "athena": TagRules(max_tags=50, characters=r"[\w\s+\-=._:/@]*", refusals={
        TOO_MANY: Refusal("TooManyTagsException", None),
        CHARACTERS: Refusal("InvalidRequestException", None),
        AWS_PREFIX: Refusal("InvalidRequestException", None)}),
}

_COMPILED = {}


def check_tags(service: str, pairs, **details):
    """Refuse, in `service`'s words, tags (a dict, or (key, value) pairs when the request
    may repeat a key) that break its rules. `details` fill the message templates."""
    rules = RULES[service]
    pairs = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
    seen = set()
    for key, value in pairs:
        if key in seen:
            _refuse(rules, DUPLICATE, details, key, value)
        seen.add(key)
        if not key or _length(rules, key) > rules.max_key:
            _refuse(rules, KEY_LENGTH, details, key, value)
        if _length(rules, value) > rules.max_value:
            _refuse(rules, VALUE_LENGTH, details, key, value)
        if key.lower().startswith("aws:"):
            _refuse(rules, AWS_PREFIX, details, key, value)
        if KEY_CHARACTERS in rules.refusals and not _pattern(rules).fullmatch(key):
            _refuse(rules, KEY_CHARACTERS, details, key, value)
        if VALUE_CHARACTERS in rules.refusals and not _pattern(rules).fullmatch(value):
            _refuse(rules, VALUE_CHARACTERS, details, key, value)
    _check_characters(rules, [text for pair in pairs for text in pair], details)


def _length(rules: TagRules, text: str) -> int:
    return len(text.encode("utf-16-le")) // 2 if rules.utf16 else len(text)


def check_keys(service: str, keys, **details):
    """Refuse tag keys named for removal whose characters the service refuses (Kinesis
    checks RemoveTagsFromStream's keys as it checks new tags)."""
    keys = list(keys)
    _check_characters(RULES[service], keys, details)


def check_count(service: str, keys, **details):
    """Refuse more tags on one resource than the service allows (`keys`: all the keys
    the resource would have)."""
    rules = RULES[service]
    if len(keys) > rules.max_tags:
        _refuse(rules, TOO_MANY, details)


def _check_characters(rules, texts, details):
    if rules.characters is None:
        return
    pattern = _pattern(rules)
    if any(not pattern.fullmatch(text) for text in texts):
        _refuse(rules, CHARACTERS, details)
    if rules.refused and any(char in text for text in texts for char in rules.refused):
        _refuse(rules, REFUSED, details)


def _pattern(rules):
    pattern = _COMPILED.get(rules.characters)
    if pattern is None:
        pattern = _COMPILED[rules.characters] = re.compile(rules.characters)
    return pattern


def _refuse(rules, kind, details, key=None, value=None):
    refusal = rules.refusals.get(kind)
    if refusal is None:
        return
    message = refusal.message.format(max=rules.max_tags, key=key, value=value, **details) if refusal.message else None
    members = {"TagKey": key, "TagValue": value}
    raise AwsError(refusal.code, message, refusal.status, **{name: members[name] for name in refusal.members})
