"""Policy variables (IAM User Guide, "IAM policy elements: Variables and tags"): resolved
per request in Resource and in string and ARN condition values; defaults, literal
characters, missing keys and the policy version."""
import json

from lakebox.kit import policies, variables

ALICE = {"aws:username": "alice", "s3:prefix": "home/alice/", "aws:principaltag/team": "blue"}


def keys(values=ALICE):
    return lambda name: values.get(name)


def _policy(statement, version="2012-10-17"):
    return policies.parse(json.dumps({"Version": version, "Statement": [statement]}))


def _allows(policy, action, resource, values=ALICE) -> bool:
    return policy.decision(lambda s: True, action, resource, keys(values)) == "Allow"


def test_resource_variables_name_the_callers_own_folder():
    home = _policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::b/home/${aws:username}/*"})
    assert _allows(home, "s3:GetObject", "arn:aws:s3:::b/home/alice/notes.txt")
    assert not _allows(home, "s3:GetObject", "arn:aws:s3:::b/home/bob/notes.txt")
    # a caller with no user name matches no resource that needs one
    assert not _allows(home, "s3:GetObject", "arn:aws:s3:::b/home/alice/notes.txt", {})


def test_not_resource_with_a_variable():
    others = _policy({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                      "NotResource": "arn:aws:s3:::b/home/${aws:username}/*"})
    decide = others.decision
    assert decide(lambda s: True, "s3:GetObject", "arn:aws:s3:::b/home/bob/x", keys()) == "Deny"
    assert decide(lambda s: True, "s3:GetObject", "arn:aws:s3:::b/home/alice/x", keys()) is None


def test_condition_values_resolve_in_string_and_arn_operators():
    listing = _policy({"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
                       "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*", "home/${aws:username}/"]}}})
    assert _allows(listing, "s3:ListBucket", "arn:aws:s3:::b")
    assert not _allows(listing, "s3:ListBucket", "arn:aws:s3:::b", dict(ALICE, **{"s3:prefix": "home/bob/"}))
    tagged = _policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
                      "Condition": {"StringEquals": {"s3:existingobjecttag/team": "${aws:PrincipalTag/team}"}}})
    assert _allows(tagged, "s3:GetObject", "arn:aws:s3:::b/k", dict(ALICE, **{"s3:existingobjecttag/team": "blue"}))
    assert not _allows(tagged, "s3:GetObject", "arn:aws:s3:::b/k", dict(ALICE, **{"s3:existingobjecttag/team": "red"}))


def test_a_missing_key_matches_nothing_unless_a_default_is_given():
    equal = _policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
                     "Condition": {"StringEquals": {"aws:principaltag/team": "${aws:username}"}}})
    assert not _allows(equal, "s3:GetObject", "arn:aws:s3:::b/k", {"aws:principaltag/team": "blue"})
    assert _allows(equal, "s3:GetObject", "arn:aws:s3:::b/k", {"aws:principaltag/team": "blue",
                                                                "aws:username": "blue"})
    defaulted = _policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                         "Resource": "arn:aws:s3:::b/${aws:username, 'guest'}/*"})
    assert _allows(defaulted, "s3:GetObject", "arn:aws:s3:::b/guest/k", {})
    assert _allows(defaulted, "s3:GetObject", "arn:aws:s3:::b/alice/k")


def test_literal_characters_and_quotes_in_defaults():
    assert variables.resolve("a${*}b${?}c${$}", keys()) == "a*b?c$"
    assert variables.resolve("${aws:nothing, 'it''s'}", keys()) == "it's"
    assert variables.resolve("${AWS:UserName}", keys()) == "alice"
    starred = _policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::b/${*}"})
    assert _allows(starred, "s3:GetObject", "arn:aws:s3:::b/*")
    assert not _allows(starred, "s3:GetObject", "arn:aws:s3:::b/anything")


def test_a_value_from_the_request_is_never_a_wildcard():
    home = _policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::b/home/${aws:username}/*"})
    assert not _allows(home, "s3:GetObject", "arn:aws:s3:::b/home/alice/x", {"aws:username": "*"})


def test_older_policies_take_the_text_literally():
    old = _policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": "arn:aws:s3:::b/home/${aws:username}/*"}, version="2008-10-17")
    assert not _allows(old, "s3:GetObject", "arn:aws:s3:::b/home/alice/x")
    assert _allows(old, "s3:GetObject", "arn:aws:s3:::b/home/${aws:username}/x")
    assert not old.statements[0].variables
