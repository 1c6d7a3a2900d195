"""STS with boto3, as a user of the real service would call it."""
import base64
import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/pipeline-role"
# botocore checks some minimums itself; switch that off to see the server's answer.
RAW = Config(parameter_validation=False, retries={"max_attempts": 0})


@pytest.fixture
def sts(lakebox_server):
    return lakebox_server.client("sts")


def _client_from(lakebox_server, credentials, config=None):
    return lakebox_server.client("sts", aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretAccessKey"],
                                 aws_session_token=credentials["SessionToken"], config=config)


def test_caller_identity_of_a_plain_key_is_the_default_account(sts):
    identity = sts.get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"


def test_a_twelve_digit_access_key_is_that_account(lakebox_server):
    sts = lakebox_server.client("sts", aws_access_key_id="111122223333")
    assert sts.get_caller_identity()["Account"] == "111122223333"


def test_assumed_role_credentials_act_as_the_role(lakebox_server, sts):
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName="etl-run-1", DurationSeconds=900)
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/pipeline-role/etl-run-1"
    assert answer["AssumedRoleUser"]["AssumedRoleId"].endswith(":etl-run-1")
    identity = _client_from(lakebox_server, credentials).get_caller_identity()
    assert identity["Arn"] == "arn:aws:sts::123456789012:assumed-role/pipeline-role/etl-run-1"
    assert identity["Account"] == "123456789012"
    assert identity["UserId"] == answer["AssumedRoleUser"]["AssumedRoleId"]


def test_expiration_is_duration_after_issue(sts):
    short = sts.assume_role(RoleArn=ROLE, RoleSessionName="short", DurationSeconds=900)
    long = sts.assume_role(RoleArn=ROLE, RoleSessionName="long", DurationSeconds=2700)
    delta = (long["Credentials"]["Expiration"] - short["Credentials"]["Expiration"]).total_seconds()
    assert 1795 <= delta <= 1805


def test_short_session_name_is_refused_with_aws_wording(lakebox_server):
    sts = lakebox_server.client("sts", config=RAW)
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=ROLE, RoleSessionName="a")
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert error["Message"] == ("1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy "
                                "constraint: Member must have length greater than or equal to 2")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_duration_below_minimum_is_refused(lakebox_server):
    sts = lakebox_server.client("sts", config=RAW)
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=ROLE, RoleSessionName="short", DurationSeconds=800)
    assert caught.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '800' at 'durationSeconds' failed to satisfy constraint: "
        "Member must have value greater than or equal to 900")


def test_role_chaining_is_limited_to_one_hour(lakebox_server, sts):
    first = sts.assume_role(RoleArn=ROLE, RoleSessionName="first")["Credentials"]
    chained = _client_from(lakebox_server, first)
    with pytest.raises(ClientError) as caught:
        chained.assume_role(RoleArn=ROLE, RoleSessionName="second", DurationSeconds=7200)
    assert caught.value.response["Error"] == {
        "Type": "Sender", "Code": "ValidationError",
        "Message": "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."}
    again = chained.assume_role(RoleArn=ROLE, RoleSessionName="second", DurationSeconds=3600)
    assert again["AssumedRoleUser"]["Arn"].endswith("/pipeline-role/second")


@pytest.mark.local_only
def test_expired_session_is_refused(lakebox_server, sts):
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="expiring", DurationSeconds=900)["Credentials"]
    user = _client_from(lakebox_server, credentials, config=Config(retries={"max_attempts": 0}))
    assert user.get_caller_identity()["Account"] == "123456789012"
    lakebox_server.advance_clock(901)
    try:
        with pytest.raises(ClientError) as caught:
            user.get_caller_identity()
    finally:
        lakebox_server.advance_clock(-901)
    assert caught.value.response["Error"]["Code"] == "ExpiredToken"
    assert caught.value.response["Error"]["Message"] == "The security token included in the request is expired"


@pytest.mark.local_only
def test_expired_session_on_a_json_service_is_expired_token_exception(lakebox_server, sts):
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="json", DurationSeconds=900)["Credentials"]
    kinesis = lakebox_server.client("kinesis", aws_access_key_id=credentials["AccessKeyId"],
                                    aws_secret_access_key=credentials["SecretAccessKey"],
                                    aws_session_token=credentials["SessionToken"],
                                    config=Config(retries={"max_attempts": 0}))
    lakebox_server.advance_clock(1000)
    try:
        with pytest.raises(ClientError) as caught:
            kinesis.list_streams()
    finally:
        lakebox_server.advance_clock(-1000)
    assert caught.value.response["Error"]["Code"] == "ExpiredTokenException"


def _jwt(claims):
    def part(document):
        return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def test_assume_role_with_web_identity(sts):
    token = _jwt({"sub": "user-42", "aud": "my-app", "iss": "https://idp.example.com"})
    answer = sts.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="web", WebIdentityToken=token)
    assert answer["SubjectFromWebIdentityToken"] == "user-42"
    assert answer["Audience"] == "my-app"
    assert answer["Provider"] == "https://idp.example.com"
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/pipeline-role/web"


def test_web_identity_token_that_is_not_a_jwt_is_refused(sts):
    with pytest.raises(ClientError) as caught:
        sts.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="web", WebIdentityToken="x" * 10)
    assert caught.value.response["Error"]["Code"] == "InvalidIdentityToken"


SAML = """<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
<saml:Issuer>https://idp.example.com/saml</saml:Issuer>
<saml:Assertion><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">alice</saml:NameID></saml:Subject>
<saml:Conditions><saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience></saml:AudienceRestriction></saml:Conditions>
</saml:Assertion></samlp:Response>"""


def test_assume_role_with_saml(sts):
    answer = sts.assume_role_with_saml(RoleArn=ROLE, PrincipalArn="arn:aws:iam::123456789012:saml-provider/corp",
                                       SAMLAssertion=base64.b64encode(SAML.encode()).decode())
    assert answer["Subject"] == "alice"
    assert answer["SubjectType"] == "persistent"
    assert answer["Issuer"] == "https://idp.example.com/saml"
    assert answer["Audience"] == "https://signin.aws.amazon.com/saml"
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/pipeline-role/alice"
    assert answer["NameQualifier"]


def test_session_token_keeps_the_callers_identity(lakebox_server):
    sts = lakebox_server.client("sts", aws_access_key_id="444455556666")
    credentials = sts.get_session_token(DurationSeconds=900)["Credentials"]
    identity = _client_from(lakebox_server, credentials).get_caller_identity()
    assert identity["Account"] == "444455556666"


def test_session_credentials_cannot_get_a_session_token(lakebox_server, sts):
    credentials = sts.get_session_token()["Credentials"]
    with pytest.raises(ClientError) as caught:
        _client_from(lakebox_server, credentials).get_session_token()
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_federation_token(sts):
    answer = sts.get_federation_token(Name="bob", DurationSeconds=900)
    assert answer["FederatedUser"] == {"FederatedUserId": "000000000000:bob",
                                       "Arn": "arn:aws:sts::000000000000:federated-user/bob"}


def test_federation_token_with_a_malformed_policy(sts):
    with pytest.raises(ClientError) as caught:
        sts.get_federation_token(Name="bob", Policy="{not json")
    assert caught.value.response["Error"]["Code"] == "MalformedPolicyDocument"


def test_access_key_info_names_the_account(sts):
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="info")["Credentials"]
    assert sts.get_access_key_info(AccessKeyId=credentials["AccessKeyId"])["Account"] == "123456789012"


def test_decode_authorization_message_rejects_garbage(sts):
    with pytest.raises(ClientError) as caught:
        sts.decode_authorization_message(EncodedMessage="not-an-encoded-message")
    assert caught.value.response["Error"]["Code"] == "InvalidAuthorizationMessageException"
