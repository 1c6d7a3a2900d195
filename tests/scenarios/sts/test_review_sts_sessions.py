"""A user's pass over STS sessions: roles assumed across accounts and chained, the
credentials used against the other services of the pipeline, and what each service
answers once they expire (as clients log AWS's answers)."""
import base64
import json
import os
import re
import subprocess
import sys
import uuid

import pytest
from aws_cli import run_cli
from botocore.config import Config
from botocore.exceptions import ClientError

NO_RETRIES = Config(retries={"total_max_attempts": 1})
INGEST_ROLE = "arn:aws:iam::111122223333:role/ingest"
READER_ROLE = "arn:aws:iam::444455556666:role/reader"


def _as(lakebox_server, credentials, service):
    return lakebox_server.client(service, config=NO_RETRIES, aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretAccessKey"],
                                 aws_session_token=credentials["SessionToken"])


def _error(call, *args, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def test_a_chain_of_roles_acts_in_each_roles_account(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES, aws_access_key_id="999988887777")
    first = sts.assume_role(RoleArn=INGEST_ROLE, RoleSessionName="etl-run",
                            Tags=[{"Key": "team", "Value": "data"}], SourceIdentity="alice")
    assert first["SourceIdentity"] == "alice"
    assert first["AssumedRoleUser"]["Arn"] == "arn:aws:sts::111122223333:assumed-role/ingest/etl-run"
    assert first["AssumedRoleUser"]["AssumedRoleId"].endswith(":etl-run")
    assert first["Credentials"]["AccessKeyId"].startswith("ASIA")
    ingest = _as(lakebox_server, first["Credentials"], "sts")
    identity = ingest.get_caller_identity()
    assert (identity["Account"], identity["Arn"]) == ("111122223333", first["AssumedRoleUser"]["Arn"])
    assert identity["UserId"] == first["AssumedRoleUser"]["AssumedRoleId"]

    second = ingest.assume_role(RoleArn=READER_ROLE, RoleSessionName="read-back")
    reader = _as(lakebox_server, second["Credentials"], "sts").get_caller_identity()
    assert reader["Arn"] == "arn:aws:sts::444455556666:assumed-role/reader/read-back"
    # a chained session lasts one hour at most, the default when no duration is asked
    lasted = second["Credentials"]["Expiration"] - first["Credentials"]["Expiration"]
    assert abs(lasted.total_seconds()) < 60


def test_a_chained_session_cannot_ask_for_more_than_an_hour(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    first = sts.assume_role(RoleArn=INGEST_ROLE, RoleSessionName="outer", DurationSeconds=7200)
    assert _error(_as(lakebox_server, first["Credentials"], "sts").assume_role, RoleArn=READER_ROLE,
                  RoleSessionName="inner", DurationSeconds=3601) == (
        400, "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")


def test_role_credentials_own_what_they_create_in_the_roles_account(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    credentials = sts.assume_role(RoleArn=READER_ROLE, RoleSessionName="owner")["Credentials"]
    kinesis = _as(lakebox_server, credentials, "kinesis")
    name = f"review-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    try:
        arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
        assert arn == f"arn:aws:kinesis:us-east-1:444455556666:stream/{name}"
        other = lakebox_server.client("kinesis", config=NO_RETRIES)
        assert name not in other.list_streams()["StreamNames"]
        assert _error(other.describe_stream_summary, StreamName=name) == (
            400, "ResourceNotFoundException", f"Stream {name} under account 000000000000 not found.")
    finally:
        kinesis.delete_stream(StreamName=name)


@pytest.mark.local_only
def test_expired_role_credentials_are_refused_by_each_service_in_its_words(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    credentials = sts.assume_role(RoleArn=INGEST_ROLE, RoleSessionName="short", DurationSeconds=900)["Credentials"]
    s3 = _as(lakebox_server, credentials, "s3")
    s3.list_buckets()
    lakebox_server.advance_clock(901)
    try:
        s3_error = _error(s3.list_buckets)
        glue_error = _error(_as(lakebox_server, credentials, "glue").get_databases)
        firehose_error = _error(_as(lakebox_server, credentials, "firehose").list_delivery_streams)
        kinesis_error = _error(_as(lakebox_server, credentials, "kinesis").list_streams)
        sts_error = _error(_as(lakebox_server, credentials, "sts").get_caller_identity)
    finally:
        lakebox_server.advance_clock(-901)
    # S3's own words, as clients log them: "An error occurred (ExpiredToken) when calling
    # the ListObjects operation: The provided token has expired."
    assert s3_error == (400, "ExpiredToken", "The provided token has expired.")
    expired = "The security token included in the request is expired"
    assert glue_error[1:] == firehose_error[1:] == kinesis_error[1:] == ("ExpiredTokenException", expired)
    assert sts_error[1:] == ("ExpiredToken", expired)


@pytest.mark.local_only
def test_an_expired_s3_token_is_echoed_in_the_error(lakebox_server):
    sts = lakebox_server.client("sts", config=NO_RETRIES)
    credentials = sts.assume_role(RoleArn=INGEST_ROLE, RoleSessionName="echo", DurationSeconds=900)["Credentials"]
    s3 = _as(lakebox_server, credentials, "s3")
    lakebox_server.advance_clock(901)
    try:
        with pytest.raises(ClientError) as caught:
            s3.list_objects_v2(Bucket="any-bucket")
    finally:
        lakebox_server.advance_clock(-901)
    assert caught.value.response["Error"]["Token-0"] == credentials["SessionToken"]


def test_cli_assume_role_then_export_the_credentials(lakebox_server):
    """The documented pattern: assume-role, export the three variables, carry on."""
    done = run_cli(lakebox_server, "sts", "assume-role", "--role-arn", READER_ROLE,
                "--role-session-name", "cli-session", "--duration-seconds", "900")
    assert done.returncode == 0, done.stderr
    credentials = json.loads(done.stdout)["Credentials"]
    who = run_cli(lakebox_server, "sts", "get-caller-identity", credentials=credentials)
    assert who.returncode == 0, who.stderr
    assert json.loads(who.stdout)["Arn"] == "arn:aws:sts::444455556666:assumed-role/reader/cli-session"
    streams = run_cli(lakebox_server, "kinesis", "list-streams", credentials=credentials)
    assert streams.returncode == 0, streams.stderr


def test_cli_session_token_for_an_account_key(lakebox_server):
    done = run_cli(lakebox_server, "sts", "get-session-token", "--duration-seconds", "900",
                   access_key="123456789012")
    assert done.returncode == 0, done.stderr
    credentials = json.loads(done.stdout)["Credentials"]
    assert set(credentials) == {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
    who = run_cli(lakebox_server, "sts", "get-caller-identity", credentials=credentials)
    assert json.loads(who.stdout)["Account"] == "123456789012"
    again = run_cli(lakebox_server, "sts", "get-session-token", credentials=credentials)
    assert again.returncode != 0
    assert "AccessDenied" in again.stderr and "Cannot call GetSessionToken with session credentials" in again.stderr


# --- credentials the SDK obtains by itself --------------------------------------------

WHO_AM_I = """
import boto3, sys
session = boto3.Session(profile_name=sys.argv[1]) if len(sys.argv) > 1 else boto3.Session()
print(session.client("sts").get_caller_identity()["Arn"])
session.client("kinesis").list_streams()
"""


def _sdk_run(lakebox_server, tmp_path, env, *args):
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "AWS_ENDPOINT_URL": lakebox_server.endpoint,
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true"}
    return subprocess.run([sys.executable, "-c", WHO_AM_I, *args], env={**base, **env}, capture_output=True,
                          text=True, timeout=60)


def _jwt(claims):
    def part(document):
        return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'RS256', 'kid': 'k1'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.mark.local_only        # the token is not signed by a real identity provider
def test_web_identity_from_the_environment_as_on_eks_or_github_actions(lakebox_server, tmp_path):
    """IRSA / GitHub OIDC: boto3 reads AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE and calls
    AssumeRoleWithWebIdentity itself."""
    token = tmp_path / "token"
    token.write_text(_jwt({"sub": "system:serviceaccount:etl:loader", "aud": "sts.amazonaws.com",
                           "iss": "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"}))
    done = _sdk_run(lakebox_server, tmp_path, {"AWS_ROLE_ARN": "arn:aws:iam::555566667777:role/irsa",
                                               "AWS_WEB_IDENTITY_TOKEN_FILE": str(token)})
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"arn:aws:sts::555566667777:assumed-role/irsa/[\w+=,.@-]+\n", done.stdout), done.stdout


@pytest.mark.local_only        # the roles do not exist in a real account
def test_a_profile_with_role_arn_and_source_profile(lakebox_server, tmp_path):
    """The shared-config pattern: boto3 and the cli assume the profile's role with the
    source profile's keys."""
    config = tmp_path / "config"
    config.write_text("[profile base]\nregion = us-east-1\n\n[profile etl]\n"
                      "role_arn = arn:aws:iam::222233334444:role/etl\nsource_profile = base\n"
                      "role_session_name = etl-from-profile\nregion = us-east-1\n")
    keys = tmp_path / "credentials"
    keys.write_text("[base]\naws_access_key_id = 111122223333\naws_secret_access_key = test\n")
    files = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(keys)}
    done = _sdk_run(lakebox_server, tmp_path, files, "etl")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "arn:aws:sts::222233334444:assumed-role/etl/etl-from-profile\n"
    # AWS_ENDPOINT_URL, not --endpoint-url: the cli's own AssumeRole call must reach lakebox too
    cli = subprocess.run([sys.executable, "-m", "awscli", "--profile", "etl", "sts", "get-caller-identity",
                          "--query", "Arn", "--output", "text"],
                         env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
                              "AWS_ENDPOINT_URL": lakebox_server.endpoint, **files},
                         capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.strip() == "arn:aws:sts::222233334444:assumed-role/etl/etl-from-profile"
