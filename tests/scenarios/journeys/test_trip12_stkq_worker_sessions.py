"""Queue workers run as sessions of one role, each narrowed by the session policy its
launcher passes. A worker whose session policy grants the queue but not the queue's KMS
key cannot send to or receive from the encrypted queue, even right after another session
of the same name has used it: SQS asks KMS for it and passes KMS's refusal on, in KMS's
words followed by the service call's summary. A worker with the same session policy under
another name works. Recorded from real SQS: radkawar/stackd testdata/aws/sqs/cache_scope.json
(inline_limited_direct_key, inline_limited_send, inline_limited_receive, inline_same_send)."""
import json
import re

import boto3
from botocore.config import Config

from trip_helpers import KEY, SECRET, error_of

NO_RETRIES = Config(retries={"total_max_attempts": 1})
ROLE = "arn:aws:iam::000000000000:role/cache-worker"


def _worker(lakebox_server, name, **scope):
    sts = lakebox_server.client("sts", aws_access_key_id=KEY, aws_secret_access_key=SECRET, config=NO_RETRIES)
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName=name, **scope)
    credentials = answer["Credentials"]
    session = boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                            aws_secret_access_key=credentials["SecretAccessKey"],
                            aws_session_token=credentials["SessionToken"], region_name="us-east-1")
    return answer["AssumedRoleUser"]["Arn"], lambda service: session.client(
        service, endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)


def _kms_refusal(me, action, key_arn):
    return (re.escape(f"User: {me} is not authorized to perform: {action} on resource: {key_arn} because no "
                      f"session policy allows the {action} action")
            + r" \(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: [0-9a-f-]{36}; "
              r"Proxy: null\)")


def test_a_worker_without_the_key_in_its_session_policy(lakebox_server, client, sqs_queues, kms_keys):
    key = kms_keys()
    url = sqs_queues("cache-worker-warm", KmsMasterKeyId=key["Arn"])
    queue_arn = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_only = {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": [queue_arn]}
    with_key = {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": key["Arn"]}

    _, unscoped = _worker(lakebox_server, "shared")
    sent = unscoped("sqs").send_message(QueueUrl=url, MessageBody="unscoped")

    me, limited = _worker(lakebox_server, "shared", Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [queue_only]}))
    code, message = error_of(limited("kms").generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256")
    assert (code, message) == ("AccessDeniedException", f"User: {me} is not authorized to perform: "
                               f"kms:GenerateDataKey on resource: {key['Arn']} because no session policy allows "
                               "the kms:GenerateDataKey action")
    code, message = error_of(limited("sqs").send_message, QueueUrl=url, MessageBody="limited")
    assert code == "KMS.AccessDeniedException"
    assert re.fullmatch(_kms_refusal(me, "kms:GenerateDataKey", key["Arn"]), message), message
    code, message = error_of(limited("sqs").receive_message, QueueUrl=url)
    assert code == "KMS.AccessDeniedException"
    assert re.fullmatch(_kms_refusal(me, "kms:Decrypt", key["Arn"]), message), message

    _, same = _worker(lakebox_server, "other-name", Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [queue_only, with_key]}))
    same("sqs").send_message(QueueUrl=url, MessageBody="same")
    got = same("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    assert sent["MessageId"] in [m["MessageId"] for m in got]
