"""Session policies narrow what temporary credentials may do (IAM User Guide, "Session
policies"): a session may do what both its role's policies and its session policies
(AssumeRole's Policy and PolicyArns, GetFederationToken's Policy) allow, and an explicit
Deny in a session policy refuses. lakebox has no IAM, so a role allows everything and
the session policy alone decides. Credentials from GetFederationToken have no
permissions without a session policy, and call no STS operation but GetCallerIdentity
(STS API Reference, GetFederationToken). Refusals carry IAM's words ("Access denied
error message examples"); S3 quotes the resource, as its same-account messages do (S3
User Guide, "Troubleshoot access denied (403 Forbidden) errors")."""
import json
import uuid

import pytest

from edge_wire_helpers import client_from, failure

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/pipeline-role"


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def admin(lakebox_server):
    return {name: lakebox_server.client(name, aws_access_key_id=ACCOUNT, aws_secret_access_key="x")
            for name in ("sts", "s3", "dynamodb")}


@pytest.fixture
def bucket(admin):
    name = f"session-{uuid.uuid4().hex[:12]}"
    admin["s3"].create_bucket(Bucket=name)
    admin["s3"].put_object(Bucket=name, Key="in/report.csv", Body=b"a,b\n")
    yield name
    for item in admin["s3"].list_objects_v2(Bucket=name).get("Contents", []):
        admin["s3"].delete_object(Bucket=name, Key=item["Key"])
    admin["s3"].delete_bucket(Bucket=name)


@pytest.fixture
def table(admin):
    name = f"session-{uuid.uuid4().hex[:8]}"
    admin["dynamodb"].create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                   AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                   BillingMode="PAY_PER_REQUEST")
    yield name
    admin["dynamodb"].delete_table(TableName=name)


def assumed(lakebox_server, admin, name, **session_policies):
    answer = admin["sts"].assume_role(RoleArn=ROLE, RoleSessionName=name, **session_policies)
    return answer["AssumedRoleUser"]["Arn"], lambda service: client_from(lakebox_server, answer["Credentials"],
                                                                         service)


def test_an_inline_session_policy_allows_only_what_it_names(lakebox_server, admin, bucket, table):
    arn, client = assumed(lakebox_server, admin, "reader", Policy=policy(
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/in/*"]}))
    s3, ddb = client("s3"), client("dynamodb")
    assert s3.get_object(Bucket=bucket, Key="in/report.csv")["Body"].read() == b"a,b\n"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["in/report.csv"]
    status, error = failure(s3.put_object, Bucket=bucket, Key="in/new.csv", Body=b"x")
    assert (status, error["Code"], error["Message"]) == (403, "AccessDenied", (
        f'User: {arn} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::{bucket}/in/new.csv" '
        "because no session policy allows the s3:PutObject action"))
    status, error = failure(s3.get_object, Bucket=bucket, Key="elsewhere.csv")
    assert (status, error["Code"]) == (403, "AccessDenied")
    status, error = failure(ddb.put_item, TableName=table, Item={"id": {"S": "1"}})
    assert (status, error["Code"]) == (400, "AccessDeniedException")
    assert error["Message"] == (f"User: {arn} is not authorized to perform: dynamodb:PutItem on resource: "
                                f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{table} because no session policy "
                                "allows the dynamodb:PutItem action")
    assert client("sts").get_caller_identity()["Arn"] == arn
    assert admin["s3"].list_objects_v2(Bucket=bucket)["KeyCount"] == 1        # nothing was written


def test_an_explicit_deny_in_a_session_policy_wins(lakebox_server, admin, table):
    arn, client = assumed(lakebox_server, admin, "no-deletes", Policy=policy(
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "dynamodb:DeleteItem", "Resource": "*"}))
    ddb = client("dynamodb")
    ddb.put_item(TableName=table, Item={"id": {"S": "1"}})
    status, error = failure(ddb.delete_item, TableName=table, Key={"id": {"S": "1"}})
    assert (status, error["Code"], error["Message"]) == (
        400, "AccessDeniedException", f"User: {arn} is not authorized to perform: dynamodb:DeleteItem on resource: "
        f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{table} with an explicit deny in a session policy")
    assert admin["dynamodb"].get_item(TableName=table, Key={"id": {"S": "1"}})["Item"] == {"id": {"S": "1"}}


def test_a_managed_session_policy_counts_with_the_inline_one(lakebox_server, admin, bucket, table):
    _, client = assumed(lakebox_server, admin, "managed",
                        PolicyArns=[{"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}],
                        Policy=policy({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}))
    s3, ddb = client("s3"), client("dynamodb")
    assert s3.get_object(Bucket=bucket, Key="in/report.csv")["Body"].read() == b"a,b\n"
    assert ddb.get_item(TableName=table, Key={"id": {"S": "none"}}).get("Item") is None
    assert failure(s3.put_object, Bucket=bucket, Key="x", Body=b"x")[1]["Code"] == "AccessDenied"
    assert failure(ddb.put_item, TableName=table, Item={"id": {"S": "1"}})[1]["Code"] == "AccessDeniedException"


def test_a_session_without_session_policies_is_not_narrowed(lakebox_server, admin, bucket):
    _, client = assumed(lakebox_server, admin, "plain")
    client("s3").put_object(Bucket=bucket, Key="in/plain.csv", Body=b"x")


def test_federated_credentials_without_a_policy_have_no_permissions(lakebox_server, admin, bucket):
    answer = admin["sts"].get_federation_token(Name="bob")
    arn = answer["FederatedUser"]["Arn"]
    assert arn == f"arn:aws:sts::{ACCOUNT}:federated-user/bob"
    s3 = client_from(lakebox_server, answer["Credentials"], "s3")
    assert failure(s3.list_objects_v2, Bucket=bucket)[1]["Code"] == "AccessDenied"
    assert client_from(lakebox_server, answer["Credentials"]).get_caller_identity()["Arn"] == arn


def test_federated_credentials_may_do_what_their_policy_allows_but_never_assume_a_role(lakebox_server, admin,
                                                                                       bucket):
    answer = admin["sts"].get_federation_token(Name="carol", Policy=policy(
        {"Effect": "Allow", "Action": ["s3:GetObject", "sts:AssumeRole"], "Resource": "*"}))
    arn = answer["FederatedUser"]["Arn"]
    s3 = client_from(lakebox_server, answer["Credentials"], "s3")
    assert s3.get_object(Bucket=bucket, Key="in/report.csv")["Body"].read() == b"a,b\n"
    status, error = failure(client_from(lakebox_server, answer["Credentials"]).assume_role,
                            RoleArn=ROLE, RoleSessionName="escape")
    assert (status, error["Code"], error["Message"]) == (
        403, "AccessDenied", f"User: {arn} is not authorized to perform: sts:AssumeRole on resource: {ROLE}")


def test_queues_and_streams_are_judged_by_their_arns(lakebox_server, admin):
    sqs = lakebox_server.client("sqs", aws_access_key_id=ACCOUNT, aws_secret_access_key="x")
    kinesis = lakebox_server.client("kinesis", aws_access_key_id=ACCOUNT, aws_secret_access_key="x")
    suffix = uuid.uuid4().hex[:8]
    mine, other = (sqs.create_queue(QueueName=f"{n}-{suffix}")["QueueUrl"] for n in ("mine", "other"))
    kinesis.create_stream(StreamName=f"events-{suffix}", ShardCount=1)
    region_account = f"us-east-1:{ACCOUNT}"
    arn, client = assumed(lakebox_server, admin, "worker", Policy=policy(
        {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
         "Resource": f"arn:aws:sqs:{region_account}:mine-{suffix}"},
        {"Effect": "Allow", "Action": "kinesis:PutRecord", "Resource": f"arn:aws:kinesis:{region_account}:stream/*"}))
    session_sqs, session_kinesis = client("sqs"), client("kinesis")
    session_sqs.send_message(QueueUrl=mine, MessageBody="ok")
    status, error = failure(session_sqs.send_message, QueueUrl=other, MessageBody="no")
    assert (status, error["Code"], error["Message"]) == (
        403, "AccessDenied", f"User: {arn} is not authorized to perform: sqs:sendmessage on resource: "
        f"arn:aws:sqs:{region_account}:other-{suffix} because no session policy allows the sqs:sendmessage action")
    # A batch is authorized as its single action (IAM names no SQS batch actions).
    sent = session_sqs.send_message_batch(QueueUrl=mine, Entries=[{"Id": "a", "MessageBody": "ok"}])
    assert [entry["Id"] for entry in sent["Successful"]] == ["a"]
    session_kinesis.put_record(StreamName=f"events-{suffix}", Data=b"x", PartitionKey="k")
    status, error = failure(session_kinesis.list_shards, StreamName=f"events-{suffix}")
    assert (status, error["Code"]) == (400, "AccessDeniedException")
    for url in (mine, other):
        sqs.delete_queue(QueueUrl=url)
    kinesis.delete_stream(StreamName=f"events-{suffix}")
