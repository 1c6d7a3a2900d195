"""A CI pipeline that holds no keys, as GitHub Actions runs one with OIDC: the job's
environment names a role and a web identity token file, and boto3 and the aws cli get
their credentials by themselves through AssumeRoleWithWebIdentity; the job builds its
account's lake with awswrangler (bucket, catalog table, Athena check) and the cli sees
the same identity and files; the default account of the test keys does not see any of
it."""
import base64
import json
import os
import subprocess
import sys
import uuid

import boto3
import pandas as pd
import pytest
from botocore.config import Config

from trip_helpers import drop_lake

pytestmark = pytest.mark.local_only          # a made-up identity provider's token: only lakebox takes it

ACCOUNT = "210987654321"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ci-lake"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def github_token() -> str:
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    claims = {"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com",
              "sub": "repo:acme/lake:ref:refs/heads/main", "repository": "acme/lake"}
    return f"{part({'alg': 'RS256', 'typ': 'JWT', 'kid': 'ci'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.fixture
def ci_env(lakebox_server, monkeypatch, tmp_path):
    """The job's environment: no keys, a role and a token file, the endpoint."""
    token = tmp_path / "oidc-token"
    token.write_text(github_token())
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    env = {"AWS_ROLE_ARN": ROLE, "AWS_WEB_IDENTITY_TOKEN_FILE": str(token), "AWS_ROLE_SESSION_NAME": "gha-run-4242",
           "AWS_ENDPOINT_URL": lakebox_server.endpoint, "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_CONFIG_FILE": str(tmp_path / "no-config"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-creds"),
           "AWS_PAGER": "", "HOME": str(tmp_path)}      # a fresh runner: no cli credential cache
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def cli(*args) -> str:
    done = subprocess.run([sys.executable, "-m", "awscli", *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_ci_job_runs_on_web_identity(ci_env, wr, client):
    session = boto3.Session()
    assert session.get_credentials().method == "assume-role-with-web-identity"
    sts = session.client("sts", config=NO_RETRIES)
    identity = sts.get_caller_identity()
    assert identity["Account"] == ACCOUNT
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/ci-lake/gha-run-4242"

    s3, glue = session.client("s3", config=NO_RETRIES), session.client("glue", config=NO_RETRIES)
    bucket, database = f"ci-lake-{uuid.uuid4().hex[:10]}", f"ci_{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    glue.create_database(DatabaseInput={"Name": database})
    try:
        builds = pd.DataFrame({"build": [101, 102, 103, 104], "status": ["ok", "ok", "failed", "ok"],
                               "minutes": [4.5, 5.0, 1.25, 4.0], "branch": ["main", "main", "dev", "main"]})
        wr.s3.to_parquet(builds, f"s3://{bucket}/builds/", dataset=True, database=database, table="builds",
                         partition_cols=["branch"], boto3_session=session)
        got = wr.athena.read_sql_query("SELECT branch, count_if(status = 'ok') AS ok, sum(minutes) AS minutes "
                                       "FROM builds GROUP BY branch ORDER BY branch", database=database,
                                       ctas_approach=False, s3_output=f"s3://{bucket}/athena/", boto3_session=session)
        assert got.values.tolist() == [["dev", 0, 1.25], ["main", 3, 13.5]]

        assert cli("sts", "get-caller-identity", "--query", "Arn", "--output", "text") == identity["Arn"]
        listed = cli("s3", "ls", f"s3://{bucket}/builds/", "--recursive").splitlines()
        assert sorted(line.split()[-1].split("/")[1] for line in listed) == ["branch=dev", "branch=main"]

        default_glue, default_s3 = client("glue"), client("s3")           # account 000000000000's keys
        with pytest.raises(default_glue.exceptions.EntityNotFoundException):
            default_glue.get_database(Name=database)
        assert [b for b in default_s3.list_buckets()["Buckets"] if b["Name"] == bucket] == []
    finally:
        drop_lake(glue, s3, database, bucket)
