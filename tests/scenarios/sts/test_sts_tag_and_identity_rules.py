"""AssumeRole's rules for session tags and SourceIdentity across a role chain, in the words
recorded from STS (a public experiment's record of real replies, "multi-hop-propagation",
and the same wording IAM uses for its own duplicate tag keys): tag keys are case
insensitive, so two that differ only in case are refused; a transitive key must be one of
the tags; a chained session cannot set a tag the calling session passes on as
transitive; once set, the source identity stays with the chain and cannot change."""
from edge_wire_helpers import client_from, failure

ACCOUNT = "123456789012"
FIRST, SECOND = f"arn:aws:iam::{ACCOUNT}:role/first-hop", f"arn:aws:iam::{ACCOUNT}:role/second-hop"
DUPLICATE = "Duplicate tag keys found. Please note that Tag keys are case insensitive."
NOT_A_TAG = "The specified transitive tag key must be included in the requested tags."
CONFLICT = ("One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key "
            "from the calling session.")


def admin_sts(lakebox_server):
    return lakebox_server.client("sts", aws_access_key_id=ACCOUNT, aws_secret_access_key="x")


def test_tag_keys_are_case_insensitive_and_transitive_keys_must_be_tags(lakebox_server):
    sts = admin_sts(lakebox_server)
    status, error = failure(sts.assume_role, RoleArn=FIRST, RoleSessionName="s1",
                            Tags=[{"Key": "team", "Value": "a"}, {"Key": "Team", "Value": "b"}])
    assert (status, error["Code"], error["Message"]) == (400, "InvalidParameterValue", DUPLICATE)
    status, error = failure(sts.assume_role, RoleArn=FIRST, RoleSessionName="s1",
                            Tags=[{"Key": "team", "Value": "a"}], TransitiveTagKeys=["project"])
    assert (status, error["Code"], error["Message"]) == (400, "InvalidParameterValue", NOT_A_TAG)
    assert sts.assume_role(RoleArn=FIRST, RoleSessionName="s1", Tags=[{"Key": "team", "Value": "a"}],
                           TransitiveTagKeys=["TEAM"])["AssumedRoleUser"]["Arn"].endswith("/first-hop/s1")


def test_a_chained_session_keeps_transitive_tags_and_its_source_identity(lakebox_server):
    first = admin_sts(lakebox_server).assume_role(
        RoleArn=FIRST, RoleSessionName="s1", SourceIdentity="alice",
        Tags=[{"Key": "department", "Value": "sales"}, {"Key": "note", "Value": "x"}],
        TransitiveTagKeys=["department"])
    assert first["SourceIdentity"] == "alice"
    chained_sts = client_from(lakebox_server, first["Credentials"])
    status, error = failure(chained_sts.assume_role, RoleArn=SECOND, RoleSessionName="s2",
                            Tags=[{"Key": "Department", "Value": "hr"}])
    assert (status, error["Code"], error["Message"]) == (400, "InvalidParameterValue", CONFLICT)
    status, error = failure(chained_sts.assume_role, RoleArn=SECOND, RoleSessionName="s2", SourceIdentity="bob")
    assert (status, error["Code"], error["Message"]) == (
        400, "ValidationError", "The source identity is already set for this assume role session")
    second = chained_sts.assume_role(RoleArn=SECOND, RoleSessionName="s2", Tags=[{"Key": "note", "Value": "y"}])
    assert second["SourceIdentity"] == "alice"
    third = client_from(lakebox_server, second["Credentials"]).assume_role(RoleArn=FIRST, RoleSessionName="s3")
    assert third["SourceIdentity"] == "alice"
