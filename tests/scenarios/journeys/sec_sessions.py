"""A client for a role session: the account's own keys assume the role, the client signs
with the session's temporary credentials (the way a job on another account runs)."""
import json

import boto3
from botocore.config import Config

from trip_helpers import REGION

NO_RETRIES = Config(retries={"total_max_attempts": 1})


def session_client(lakebox_server, account: str, role_arn: str, name: str, service="kms", region=REGION):
    sts = lakebox_server.client("sts", aws_access_key_id=account, aws_secret_access_key="x", config=NO_RETRIES)
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName=name)["Credentials"]
    return boto3.client(service, endpoint_url=lakebox_server.endpoint, region_name=region, config=NO_RETRIES,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def client_with(lakebox_server, answer: dict, service: str, region=REGION):
    """A client signing with the temporary credentials of an STS answer (AssumeRole,
    GetFederationToken, GetSessionToken)."""
    creds = answer["Credentials"]
    return boto3.client(service, endpoint_url=lakebox_server.endpoint, region_name=region, config=NO_RETRIES,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def admin_and_one_statement(account: str, sid: str, actions: list, condition: dict) -> str:
    """A key policy: the account's own keys (aws:PrincipalType Account) manage the key,
    and one more statement allows `actions` to the account's principals under `condition`."""
    root = {"AWS": f"arn:aws:iam::{account}:root"}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": root, "Action": "kms:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalType": "Account"}}},
        {"Sid": sid, "Effect": "Allow", "Principal": root, "Action": actions, "Resource": "*",
         "Condition": condition}]})
