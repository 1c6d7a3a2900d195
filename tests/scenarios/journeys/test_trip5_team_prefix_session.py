"""A shared lake bucket where each team works under its own prefix: the team's job
assumes the shared `lake-writer` role with a session policy that narrows it to
`teams/blue/` (listing only that prefix, through an `s3:prefix` condition) and to the
team's own Glue database; with that session awswrangler writes and catalogs a dataset,
lists and reads it back; writing or listing another team's prefix, or cataloging in its
database, is refused with the session-policy words AWS uses."""
import json
import uuid

import boto3
import pandas as pd
import pytest
from botocore.config import Config

from trip_helpers import REGION, error_of

ACCOUNT = "000000000000"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def team_policy(bucket, database):
    glue = f"arn:aws:glue:{REGION}:{ACCOUNT}"
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
         "Resource": f"arn:aws:s3:::{bucket}/teams/blue/*"},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringLike": {"s3:prefix": ["teams/blue/*"]}}},
        {"Effect": "Allow", "Action": "glue:*",
         "Resource": [f"{glue}:catalog", f"{glue}:database/{database}", f"{glue}:table/{database}/*"]}]})


@pytest.fixture
def team_session(lakebox_server, client, bucket, fresh_database):
    blue = fresh_database("blue")
    sts = client("sts")
    answer = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/lake-writer", RoleSessionName="blue-nightly",
                             Policy=team_policy(bucket, blue))
    creds = answer["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name=REGION)
    yield session, blue, answer["AssumedRoleUser"]["Arn"]
    glue = client("glue")
    for table in glue.get_tables(DatabaseName=blue)["TableList"]:
        glue.delete_table(DatabaseName=blue, Name=table["Name"])


def test_team_session_confined_to_its_prefix(lakebox_server, client, wr, bucket, fresh_database, team_session):
    session, blue, arn = team_session
    green = fresh_database("green")
    s3 = session.client("s3", endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)
    glue = session.client("glue", endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)
    frame = pd.DataFrame({"run_id": [f"r-{uuid.uuid4().hex[:6]}" for _ in range(3)], "rows": [10, 20, 30],
                          "day": ["2024-08-01", "2024-08-01", "2024-08-02"]})

    written = wr.s3.to_parquet(frame, f"s3://{bucket}/teams/blue/runs/", dataset=True, partition_cols=["day"],
                               database=blue, table="runs", boto3_session=session)
    assert sorted(written["partitions_values"]) == [f"s3://{bucket}/teams/blue/runs/day=2024-08-01/",
                                                    f"s3://{bucket}/teams/blue/runs/day=2024-08-02/"]
    listed = wr.s3.list_objects(f"s3://{bucket}/teams/blue/", boto3_session=session)
    assert len(listed) == 2 and all(p.startswith(f"s3://{bucket}/teams/blue/runs/day=") for p in listed)
    back = wr.s3.read_parquet_table(table="runs", database=blue, boto3_session=session)
    assert sorted(back["rows"].tolist()) == [10, 20, 30]
    assert wr.catalog.get_table_types(database=blue, table="runs", boto3_session=session) == {
        "run_id": "string", "rows": "bigint", "day": "string"}

    code, message = error_of(s3.put_object, Bucket=bucket, Key="teams/green/runs/x.parquet", Body=b"x")
    assert (code, message) == ("AccessDenied", f"User: {arn} is not authorized to perform: s3:PutObject on resource: "
                                               f"\"arn:aws:s3:::{bucket}/teams/green/runs/x.parquet\" because no "
                                               "session policy allows the s3:PutObject action")
    code, message = error_of(s3.list_objects_v2, Bucket=bucket, Prefix="teams/green/")
    assert (code, message) == ("AccessDenied", f"User: {arn} is not authorized to perform: s3:ListBucket on "
                                               f"resource: \"arn:aws:s3:::{bucket}\" because no session policy "
                                               "allows the s3:ListBucket action")
    assert error_of(s3.list_objects_v2, Bucket=bucket)[0] == "AccessDenied"          # no prefix: not teams/blue/*
    assert error_of(glue.create_table, DatabaseName=green, TableInput={"Name": "runs"}) == (
        "AccessDeniedException", f"User: {arn} is not authorized to perform: glue:CreateTable on resource: "
                                 f"arn:aws:glue:{REGION}:{ACCOUNT}:database/{green} because no session policy "
                                 "allows the glue:CreateTable action")
    assert error_of(glue.get_table, DatabaseName=green, Name="anything")[0] == "AccessDeniedException"
    assert client("glue").get_tables(DatabaseName=green)["TableList"] == []
