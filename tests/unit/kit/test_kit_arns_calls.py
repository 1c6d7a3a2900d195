"""ARNs, and the contexts one service uses to call another."""
import types

from lakebox.aws.context import HttpRequest, RequestContext
from lakebox.kit import arns, calls


def test_build_picks_the_partition_from_the_region():
    assert arns.build("kinesis", "us-east-1", "111122223333", "stream/s") == \
        "arn:aws:kinesis:us-east-1:111122223333:stream/s"
    assert arns.build("kinesis", "cn-north-1", "111122223333", "stream/s").startswith("arn:aws-cn:")
    assert arns.build("s3", "", "", "bucket/key") == "arn:aws:s3:::bucket/key"


def test_parse_reads_back_or_answers_none():
    found = arns.parse("arn:aws:iam::111122223333:role/path/name")
    assert (found.service, found.region, found.account, found.resource) == ("iam", "", "111122223333", "role/path/name")
    assert str(found) == "arn:aws:iam::111122223333:role/path/name"
    assert arns.parse("arn:aws:s3:::bucket").account == ""
    assert arns.parse("not-an-arn") is None and arns.parse("") is None


def test_principal_account():
    assert arns.principal_account("111122223333") == "111122223333"
    assert arns.principal_account("arn:aws:sts::111122223333:assumed-role/r/s") == "111122223333"
    assert arns.principal_account("*") is None and arns.principal_account("arn:aws:s3:::b") is None


def _state(now=1000.0):
    return types.SimpleNamespace(clock=types.SimpleNamespace(now=lambda: now))


def test_on_behalf_keeps_the_caller_and_names_the_callee():
    ctx = RequestContext(service="athena", operation="StartQueryExecution", account="111122223333",
                         region="eu-west-1", access_key="AKIA", caller_arn="arn:aws:iam::111122223333:root",
                         now=5.0, state=_state(), request=HttpRequest("POST", "/", [], {}), anonymous=False)
    callee = calls.on_behalf(ctx, "s3", "GetObject")
    assert (callee.service, callee.operation) == ("s3", "GetObject")
    assert (callee.account, callee.caller_arn, callee.request_id, callee.now) == \
        (ctx.account, ctx.caller_arn, ctx.request_id, ctx.now)
    assert (ctx.service, ctx.operation) == ("athena", "StartQueryExecution")


def test_system_context_acts_as_the_service_for_the_owner():
    ctx = calls.system_context(_state(42.0), "firehose", "PutObject", "111122223333", "us-west-2")
    assert (ctx.account, ctx.region, ctx.now, ctx.caller_arn) == ("111122223333", "us-west-2", 42.0,
                                                                  "firehose.amazonaws.com")
    assert not ctx.anonymous and ctx.headers == {}
