"""IAM condition operators and the policy evaluation around them (IAM User Guide,
"Condition operators", "Single-valued vs. multivalued context keys", "Policy
evaluation logic")."""
import json

import pytest

from lakebox.kit import conditions, policies


def _keys(**values):
    table = {k.replace("__", ":").replace("_", "-").lower(): v for k, v in values.items()}
    return lambda name: table.get(name)


def _holds(operator, key, wanted, **values):
    return conditions.holds({operator: {key: wanted}}, _keys(**values))


@pytest.mark.parametrize("operator, wanted, value, expected", [
    ("StringEquals", "AES256", "AES256", True), ("StringEquals", "AES256", "aes256", False),
    ("StringEqualsIgnoreCase", "AES256", "aes256", True),
    ("StringNotEquals", ["AES256", "aws:kms"], "aws:kms", False), ("StringNotEquals", "AES256", "aws:kms", True),
    ("StringLike", "home/*", "home/alice/x", True), ("StringLike", "home/?", "home/ab", False),
    ("StringLike", "a[b]*", "a[b]c", True), ("StringNotLike", "home/*", "etc/x", True),
    ("NumericLessThanEquals", "100", "100", True), ("NumericGreaterThan", "100", "100", False),
    ("NumericEquals", "10", "ten", False),
    ("DateLessThan", "2030-01-01T00:00:00Z", "2026-12-03T15:00:00Z", True),
    ("DateGreaterThan", "2030-01-01", "2026-12-03T15:00:00Z", False),
    ("Bool", True, "true", True), ("Bool", "false", "true", False),
    ("IpAddress", "192.0.2.0/24", "192.0.2.7", True), ("IpAddress", "192.0.2.0/24", "198.51.100.1", False),
    ("NotIpAddress", "192.0.2.0/24", "198.51.100.1", True),
    ("ArnLike", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/reader", True),
    ("ArnNotEquals", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::444455556666:role/x", True),
])
def test_operators_compare_as_iam_documents(operator, wanted, value, expected):
    assert _holds(operator, "k:key", wanted, k__key=value) is expected


def test_an_absent_key_fails_positive_operators_and_passes_negated_ones():
    assert not _holds("StringEquals", "s3:x-amz-server-side-encryption", "AES256")
    assert _holds("StringNotEquals", "s3:x-amz-server-side-encryption", "AES256")
    assert _holds("StringEqualsIfExists", "s3:x-amz-server-side-encryption", "AES256")
    assert not _holds("StringEqualsIfExists", "k:key", "AES256", k__key="aws:kms")


def test_null_asks_whether_the_key_is_absent():
    assert _holds("Null", "k:key", "true") and not _holds("Null", "k:key", "false")
    assert _holds("Null", "k:key", False, k__key="x")


def test_set_qualifiers_over_multivalued_keys():
    tags = ["team", "cost"]
    assert _holds("ForAllValues:StringEquals", "k:key", ["team", "cost", "env"], k__key=tags)
    assert not _holds("ForAllValues:StringEquals", "k:key", ["team"], k__key=tags)
    assert _holds("ForAllValues:StringEquals", "k:key", ["team"])              # no values: holds
    assert _holds("ForAnyValue:StringEquals", "k:key", ["cost"], k__key=tags)
    assert not _holds("ForAnyValue:StringEquals", "k:key", ["cost"])
    assert _holds("ForAnyValue:StringNotEquals", "k:key", ["cost"], k__key=tags)


def test_operators_and_keys_are_all_required_values_any():
    block = {"StringEquals": {"k:a": ["1", "2"], "k:b": "3"}, "Bool": {"k:c": "true"}}
    assert conditions.holds(block, _keys(k__a="2", k__b="3", k__c="true"))
    assert not conditions.holds(block, _keys(k__a="2", k__b="4", k__c="true"))


def test_unknown_operators_are_not_known_and_never_hold():
    assert not conditions.is_known("StringSortOf") and not conditions.is_known("ForAnyValue:Null")
    assert conditions.is_known("ForAllValues:StringLikeIfExists")
    assert not conditions.holds({"StringSortOf": {"k:a": "1"}}, _keys(k__a="1"))


def _policy(*statements):
    return policies.parse(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def test_explicit_deny_wins_and_conditions_decide_which_statements_apply():
    policy = _policy(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    everyone = policies.Statement.names_everyone
    assert policy.decision(everyone, "s3:GetObject", "arn:aws:s3:::b/k", _keys(aws__securetransport="false")) == "Deny"
    assert policy.decision(everyone, "s3:GetObject", "arn:aws:s3:::b/k", _keys(aws__securetransport="true")) == "Allow"


def test_principals_role_sessions_not_principal_and_anonymous():
    role = "arn:aws:iam::111122223333:role/reader"
    session = policies.Caller("111122223333", "arn:aws:sts::111122223333:assumed-role/reader/s1")
    other = policies.Caller("111122223333", "arn:aws:sts::111122223333:assumed-role/writer/s1")
    anonymous = policies.Caller(anonymous=True, arn="anonymous")
    named = _policy({"Effect": "Allow", "Principal": {"AWS": role}, "Action": "s3:GetObject"}).statements[0]
    assert named.names_principal(session) and not named.names_principal(other)
    assert not named.names_principal(anonymous)
    everyone_but = _policy({"Effect": "Deny", "NotPrincipal": {"AWS": role}, "Action": "s3:*"}).statements[0]
    assert not everyone_but.names_principal(session) and everyone_but.names_principal(anonymous)
    account = _policy({"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:*"}).statements[0]
    assert account.names_principal(other) and not account.names_principal(anonymous)
    service = _policy({"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}}).statements[0]
    assert service.names_principal(policies.Caller(service="logging.s3.amazonaws.com"))


def test_not_action_and_not_resource():
    policy = _policy({"Effect": "Deny", "Principal": "*", "NotAction": "s3:Get*",
                      "NotResource": "arn:aws:s3:::b/public/*"})
    everyone = policies.Statement.names_everyone
    assert policy.decision(everyone, "s3:PutObject", "arn:aws:s3:::b/private/x") == "Deny"
    assert policy.decision(everyone, "s3:GetObject", "arn:aws:s3:::b/private/x") is None
    assert policy.decision(everyone, "s3:PutObject", "arn:aws:s3:::b/public/x") is None


@pytest.mark.parametrize("condition, public", [
    (None, True),
    ({"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}, False),
    ({"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}, True),
    ({"StringEquals": {"aws:SourceAccount": "111122223333"}}, False),
    ({"StringLike": {"aws:SourceArn": "arn:aws:*"}}, True),
    ({"Bool": {"aws:SecureTransport": "true"}}, True),
])
def test_a_statement_for_everyone_is_public_unless_narrowed_to_fixed_values(condition, public):
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    if condition:
        statement["Condition"] = condition
    assert _policy(statement).is_public() is public
