"""STS edges with boto3 and the aws cli, asserting what real STS answers.

Each expectation is taken from the AWS documentation or from recorded real-AWS answers
(named next to the test). Tests marked local_only send raw or hand-signed requests at
lakebox (or move its clock) and are skipped when LAKEBOX_TARGET=aws.
"""
import datetime
import json
import re

import botocore.session
import pytest
from botocore.config import Config

from aws_cli import run_cli
from edge_wire_helpers import (RAW, ROLE, client_from, failure, send_query, validation_message, xml_error)


@pytest.fixture
def sts(lakebox_server):
    return lakebox_server.client("sts", config=RAW)


# ======================================================================================
# GetCallerIdentity
# ======================================================================================

def test_caller_identity_of_the_default_key_is_account_root(sts):
    identity = sts.get_caller_identity()
    assert identity["UserId"] == identity["Account"]
    assert re.fullmatch(r"\d{12}", identity["Account"])
    assert identity["Arn"] == f"arn:aws:iam::{identity['Account']}:root"


def test_caller_identity_of_a_twelve_digit_key_is_that_accounts_root(lakebox_server):
    identity = lakebox_server.client("sts", aws_access_key_id="210987654321").get_caller_identity()
    assert identity == {**identity, "Account": "210987654321", "UserId": "210987654321",
                        "Arn": "arn:aws:iam::210987654321:root"}


def test_assumed_role_credentials_have_aws_shapes(lakebox_server, sts):
    """AssumedRoleId is the role's unique id (AROA + 17 upper-case alphanumerics) ':' session;
    the key is ASIA + 16, the secret 40 characters (AWS STS API reference, AssumeRole)."""
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName="shape-check")
    credentials, user = answer["Credentials"], answer["AssumedRoleUser"]
    assert re.fullmatch(r"AROA[A-Z0-9]{17}:shape-check", user["AssumedRoleId"])
    assert user["Arn"] == "arn:aws:sts::123456789012:assumed-role/edge-role/shape-check"
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", credentials["AccessKeyId"])
    assert len(credentials["SecretAccessKey"]) == 40
    identity = client_from(lakebox_server, credentials).get_caller_identity()
    assert identity["UserId"] == user["AssumedRoleId"]
    assert identity["Arn"] == user["Arn"]
    assert identity["Account"] == "123456789012"


def test_same_role_keeps_its_unique_id_across_sessions(sts):
    one = sts.assume_role(RoleArn=ROLE, RoleSessionName="one")["AssumedRoleUser"]["AssumedRoleId"]
    two = sts.assume_role(RoleArn=ROLE, RoleSessionName="two")["AssumedRoleUser"]["AssumedRoleId"]
    assert one.split(":")[0] == two.split(":")[0]


def test_role_path_is_not_part_of_the_assumed_role_arn(sts):
    """arn:aws:iam::A:role/path/name -> arn:aws:sts::A:assumed-role/name/session."""
    answer = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/team/app/path-role", RoleSessionName="pp")
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/path-role/pp"


# ======================================================================================
# AssumeRole parameter validation
# ======================================================================================

@pytest.mark.parametrize("name, constraint", [
    ("a b", r"Member must satisfy regular expression pattern: [\w+=,.@-]*"),
    ("bad/name", r"Member must satisfy regular expression pattern: [\w+=,.@-]*"),
    ("a", "Member must have length greater than or equal to 2"),
    ("", "Member must have length greater than or equal to 2"),
    ("x" * 65, "Member must have length less than or equal to 64"),
])
def test_role_session_name_rules(sts, name, constraint):
    status, error = failure(sts.assume_role, RoleArn=ROLE, RoleSessionName=name)
    assert status == 400
    assert error == {"Type": "Sender", "Code": "ValidationError",
                     "Message": validation_message(name, "roleSessionName", constraint)}


@pytest.mark.parametrize("name", ["ab", "x" * 64, "user+=,.@-_9"])
def test_role_session_name_accepted_at_the_edges(sts, name):
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName=name)
    assert answer["AssumedRoleUser"]["Arn"].endswith("/" + name)


@pytest.mark.parametrize("duration, constraint", [
    (899, "Member must have value greater than or equal to 900"),
    (-1, "Member must have value greater than or equal to 900"),
    (43201, "Member must have value less than or equal to 43200"),
    (2147483647, "Member must have value less than or equal to 43200"),
])
def test_assume_role_duration_bounds(sts, duration, constraint):
    status, error = failure(sts.assume_role, RoleArn=ROLE, RoleSessionName="dur", DurationSeconds=duration)
    assert status == 400
    assert error["Code"] == "ValidationError"
    assert error["Message"] == validation_message(duration, "durationSeconds", constraint)


def test_assume_role_accepts_the_maximum_duration(sts):
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName="long", DurationSeconds=43200)
    now = datetime.datetime.now(datetime.timezone.utc)
    left = (answer["Credentials"]["Expiration"] - now).total_seconds()
    assert 43200 - 120 <= left <= 43200 + 5


@pytest.mark.local_only
@pytest.mark.parametrize("value", ["abc", "900.0", "2147483648", ""])
def test_assume_role_duration_that_is_not_an_int32_is_malformed_input(lakebox_server, value):
    """Real STS: DurationSeconds=abc / 900.0 / 2147483648 / '' -> 400 MalformedInput
    (recorded real-AWS STS answers in a public STS wire oracle; see report)."""
    status, _, body = send_query(lakebox_server, "Action=AssumeRole&Version=2011-06-15"
                             f"&RoleArn={ROLE}&RoleSessionName=dur&DurationSeconds={value}")
    assert status == 400
    assert xml_error(body)["Code"] == "MalformedInput"


@pytest.mark.local_only
@pytest.mark.parametrize("value", ["+900", "0900"])
def test_assume_role_duration_with_sign_or_leading_zero_is_read_as_a_number(lakebox_server, value):
    status, _, body = send_query(lakebox_server, "Action=AssumeRole&Version=2011-06-15"
                             f"&RoleArn={ROLE}&RoleSessionName=dur&DurationSeconds={value.replace('+', '%2B')}")
    assert status == 200, body


@pytest.mark.local_only
def test_duplicated_query_parameter_first_value_wins(lakebox_server):
    """Real STS reads the first of repeated parameters (public STS wire oracle)."""
    status, _, body = send_query(lakebox_server, "Action=AssumeRole&Version=2011-06-15"
                             f"&RoleArn={ROLE}&RoleSessionName=first&RoleSessionName=bad%2Fname")
    assert status == 200, body
    assert b"assumed-role/edge-role/first<" in body
    status, _, body = send_query(lakebox_server, "Action=AssumeRole&Version=2011-06-15"
                             f"&RoleArn={ROLE}&RoleSessionName=bad%2Fname&RoleSessionName=second")
    assert status == 400
    assert xml_error(body)["Code"] == "ValidationError"


def test_short_role_arn_is_a_length_error(sts):
    status, error = failure(sts.assume_role, RoleArn="not-an-arn", RoleSessionName="ab")
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"] == validation_message("not-an-arn", "roleArn", "Member must have length greater than or equal to 20")


@pytest.mark.local_only
def test_missing_role_arn_is_a_null_error(lakebox_server):
    status, _, body = send_query(lakebox_server, "Action=AssumeRole&Version=2011-06-15&RoleSessionName=ab")
    assert status == 400
    assert xml_error(body)["Message"] == ("1 validation error detected: Value null at 'roleArn' failed to "
                                           "satisfy constraint: Member must not be null")


@pytest.mark.parametrize("arn", ["x" * 20, "this-is-not-an-arn-at-all", "arn::b:::something/test-role",
                                 "arn:a::::something/test-role"])
def test_malformed_role_arn_is_invalid(sts, arn):
    """Real STS: a RoleArn of 20+ characters that is not an ARN -> 400 ValidationError
    '<arn> is invalid' (public STS wire oracle); ARNs without a partition or a service
    likewise (recorded AWS replies, issue 15)."""
    status, error = failure(sts.assume_role, RoleArn=arn, RoleSessionName="ab")
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"] == f"{arn} is invalid"


def test_role_arn_over_2048_is_a_length_error(sts):
    arn = "arn:aws:iam::123456789012:role/" + "r" * 2030
    status, error = failure(sts.assume_role, RoleArn=arn, RoleSessionName="ab")
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"].endswith("Member must have length less than or equal to 2048")


def test_policy_that_is_not_json_is_malformed_policy_document(sts):
    status, error = failure(sts.assume_role, RoleArn=ROLE, RoleSessionName="ab", Policy="{not json")
    assert (status, error["Code"]) == (400, "MalformedPolicyDocument")


def test_oversized_session_policy_is_packed_policy_too_large(sts):
    """AssumeRole's Policy has no model max length (unrestrictedSessionPolicyDocumentType); the packed
    size limit answers PackedPolicyTooLarge (AssumeRole API reference, Errors)."""
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bucket-{i}/{'k' * 60}/*"}
        for i in range(60)]})
    status, error = failure(sts.assume_role, RoleArn=ROLE, RoleSessionName="ab", Policy=policy)
    assert (status, error["Code"]) == (400, "PackedPolicyTooLarge")


def test_valid_session_policy_reports_packed_size(sts):
    policy = json.dumps({"Version": "2012-10-17",
                         "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName="ab", Policy=policy)
    assert 0 <= answer["PackedPolicySize"] <= 100


def test_federation_token_policy_over_2048_is_a_length_error(sts):
    """GetFederationToken's Policy is sessionPolicyDocumentType: max 2048."""
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + "b" * 2100}]})
    status, error = failure(sts.get_federation_token, Name="bob", Policy=policy)
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"].endswith("Member must have length less than or equal to 2048")


def test_fifty_session_tags_are_accepted(sts):
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    sts.assume_role(RoleArn=ROLE, RoleSessionName="tags", Tags=tags, TransitiveTagKeys=["k0", "k1"])


def test_fifty_one_session_tags_are_refused(sts):
    status, error = failure(sts.assume_role, RoleArn=ROLE, RoleSessionName="tags",
                           Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    assert (status, error["Code"]) == (400, "ValidationError")
    assert "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50" in error["Message"]


@pytest.mark.parametrize("tag, where, constraint", [
    ({"Key": "k" * 129, "Value": "v"}, "tags.1.member.key", "Member must have length less than or equal to 128"),
    ({"Key": "k", "Value": "v" * 257}, "tags.1.member.value", "Member must have length less than or equal to 256"),
])
def test_session_tag_lengths(sts, tag, where, constraint):
    status, error = failure(sts.assume_role, RoleArn=ROLE, RoleSessionName="tags", Tags=[tag])
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"].endswith(f"at '{where}' failed to satisfy constraint: {constraint}")


def test_fifty_one_transitive_tag_keys_are_refused(sts):
    status, error = failure(sts.assume_role, RoleArn=ROLE, RoleSessionName="tags",
                           TransitiveTagKeys=[f"k{i}" for i in range(51)])
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"].endswith("at 'transitiveTagKeys' failed to satisfy constraint: "
                                     "Member must have length less than or equal to 50")


@pytest.mark.parametrize("external_id, constraint", [
    ("x", "Member must have length greater than or equal to 2"),
    ("has space", r"Member must satisfy regular expression pattern: [\w+=,.@:\/-]*"),
    ("x" * 1225, "Member must have length less than or equal to 1224"),
])
def test_external_id_rules(sts, external_id, constraint):
    status, error = failure(sts.assume_role, RoleArn=ROLE, RoleSessionName="ext", ExternalId=external_id)
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"] == validation_message(external_id, "externalId", constraint)


def test_external_id_with_every_allowed_character(sts):
    sts.assume_role(RoleArn=ROLE, RoleSessionName="ext", ExternalId="Ab9_+=,.@:/-")


# 64 in the pinned botocore's model, 256 in newer ones: read the installed one.
SOURCE_IDENTITY_MAX = botocore.session.get_session().get_service_model("sts").shape_for(
    "sourceIdentityType").metadata["max"]


@pytest.mark.parametrize("source, constraint", [
    ("x", "Member must have length greater than or equal to 2"),
    ("a b", r"Member must satisfy regular expression pattern: [\w+=,.@-]*"),
    ("x" * (SOURCE_IDENTITY_MAX + 1), f"Member must have length less than or equal to {SOURCE_IDENTITY_MAX}"),
])
def test_source_identity_rules(sts, source, constraint):
    status, error = failure(sts.assume_role, RoleArn=ROLE, RoleSessionName="src", SourceIdentity=source)
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"] == validation_message(source, "sourceIdentity", constraint)


def test_source_identity_is_returned(sts):
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName="src", SourceIdentity="alice@example.com")
    assert answer["SourceIdentity"] == "alice@example.com"


def test_token_code_must_be_six_digits(sts):
    status, error = failure(sts.assume_role, RoleArn=ROLE, RoleSessionName="mfa",
                           SerialNumber="arn:aws:iam::123456789012:mfa/user", TokenCode="12")
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"] == validation_message("12", "tokenCode", "Member must have length greater than or equal to 6")


# ======================================================================================
# Role chaining, session and federation tokens
# ======================================================================================

def test_role_chaining_just_over_one_hour_is_refused(lakebox_server, sts):
    first = sts.assume_role(RoleArn=ROLE, RoleSessionName="first")["Credentials"]
    status, error = failure(client_from(lakebox_server, first).assume_role,
                           RoleArn=ROLE, RoleSessionName="second", DurationSeconds=3601)
    assert status == 400
    assert error == {"Type": "Sender", "Code": "ValidationError",
                     "Message": "The requested DurationSeconds exceeds the 1 hour session limit "
                                "for roles assumed by role chaining."}


def test_role_chaining_default_duration_is_allowed(lakebox_server, sts):
    first = sts.assume_role(RoleArn=ROLE, RoleSessionName="first")["Credentials"]
    second = client_from(lakebox_server, first).assume_role(RoleArn=ROLE, RoleSessionName="second")
    assert second["AssumedRoleUser"]["Arn"].endswith("/edge-role/second")


@pytest.mark.parametrize("duration, constraint", [
    (899, "Member must have value greater than or equal to 900"),
    (129601, "Member must have value less than or equal to 129600"),
])
def test_session_token_duration_bounds(sts, duration, constraint):
    status, error = failure(sts.get_session_token, DurationSeconds=duration)
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"] == validation_message(duration, "durationSeconds", constraint)


def test_root_session_token_is_capped_at_one_hour(lakebox_server):
    """GetSessionToken: 'Sessions for AWS account owners are restricted to a maximum of 3,600 seconds
    (one hour). If the duration is longer than one hour, the session ... defaults to one hour.'"""
    sts = lakebox_server.client("sts", aws_access_key_id="135792468024")
    credentials = sts.get_session_token(DurationSeconds=7200)["Credentials"]
    left = (credentials["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert 3600 - 120 <= left <= 3600 + 5


@pytest.mark.parametrize("name, constraint", [
    ("b", "Member must have length greater than or equal to 2"),
    ("b" * 33, "Member must have length less than or equal to 32"),
    ("a b", r"Member must satisfy regular expression pattern: [\w+=,.@-]*"),
])
def test_federation_token_name_rules(sts, name, constraint):
    status, error = failure(sts.get_federation_token, Name=name)
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"] == validation_message(name, "name", constraint)


def test_federated_user_arn_and_id(lakebox_server):
    sts = lakebox_server.client("sts", aws_access_key_id="246813579135")
    answer = sts.get_federation_token(Name="carol.d@corp", DurationSeconds=900)
    assert answer["FederatedUser"] == {"FederatedUserId": "246813579135:carol.d@corp",
                                       "Arn": "arn:aws:sts::246813579135:federated-user/carol.d@corp"}
    identity = client_from(lakebox_server, answer["Credentials"]).get_caller_identity()
    assert identity["Arn"] == "arn:aws:sts::246813579135:federated-user/carol.d@corp"
    assert identity["Account"] == "246813579135"


@pytest.mark.parametrize("duration, constraint", [
    (899, "Member must have value greater than or equal to 900"),
    (129601, "Member must have value less than or equal to 129600"),
])
def test_federation_token_duration_bounds(sts, duration, constraint):
    status, error = failure(sts.get_federation_token, Name="bob", DurationSeconds=duration)
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"] == validation_message(duration, "durationSeconds", constraint)


def test_assumed_role_cannot_get_a_federation_token(lakebox_server, sts):
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="fed")["Credentials"]
    status, error = failure(client_from(lakebox_server, credentials).get_federation_token, Name="bob")
    assert (status, error["Code"]) == (403, "AccessDenied")


# ======================================================================================
# Web identity, SAML, authorization messages, access key info
# ======================================================================================

@pytest.mark.parametrize("token", ["garbage.garbage.garbage", "not-a-jwt-at-all", "eyJhbGciOiJub25lIn0"])
def test_web_identity_garbage_token_is_invalid_identity_token(sts, token):
    status, error = failure(sts.assume_role_with_web_identity, RoleArn=ROLE, RoleSessionName="web",
                           WebIdentityToken=token)
    assert (status, error["Code"]) == (400, "InvalidIdentityToken")


def test_web_identity_token_too_short_does_not_echo_the_token(sts):
    """WebIdentityToken is a sensitive member: the validation message names no value."""
    status, error = failure(sts.assume_role_with_web_identity, RoleArn=ROLE, RoleSessionName="web",
                           WebIdentityToken="abc")
    assert (status, error["Code"]) == (400, "ValidationError")
    assert "abc" not in error["Message"]


@pytest.mark.parametrize("assertion", ["Z2FyYmFnZQ==", "!!!! not base64 !!!!"])
def test_saml_garbage_assertion_is_invalid_identity_token(sts, assertion):
    status, error = failure(sts.assume_role_with_saml, RoleArn=ROLE,
                           PrincipalArn="arn:aws:iam::123456789012:saml-provider/corp", SAMLAssertion=assertion)
    assert (status, error["Code"]) == (400, "InvalidIdentityToken")


def test_web_identity_and_saml_need_no_signature(lakebox_server):
    """Both are unsigned operations (authtype none): anonymous callers get a token error, not an auth one."""
    from botocore import UNSIGNED
    anonymous = lakebox_server.client("sts", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))
    status, error = failure(anonymous.assume_role_with_web_identity, RoleArn=ROLE, RoleSessionName="web",
                           WebIdentityToken="garbage.garbage.garbage")
    assert error["Code"] == "InvalidIdentityToken"


def test_decode_authorization_message_rejects_garbage(sts):
    status, error = failure(sts.decode_authorization_message, EncodedMessage="not-an-encoded-message")
    assert (status, error["Code"]) == (400, "InvalidAuthorizationMessageException")


def test_access_key_info_of_an_issued_session_key(lakebox_server):
    sts = lakebox_server.client("sts", aws_access_key_id="975318642097")
    session = sts.get_session_token()["Credentials"]
    assert sts.get_access_key_info(AccessKeyId=session["AccessKeyId"])["Account"] == "975318642097"
    role = sts.assume_role(RoleArn="arn:aws:iam::111122223333:role/other", RoleSessionName="xx")["Credentials"]
    assert sts.get_access_key_info(AccessKeyId=role["AccessKeyId"])["Account"] == "111122223333"


@pytest.mark.parametrize("key, constraint", [
    ("AKIA", "Member must have length greater than or equal to 16"),
    ("AKIA------------", r"Member must satisfy regular expression pattern: [\w]*"),
])
def test_access_key_info_validation(sts, key, constraint):
    status, error = failure(sts.get_access_key_info, AccessKeyId=key)
    assert (status, error["Code"]) == (400, "ValidationError")
    assert error["Message"] == validation_message(key, "accessKeyId", constraint)


# ======================================================================================
# Using temporary credentials
# ======================================================================================

def test_wrong_session_token_is_invalid_client_token_id(lakebox_server, sts):
    """Real AWS: InvalidClientTokenId, 403, 'The security token included in the request is invalid.'"""
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="tok")["Credentials"]
    forged = "AQoDYXdzEJr" + credentials["SessionToken"][11:][::-1]
    user = client_from(lakebox_server, credentials, aws_session_token=forged)
    status, error = failure(user.get_caller_identity)
    assert status == 403
    assert error["Code"] == "InvalidClientTokenId"
    assert error["Message"] == "The security token included in the request is invalid."


def test_session_key_without_its_token_is_invalid_client_token_id(lakebox_server, sts):
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="tok")["Credentials"]
    user = lakebox_server.client("sts", config=RAW, aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretAccessKey"])
    status, error = failure(user.get_caller_identity)
    assert (status, error["Code"]) == (403, "InvalidClientTokenId")


def test_token_of_another_session_is_invalid_client_token_id(lakebox_server, sts):
    mine = sts.assume_role(RoleArn=ROLE, RoleSessionName="mine")["Credentials"]
    theirs = sts.assume_role(RoleArn=ROLE, RoleSessionName="theirs")["Credentials"]
    user = client_from(lakebox_server, mine, aws_session_token=theirs["SessionToken"])
    status, error = failure(user.get_caller_identity)
    assert (status, error["Code"]) == (403, "InvalidClientTokenId")


@pytest.mark.local_only
def test_expired_role_credentials_cannot_chain(lakebox_server, sts):
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="exp", DurationSeconds=900)["Credentials"]
    user = client_from(lakebox_server, credentials)
    lakebox_server.advance_clock(905)
    try:
        status, error = failure(user.assume_role, RoleArn=ROLE, RoleSessionName="next")
    finally:
        lakebox_server.advance_clock(-905)
    assert error == {"Type": "Sender", "Code": "ExpiredToken",
                     "Message": "The security token included in the request is expired"}


@pytest.mark.local_only
def test_session_token_credentials_expire(lakebox_server):
    sts = lakebox_server.client("sts", aws_access_key_id="864213579086")
    credentials = sts.get_session_token(DurationSeconds=900)["Credentials"]
    user = client_from(lakebox_server, credentials)
    assert user.get_caller_identity()["Account"] == "864213579086"
    lakebox_server.advance_clock(901)
    try:
        status, error = failure(user.get_caller_identity)
    finally:
        lakebox_server.advance_clock(-901)
    assert error["Code"] == "ExpiredToken"


@pytest.mark.local_only
def test_credentials_are_good_until_just_before_expiry(lakebox_server, sts):
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="edge", DurationSeconds=900)["Credentials"]
    user = client_from(lakebox_server, credentials)
    lakebox_server.advance_clock(880)
    try:
        assert user.get_caller_identity()["Arn"].endswith("/edge")
    finally:
        lakebox_server.advance_clock(-880)


# ======================================================================================
# aws cli
# ======================================================================================

def _aws(lakebox_server, *args, credentials=None):
    return run_cli(lakebox_server, *args, access_key="123456789012", credentials=credentials)


def test_cli_identity_with_assumed_role_credentials(lakebox_server):
    done = _aws(lakebox_server, "sts", "assume-role", "--role-arn", ROLE, "--role-session-name", "cli-edge")
    assert done.returncode == 0, done.stderr
    credentials = json.loads(done.stdout)["Credentials"]
    done = _aws(lakebox_server, "sts", "get-caller-identity", credentials=credentials)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Arn"] == "arn:aws:sts::123456789012:assumed-role/edge-role/cli-edge"


def test_cli_reports_a_bad_session_name_pattern(lakebox_server):
    done = _aws(lakebox_server, "sts", "assume-role", "--role-arn", ROLE, "--role-session-name", "has space")
    assert done.returncode != 0
    assert "ValidationError" in done.stderr
    assert "Member must satisfy regular expression pattern" in done.stderr


def test_cli_with_a_wrong_session_token_fails(lakebox_server):
    done = _aws(lakebox_server, "sts", "assume-role", "--role-arn", ROLE, "--role-session-name", "cli-tok")
    credentials = json.loads(done.stdout)["Credentials"]
    done = _aws(lakebox_server, "sts", "get-caller-identity",
                credentials={**credentials, "SessionToken": "bogus-token-value"})
    assert done.returncode != 0
    assert "InvalidClientTokenId" in done.stderr


def test_cli_get_access_key_info(lakebox_server):
    done = _aws(lakebox_server, "sts", "get-session-token", "--duration-seconds", "900")
    assert done.returncode == 0, done.stderr
    key = json.loads(done.stdout)["Credentials"]["AccessKeyId"]
    done = _aws(lakebox_server, "sts", "get-access-key-info", "--access-key-id", key)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Account"] == "123456789012"
