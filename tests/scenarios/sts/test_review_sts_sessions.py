"""A user's pass over STS sessions: roles assumed across accounts and chained, the
credentials used against the other services of the pipeline, and what each service
answers once they expire (as clients log AWS's answers)."""
import json
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
