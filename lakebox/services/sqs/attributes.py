"""Queue attributes: defaults, AWS's checks on each settable attribute, and the
redrive policies (dead-letter queues and who may use a queue as one).

Stored attributes are the settable ones, as the strings AWS returns them; computed
ones (counts, timestamps, the ARN) are added when read."""
import json
import re

from lakebox.services.sqs.errors import InvalidAttributeName, InvalidAttributeValue, InvalidParameterValue
from lakebox.services.sqs.model import parse_queue_arn

INTEGER = re.compile(r"^\d{1,10}$")
RANGES = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43_200),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400),
}
CHOICES = {
    "SqsManagedSseEnabled": ("true", "false"),
    "ContentBasedDeduplication": ("true", "false"),
    "DeduplicationScope": ("messageGroup", "queue"),
    "FifoThroughputLimit": ("perQueue", "perMessageGroupId"),
}
DEFAULTS = {
    "DelaySeconds": "0",
    "MaximumMessageSize": "1048576",
    "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "0",
    "VisibilityTimeout": "30",
    "SqsManagedSseEnabled": "true",
}
FIFO_DEFAULTS = {"FifoQueue": "true", "ContentBasedDeduplication": "false", "DeduplicationScope": "queue",
                 "FifoThroughputLimit": "perQueue"}
FIFO_ONLY = ("ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit")
# A standard queue given these is told so in other words than "Unknown Attribute"
# (recorded from AWS: localstack's test_create_standard_queue_with_fifo_attribute_raises_error
# snapshot, 2024).
HIGH_THROUGHPUT = ("DeduplicationScope", "FifoThroughputLimit")
SETTABLE = (*RANGES, *CHOICES, "Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId")
COMPUTED = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn")
KMS_DEFAULT_REUSE = "300"
MAX_RECEIVE_COUNT = (1, 1000)
REDRIVE_PERMISSIONS = ("allowAll", "denyAll", "byQueue")
MAX_REDRIVE_SOURCES = 10


def is_fifo_request(attributes: dict) -> bool:
    return attributes.get("FifoQueue", "").lower() == "true"


def initial(attributes: dict, fifo: bool, find_queue, source_arn: str | None = None) -> dict:
    """The stored attributes of a new queue (`source_arn`, its ARN): defaults, then the
    checked request."""
    if "FifoQueue" in attributes and attributes["FifoQueue"].lower() not in ("true", "false"):
        raise InvalidAttributeValue("Invalid value for the parameter FifoQueue.")
    given = {k: v for k, v in attributes.items() if k != "FifoQueue"}
    stored = dict(DEFAULTS, **(FIFO_DEFAULTS if fifo else {}))
    return apply(stored, given, fifo, find_queue, source_arn)


def apply(stored: dict, changes: dict, fifo: bool, find_queue, source_arn: str | None = None) -> dict:
    """The stored attributes after `changes`, all checked before any is applied.
    `find_queue(arn)` -> the queue row of an ARN, or None (for redrive targets);
    `source_arn`: the ARN of the queue they are for (a redrive target may refuse it)."""
    result = dict(stored)
    for name, value in changes.items():
        if name in HIGH_THROUGHPUT and not fifo:
            raise InvalidAttributeName(f"You can specify the {name} only when FifoQueue is set to true.")
        if name not in SETTABLE or (name in FIFO_ONLY and not fifo):
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
        checked = _check(name, value, fifo, find_queue, source_arn)
        if checked is None:
            result.pop(name, None)
        else:
            result[name] = checked
    if "KmsMasterKeyId" in changes:
        if result.get("KmsMasterKeyId"):
            result.setdefault("KmsDataKeyReusePeriodSeconds", KMS_DEFAULT_REUSE)
            if "SqsManagedSseEnabled" not in changes:
                result["SqsManagedSseEnabled"] = "false"      # a KMS key replaces SSE-SQS
        else:
            result.pop("KmsMasterKeyId", None)
            result.pop("KmsDataKeyReusePeriodSeconds", None)
    if result.get("SqsManagedSseEnabled") == "true" and result.get("KmsMasterKeyId"):
        # AWS answers this one as InvalidAttributeName (recorded from AWS: localstack's
        # test_sse_kms_and_sqs_are_mutually_exclusive, 2022 and 2023).
        raise InvalidAttributeName("You can use one type of server-side encryption (SSE) at one time. "
                                   "You can either enable KMS SSE or SQS SSE.")
    if result.get("FifoThroughputLimit") == "perMessageGroupId" and result.get("DeduplicationScope") == "queue":
        raise InvalidAttributeValue("The perMessageGroupId value is allowed only when the value for "
                                    "DeduplicationScope is messageGroup.")
    return result


def _check(name, value, fifo, find_queue, source_arn):
    if name in RANGES:
        low, high = RANGES[name]
        if not INTEGER.match(value) or not low <= int(value) <= high:
            raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
        return str(int(value))
    if name in CHOICES:
        choices = CHOICES[name]
        picked = value.lower() if choices[0] == "true" else value
        if picked not in choices:
            raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
        return picked
    if name == "Policy":
        return _policy(value)
    if name == "RedrivePolicy":
        return redrive_policy(value, fifo, find_queue, source_arn) if value else None
    if name == "RedriveAllowPolicy":
        return redrive_allow_policy(value) if value else None
    return value or None                                  # KmsMasterKeyId


def _policy(value: str):
    if not value:
        return None
    try:
        document = json.loads(value)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise InvalidAttributeValue("Invalid value for the parameter Policy.")
    return value


def _redrive_error(value, reason):
    return InvalidParameterValue(f"Value {value} for parameter RedrivePolicy is invalid. Reason: {reason}")


def redrive_policy(value: str, fifo: bool, find_queue, source_arn: str | None = None) -> str:
    try:
        policy = json.loads(value)
    except ValueError:
        policy = None
    if not isinstance(policy, dict):
        raise _redrive_error(value, "Redrive policy is not a valid JSON map.")
    for key in ("deadLetterTargetArn", "maxReceiveCount"):
        if key not in policy:
            raise _redrive_error(value, f"Redrive policy does not contain mandatory attribute: {key}.")
    unknown = sorted(set(policy) - {"deadLetterTargetArn", "maxReceiveCount"})
    if unknown:
        raise _redrive_error(value, "Only following attributes are supported: [deadLetterTargetArn, "
                                    "maxReceiveCount].")
    count = str(policy["maxReceiveCount"])
    low, high = MAX_RECEIVE_COUNT
    if not INTEGER.match(count) or not low <= int(count) <= high:
        raise _redrive_error(value, f"Invalid value for maxReceiveCount: {policy['maxReceiveCount']}, valid "
                                    f"values are from {low} to {high} both inclusive.")
    if parse_queue_arn(str(policy["deadLetterTargetArn"])) is None:
        raise _redrive_error(value, "Invalid value for deadLetterTargetArn.")
    target = find_queue(str(policy["deadLetterTargetArn"]))
    if target is None:
        raise _redrive_error(value, "Dead letter target does not exist.")
    if bool(target["fifo"]) != fifo:
        raise _redrive_error(value, "Dead-letter queue must be same type of queue as the source..")
    # The dead-letter queue's RedriveAllowPolicy says which sources may name it (AWS's
    # wording of this refusal is not on public record; the shape is RedrivePolicy's own).
    if source_arn is not None and not redrive_allows(json.loads(target["attributes"]).get("RedriveAllowPolicy"),
                                                     source_arn):
        raise _redrive_error(value, f"Queue {policy['deadLetterTargetArn']} does not allow {source_arn} to use it "
                                    "as a dead-letter queue.")
    return json.dumps({"deadLetterTargetArn": policy["deadLetterTargetArn"], "maxReceiveCount": int(count)},
                      separators=(",", ":"))


def redrive_allow_policy(value: str) -> str:
    def invalid(reason):
        return InvalidParameterValue(f"Value {value} for parameter RedriveAllowPolicy is invalid. Reason: {reason}")
    try:
        policy = json.loads(value)
    except ValueError:
        policy = None
    if not isinstance(policy, dict):
        raise invalid("Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.")
    permission = policy.get("redrivePermission")
    if permission not in REDRIVE_PERMISSIONS:
        raise invalid("Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.")
    sources = policy.get("sourceQueueArns")
    if permission == "byQueue":
        if not isinstance(sources, list) or not sources:
            raise invalid("Amazon SQS can't create the redrive allow policy. When you specify the byQueue "
                          "permission type, you must also specify one or more sourceQueueArns values.")
        if len(sources) > MAX_REDRIVE_SOURCES:
            raise invalid("Amazon SQS can't create the redrive allow policy. The maximum number of source "
                          f"queue ARNs you can specify is {MAX_REDRIVE_SOURCES}.")
    elif sources is not None:
        raise invalid("Amazon SQS can't create the redrive allow policy. To specify one or more source queue "
                      "ARNs, you must set redrivePermission to byQueue.")
    return value


def redrive_allows(allow_policy: str | None, source_arn: str) -> bool:
    """Whether a queue with this RedriveAllowPolicy accepts `source_arn` as a source."""
    if not allow_policy:
        return True
    policy = json.loads(allow_policy)
    if policy["redrivePermission"] == "denyAll":
        return False
    return policy["redrivePermission"] == "allowAll" or source_arn in policy.get("sourceQueueArns", [])


def first_difference(stored: dict, wanted: dict, requested) -> str | None:
    """The first requested attribute whose (checked) value differs from the stored one:
    CreateQueue of an existing name is idempotent only with the same attributes."""
    for name in requested:
        if name != "FifoQueue" and stored.get(name) != wanted.get(name):
            return name
    return None


def requested_names(names, fifo: bool) -> list:
    """The attribute names GetQueueAttributes answers for: every one for `All`."""
    every = [*COMPUTED, *DEFAULTS, "Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId",
             "KmsDataKeyReusePeriodSeconds"]
    if fifo:
        every += [*FIFO_DEFAULTS]
    known = set(every) | set(FIFO_DEFAULTS)
    wanted = []
    for name in names or ():
        if name == "All":
            return every
        if name not in known:
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
        wanted.append(name)
    return wanted


def int_attribute(attributes: dict, name: str) -> int:
    return int(attributes.get(name, DEFAULTS.get(name, "0")))

