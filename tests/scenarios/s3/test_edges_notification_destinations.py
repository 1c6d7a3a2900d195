"""A notification configuration is checked before it is kept: each destination's ARN must
be well formed for its kind, in the bucket's region, and an SQS queue must exist (unless
the request sets `x-amz-skip-destination-validation`). A refused configuration changes
nothing.

Sources: PutBucketNotificationConfiguration API reference ("Amazon S3 first verifies that
any ... destination exists ... by sending a test notification"; the
`x-amz-skip-destination-validation` header); error words as recorded against S3 in the
test suites of S3 reimplementations (moto's `test_put_bucket_notification_errors`: "The
ARN is not well formed", "The notification destination service region is not valid for
the bucket location constraint"; Scality's "Unable to validate the following destination
configurations" / "The destination queue does not exist").
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


@pytest.mark.parametrize("kind,member,arn", [
    ("QueueConfigurations", "QueueArn", "not-an-arn"),
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
    assert (error["ArgumentName"], error["ArgumentValue"]) == (missing, "The destination queue does not exist")
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
