"""Resource-based policies of tables and streams, enforced: another account reaches a
table (named by its ARN) only as its policy allows; an explicit Deny binds the owner's
account too; revision ids behave as AWS's do (answers recorded by tests run against
AWS); the root may always delete a policy; a policy that would shut the caller out of
PutResourcePolicy needs ConfirmRemoveSelfResourceAccess."""
import datetime
import json
import uuid

import pytest
from botocore.config import Config
from ddb_helpers import definitions, error_of, key_schema

NO_RETRIES = Config(retries={"total_max_attempts": 1})
OWNER, GUEST = "414141414141", "525252525252"


def _policy(effect, principal, actions, resource):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": effect, "Principal": {"AWS": principal}, "Action": actions, "Resource": resource}]})


@pytest.fixture
def owner(lakebox_server):
    return lakebox_server.client("dynamodb", aws_access_key_id=OWNER, config=NO_RETRIES)


@pytest.fixture
def guest(lakebox_server):
    return lakebox_server.client("dynamodb", aws_access_key_id=GUEST, config=NO_RETRIES)


@pytest.fixture
def shared(owner):
    """(name, arn) of a table of the owner's account with one item and a stream."""
    name = f"shared-{uuid.uuid4().hex[:10]}"
    owner.create_table(TableName=name, KeySchema=key_schema("pk"), AttributeDefinitions=definitions(pk="S", v="N"),
                       BillingMode="PAY_PER_REQUEST", GlobalSecondaryIndexes=[{
                           "IndexName": "by_v", "KeySchema": key_schema("v"), "Projection": {"ProjectionType": "ALL"}}],
                       StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    owner.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    owner.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    yield name, owner.describe_table(TableName=name)["Table"]["TableArn"]
    owner.delete_table(TableName=name)


def _denied(action, arn, reason=None):
    reason = reason or f"because no resource-based policy allows the {action} action"
    return ("AccessDeniedException",
            f"User: arn:aws:iam::{GUEST}:root is not authorized to perform: {action} on resource: {arn} {reason}")


@pytest.mark.local_only          # two accounts from two access keys
def test_another_account_reaches_a_table_only_as_its_policy_allows(owner, guest, shared):
    name, arn = shared
    key = {"pk": {"S": "a"}}
    assert error_of(guest.get_item, TableName=arn, Key=key) == _denied("dynamodb:GetItem", arn)
    owner.put_resource_policy(ResourceArn=arn, Policy=_policy(
        "Allow", f"arn:aws:iam::{GUEST}:root", ["dynamodb:GetItem", "dynamodb:Query"], arn))
    assert guest.get_item(TableName=arn, Key=key)["Item"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert guest.query(TableName=arn, KeyConditionExpression="pk = :a",
                       ExpressionAttributeValues={":a": {"S": "a"}})["Count"] == 1
    assert error_of(guest.put_item, TableName=arn, Item=key) == _denied("dynamodb:PutItem", arn)
    # An index is a resource of its own: the statement names the table only.
    assert error_of(guest.query, TableName=arn, IndexName="by_v", KeyConditionExpression="v = :one",
                    ExpressionAttributeValues={":one": {"N": "1"}}) == _denied("dynamodb:Query", f"{arn}/index/by_v")
    assert error_of(guest.transact_write_items, TransactItems=[{"Delete": {"TableName": arn, "Key": key}}]) == \
        _denied("dynamodb:DeleteItem", arn)
    assert error_of(guest.execute_statement, Statement=f'DELETE FROM "{arn}" WHERE pk = \'a\'') == \
        _denied("dynamodb:PartiQLDelete", arn)
    assert error_of(guest.get_resource_policy, ResourceArn=arn) == _denied("dynamodb:GetResourcePolicy", arn)
    assert error_of(guest.tag_resource, ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}]) == \
        _denied("dynamodb:TagResource", arn)
    # By name, the guest sees only its own account.
    assert error_of(guest.get_item, TableName=name, Key=key)[0] == "ResourceNotFoundException"
    assert owner.get_item(TableName=name, Key=key)["Item"]["v"] == {"N": "1"}


@pytest.mark.local_only
def test_a_stream_policy_lets_another_account_read_the_changes(lakebox_server, owner, shared):
    name, _ = shared
    streams = lakebox_server.client("dynamodbstreams", aws_access_key_id=GUEST, config=NO_RETRIES)
    stream_arn = owner.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    assert error_of(streams.describe_stream, StreamArn=stream_arn) == \
        _denied("dynamodb:DescribeStream", stream_arn)
    owner.put_resource_policy(ResourceArn=stream_arn, Policy=_policy(
        "Allow", GUEST, ["dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords"],
        stream_arn))
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["NewImage"] for r in records] == [{"pk": {"S": "a"}, "v": {"N": "1"}}]


@pytest.mark.local_only
def test_an_explicit_deny_binds_the_owners_account_but_not_its_root_deleting_the_policy(owner, shared, clock):
    name, arn = shared
    owner.put_resource_policy(ResourceArn=arn, Policy=_policy("Deny", OWNER, "dynamodb:DeleteItem", arn))
    code, message = error_of(owner.delete_item, TableName=name, Key={"pk": {"S": "a"}})
    assert (code, message) == ("AccessDeniedException",
                               f"User: arn:aws:iam::{OWNER}:root is not authorized to perform: dynamodb:DeleteItem on "
                               f"resource: {arn} with an explicit deny in a resource-based policy")
    owner.update_item(TableName=name, Key={"pk": {"S": "a"}}, UpdateExpression="SET v = :two",
                      ExpressionAttributeValues={":two": {"N": "2"}})       # not denied
    clock(16)                                     # a table's policy changes at most once in 15 seconds
    owner.put_resource_policy(ResourceArn=arn, Policy=_policy("Deny", OWNER, "dynamodb:*", arn),
                              ConfirmRemoveSelfResourceAccess=True)
    assert error_of(owner.get_item, TableName=name, Key={"pk": {"S": "a"}})[0] == "AccessDeniedException"
    clock(16)
    owner.delete_resource_policy(ResourceArn=arn)
    assert owner.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"]["v"] == {"N": "2"}


@pytest.mark.local_only
def test_a_policy_shutting_the_caller_out_needs_confirmation(owner, shared):
    _, arn = shared
    lockout = _policy("Deny", OWNER, "dynamodb:PutResourcePolicy", arn)
    # AccessDenied, in DynamoDB's words (recorded by the ack-api-quirks lab, DDB-TABLE-210); also when Confirm is false.
    for confirm in ({}, {"ConfirmRemoveSelfResourceAccess": False}):
        assert error_of(owner.put_resource_policy, ResourceArn=arn, Policy=lockout, **confirm) == (
            "AccessDeniedException", "The new resource policy will not allow you to update the resource policy in the "
                                     "future.")
    assert error_of(owner.get_resource_policy, ResourceArn=arn)[0] == "PolicyNotFoundException"
    owner.put_resource_policy(ResourceArn=arn, Policy=lockout, ConfirmRemoveSelfResourceAccess=True)
    # Kept in DynamoDB's form: minified, the account id as its root ARN (recorded replies).
    assert owner.get_resource_policy(ResourceArn=arn)["Policy"] == (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::' + OWNER +
        ':root"},"Action":"dynamodb:PutResourcePolicy","Resource":"' + arn + '"}]}')


@pytest.mark.local_only          # the 15-second cooldown between changes is waited out by moving the clock
def test_revision_ids(ddb, make_table, clock):
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    reader = _policy("Allow", "arn:aws:iam::000000000000:root", "dynamodb:GetItem", arn)
    writer = _policy("Allow", "arn:aws:iam::000000000000:root", "dynamodb:PutItem", arn)
    first = ddb.put_resource_policy(ResourceArn=arn, Policy=reader, ExpectedRevisionId="NO_POLICY")["RevisionId"]
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=reader)["RevisionId"] == first     # a no-op
    assert error_of(ddb.put_resource_policy, ResourceArn=arn, Policy=writer, ExpectedRevisionId="NO_POLICY") == (
        "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: Requested policy "
        f"update expecting none to be present for table {name}, but a policy exists with revision id {first}.")
    assert len(first) == 13                                                                 # epoch milliseconds
    again = datetime.datetime.fromtimestamp(int(first) / 1000 + 15, datetime.timezone.utc)
    assert error_of(ddb.put_resource_policy, ResourceArn=arn, Policy=writer) == (
        "ThrottlingException", f"Resource-based policy for table {name} modified within the previous 15000 "
        f"milliseconds. Please try again after {again.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z.")
    clock(16)
    second = ddb.put_resource_policy(ResourceArn=arn, Policy=writer, ExpectedRevisionId=first)["RevisionId"]
    assert int(second) >= int(first) + 16_000
    assert error_of(ddb.delete_resource_policy, ResourceArn=arn, ExpectedRevisionId=first) == (
        "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: Requested update "
        f"for policy with revision id {first}, but the policy associated to target table {name} has revision id "
        f"{second}.")
    assert ddb.get_resource_policy(ResourceArn=arn)["RevisionId"] == second
    assert error_of(ddb.put_resource_policy, ResourceArn=arn + "x", Policy=reader) == (
        "ResourceNotFoundException", f"Requested resource not found: Table: {name}x not found")
