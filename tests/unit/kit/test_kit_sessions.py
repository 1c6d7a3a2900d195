"""Session policies judged for a session (kit.sessions): the inline and managed ones
count together, an explicit Deny wins, a managed policy lakebox cannot read is taken to
allow, a federated session has nothing without a policy, GetCallerIdentity needs nothing."""
import json
import types

from lakebox.kit import sessions

READ = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
    {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/secret/*"}]})


def refusal(action, resource, kind="assumed-role", policy=None, arns=None):
    session = {"kind": kind, "policy": policy, "policy_arns": json.dumps(arns) if arns else None}
    ctx = types.SimpleNamespace(session=session, caller_arn="arn:aws:sts::1:assumed-role/r/s")
    return sessions.refusal(ctx, action, resource, keys=lambda name: None)


def test_the_inline_policy_decides():
    assert refusal("s3:GetObject", "arn:aws:s3:::b/k", policy=READ) is None
    assert refusal("s3:PutObject", "arn:aws:s3:::b/k", policy=READ) == \
        "because no session policy allows the s3:PutObject action"
    assert refusal("s3:GetObject", "arn:aws:s3:::b/secret/k", policy=READ) == \
        "with an explicit deny in a session policy"


def test_managed_policies_count_with_the_inline_one():
    full = ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]
    assert refusal("s3:PutObject", "arn:aws:s3:::b/k", policy=READ, arns=full) is None
    assert refusal("s3:GetObject", "arn:aws:s3:::b/secret/k", policy=READ, arns=full) is not None
    assert refusal("sqs:SendMessage", None, arns=full) is not None
    assert refusal("sqs:SendMessage", None, arns=["arn:aws:iam::1:policy/mine"]) is None


def test_sessions_without_session_policies():
    assert refusal("s3:PutObject", "arn:aws:s3:::b/k") is None
    assert refusal("s3:PutObject", "arn:aws:s3:::b/k", kind="federated") is not None
    assert refusal("sts:GetCallerIdentity", None, kind="federated") is None
    assert not sessions.narrowed(None)
