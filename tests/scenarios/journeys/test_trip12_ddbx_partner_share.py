"""A platform team shares an orders table with a partner account through a resource-based
policy attached at CreateTable, as their infrastructure code writes it (pretty-printed,
keys in any order, one-element lists, the partner as a bare account id, twice). DynamoDB
keeps it in its own form (replies recorded against DynamoDB by the ack-api-quirks lab,
DDB-TABLE-208/233/351-355): minified, Version and Statement first, statement members in
the order Sid, Effect, Principal, Action, Resource, Condition, `allow` as Allow, account
ids as root ARNs once, one-element lists as strings; its RevisionId is the creation's
time; putting the same policy again in any spelling changes nothing. An Allow to everyone
is refused (Block Public Access), an index ARN is no policy target, a stale
ExpectedRevisionId is PolicyNotFoundException. The partner reads by ARN from the start,
and is refused what the policy does not grant."""
import json

import pytest
from botocore.config import Config

from trip_helpers import error_of

PARTNER = "525252525252"


def written_policy(table_arn):
    return json.dumps({"Statement": {
        "Resource": [table_arn], "Action": ["dynamodb:GetItem"], "Effect": "allow", "Sid": "PartnerReads",
        "Principal": {"AWS": [PARTNER, f"arn:aws:iam::{PARTNER}:root"]}}, "Version": "2012-10-17"}, indent=2)


def kept(table_arn):
    return ('{"Version":"2012-10-17","Statement":[{"Sid":"PartnerReads","Effect":"Allow","Principal":{"AWS":'
            f'"arn:aws:iam::{PARTNER}:root"}},"Action":"dynamodb:GetItem","Resource":"{table_arn}"}}]}}')


def test_policy_kept_in_dynamodb_form(client, table_name):
    ddb = client("dynamodb")
    account = client("sts").get_caller_identity()["Account"]
    arn = f"arn:aws:dynamodb:us-east-1:{account}:table/{table_name}"
    made = ddb.create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "order", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "order", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        ResourcePolicy=written_policy(arn))["TableDescription"]
    assert "ResourcePolicy" not in made and made["TableArn"] == arn
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})

    got = ddb.get_resource_policy(ResourceArn=arn)
    assert got["Policy"] == kept(arn)
    revision = got["RevisionId"]
    assert revision.isdigit() and len(revision) == 13
    # The same policy in any spelling, or what Get answered, is no change: same revision.
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=written_policy(arn))["RevisionId"] == revision
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=got["Policy"],
                                   ExpectedRevisionId=revision)["RevisionId"] == revision

    everyone = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "dynamodb:GetItem", "Resource": arn}]})
    assert error_of(ddb.put_resource_policy, ResourceArn=arn, Policy=everyone) == (
        "ValidationException", "Resource-based policy grants unbounded access in one or more elements. Please "
                               "revise the policy to ensure least-privilege form of access")
    assert error_of(ddb.put_resource_policy, ResourceArn=arn, Policy=everyone.replace('{"AWS": "*"}', '"*"')) == (
        "ValidationException", "Resource-based policy grants unbounded access in one or more elements. Please "
                               "revise the policy to ensure least-privilege form of access")
    assert error_of(ddb.put_resource_policy, ResourceArn=f"{arn}/index/by-region", Policy=got["Policy"]) == (
        "ValidationException", "One or more parameter values were invalid: Invalid resource arn provided, only "
                               f"table or stream is accepted. Provided resource arn: {arn}/index/by-region")
    assert error_of(ddb.delete_resource_policy, ResourceArn=arn, ExpectedRevisionId="1700000000000") == (
        "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: Requested update "
                                   "for policy with revision id 1700000000000, but the policy associated to target "
                                   f"table {table_name} has revision id {revision}.")

    stream = ddb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
    readers = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": [account]},
        "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"], "Resource": stream}]}
    ddb.put_resource_policy(ResourceArn=stream, Policy=json.dumps(readers))
    assert json.loads(ddb.get_resource_policy(ResourceArn=stream)["Policy"]) == {
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
            "Resource": stream}]}


@pytest.mark.local_only          # a second account from a second access key
def test_partner_reads_from_creation(lakebox_server, client, table_name):
    ddb = client("dynamodb")
    account = client("sts").get_caller_identity()["Account"]
    arn = f"arn:aws:dynamodb:us-east-1:{account}:table/{table_name}"
    ddb.create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "order", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("order", "region")],
        GlobalSecondaryIndexes=[{"IndexName": "by-region", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "region", "KeyType": "HASH"}]}],
        ResourcePolicy=written_policy(arn))
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    ddb.put_item(TableName=table_name, Item={"order": {"S": "o-1"}, "region": {"S": "emea"}})
    partner = lakebox_server.client("dynamodb", aws_access_key_id=PARTNER,
                                    config=Config(retries={"total_max_attempts": 1}))

    assert partner.get_item(TableName=arn, Key={"order": {"S": "o-1"}})["Item"] == {
        "order": {"S": "o-1"}, "region": {"S": "emea"}}
    denied = "User: arn:aws:iam::{}:root is not authorized to perform: {} on resource: {} because no " \
             "resource-based policy allows the {} action"
    assert error_of(partner.put_item, TableName=arn, Item={"order": {"S": "o-2"}}) == (
        "AccessDeniedException", denied.format(PARTNER, "dynamodb:PutItem", arn, "dynamodb:PutItem"))
    assert error_of(partner.query, TableName=arn, IndexName="by-region", KeyConditionExpression="#r = :r",
                    ExpressionAttributeNames={"#r": "region"}, ExpressionAttributeValues={":r": {"S": "emea"}}) == (
        "AccessDeniedException", denied.format(PARTNER, "dynamodb:Query", f"{arn}/index/by-region", "dynamodb:Query"))
    assert error_of(partner.get_item, TableName=table_name, Key={"order": {"S": "o-1"}})[0] == \
        "ResourceNotFoundException"                  # by name, the partner sees its own account only


def test_table_without_policy(client, table_name):
    """A table that never had a policy: Get is PolicyNotFoundException, Delete an empty
    no-op, and an ExpectedRevisionId is refused as naming no policy of this table."""
    ddb = client("dynamodb")
    ddb.create_table(TableName=table_name, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "order", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "order", "AttributeType": "S"}])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    arn = ddb.describe_table(TableName=table_name)["Table"]["TableArn"]
    assert error_of(ddb.get_resource_policy, ResourceArn=arn) == (
        "PolicyNotFoundException", f"Resource-based policy not found for the provided ResourceArn: {arn}")
    deleted = ddb.delete_resource_policy(ResourceArn=arn)
    deleted.pop("ResponseMetadata")
    assert deleted == {}
    policy = kept(arn).replace(f"arn:aws:iam::{PARTNER}:root", arn.split(":")[4])
    for call in (lambda: ddb.put_resource_policy(ResourceArn=arn, Policy=policy, ExpectedRevisionId="123456789"),
                 lambda: ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId="123456789")):
        assert error_of(call) == (
            "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: Requested "
                                       f"update for policy with revision id 123456789, but table {table_name} has no "
                                       "associated policy.")
