"""PutResourcePolicy's refusals of a ResourceArn or a document, in the words of
DynamoDB's message catalogue (ValidationException texts recorded from DynamoDB): a bare
name, another service's ARN, an index's ARN and another region's table are not policy
resources; a document that is not JSON or not a policy, has no statements, repeats a Sid,
leaves out Effect or Resource or passes 20480 bytes is refused before anything is stored."""
import json

import pytest
from ddb_helpers import error_of

INVALID = "One or more parameter values were invalid: "


def _document(arn, **changes):
    statement = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                 "Action": "dynamodb:GetItem", "Resource": arn, **changes}
    return json.dumps({"Version": "2012-10-17", "Statement": [{k: v for k, v in statement.items() if v is not None}]})


@pytest.mark.parametrize("document, message", [
    (lambda arn: "{not json", "Invalid policy document: This policy contains invalid Json"),
    (lambda arn: json.dumps({"Version": "2012-10-17", "Statement": []}),
     "Invalid policy document: Could not parse the policy: Statement is empty!"),
    (lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [
        json.loads(_document(arn, Sid="read"))["Statement"][0]] * 2}),
     "Invalid policy document: The Statement Ids in the policy are not unique"),
    (lambda arn: _document(arn, Resource=None), "Invalid policy document: Missing required field Resource"),
    (lambda arn: _document(arn, Sid="s" * 20_500), "Maximum policy size of 20480 bytes exceeded"),
    # Recorded against DynamoDB by the ack-api-quirks lab (DDB-TABLE-457).
    (lambda arn: "null", "Invalid policy document: This text appears not to be a policy"),
    (lambda arn: "{}", "Invalid policy document: Syntax error at position (1,3)"),
    (lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{}]}),
     "Invalid policy document: Missing required field Effect"),
    (lambda arn: _document(arn, Effect=None), "Invalid policy document: Missing required field Effect"),
])
def test_documents_refused(ddb, make_table, document, message):
    arn = ddb.describe_table(TableName=make_table())["Table"]["TableArn"]
    assert error_of(ddb.put_resource_policy, ResourceArn=arn, Policy=document(arn)) == (
        "ValidationException", INVALID + message)
    assert error_of(ddb.get_resource_policy, ResourceArn=arn)[0] == "PolicyNotFoundException"


def test_resource_arns_refused(ddb, make_table):
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    elsewhere = arn.replace(":us-east-1:", ":eu-west-1:")
    for resource, message in ((name, f"ARNs must start with 'arn:': {name}"),
                              ("arn:aws:s3:::a-bucket-of-policies", "Provided Arn is not a DynamoDB resource arn: "
                                                                    "arn:aws:s3:::a-bucket-of-policies"),
                              (f"{arn}/index/by-x", "Invalid resource arn provided, only table or stream is accepted. "
                                                    f"Provided resource arn: {arn}/index/by-x"),
                              (elsewhere, f"Invalid resource Arn: {elsewhere}")):
        assert error_of(ddb.put_resource_policy, ResourceArn=resource, Policy=_document(arn)) == (
            "ValidationException", INVALID + message), resource
