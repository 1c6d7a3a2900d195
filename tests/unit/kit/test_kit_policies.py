"""The kit's policy reader: every spelling IAM allows, one normal form, one decision."""
import json

from lakebox.kit import policies


def _policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_statement_may_be_a_single_object_and_principals_any_spelling():
    single = json.dumps({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}})
    assert policies.parse(single).statements[0].principals == {"AWS": ("*",)}
    listed = policies.parse(_policy({"Effect": "Allow", "Principal": {"AWS": ["111122223333", "*"],
                                                                       "Service": "firehose.amazonaws.com"}}))
    statement = listed.statements[0]
    assert statement.principals == {"AWS": ("111122223333", "*"), "Service": ("firehose.amazonaws.com",)}
    assert statement.names_everyone()


def test_unreadable_or_absent_policies_grant_nothing():
    for text in (None, "", "not json", "[1]", json.dumps({"Statement": ["x", 3]})):
        assert policies.parse(text).decision(lambda s: True, "s3:GetObject", "arn:aws:s3:::b") is None


def test_names_account_and_names_caller():
    statement = policies.parse(_policy({"Effect": "Allow", "Principal": {
        "AWS": "arn:aws:iam::111122223333:role/reader"}})).statements[0]
    assert statement.names_account("111122223333") and not statement.names_account("444455556666")
    assert statement.names_caller("111122223333", "arn:aws:iam::111122223333:role/reader")
    assert not statement.names_caller("111122223333", "arn:aws:iam::111122223333:root")


def test_actions_match_wildcards_case_insensitively_and_resources_case_sensitively():
    policy = policies.parse(_policy({"Effect": "Allow", "Principal": "*", "Action": "Kinesis:Get*",
                                     "Resource": "arn:aws:kinesis:*:111122223333:stream/Logs*"}))
    everyone = policies.Statement.names_everyone
    arn = "arn:aws:kinesis:us-east-1:111122223333:stream/Logs-1"
    assert policy.decision(everyone, "kinesis:GetRecords", arn) == "Allow"
    assert policy.decision(everyone, "kinesis:PutRecord", arn) is None
    assert policy.decision(everyone, "kinesis:GetRecords", arn.lower()) is None


def test_a_deny_wins_and_not_action_excludes():
    policy = policies.parse(_policy(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*"},
        {"Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}))
    everyone = policies.Statement.names_everyone
    assert policy.decision(everyone, "s3:GetObject", "arn:aws:s3:::b/k") == "Allow"
    assert policy.decision(everyone, "s3:PutObject", "arn:aws:s3:::b/k") == "Deny"
    assert policy.decision(everyone, "s3:ListBucket", "arn:aws:s3:::b") == "Allow"


def test_public_means_an_unconditional_allow_for_everyone():
    assert policies.parse(_policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"})).is_public()
    assert not policies.parse(_policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                       "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}})).is_public()
    assert not policies.parse(_policy({"Effect": "Deny", "Principal": "*", "Action": "s3:*"})).is_public()
