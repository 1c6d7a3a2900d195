"""A notification configuration is checked before it is kept: each destination's ARN must
be well formed for its kind, in the bucket's region, and an SQS queue must exist (unless
the request sets `x-amz-skip-destination-validation`). A refused configuration changes
nothing.

Sources: PutBucketNotificationConfiguration API reference ("Amazon S3 first verifies that
any ... destination exists ... by sending a test notification"; the
`x-amz-skip-destination-validation` header); error words as recorded against S3 in the
test suites of S3 reimplementations (moto's `test_put_bucket_notification_errors`: "The
ARN is not well formed", "The notification destination service region is not valid for
the bucket location constraint"); S3's own replies recorded by LocalStack's AWS-validated
snapshots (test_s3_notifications_sqs.snapshot.json: "The ARN could not be parsed" with the
wire name `Queue`; "Unable to validate the following destination configurations" naming
each missing queue in ArgumentName1/ArgumentValue1, ArgumentName2/...; "filter rule name
must be either prefix or suffix" for FilterRule.Name; rule names kept as Prefix/Suffix
whatever their case).
"""
import pytest

from s3_helpers import error_of

EVENTS = ["s3:ObjectCreated:*"]


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("notify-dest")


@pytest.fixture
def queue_arn(lakebox_server, bucket):
    sqs = lakebox_server.client("sqs")
    url = sqs.create_queue(QueueName=f"dest-{bucket}"[:80])["QueueUrl"]
    yield sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.delete_queue(QueueUrl=url)


def _refused(s3, bucket, config):
    code, status, response = error_of(s3.put_bucket_notification_configuration, Bucket=bucket,
                                      NotificationConfiguration=config)
    assert (code, status) == ("InvalidArgument", 400)
    return response["Error"]


@pytest.mark.parametrize("kind,member,arn,wire", [
    ("QueueConfigurations", "QueueArn", "invalid-queue", "Queue"),
    ("TopicConfigurations", "TopicArn", "not-an-arn", "Topic"),
    ("LambdaFunctionConfigurations", "LambdaFunctionArn", "my-function", "CloudFunction"),
])
def test_an_arn_that_does_not_parse_is_named_by_its_wire_name(s3, bucket, kind, member, arn, wire):
    for skip in (False, True):
        code, status, response = error_of(s3.put_bucket_notification_configuration, Bucket=bucket,
                                          NotificationConfiguration={kind: [{member: arn, "Events": EVENTS}]},
                                          SkipDestinationValidation=skip)
        assert (code, status) == ("InvalidArgument", 400)
        assert {k: response["Error"][k] for k in ("Message", "ArgumentName", "ArgumentValue")} == {
            "Message": "The ARN could not be parsed", "ArgumentName": wire, "ArgumentValue": arn}


@pytest.mark.parametrize("kind,member,arn", [
    ("QueueConfigurations", "QueueArn", "arn:aws:sns:us-east-1:123456789012:a-topic"),
    ("TopicConfigurations", "TopicArn", "arn:aws:sqs:us-east-1:123456789012:a-queue"),
    ("LambdaFunctionConfigurations", "LambdaFunctionArn", "arn:aws:{}:us-east-1:012345678910:lksajdfkldskfj"),
])
def test_an_arn_not_of_its_kind_is_not_well_formed(s3, bucket, kind, member, arn):
    error = _refused(s3, bucket, {kind: [{member: arn, "Events": EVENTS}]})
    assert error["Message"] == "The ARN is not well formed"
    assert s3.get_bucket_notification_configuration(Bucket=bucket).get(kind) is None


def test_a_destination_in_another_region_is_refused(s3, bucket):
    error = _refused(s3, bucket, {"QueueConfigurations": [
        {"QueueArn": "arn:aws:sqs:us-west-2:123456789012:elsewhere", "Events": EVENTS}]})
    assert error["Message"] == ("The notification destination service region is not valid for the bucket "
                                "location constraint")


def test_a_queue_that_does_not_exist_is_refused_unless_validation_is_skipped(s3, bucket):
    missing = "arn:aws:sqs:us-east-1:000000000000:no-such-queue-for-notifications"
    error = _refused(s3, bucket, {"QueueConfigurations": [{"QueueArn": missing, "Events": EVENTS}]})
    assert error["Message"] == "Unable to validate the following destination configurations"
    assert (error["ArgumentName1"], error["ArgumentValue1"]) == (missing, "The destination queue does not exist")
    assert "ArgumentName" not in error
    s3.put_bucket_notification_configuration(Bucket=bucket, SkipDestinationValidation=True, NotificationConfiguration={
        "QueueConfigurations": [{"Id": "later", "QueueArn": missing, "Events": EVENTS}]})
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"][0]["QueueArn"] == missing


def test_an_existing_queue_is_kept_and_told(lakebox_server, s3, bucket, queue_arn):
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "QueueConfigurations": [{"Id": "q", "QueueArn": queue_arn, "Events": EVENTS}]})
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"] == \
        [{"Id": "q", "QueueArn": queue_arn, "Events": EVENTS}]
    sqs = lakebox_server.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_arn.rsplit(":", 1)[1])["QueueUrl"]
    message = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]
    assert '"Event": "s3:TestEvent"' in message["Body"]


def test_a_refused_entry_leaves_the_configuration_as_it_was(s3, bucket, queue_arn):
    kept = {"QueueConfigurations": [{"Id": "q", "QueueArn": queue_arn, "Events": EVENTS}]}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=kept)
    _refused(s3, bucket, {"QueueConfigurations": kept["QueueConfigurations"] + [
        {"Id": "bad", "QueueArn": "arn:aws:sqs:us-east-1:000000000000:missing-one", "Events": EVENTS}]})
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"] == \
        kept["QueueConfigurations"]


def test_every_missing_queue_is_named_in_one_refusal(s3, bucket, queue_arn):
    gone = [f"arn:aws:sqs:us-east-1:000000000000:no-such-queue-{n}" for n in (1, 2)]
    error = _refused(s3, bucket, {"QueueConfigurations": [
        {"QueueArn": gone[0], "Events": ["s3:ObjectCreated:*"]},
        {"QueueArn": queue_arn, "Events": ["s3:ObjectRemoved:*"]},
        {"QueueArn": gone[1], "Events": ["s3:ObjectTagging:*"]}]})
    assert {k: v for k, v in error.items() if k.startswith("Argument")} == {
        "ArgumentName1": gone[0], "ArgumentValue1": "The destination queue does not exist",
        "ArgumentName2": gone[1], "ArgumentValue2": "The destination queue does not exist"}
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)


def test_filter_rule_names_are_taken_in_any_case_and_kept_capitalised(s3, bucket, queue_arn):
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [
        {"Id": "txt", "QueueArn": queue_arn, "Events": EVENTS, "Filter": {"Key": {"FilterRules": [
            {"Name": "suffix", "Value": ".txt"}, {"Name": "PREFIX", "Value": "notif-"}]}}}]})
    [kept] = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    assert kept["Filter"]["Key"]["FilterRules"] == [{"Name": "Suffix", "Value": ".txt"},
                                                    {"Name": "Prefix", "Value": "notif-"}]


def test_a_filter_rule_of_another_name_or_a_second_prefix_is_refused(s3, bucket, queue_arn):
    def with_rules(*rules):
        return {"QueueConfigurations": [{"QueueArn": queue_arn, "Events": EVENTS,
                                         "Filter": {"Key": {"FilterRules": list(rules)}}}]}
    error = _refused(s3, bucket, with_rules({"Name": "INVALID", "Value": "does not matter"}))
    assert {k: error[k] for k in ("Message", "ArgumentName", "ArgumentValue")} == {
        "Message": "filter rule name must be either prefix or suffix", "ArgumentName": "FilterRule.Name",
        "ArgumentValue": "INVALID"}
    # No recorded reply of S3's: the words S3-compatible servers and the AWS CDK give.
    assert _refused(s3, bucket, with_rules({"Name": "prefix", "Value": "a/"}, {"Name": "Prefix", "Value": "b/"}))[
        "Message"] == "Cannot specify more than one prefix rule in a filter."
    assert _refused(s3, bucket, with_rules({"Name": "suffix", "Value": ".a"}, {"Name": "suffix", "Value": ".b"}))[
        "Message"] == "Cannot specify more than one suffix rule in a filter."
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
