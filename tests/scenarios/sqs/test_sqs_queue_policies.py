"""Queue policies decide who of another account may use a queue: a statement allowing
`sqs:<Action>` on the queue's ARN to the caller (Principal "*", an account id, its root,
a role, whose sessions it names), none denying it; an explicit Deny binds the owner's
account too; the actions "cross-account permissions don't apply to" (SQS Developer
Guide, "Limitations of Amazon SQS custom policies") stay the owner's whatever the policy
says; a batch action is judged as its single form.

The refusal: the query code AccessDenied, HTTP 403, IAM's words with the action in lower
case, as recorded from AWS ("User: arn:aws:iam::...:user/uname is not authorized to
perform: sqs:receivemessage on resource: arn:aws:sqs:us-west-2:...:queue because no
resource-based policy allows the sqs:receivemessage action"). GetQueueUrl with
QueueOwnerAWSAccountId answers a queue the caller may not see as a missing one.

S3 sends event notifications as the service principal s3.amazonaws.com: a queue whose
policy does not allow it for the bucket (aws:SourceArn, aws:SourceAccount) is refused
by PutBucketNotificationConfiguration ("Permissions on the destination queue do not
allow S3 to publish notifications from this bucket", as S3 answers).
"""
import json
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

pytestmark = pytest.mark.local_only          # two accounts from two access keys
NO_RETRIES = Config(retries={"total_max_attempts": 1})
OWNER, PARTNER = "313131313131", "424242424242"
NS = {"q": "http://queue.amazonaws.com/doc/2012-11-05/"}


@pytest.fixture
def accounts(lakebox_server):
    """The SQS clients of the queue's owner and of its partner account."""
    return tuple(lakebox_server.client("sqs", aws_access_key_id=key, config=NO_RETRIES) for key in (OWNER, PARTNER))


owner = pytest.fixture(lambda accounts: accounts[0], name="owner")
partner = pytest.fixture(lambda accounts: accounts[1], name="partner")


@pytest.fixture
def queue(owner):
    """(url, arn) of a queue of the owner's account."""
    url = owner.create_queue(QueueName=f"shared-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    yield url, owner.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    owner.delete_queue(QueueUrl=url)


def _policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _statement(principal, actions, resource, effect="Allow", **extra):
    return {"Effect": effect, "Principal": principal, "Action": actions, "Resource": resource, **extra}


def _error(call, **params):
    with pytest.raises(ClientError) as raised:
        call(**params)
    answer = raised.value.response
    return answer["Error"]["Code"], answer["Error"]["Message"], answer["ResponseMetadata"]["HTTPStatusCode"]


def _denied(action, arn, caller=f"arn:aws:iam::{PARTNER}:root", explicit=False):
    reason = "with an explicit deny in a resource-based policy" if explicit else \
        f"because no resource-based policy allows the {action} action"
    return "AccessDenied", f"User: {caller} is not authorized to perform: {action} on resource: {arn} {reason}", 403


def test_another_account_is_refused_until_the_policy_allows_it(owner, partner, queue):
    url, arn = queue
    assert _error(partner.send_message, QueueUrl=url, MessageBody="hi") == _denied("sqs:sendmessage", arn)
    assert _error(partner.receive_message, QueueUrl=url) == _denied("sqs:receivemessage", arn)
    assert _error(partner.get_queue_attributes, QueueUrl=url, AttributeNames=["All"]) == \
        _denied("sqs:getqueueattributes", arn)
    name = url.rsplit("/", 1)[1]
    assert _error(partner.get_queue_url, QueueName=name, QueueOwnerAWSAccountId=OWNER)[:2] == (
        "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")

    owner.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _policy(
        _statement({"AWS": PARTNER}, ["sqs:Send*", "sqs:GetQueueUrl"], arn))})
    assert partner.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=OWNER)["QueueUrl"] == url
    partner.send_message(QueueUrl=url, MessageBody="one")
    # A batch is judged as its single action.
    sent = partner.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "two"}])
    assert [entry["Id"] for entry in sent["Successful"]] == ["a"]
    assert _error(partner.receive_message, QueueUrl=url) == _denied("sqs:receivemessage", arn)
    got = owner.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(message["Body"] for message in got) == ["one", "two"]


def test_owner_actions_stay_the_owners_whatever_the_policy_says(owner, partner, queue):
    url, arn = queue
    owner.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _policy(_statement("*", "sqs:*", arn))})
    partner.send_message(QueueUrl=url, MessageBody="everyone may")
    assert _error(partner.set_queue_attributes, QueueUrl=url, Attributes={"DelaySeconds": "5"}) == \
        _denied("sqs:setqueueattributes", arn)
    assert _error(partner.tag_queue, QueueUrl=url, Tags={"k": "v"}) == _denied("sqs:tagqueue", arn)
    assert _error(partner.add_permission, QueueUrl=url, Label="mine", AWSAccountIds=[PARTNER],
                  Actions=["ReceiveMessage"]) == _denied("sqs:addpermission", arn)
    assert _error(partner.delete_queue, QueueUrl=url) == _denied("sqs:deletequeue", arn)
    assert owner.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"] == {
        "DelaySeconds": "0"}


def test_an_explicit_deny_binds_the_owner_too(owner, partner, queue):
    url, arn = queue
    owner.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _policy(
        _statement({"AWS": f"arn:aws:iam::{PARTNER}:root"}, "sqs:*", arn),
        _statement("*", "sqs:PurgeQueue", arn, effect="Deny"))})
    partner.send_message(QueueUrl=url, MessageBody="kept")
    assert _error(partner.purge_queue, QueueUrl=url) == _denied("sqs:purgequeue", arn, explicit=True)
    assert _error(owner.purge_queue, QueueUrl=url) == _denied("sqs:purgequeue", arn, f"arn:aws:iam::{OWNER}:root",
                                                              explicit=True)
    assert owner.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "1"


def test_a_role_of_the_partner_account_names_its_sessions(lakebox_server, owner, queue):
    url, arn = queue
    sts = lakebox_server.client("sts", aws_access_key_id=PARTNER, config=NO_RETRIES)
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{PARTNER}:role/consumer",
                                  RoleSessionName="reader")["Credentials"]
    session = lakebox_server.client("sqs", aws_access_key_id=credentials["AccessKeyId"],
                                    aws_secret_access_key=credentials["SecretAccessKey"],
                                    aws_session_token=credentials["SessionToken"], config=NO_RETRIES)
    caller = f"arn:aws:sts::{PARTNER}:assumed-role/consumer/reader"
    assert _error(session.receive_message, QueueUrl=url) == _denied("sqs:receivemessage", arn, caller)
    owner.send_message(QueueUrl=url, MessageBody="for the role")
    owner.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _policy(_statement(
        {"AWS": f"arn:aws:iam::{PARTNER}:role/consumer"}, ["sqs:ReceiveMessage", "sqs:DeleteMessage"], arn))})
    got = session.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [message["Body"] for message in got] == ["for the role"]
    session.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    # Another role of the same account is not named.
    other = sts.assume_role(RoleArn=f"arn:aws:iam::{PARTNER}:role/other", RoleSessionName="xy")["Credentials"]
    stranger = lakebox_server.client("sqs", aws_access_key_id=other["AccessKeyId"],
                                     aws_secret_access_key=other["SecretAccessKey"],
                                     aws_session_token=other["SessionToken"], config=NO_RETRIES)
    assert _error(stranger.receive_message, QueueUrl=url) == _denied(
        "sqs:receivemessage", arn, f"arn:aws:sts::{PARTNER}:assumed-role/other/xy")


def test_a_condition_narrows_a_statement(owner, partner, queue):
    url, arn = queue
    owner.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _policy(_statement(
        "*", "sqs:SendMessage", arn, Condition={"StringEquals": {"aws:PrincipalAccount": "999999999999"}}))})
    assert _error(partner.send_message, QueueUrl=url, MessageBody="no") == _denied("sqs:sendmessage", arn)
    owner.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _policy(_statement(
        "*", "sqs:SendMessage", arn, Condition={"StringEquals": {"aws:PrincipalAccount": PARTNER}}))})
    partner.send_message(QueueUrl=url, MessageBody="yes")


def _query(server, access_key, action, **fields):
    """One query-protocol request signed with `access_key`: (status, Code, Message)."""
    body = urlencode({"Action": action, "Version": "2012-11-05", **fields})
    request = AWSRequest(method="POST", url=server.endpoint + "/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials(access_key, "test"), "sqs", "us-east-1").add_auth(request)
    answer = requests.post(server.endpoint + "/", data=body, headers=dict(request.headers), timeout=30)
    root = ET.fromstring(answer.content)
    return answer.status_code, root.findtext("q:Error/q:Code", None, NS), root.findtext("q:Error/q:Message", None, NS)


def test_the_query_protocol_refuses_alike(lakebox_server, owner, queue):
    url, arn = queue
    assert _query(lakebox_server, PARTNER, "SendMessage", QueueUrl=url, MessageBody="hi") == (
        403, "AccessDenied", f"User: arn:aws:iam::{PARTNER}:root is not authorized to perform: sqs:sendmessage on "
                             f"resource: {arn} because no resource-based policy allows the sqs:sendmessage action")
    status, code, _ = _query(lakebox_server, PARTNER, "GetQueueUrl", QueueName=url.rsplit("/", 1)[1],
                             QueueOwnerAWSAccountId=OWNER)
    assert (status, code) == (400, "AWS.SimpleQueueService.NonExistentQueue")
    owner.add_permission(QueueUrl=url, Label="partner-send", AWSAccountIds=[PARTNER], Actions=["SendMessage"])
    assert _query(lakebox_server, PARTNER, "SendMessage", QueueUrl=url, MessageBody="hi")[:2] == (200, None)


def test_s3_must_be_allowed_to_send_for_the_bucket(lakebox_server, owner, queue):
    url, arn = queue
    s3 = lakebox_server.client("s3", aws_access_key_id=OWNER, config=NO_RETRIES)
    bucket = f"events-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    other = "arn:aws:s3:::some-other-bucket"
    owner.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _policy(_statement(
        {"Service": "s3.amazonaws.com"}, "sqs:SendMessage", arn,
        Condition={"ArnLike": {"aws:SourceArn": other}, "StringEquals": {"aws:SourceAccount": OWNER}}))})
    config = {"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]}
    with pytest.raises(ClientError) as raised:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"], error["ArgumentName1"], error["ArgumentValue1"]) == (
        "InvalidArgument", "Unable to validate the following destination configurations", arn,
        "Permissions on the destination queue do not allow S3 to publish notifications from this bucket")
    owner.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _policy(_statement(
        {"Service": "s3.amazonaws.com"}, "sqs:SendMessage", arn,
        Condition={"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"},
                   "StringEquals": {"aws:SourceAccount": OWNER}}))})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config)
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"x")
    bodies = []
    for _ in range(5):
        bodies += [json.loads(m["Body"]) for m in owner.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])]
        if any("Records" in body for body in bodies):
            break
    assert [r["s3"]["object"]["key"] for body in bodies for r in body.get("Records", [])] == ["a.txt"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    s3.delete_object(Bucket=bucket, Key="a.txt")
    s3.delete_bucket(Bucket=bucket)
