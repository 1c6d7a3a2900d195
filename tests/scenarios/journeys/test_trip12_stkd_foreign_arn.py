"""A dashboard configured with table ARNs describes each table; one ARN was copied from
another account's console and names no table this caller can see. DynamoDB does not say
whether such a table exists: DescribeTable answers AccessDeniedException 'Access is
denied', while the same name under the caller's own account is described. (Recorded
against DynamoDB: radkawar/stackd, testdata/aws/dynamodb/controls.json, calls 16-17.)"""
from trip_helpers import client_table, error_of


def test_an_arn_of_another_account(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"))
    arn = ddb.describe_table(TableName=table_name)["Table"]["TableArn"]
    assert ddb.describe_table(TableName=arn)["Table"]["TableName"] == table_name
    account = arn.split(":")[4]
    foreign = arn.replace(f":{account}:", ":999000999000:" if account != "999000999000" else ":111000111000:")
    assert error_of(ddb.describe_table, TableName=foreign) == ("AccessDeniedException", "Access is denied")
