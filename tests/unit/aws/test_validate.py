"""The model-driven validator: AWS's exact ValidationException wording.

Several expectations below are real AWS answers quoted in public bug reports and logs
(noted per test); the others follow the same rules on the current models.
"""
import datetime

import botocore.session
import pytest

from lakebox.aws import javaregex, javatext
from lakebox.aws.errors import ValidationError
from lakebox.aws.validate import validate, validation_messages

_SESSION = botocore.session.get_session()
_MODELS = {}


def op(service, operation):
    if service not in _MODELS:
        _MODELS[service] = _SESSION.get_service_model(service)
    return _MODELS[service].operation_model(operation)


def message(service, operation, params):
    with pytest.raises(ValidationError) as caught:
        validate(op(service, operation), params)
    assert caught.value.code == "ValidationException"
    return caught.value.message


# --- the basic forms ---------------------------------------------------------------

def test_sts_assume_role_short_session_name():
    params = {"RoleArn": "arn:aws:iam::123456789012:role/demo", "RoleSessionName": "a"}
    assert message("sts", "AssumeRole", params) == (
        "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy "
        "constraint: Member must have length greater than or equal to 2")


def test_kinesis_create_stream_bad_name_pattern():
    params = {"StreamName": "bad name!", "ShardCount": 1}
    assert message("kinesis", "CreateStream", params) == (
        "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")


def test_missing_required_members():
    # SplitShard: two members required in every model since 1.43 (newer Kinesis models
    # made PutRecord's PartitionKey optional, so it no longer serves here).
    assert message("kinesis", "SplitShard", {"StreamName": "s"}) == (
        "2 validation errors detected: "
        "Value null at 'newStartingHashKey' failed to satisfy constraint: Member must not be null; "
        "Value null at 'shardToSplit' failed to satisfy constraint: Member must not be null")


def test_explicit_none_counts_as_missing():
    params = {"StreamName": "s", "Data": None, "PartitionKey": "k"}
    assert message("kinesis", "PutRecord", params) == (
        "1 validation error detected: Value null at 'data' failed to satisfy constraint: "
        "Member must not be null")


def test_several_errors_counted_one_per_broken_constraint():
    # Real Kinesis answer (mhart/kinesalite test/putRecords.js, asserted verbatim there).
    assert message("kinesis", "PutRecords", {"StreamName": "", "Records": []}) == (
        "3 validation errors detected: "
        "Value '[]' at 'records' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; "
        "Value '' at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
        "Value '' at 'streamName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1")


def test_nested_list_member_paths():
    params = {"StreamName": "s", "Records": [
        {"Data": b"ok", "PartitionKey": "k"},
        {"Data": b"", "PartitionKey": ""},
        {"PartitionKey": "p"},
    ]}
    assert message("kinesis", "PutRecords", params) == (
        "2 validation errors detected: "
        "Value '' at 'records.2.member.partitionKey' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; "
        "Value null at 'records.3.member.data' failed to satisfy constraint: "
        "Member must not be null")


def test_blob_length_prints_a_heap_byte_buffer():
    # Real form: 'java.nio.HeapByteBuffer[pos=0 lim=1049568 cap=1049568]' at
    # 'records.1.member.data' (a8m/kinesis-producer#18).
    big = b"x" * 10485761
    params = {"StreamName": "s", "Records": [{"Data": big, "PartitionKey": "k"}]}
    assert message("kinesis", "PutRecords", params) == (
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 "
        "cap=10485761]' at 'records.1.member.data' failed to satisfy constraint: "
        "Member must have length less than or equal to 10485760")


def test_enum_failure():
    params = {"StreamName": "s", "ShardId": "shardId-000000000000",
              "ShardIteratorType": "BOGUS"}
    assert message("kinesis", "GetShardIterator", params) == (
        "1 validation error detected: Value 'BOGUS' at 'shardIteratorType' failed to "
        "satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, "
        "AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]")


def test_range_failures():
    assert message("kinesis", "GetRecords", {"ShardIterator": "x", "Limit": 0}) == (
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1")
    assert message("kinesis", "GetRecords", {"ShardIterator": "x", "Limit": 10001}) == (
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy "
        "constraint: Member must have value less than or equal to 10000")


def test_list_of_scalars_is_summarised_at_the_list():
    params = {"StreamName": "s", "ShardLevelMetrics": ["Bogus"]}
    assert message("kinesis", "EnableEnhancedMonitoring", params) == (
        "1 validation error detected: Value '[Bogus]' at 'shardLevelMetrics' failed to "
        "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum "
        "value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, "
        "WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, "
        "IteratorAgeMilliseconds, ALL]]")


def test_map_keys_and_values():
    params = {"StreamName": "s", "Tags": {"": "v" * 257}}
    value = "{=" + "v" * 257 + "}"
    assert message("kinesis", "AddTagsToStream", params) == (
        "2 validation errors detected: "
        f"Value '{value}' at 'tags' failed to satisfy constraint: Map keys must satisfy "
        "constraint: [Member must have length less than or equal to 128, "
        "Member must have length greater than or equal to 1]; "
        f"Value '{value}' at 'tags' failed to satisfy constraint: Map value must satisfy "
        "constraint: [Member must have length less than or equal to 256, "
        "Member must have length greater than or equal to 0]")


def test_map_value_paths_and_map_level_value_summary():
    params = {"RequestItems": {"tbl": [{"PutRequest": {}}]}}
    assert message("dynamodb", "BatchWriteItem", params) == (
        "1 validation error detected: Value null at "
        "'requestItems.tbl.member.1.member.putRequest.item' failed to satisfy constraint: "
        "Member must not be null")
    assert message("dynamodb", "BatchWriteItem", {"RequestItems": {"a": []}}) == (
        "1 validation error detected: Value '{a=[]}' at 'requestItems' failed to satisfy "
        "constraint: Map value must satisfy constraint: [Member must have length less than "
        "or equal to 25, Member must have length greater than or equal to 1]")


def test_sensitive_values_are_not_printed():
    # Real Cognito answer shape (its password pattern was `^[\S]+.*[\S]+$` then).
    params = {"ClientId": "client", "Username": "", "Password": ""}
    assert message("cognito-idp", "SignUp", params) == (
        "3 validation errors detected: "
        "Value at 'password' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\S]+; "
        "Value at 'username' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+; "
        "Value at 'username' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1")


def test_structures_print_like_java_objects():
    # Real Firehose answer: Value '[Record(data=java.nio.HeapByteBuffer[pos=0 lim=15
    # cap=15]), ...]' at 'records' ... less than or equal to 500.
    params = {"DeliveryStreamName": "d", "Records": [{"Data": b"abc"}] * 501}
    printed = "[" + ", ".join(
        ["Record(data=java.nio.HeapByteBuffer[pos=0 lim=3 cap=3])"] * 501) + "]"
    assert message("firehose", "PutRecordBatch", params) == (
        f"1 validation error detected: Value '{printed}' at 'records' failed to satisfy "
        "constraint: Member must have length less than or equal to 500")


# --- order: Java hash-map iteration, as AWS reports it --------------------------------

def test_member_order_matches_aws_sns():
    # Real SNS answer quoted in a comment of an AWS SDK user's code.
    assert message("sns", "AddPermission", {"TopicArn": "arn:aws:sns:us-east-1:1:t"}) == (
        "3 validation errors detected: "
        "Value null at 'aWSAccountId' failed to satisfy constraint: Member must not be null; "
        "Value null at 'label' failed to satisfy constraint: Member must not be null; "
        "Value null at 'actionName' failed to satisfy constraint: Member must not be null")


def test_member_order_matches_aws_dynamodb_nested():
    # Live DynamoDB capture: writeCapacityUnits before readCapacityUnits.
    params = {"TableName": "tbl", "AttributeDefinitions": [], "KeySchema": [{}],
              "ProvisionedThroughput": {}}
    assert message("dynamodb", "CreateTable", params) == (
        "4 validation errors detected: "
        "Value null at 'keySchema.1.member.attributeName' failed to satisfy constraint: "
        "Member must not be null; "
        "Value null at 'keySchema.1.member.keyType' failed to satisfy constraint: "
        "Member must not be null; "
        "Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy "
        "constraint: Member must not be null; "
        "Value null at 'provisionedThroughput.readCapacityUnits' failed to satisfy "
        "constraint: Member must not be null")


def test_map_entries_print_in_java_order():
    # Real EventBridge answer, byte for byte.
    params = {"Rule": "r", "Targets": [{
        "Id": "t1", "Arn": "arn:aws:sns:us-east-1:123456789012:x",
        "InputTransformer": {"InputTemplate": "\"x\"", "InputPathsMap": {
            "Quem foi?": "$.detail.userIdentity.userName",
            "o que?": "$.detail.eventName",
            "de onde?": "$.detail.sourceIPAddress"}}}]}
    assert message("events", "PutTargets", params) == (
        "1 validation error detected: Value '{de onde?=$.detail.sourceIPAddress, "
        "Quem foi?=$.detail.userIdentity.userName, o que?=$.detail.eventName}' at "
        "'targets.1.member.inputTransformer.inputPathsMap' failed to satisfy constraint: "
        "Map keys must satisfy constraint: [Member must have length less than or equal to "
        "256, Member must have length greater than or equal to 1, Member must satisfy "
        "regular expression pattern: [A-Za-z0-9\\_\\-]+]")


def test_java_order_helper():
    assert javatext._java_string_hash("hello") == 99162322
    assert javatext._java_order(["shardCount", "streamName"]) == ["shardCount",
                                                                         "streamName"]
    assert javatext._java_order(["domain", "execution"]) == ["execution", "domain"]


# --- what is not checked ---------------------------------------------------------------

def test_s3_is_a_no_op():
    validate(op("s3", "PutObject"), {})
    validate(op("s3", "CreateBucket"), {"Bucket": "x"})
    assert validation_messages(op("s3", "PutObject"), {}) == []


def test_valid_input_and_unknown_members_pass():
    params = {"StreamName": "s", "Data": b"abc", "PartitionKey": "k", "Whatever": 1}
    validate(op("kinesis", "PutRecord"), params)
    assert validation_messages(op("kinesis", "PutRecord"), params) == []


def test_non_bytes_blob_bodies_are_skipped():
    class Spooled:
        size = 10
    validate(op("kinesis", "PutRecord"),
             {"StreamName": "s", "Data": Spooled(), "PartitionKey": "k"})


def test_strings_count_code_points():
    # 128 astral characters are 128 code points (256 UTF-16 units): within max 128
    name = "\U0001F600" * 128
    msgs = validation_messages(op("kinesis", "PutRecord"),
                               {"StreamName": name, "Data": b"", "PartitionKey": "k"})
    assert msgs == [f"Value '{name}' at 'streamName' failed to satisfy constraint: "
                    "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"]


def test_validation_messages_lists_the_parts():
    assert validation_messages(op("kinesis", "GetRecords"), {"Limit": 0}) == [
        "Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
        "Value null at 'shardIterator' failed to satisfy constraint: Member must not be null",
    ]


def test_timestamps_print_like_java_dates():
    when = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    assert javatext._format(None, when) == "Thu Jan 01 00:00:00 UTC 1970"
    assert javatext._format(None, 1.0) == "1.0"
    assert javatext._format(None, 1.5e-5) == "1.5E-5"
    assert javatext._format(None, True) == "true"


# --- Java regular expressions ----------------------------------------------------------

@pytest.mark.parametrize("pattern, value, matches", [
    ("[a-zA-Z0-9_.-]+", "a-b.c_1", True),
    ("[a-zA-Z0-9_.-]+", "", False),
    ("0|([1-9]\\d{0,38})", "0123", False),
    ("[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+", "h\u00e9llo!", True),
    ("[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+", "a b", False),
    ("\\P{C}+", "a\x00", False),
    ("\\p{Alnum}+", "ab1", True),
    # Java reads `\u10000` as `\u1000` then `0`, so astral characters fail (as on AWS)
    ("[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD"
     "\\u10000-\\u10FFFF]+", "\U0001F600", False),
    # an escaped surrogate pair is one supplementary character in Java
    ("[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*", "a\U0001F600", True),
    (".*", "a\nb", False),                     # Java's `.` stops at line terminators
    (".*", "a\rb", False),
    ("(?s).*", "a\nb", True),
    ("^[-_a-zA-Z0-9]*${2,64}$", "ab", True),   # Java accepts a quantified `$`
    ("[a-z]{2}{0,2}", "abcd", True),           # and a quantified quantifier
    ("[a-z]{2}{0,2}", "abc", False),
    ("\\Qa.b\\E", "a.b", True),
    ("\\Qa.b\\E", "axb", False),
    ("x(?i)abc", "xABC", True),
    ("x(?i)abc", "XABC", False),
    ("[a-z[0-9]]+", "a1", True),
    ("\\w+", "\u00e9", False),                 # ASCII \w, like Java
    ("a++b", "aab", True),
    ("[\\w-.]+", "a-.", True),
])
def test_java_patterns(pattern, value, matches):
    matcher = javaregex._pattern_matcher(pattern)
    assert matcher is not None
    assert (matcher(value) is not None) is matches


def test_untranslatable_pattern_is_skipped():
    assert javaregex._pattern_matcher("[\\p{Print}&&[^|:/]]+") is None
    assert javaregex._pattern_matcher("(unclosed") is None
    # ScalingPlanName carries that pattern: its length is still checked, nothing crashes
    params = {"ScalingPlanName": "", "ScalingPlanVersion": 1}
    assert message("autoscaling-plans", "DeleteScalingPlan", params) == (
        "1 validation error detected: Value '' at 'scalingPlanName' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1")


def test_every_model_pattern_compiles_or_is_skipped():
    failures = []
    for service in ("kinesis", "dynamodb", "sts", "iam", "glue", "athena", "firehose",
                    "lakeformation", "kms", "redshift-data", "emr", "sqs", "sns", "events"):
        model = _SESSION.get_service_model(service)
        for name in model.shape_names:
            pattern = model.shape_for(name).metadata.get("pattern")
            if pattern and javaregex._pattern_matcher(pattern) is None:
                failures.append((service, name, pattern))
    assert failures == []


# --- speed ---------------------------------------------------------------------------
