"""Pure SQS logic: names, URLs and ARNs, receipt handles, the MD5 digests clients
verify, and the checks on message bodies and batches."""
import base64
import hashlib
import math
import random
import re
import struct
import uuid
from urllib.parse import urlsplit

from lakebox.kit import arns
from lakebox.services.sqs.errors import (BatchEntryIdsNotDistinct, EmptyBatchRequest, InvalidAddress,
                                         InvalidBatchEntryId, InvalidMessageContents, InvalidParameterValue,
                                         MissingParameter, QueueDoesNotExist, ReceiptHandleIsInvalid,
                                         TooManyEntriesInBatchRequest)

QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
FIFO_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,75}\.fifo$")
BATCH_ENTRY_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
MAX_BATCH_ENTRIES = 10
MAX_BATCH_BYTES = 1_048_576
# XML 1.0's characters: what SQS accepts in a body and in string attribute values.
INVALID_BODY_CHARS = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ACCOUNT = re.compile(r"^\d{12}$")


# --- names, URLs, ARNs ----------------------------------------------------------------

def check_queue_name(name: str, fifo: bool):
    if fifo:
        if not FIFO_QUEUE_NAME.match(name):
            raise InvalidParameterValue(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                "must end with .fifo suffix and be 1 to 80 in length.")
    elif not QUEUE_NAME.match(name):
        raise InvalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. "
                                    "1 to 80 in length")


def queue_url(host: str, account: str, name: str) -> str:
    return f"http://{host}/{account}/{name}"


def queue_arn(region: str, account: str, name: str) -> str:
    return arns.build("sqs", region, account, name)


def parse_queue_url(url: str, default_account: str) -> tuple[str, str]:
    """(account, name) a QueueUrl names. Any host is accepted (clients route on their
    endpoint); the path is `/<account>/<name>`. A bare name or `/<name>` means the
    caller's own account, as AWS's own endpoints accept."""
    path = urlsplit(url).path if "://" in url else url
    parts = [p for p in path.split("/") if p]
    if len(parts) == 1:
        return default_account, parts[0]
    if len(parts) == 2 and ACCOUNT.match(parts[0]):
        return parts[0], parts[1]
    if not parts:
        raise QueueDoesNotExist()
    raise InvalidAddress(f"The address {url} is not valid for this endpoint.")


def parse_queue_arn(arn: str):
    """(region, account, name), or None for what is no SQS queue ARN."""
    parsed = arns.parse(arn)
    if parsed is None or parsed.service != "sqs" or not parsed.account or ":" in parsed.resource:
        return None
    return parsed.region, parsed.account, parsed.resource


def message_id() -> str:
    """A new message id: a random (version 4) UUID, from Python's generator rather than
    the OS's (ids need to be unique, not secret; a syscall per message costs)."""
    return str(uuid.UUID(int=random.getrandbits(128), version=4))


# --- receipt handles --------------------------------------------------------------------

def receive_token() -> str:
    """What tells one receive of a message from the next (in its receipt handle)."""
    return f"{random.getrandbits(64):016x}"


def receipt_handle(queue_uid: int, seq: int, token: str) -> str:
    """Opaque to clients: the message's queue and row, and the token of this receive
    (a later receive gets a new one, so an older handle no longer matches)."""
    raw = f"lakebox-sqs:{queue_uid}:{seq}:{token}".encode()
    return base64.b64encode(raw).decode()


def parse_receipt_handle(handle: str) -> tuple[int, int, str]:
    try:
        text = base64.b64decode(handle.encode(), validate=True).decode()
        tag, queue_uid, seq, token = text.split(":")
        if tag != "lakebox-sqs":
            raise ValueError(tag)
        return int(queue_uid), int(seq), token
    except (ValueError, UnicodeError):
        raise ReceiptHandleIsInvalid(f'The input receipt handle "{handle}" is not a valid receipt handle.') from None


# --- digests ------------------------------------------------------------------------------

def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def _length_prefixed(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def md5_of_attributes(attributes: dict) -> str | None:
    """MD5 of message (or message system) attributes as SQS computes it: for each name in
    sorted order, the name, the data type, a transport byte (1 string, 2 binary) and the
    value, each length-prefixed (4 bytes, big-endian) but the transport byte."""
    if not attributes:
        return None
    digest = hashlib.md5()
    for name in sorted(attributes):
        value = attributes[name]
        digest.update(_length_prefixed(name.encode()))
        digest.update(_length_prefixed(value["DataType"].encode()))
        if "BinaryValue" in value:
            digest.update(b"\x02" + _length_prefixed(value["BinaryValue"]))
        else:
            digest.update(b"\x01" + _length_prefixed(value["StringValue"].encode()))
    return digest.hexdigest()


def content_dedup_id(body: str) -> str:
    """Content-based deduplication: SHA-256 of the body (attributes are not part of it)."""
    return hashlib.sha256(body.encode()).hexdigest()


# --- message checks ----------------------------------------------------------------------

def check_body(body: str):
    if body == "":
        # MissingParameter, as AWS answers an empty body (recorded in localstack's
        # test_send_empty_message snapshot, 2025).
        raise MissingParameter("The request must contain the parameter MessageBody.")
    if INVALID_BODY_CHARS.search(body):
        raise InvalidMessageContents(
            "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | "
            "#xE000 to #xFFFD | #x10000 to #x10FFFF")


# Group and deduplication ids: "alphanumeric and punctuation", printable ASCII without the space.
MESSAGE_TOKEN = re.compile(r"^[!-~]{1,128}$")


def check_message_token(parameter: str, value: str):
    """A MessageGroupId or MessageDeduplicationId as given, whatever the queue type."""
    if not MESSAGE_TOKEN.match(value):
        raise InvalidParameterValue(f"Value {value} for parameter {parameter} is invalid. Reason: {parameter} can "
                                    "only include alphanumeric and punctuation characters. 1 to 128 in length.")


MESSAGE_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
DATA_TYPE = re.compile(r"^(String|Number|Binary)(\.[^\s]{1,256})?$")
MAX_MESSAGE_ATTRIBUTES = 10


def check_message_attributes(attributes: dict) -> int:
    """Check message attributes; returns the bytes they count toward the message size
    (names, data types and values)."""
    if len(attributes) > MAX_MESSAGE_ATTRIBUTES:
        raise InvalidParameterValue(f"Number of message attributes [{len(attributes)}] exceeds the allowed "
                                    f"maximum [{MAX_MESSAGE_ATTRIBUTES}].")
    size = 0
    for name, value in attributes.items():
        _check_attribute_name(name)
        data_type = value.get("DataType")
        if not data_type:
            raise InvalidParameterValue(f"The message attribute '{name}' must contain non-empty message "
                                        "attribute type.")
        base = data_type.split(".", 1)[0]
        if not DATA_TYPE.match(data_type):
            raise InvalidParameterValue(f"The type of message (user) attribute '{name}' is invalid. You must use "
                                        "only the following supported type prefixes: Binary, Number, String.")
        if value.get("StringListValues") or value.get("BinaryListValues"):
            raise InvalidParameterValue("Message attribute list values in SendMessage operation are not "
                                        "supported.")
        if base == "Binary":
            data = value.get("BinaryValue")
            if not data:
                raise _empty_value(name, data_type)
            size += len(data)
        else:
            text = value.get("StringValue")
            if text is None or text == "":
                raise _empty_value(name, data_type)
            if base == "Number" and not _is_number(text):
                raise InvalidParameterValue(f"Can't cast the value of message (user) attribute '{name}' to a "
                                            "number.")
            if INVALID_BODY_CHARS.search(text):
                raise InvalidParameterValue(f"Message (user) attribute '{name}' value contains invalid "
                                            "characters.")
            size += len(text.encode())
        size += len(name.encode()) + len(data_type.encode())
    return size


def _empty_value(name: str, data_type: str) -> InvalidParameterValue:
    """AWS's words for an attribute without a value (recorded from AWS for an empty
    String value: localstack's test_send_message_with_empty_string_attribute, 2023)."""
    return InvalidParameterValue(f"Message (user) attribute '{name}' must contain a non-empty value of type "
                                 f"'{data_type}'.")


def _check_attribute_name(name: str):
    lowered = name.lower()
    if (not MESSAGE_ATTRIBUTE_NAME.match(name) or name.startswith(".") or name.endswith(".") or ".." in name
            or lowered.startswith("aws.") or lowered.startswith("amazon.")):
        raise InvalidParameterValue(f"Message (user) attribute name '{name}' is invalid. The attribute name "
                                    "can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) "
                                    "characters.")


def _is_number(text: str) -> bool:
    """A decimal number: NaN and infinities are words, not numbers, to SQS."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def stored_attributes(attributes: dict) -> dict:
    """Only the members a message attribute keeps (the model allows list members too)."""
    kept = {}
    for name, value in attributes.items():
        entry = {"DataType": value["DataType"]}
        if "BinaryValue" in value and value["DataType"].startswith("Binary"):
            entry["BinaryValue"] = value["BinaryValue"]
        else:
            entry["StringValue"] = value["StringValue"]
        kept[name] = entry
    return kept


def batch_result(successful: list, failed: list) -> dict:
    """A batch call's answer. AWS leaves out a list with no entries (a SendMessageBatch
    that all succeeded has no Failed: recorded in localstack's
    test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size
    snapshot, 2024; before, the JSON protocol sent `"Failed": []`)."""
    result = {}
    if successful:
        result["Successful"] = successful
    if failed:
        result["Failed"] = failed
    return result


def check_batch_ids(entries: list, entry_shape: str):
    """The checks every batch call makes before any entry is tried."""
    if not entries:
        raise EmptyBatchRequest(f"There should be at least one {entry_shape} in the request.")
    if len(entries) > MAX_BATCH_ENTRIES:
        raise TooManyEntriesInBatchRequest(
            f"Maximum number of entries per request are {MAX_BATCH_ENTRIES}. You have sent {len(entries)}.")
    seen = set()
    for entry in entries:
        entry_id = entry["Id"]
        if not BATCH_ENTRY_ID.match(entry_id):
            raise InvalidBatchEntryId()
        if entry_id in seen:
            raise BatchEntryIdsNotDistinct(f"Id {entry_id} repeated.")
        seen.add(entry_id)


# --- attribute name filters on receive ---------------------------------------------------------

def wants(names, name: str) -> bool:
    """Whether a list of requested attribute names (with `All`, `*`, `.*` and `prefix.*`)
    asks for `name`. `prefix.*` is every name that starts with `prefix`: AWS answers
    ["Hel.*"] with both "Hello" and "Help.Me", and ["*"] with every attribute (recorded
    in localstack's test_receive_message_message_attribute_names_filters snapshot, 2024)."""
    for wanted in names or ():
        if wanted in ("All", "*", ".*") or wanted == name:
            return True
        if wanted.endswith(".*") and name.startswith(wanted[:-2]):
            return True
    return False
