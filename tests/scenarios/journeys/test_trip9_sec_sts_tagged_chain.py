"""The platform team's credential broker, as it hands out access to the lake: a
`data-broker` session tagged team=data (transitive) and cost-center=42 (not transitive)
chains into a `lake-writer` role; the bucket's policy lets only team=data sessions write
under `curated/`, so the chained session may write there thanks to the transitive tag,
while a policy on cost-center refuses it (that tag stayed behind); the chain can neither
override the transitive tag nor change the session's SourceIdentity. The broker's other
clients: a contractor's federated user (GetFederationToken with a read-only policy), an
operator's MFA session (GetSessionToken with SerialNumber and TokenCode), and an auditor
who looks up which account an access key belongs to (GetAccessKeyInfo). Every bound and
refusal is STS's: DurationSeconds limits per operation, the one-hour role-chaining cap,
tokens that are not a JWT or a SAML response, an encoded message that is not one."""
import json
import uuid

import boto3
import pytest
from botocore.config import Config

from trip_helpers import REGION, error_of

pytestmark = pytest.mark.local_only          # the bucket policy judges session tags lakebox keeps

ACCOUNT = "246813579024"
BROKER, WRITER = f"arn:aws:iam::{ACCOUNT}:role/data-broker", f"arn:aws:iam::{ACCOUNT}:role/lake-writer"
NO_RETRIES = Config(retries={"total_max_attempts": 1})
UNCHECKED = Config(retries={"total_max_attempts": 1}, parameter_validation=False)


def client_of(lakebox_server, service, credentials, config=NO_RETRIES):
    return boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                         aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"], region_name=REGION).client(
        service, endpoint_url=lakebox_server.endpoint, config=config)


def duration_error(value, bound):
    relation = "greater than or equal to" if value < bound else "less than or equal to"
    return ("ValidationError", f"1 validation error detected: Value '{value}' at 'durationSeconds' failed to "
                               f"satisfy constraint: Member must have value {relation} {bound}")


@pytest.fixture
def admin(lakebox_server):
    return lambda service, config=NO_RETRIES: lakebox_server.client(
        service, aws_access_key_id=ACCOUNT, aws_secret_access_key="x", config=config)


@pytest.fixture
def lake(admin):
    s3 = admin("s3")
    bucket = f"broker-lake-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DataTeamOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/curated/*",
         "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "data"}}},
        {"Sid": "BilledWork", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/billed/*",
         "Condition": {"StringNotEquals": {"aws:PrincipalTag/cost-center": "42"}}}]}))
    yield bucket
    s3.delete_bucket_policy(Bucket=bucket)
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)


def test_transitive_tags_follow_the_chain(lakebox_server, admin, lake):
    broker = admin("sts").assume_role(
        RoleArn=BROKER, RoleSessionName="broker", DurationSeconds=3600,
        Tags=[{"Key": "team", "Value": "data"}, {"Key": "cost-center", "Value": "42"}],
        TransitiveTagKeys=["team"], SourceIdentity="ana@corp")
    assert broker["SourceIdentity"] == "ana@corp"
    assert 0 < broker["PackedPolicySize"] < 100            # tags count against the packed size
    assert broker["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/data-broker/broker"
    as_broker = client_of(lakebox_server, "s3", broker["Credentials"])
    as_broker.put_object(Bucket=lake, Key="curated/by-broker.csv", Body=b"a\n1\n")
    as_broker.put_object(Bucket=lake, Key="billed/by-broker.csv", Body=b"a\n1\n")

    broker_sts = client_of(lakebox_server, "sts", broker["Credentials"])
    assert error_of(broker_sts.assume_role, RoleArn=WRITER, RoleSessionName="writer", DurationSeconds=3601) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
    assert error_of(broker_sts.assume_role, RoleArn=WRITER, RoleSessionName="writer",
                    Tags=[{"Key": "Team", "Value": "marketing"}]) == (
        "InvalidParameterValue", "One of the specified transitive tag keys can't be set because it conflicts with "
                                 "a transitive tag key from the calling session.")
    assert error_of(broker_sts.assume_role, RoleArn=WRITER, RoleSessionName="writer", SourceIdentity="bob@corp") == (
        "ValidationError", "The source identity is already set for this assume role session")
    writer = broker_sts.assume_role(RoleArn=WRITER, RoleSessionName="writer", DurationSeconds=3600)
    assert writer["SourceIdentity"] == "ana@corp"
    assert writer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/lake-writer/writer"
    as_writer = client_of(lakebox_server, "s3", writer["Credentials"])
    as_writer.put_object(Bucket=lake, Key="curated/by-writer.csv", Body=b"a\n2\n")      # team=data came along
    code, _ = error_of(as_writer.put_object, Bucket=lake, Key="billed/by-writer.csv", Body=b"a\n2\n")
    assert code == "AccessDenied"                                                     # cost-center did not
    assert sorted(o["Key"] for o in as_writer.list_objects_v2(Bucket=lake)["Contents"]) == [
        "billed/by-broker.csv", "curated/by-broker.csv", "curated/by-writer.csv"]

    untagged = admin("sts").assume_role(RoleArn=WRITER, RoleSessionName="untagged")
    assert error_of(client_of(lakebox_server, "s3", untagged["Credentials"]).put_object, Bucket=lake,
                    Key="curated/by-untagged.csv", Body=b"x")[0] == "AccessDenied"


def test_the_brokers_other_clients(lakebox_server, admin):
    sts = admin("sts")
    read_only = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}]})
    federated = sts.get_federation_token(Name="contractor-ana", Policy=read_only, DurationSeconds=7200)
    assert federated["FederatedUser"] == {"FederatedUserId": f"{ACCOUNT}:contractor-ana",
                                          "Arn": f"arn:aws:sts::{ACCOUNT}:federated-user/contractor-ana"}
    assert federated["Credentials"]["AccessKeyId"].startswith("ASIA")
    as_contractor = client_of(lakebox_server, "sts", federated["Credentials"])
    assert as_contractor.get_caller_identity()["Arn"] == f"arn:aws:sts::{ACCOUNT}:federated-user/contractor-ana"

    operator = sts.get_session_token(DurationSeconds=129600, SerialNumber=f"arn:aws:iam::{ACCOUNT}:mfa/operator",
                                     TokenCode="123456")
    as_operator = client_of(lakebox_server, "sts", operator["Credentials"])
    assert as_operator.get_caller_identity()["Account"] == ACCOUNT
    assert error_of(as_operator.get_session_token) == (
        "AccessDenied", "Cannot call GetSessionToken with session credentials")

    assert sts.get_access_key_info(AccessKeyId=operator["Credentials"]["AccessKeyId"])["Account"] == ACCOUNT
    assert error_of(sts.decode_authorization_message, EncodedMessage="not-an-encoded-message") == (
        "InvalidAuthorizationMessageException", "Invalid encoded message.")


def test_bounds_and_refused_tokens(lakebox_server, admin):
    sts = admin("sts", UNCHECKED)
    assert error_of(sts.assume_role, RoleArn=BROKER, RoleSessionName="broker", DurationSeconds=899) == \
        duration_error(899, 900)
    assert error_of(sts.assume_role, RoleArn=BROKER, RoleSessionName="broker", DurationSeconds=43201) == \
        duration_error(43201, 43200)
    assert error_of(sts.get_session_token, DurationSeconds=129601) == duration_error(129601, 129600)
    assert error_of(sts.get_federation_token, Name="contractor-ana", DurationSeconds=899) == \
        duration_error(899, 900)
    assert error_of(sts.get_session_token, SerialNumber=f"arn:aws:iam::{ACCOUNT}:mfa/operator",
                    TokenCode="12345") == (
        "ValidationError", "1 validation error detected: Value '12345' at 'tokenCode' failed to satisfy "
                           "constraint: Member must have length greater than or equal to 6")
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    code, message = error_of(sts.assume_role, RoleArn=BROKER, RoleSessionName="broker", Tags=too_many)
    assert code == "ValidationError" and message.endswith(
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
    assert error_of(sts.assume_role, RoleArn=BROKER, RoleSessionName="broker",
                    Tags=[{"Key": "team", "Value": "a"}, {"Key": "TEAM", "Value": "b"}]) == (
        "InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    assert error_of(sts.assume_role, RoleArn=BROKER, RoleSessionName="broker",
                    Tags=[{"Key": "team", "Value": "a"}], TransitiveTagKeys=["project"]) == (
        "InvalidParameterValue", "The specified transitive tag key must be included in the requested tags.")
    assert error_of(sts.assume_role, RoleArn=BROKER, RoleSessionName="broker", Policy="{not json") == (
        "MalformedPolicyDocument", "Syntax errors in policy.")

    assert error_of(sts.assume_role_with_web_identity, RoleArn=BROKER, RoleSessionName="ci",
                    WebIdentityToken="this-is-not-a-jwt-at-all") == (
        "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider,  please "
                                "reference AssumeRoleWithWebIdentity documentation for requirements")
    assert error_of(sts.assume_role_with_saml, RoleArn=BROKER,
                    PrincipalArn=f"arn:aws:iam::{ACCOUNT}:saml-provider/corp-idp",
                    SAMLAssertion="bm90IGEgc2FtbCByZXNwb25zZQ==") == (
        "InvalidIdentityToken", "Invalid base64 SAMLResponse (Unable to parse the assertion)")
