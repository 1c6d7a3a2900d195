"""A user's second pass over STS: what each kind of credential may still ask of STS,
several validation errors in one answer, regional endpoints, and what GetAccessKeyInfo
says of keys lakebox did not issue."""
import base64
import datetime
import json
import re
import time
import uuid

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

NO_RETRIES = Config(retries={"total_max_attempts": 1})
ROLE = "arn:aws:iam::210987654321:role/loader"


def _as(lakebox_server, credentials, service, region="us-east-1"):
    return lakebox_server.client(service, region=region, config=NO_RETRIES,
                                 aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretAccessKey"],
                                 aws_session_token=credentials["SessionToken"])


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def test_session_token_credentials_cannot_get_a_federation_token(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES, aws_access_key_id="123456789012")
    credentials = sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert _error(_as(lakebox_server, credentials, "sts").get_federation_token, Name="bob") == (
        403, "AccessDenied", "Cannot call GetFederationToken with session credentials")


def test_assumed_role_credentials_cannot_get_a_session_token(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="no-mfa")["Credentials"]
    assert _error(_as(lakebox_server, credentials, "sts").get_session_token) == (
        403, "AccessDenied", "Cannot call GetSessionToken with session credentials")


def test_two_bad_members_are_reported_together(lakebox_server):
    sts = lakebox_server.client("sts", config=Config(retries={"total_max_attempts": 1}, parameter_validation=False))
    status, code, message = _error(sts.assume_role, RoleArn=ROLE, RoleSessionName="a", DurationSeconds=60)
    assert (status, code) == (400, "ValidationError")
    assert message == (
        "2 validation errors detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must "
        "have value greater than or equal to 900; Value 'a' at 'roleSessionName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 2")


def test_a_twelve_digit_account_key_is_too_short_for_access_key_info(lakebox_server):
    """lakebox takes a 12-digit access key as that account's, but GetAccessKeyInfo's model
    asks for 16 characters at least: such a key is refused before it is looked up."""
    unchecked = lakebox_server.client("sts", config=Config(parameter_validation=False))
    assert _error(unchecked.get_access_key_info, AccessKeyId="444455556666") == (
        400, "ValidationError", "1 validation error detected: Value '444455556666' at 'accessKeyId' failed to "
        "satisfy constraint: Member must have length greater than or equal to 16")


@pytest.mark.local_only        # AWS reads the account out of its own key ids
def test_a_key_lakebox_did_not_issue_is_the_default_account(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    assert sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")["Account"] == "000000000000"


def test_regional_endpoint_signs_for_its_region(lakebox_server):
    sts = lakebox_server.client("sts", region="us-west-2", config=NO_RETRIES)
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="west")["Credentials"]
    west = _as(lakebox_server, credentials, "sqs", region="us-west-2")
    east = _as(lakebox_server, credentials, "sqs")
    name = f"audit2-{uuid.uuid4().hex[:8]}"
    url = west.create_queue(QueueName=name)["QueueUrl"]
    try:
        arn = west.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        assert arn == f"arn:aws:sqs:us-west-2:210987654321:{name}"
        assert _error(east.get_queue_url, QueueName=name)[1] == "AWS.SimpleQueueService.NonExistentQueue"
        # the same name in another region is another queue
        east_url = east.create_queue(QueueName=name)["QueueUrl"]
        west.send_message(QueueUrl=url, MessageBody="west only")
        assert "Messages" not in east.receive_message(QueueUrl=east_url, WaitTimeSeconds=0)
        assert west.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "west only"
        east.delete_queue(QueueUrl=east_url)
    finally:
        west.delete_queue(QueueUrl=url)


# --- PackedPolicySize: only when the request passed something to pack -----------------
# (awscli's own examples: a plain assume-role, and an assume-role-with-web-identity with
# two managed policy ARNs, answer without it; get-federation-token with a policy has it)

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


def _jwt(claims):
    def part(document):
        return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'RS256', 'kid': 'k1'})}.{part(claims)}.c2lnbmF0dXJl"


def test_a_plain_assume_role_has_no_packed_policy_size(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName="plain")
    assert set(answer) - {"ResponseMetadata"} == {"Credentials", "AssumedRoleUser"}
    managed = sts.assume_role(RoleArn=ROLE, RoleSessionName="managed",
                              PolicyArns=[{"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}])
    assert "PackedPolicySize" not in managed


def test_session_tags_or_a_policy_report_a_packed_size(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    tagged = sts.assume_role(RoleArn=ROLE, RoleSessionName="tagged", Tags=[{"Key": "team", "Value": "data"}])
    assert 1 <= tagged["PackedPolicySize"] <= 100
    narrowed = sts.assume_role(RoleArn=ROLE, RoleSessionName="narrowed", Policy=POLICY)
    assert 1 <= narrowed["PackedPolicySize"] <= 100


@pytest.mark.local_only        # the token is not signed by a real identity provider
def test_web_identity_reports_a_packed_size_only_with_a_policy(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    token = _jwt({"sub": "ci", "aud": "sts.amazonaws.com", "iss": "https://token.actions.githubusercontent.com"})
    plain = sts.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="ci", WebIdentityToken=token)
    assert "PackedPolicySize" not in plain
    narrowed = sts.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="ci", WebIdentityToken=token,
                                                 Policy=POLICY)
    assert 1 <= narrowed["PackedPolicySize"] <= 100


def test_federation_token_reports_a_packed_size_only_with_a_policy(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES, aws_access_key_id="123456789012")
    assert "PackedPolicySize" not in sts.get_federation_token(Name="bob")
    assert 1 <= sts.get_federation_token(Name="bob", Policy=POLICY)["PackedPolicySize"] <= 100


# --- AssumeRoleWithSAML: the session is named by the assertion's RoleSessionName ------

SAML_WITH_SESSION_NAME = """<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
<saml:Issuer>https://idp.example.com/saml</saml:Issuer>
<saml:Assertion>
<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">u-81723</saml:NameID>
</saml:Subject>
<saml:AttributeStatement>
<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">
<saml:AttributeValue>arn:aws:iam::210987654321:role/loader,arn:aws:iam::210987654321:saml-provider/corp</saml:AttributeValue>
</saml:Attribute>
<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">
<saml:AttributeValue>alice@example.com</saml:AttributeValue>
</saml:Attribute>
</saml:AttributeStatement>
</saml:Assertion></samlp:Response>"""


@pytest.mark.local_only        # the assertion is not signed by a real identity provider
def test_saml_session_is_named_by_the_role_session_name_attribute(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    answer = sts.assume_role_with_saml(RoleArn=ROLE, PrincipalArn="arn:aws:iam::210987654321:saml-provider/corp",
                                       SAMLAssertion=base64.b64encode(SAML_WITH_SESSION_NAME.encode()).decode())
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::210987654321:assumed-role/loader/alice@example.com"
    assert answer["AssumedRoleUser"]["AssumedRoleId"].endswith(":alice@example.com")
    assert (answer["Subject"], answer["SubjectType"]) == ("u-81723", "persistent")
    identity = _as(lakebox_server, answer["Credentials"], "sts").get_caller_identity()
    assert identity["Arn"] == answer["AssumedRoleUser"]["Arn"]


# --- AssumeRoleWithWebIdentity: a token past its exp is refused ------------------------

@pytest.mark.local_only        # the token is not signed by a real identity provider
def test_an_expired_web_identity_token_is_refused(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    token = _jwt({"sub": "ci", "aud": "sts.amazonaws.com", "iss": "https://token.actions.githubusercontent.com",
                  "iat": 1700000000, "exp": 1700000300})
    status, code, message = _error(sts.assume_role_with_web_identity, RoleArn=ROLE, RoleSessionName="late",
                                   WebIdentityToken=token)
    assert (status, code) == (400, "ExpiredTokenException")
    assert re.fullmatch(r"Token expired: current date/time \d+ must be before the expiration date/time 1700000300",
                        message), message


@pytest.mark.local_only        # the token is not signed by a real identity provider
def test_a_web_identity_token_still_valid_is_accepted(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    now = int(time.time())
    token = _jwt({"sub": "ci", "aud": "sts.amazonaws.com", "iss": "https://token.actions.githubusercontent.com",
                  "iat": now, "exp": now + 600})
    answer = sts.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="on-time", WebIdentityToken=token)
    assert answer["SubjectFromWebIdentityToken"] == "ci"


@pytest.mark.local_only        # moves lakebox's clock
def test_the_token_expires_on_the_lakebox_clock(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    now = int(time.time())
    token = _jwt({"sub": "ci", "aud": "sts.amazonaws.com", "exp": now + 600})
    lakebox_server.advance_clock(601)
    try:
        assert _error(sts.assume_role_with_web_identity, RoleArn=ROLE, RoleSessionName="later",
                      WebIdentityToken=token)[1] == "ExpiredTokenException"
    finally:
        lakebox_server.advance_clock(-601)


# --- AssumeRoleWithSAML: DurationSeconds or SessionNotOnOrAfter, whichever is shorter ---

def _saml_ending_at(moment):
    stamp = datetime.datetime.fromtimestamp(moment, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    statement = f'<saml:AuthnStatement AuthnInstant="{stamp}" SessionNotOnOrAfter="{stamp}"/>'
    return base64.b64encode(SAML_WITH_SESSION_NAME.replace("<saml:AttributeStatement>",
                                                           statement + "<saml:AttributeStatement>").encode()).decode()


@pytest.mark.local_only        # the assertion is not signed by a real identity provider
@pytest.mark.parametrize("session_left, duration, lasts", [(1200, 3600, 1200), (7200, 900, 900)])
def test_saml_session_ends_at_the_sooner_of_duration_and_session_not_on_or_after(
        lakebox_server, session_left, duration, lasts):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    now = int(time.time())
    answer = sts.assume_role_with_saml(RoleArn=ROLE, PrincipalArn="arn:aws:iam::210987654321:saml-provider/corp",
                                       SAMLAssertion=_saml_ending_at(now + session_left), DurationSeconds=duration)
    lasted = answer["Credentials"]["Expiration"].timestamp() - now
    assert abs(lasted - lasts) < 5


# --- AssumeRoleWithSAML: PrincipalTag attributes are the session's tags ------------------

def _saml_with_tags(tags, transitive=()):
    attribute = '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/{}">{}</saml:Attribute>'
    values = "<saml:AttributeValue>{}</saml:AttributeValue>"
    added = "".join(attribute.format(f"PrincipalTag:{key}", values.format(value)) for key, value in tags.items())
    if transitive:
        added += attribute.format("TransitiveTagKeys", "".join(values.format(key) for key in transitive))
    document = SAML_WITH_SESSION_NAME.replace("</saml:AttributeStatement>", added + "</saml:AttributeStatement>")
    return base64.b64encode(document.encode()).decode()


@pytest.fixture
def team_bucket(lakebox_server):
    """A bucket whose policy lets the role read the folder of its aws:PrincipalTag/team."""
    owner = lakebox_server.client("s3", config=NO_RETRIES)
    bucket = f"audit2-teams-{uuid.uuid4().hex[:8]}"
    owner.create_bucket(Bucket=bucket)
    for team in ("blue", "red"):
        owner.put_object(Bucket=bucket, Key=f"teams/{team}/plan.txt", Body=team.encode())
    owner.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/teams/${{aws:PrincipalTag/team}}/*"}]}))
    yield bucket
    for team in ("blue", "red"):
        owner.delete_object(Bucket=bucket, Key=f"teams/{team}/plan.txt")
    owner.delete_bucket(Bucket=bucket)


def _reads_only_its_team(lakebox_server, credentials, bucket, team, other):
    """The session reads its team's folder and not the other's; a role chained from it
    carries the (transitive) tag on."""
    s3 = _as(lakebox_server, credentials, "s3")
    assert s3.get_object(Bucket=bucket, Key=f"teams/{team}/plan.txt")["Body"].read() == team.encode()
    assert _error(s3.get_object, Bucket=bucket, Key=f"teams/{other}/plan.txt")[:2] == (403, "AccessDenied")
    chained = _as(lakebox_server, credentials, "sts").assume_role(RoleArn=ROLE, RoleSessionName="second-hop")
    assert _as(lakebox_server, chained["Credentials"], "s3").get_object(Bucket=bucket, Key=f"teams/{team}/plan.txt")


@pytest.mark.local_only        # the assertion is not signed by a real identity provider
def test_saml_principal_tags_decide_what_a_tag_based_bucket_policy_allows(lakebox_server, team_bucket):
    answer = lakebox_server.client("sts", config=NO_RETRIES).assume_role_with_saml(
        RoleArn=ROLE, PrincipalArn="arn:aws:iam::210987654321:saml-provider/corp",
        SAMLAssertion=_saml_with_tags({"team": "blue"}, transitive=["team"]))
    _reads_only_its_team(lakebox_server, answer["Credentials"], team_bucket, "blue", "red")


@pytest.mark.local_only        # the token is not signed by a real identity provider
def test_oidc_principal_tags_decide_what_a_tag_based_bucket_policy_allows(lakebox_server, team_bucket):
    token = _jwt({"sub": "ci", "aud": "sts.amazonaws.com", "iss": "https://idp.example.com",
                  "https://aws.amazon.com/tags": {"principal_tags": {"team": ["red"]},
                                                  "transitive_tag_keys": ["team"]}})
    answer = lakebox_server.client("sts", config=NO_RETRIES).assume_role_with_web_identity(
        RoleArn=ROLE, RoleSessionName="ci", WebIdentityToken=token)
    assert 1 <= answer["PackedPolicySize"] <= 100
    _reads_only_its_team(lakebox_server, answer["Credentials"], team_bucket, "red", "blue")
