"""An analyst who works through a role, as in accounts where nobody holds long-lived
keys: the platform's admin key of account 123456789012 builds the lake (a Parquet
dataset catalogued by awswrangler); the analyst assumes `analyst` with a session policy
that lets it read the lake, write only its own results prefix, run Athena and read the
Glue catalog; with those temporary credentials awswrangler and pyathena query the lake,
while writes elsewhere and catalog changes are refused; when the credentials expire on
the lakebox clock every service refuses them, and a fresh AssumeRole carries on."""
import json
import uuid

import boto3
import pandas as pd
import pytest
from botocore.config import Config

from trip_helpers import REGION, drop_lake, error_of, wait_for

pytestmark = pytest.mark.local_only          # credentials expire by moving the lakebox clock

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/analyst"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def analyst_policy(bucket):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadLake", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]},
        {"Sid": "OwnResults", "Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
         "Resource": f"arn:aws:s3:::{bucket}/results/alice/*"},
        {"Sid": "Query", "Effect": "Allow", "Action": "athena:*", "Resource": "*"},
        {"Sid": "ReadCatalog", "Effect": "Allow", "Resource": "*",
         "Action": ["glue:GetDatabase*", "glue:GetTable*", "glue:GetPartition*"]}]})


def admin_session():
    return boto3.Session(aws_access_key_id=ACCOUNT, aws_secret_access_key="x", region_name=REGION)


def assume(lakebox_server, bucket, name="alice"):
    sts = admin_session().client("sts", endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName=name, DurationSeconds=900, Policy=analyst_policy(bucket))
    credentials = answer["Credentials"]
    session = boto3.Session(aws_access_key_id=credentials["AccessKeyId"], region_name=REGION,
                            aws_secret_access_key=credentials["SecretAccessKey"],
                            aws_session_token=credentials["SessionToken"])
    return session, credentials, answer["AssumedRoleUser"]["Arn"]


@pytest.fixture
def lake(lakebox_server, wr):
    """The account's lake: a bucket and a catalogued, partitioned Parquet dataset."""
    admin = admin_session()
    s3 = admin.client("s3", endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)
    glue = admin.client("glue", endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)
    bucket, database = f"analytics-{uuid.uuid4().hex[:12]}", f"lake_{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    glue.create_database(DatabaseInput={"Name": database})
    trips = pd.DataFrame({"city": ["lisbon", "lisbon", "porto", "faro"], "km": [3.5, 12.0, 7.25, 1.0],
                          "fare": [6.0, 18.5, 11.0, 4.5], "month": ["2024-06", "2024-07", "2024-07", "2024-07"]})
    wr.s3.to_parquet(trips, f"s3://{bucket}/lake/trips/", dataset=True, database=database, table="trips",
                     partition_cols=["month"], boto3_session=admin)
    yield bucket, database
    drop_lake(glue, s3, database, bucket)


def test_analyst_queries_through_a_role_until_it_expires(lakebox_server, clock, wr, lake):
    bucket, database = lake
    session, credentials, arn = assume(lakebox_server, bucket)
    assert arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/analyst/alice"
    clients = {name: session.client(name, endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)
               for name in ("s3", "glue", "athena", "sts")}
    assert clients["sts"].get_caller_identity()["Arn"] == arn
    results = f"s3://{bucket}/results/alice/"

    got = wr.athena.read_sql_query("SELECT city, sum(fare) AS fares, count(*) AS trips FROM trips "
                                   "WHERE month = '2024-07' GROUP BY city ORDER BY city", database=database,
                                   ctas_approach=False, s3_output=results, boto3_session=session)
    assert got.values.tolist() == [["faro", 4.5, 1], ["lisbon", 18.5, 1], ["porto", 11.0, 1]]
    assert wr.catalog.get_table_types(database=database, table="trips", boto3_session=session) == {
        "city": "string", "km": "double", "fare": "double", "month": "string"}
    files = wr.s3.list_objects(f"s3://{bucket}/lake/trips/", boto3_session=session)
    assert sorted({p.split("/")[-2] for p in files}) == ["month=2024-06", "month=2024-07"]

    from pyathena import connect
    cursor = connect(s3_staging_dir=results, region_name=REGION, schema_name=database,
                     aws_access_key_id=credentials["AccessKeyId"],
                     aws_secret_access_key=credentials["SecretAccessKey"],
                     aws_session_token=credentials["SessionToken"], endpoint_url=lakebox_server.endpoint).cursor()
    cursor.execute("SELECT round(sum(km), 2) FROM trips WHERE city = %(city)s", {"city": "lisbon"})
    assert cursor.fetchall() == [(15.5,)]
    assert cursor.output_location.startswith(results)

    assert error_of(clients["s3"].put_object, Bucket=bucket, Key="lake/trips/month=2024-07/rogue.parquet",
                    Body=b"x")[0] == "AccessDenied"
    # The resource named differs with the catalog's setup (a catalog, database or table ARN, or `*`).
    code, message = error_of(clients["glue"].create_table, DatabaseName=database, TableInput={"Name": "scratch"})
    assert code == "AccessDeniedException"
    assert message.startswith(f"User: {arn} is not authorized to perform: glue:CreateTable on resource: ")
    assert message.endswith(" because no session policy allows the glue:CreateTable action")
    query_id = clients["athena"].start_query_execution(
        QueryString="SELECT count(*) FROM trips", QueryExecutionContext={"Database": database},
        ResultConfiguration={"OutputLocation": f"s3://{bucket}/results/bob/"})["QueryExecutionId"]
    refused = wait_for(lambda: (e := clients["athena"].get_query_execution(QueryExecutionId=query_id)[
        "QueryExecution"])["Status"]["State"] in ("SUCCEEDED", "FAILED") and e)
    assert refused["Status"]["State"] == "FAILED"
    assert refused["Status"]["StateChangeReason"].startswith(
        f"Access denied when writing output to url: s3://{bucket}/results/bob/{query_id}.csv")

    clock(901)
    expired = "The security token included in the request is expired"
    assert error_of(clients["athena"].get_query_execution, QueryExecutionId=query_id) == (
        "ExpiredTokenException", expired)
    assert error_of(clients["glue"].get_table, DatabaseName=database, Name="trips") == (
        "ExpiredTokenException", expired)
    assert error_of(clients["s3"].get_object, Bucket=bucket, Key=files[0]) == (
        "ExpiredToken", "The provided token has expired.")
    assert error_of(clients["sts"].get_caller_identity) == ("ExpiredToken", expired)

    renewed, _, _ = assume(lakebox_server, bucket, name="alice-2")
    got = wr.athena.read_sql_query("SELECT count(*) AS n FROM trips", database=database, ctas_approach=False,
                                   s3_output=results, boto3_session=renewed)
    assert got["n"].tolist() == [4]
