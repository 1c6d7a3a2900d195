"""A cost-allocation script lists a table's tags after retagging it and prints them as
DynamoDB gives them: in the order they were first set, a new value keeping its key's
place, an empty value kept, a removal of a key the table never had accepted. (Recorded
against DynamoDB: radkawar/stackd, testdata/aws/dynamodb/controls.json, calls 24-30 -
tags 'owner', 'phase' then 'empty' came back in that order, 'phase' with its new value.)"""
from trip_helpers import client_table


def test_tags_keep_their_order(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"))
    arn = ddb.describe_table(TableName=table_name)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "owner", "Value": "stackd-probe"},
                                            {"Key": "phase", "Value": "create"}])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "phase", "Value": "updated"}, {"Key": "empty", "Value": ""}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "owner", "Value": "stackd-probe"}, {"Key": "phase", "Value": "updated"}, {"Key": "empty", "Value": ""}]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["phase", "does-not-exist"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "owner", "Value": "stackd-probe"}, {"Key": "empty", "Value": ""}]
