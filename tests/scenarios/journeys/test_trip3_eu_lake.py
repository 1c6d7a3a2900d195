"""A lake kept in eu-west-1 while tools default to us-east-1: the bucket is made with a
LocationConstraint; boto3 clients of the wrong region are redirected and carry on;
s3fs finds the bucket's region by itself; awswrangler catalogs a dataset in eu-west-1's
Glue, where Athena of that region queries it, while us-east-1's catalog does not know the
table."""
import uuid

import boto3
import pandas as pd
import pytest
from botocore.config import Config

from trip_helpers import KEY, SECRET, error_of

EU = "eu-west-1"


@pytest.fixture
def eu_bucket(lakebox_server):
    s3 = lakebox_server.client("s3", region=EU)
    name = f"eu-lake-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": EU})
    yield name
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)


@pytest.fixture
def eu_session():
    return boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=EU)


@pytest.fixture
def eu_database(lakebox_server):
    glue = lakebox_server.client("glue", region=EU)
    name = f"eu_{uuid.uuid4().hex[:10]}"
    glue.create_database(DatabaseInput={"Name": name})
    yield name
    glue.delete_database(Name=name)


def test_wrong_region_clients_find_the_bucket(lakebox_server, eu_bucket):
    us = lakebox_server.client("s3", config=Config(retries={"total_max_attempts": 1}))
    assert us.get_bucket_location(Bucket=eu_bucket)["LocationConstraint"] == EU
    assert us.head_bucket(Bucket=eu_bucket)["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == EU
    us.put_object(Bucket=eu_bucket, Key="landing/a.csv", Body=b"id,v\n1,x\n")      # redirected by botocore
    assert us.get_object(Bucket=eu_bucket, Key="landing/a.csv")["Body"].read() == b"id,v\n1,x\n"
    listed = us.list_objects_v2(Bucket=eu_bucket, Prefix="landing/")["Contents"]
    assert [o["Key"] for o in listed] == ["landing/a.csv"]
    assert error_of(lakebox_server.client("s3", region=EU).create_bucket, Bucket=eu_bucket,
                    CreateBucketConfiguration={"LocationConstraint": EU})[0] == "BucketAlreadyOwnedByYou"

    import s3fs
    kwargs = {"region_name": "us-east-1"}
    if lakebox_server.endpoint:
        kwargs["endpoint_url"] = lakebox_server.endpoint
    fs = s3fs.S3FileSystem(key=KEY, secret=SECRET, client_kwargs=kwargs)
    assert fs.cat(f"{eu_bucket}/landing/a.csv") == b"id,v\n1,x\n"
    with fs.open(f"{eu_bucket}/landing/b.csv", "wb") as handle:
        handle.write(b"id,v\n2,y\n")
    assert fs.ls(f"{eu_bucket}/landing/", refresh=True) == [f"{eu_bucket}/landing/a.csv", f"{eu_bucket}/landing/b.csv"]


def test_regional_catalog_and_athena(lakebox_server, wr, eu_session, eu_bucket, eu_database):
    frame = pd.DataFrame({"city": ["Lisbon", "Berlin", "Paris"], "visits": [3, 5, 2]})
    wr.s3.to_parquet(frame, f"s3://{eu_bucket}/cities/", dataset=True, database=eu_database, table="cities",
                     boto3_session=eu_session)
    answer = wr.athena.read_sql_query("SELECT city, visits FROM cities WHERE visits > 2 ORDER BY city",
                                      database=eu_database, ctas_approach=False,
                                      s3_output=f"s3://{eu_bucket}/athena/", boto3_session=eu_session)
    assert answer.to_dict("records") == [{"city": "Berlin", "visits": 5}, {"city": "Lisbon", "visits": 3}]
    executions = lakebox_server.client("athena", region=EU).list_query_executions()["QueryExecutionIds"]
    assert answer.query_metadata["QueryExecutionId"] in executions

    us_glue = lakebox_server.client("glue", config=Config(retries={"total_max_attempts": 1}))
    assert error_of(us_glue.get_database, Name=eu_database) == (
        "EntityNotFoundException", f"Database {eu_database} not found.")
    eu_glue = lakebox_server.client("glue", region=EU)
    table = eu_glue.get_table(DatabaseName=eu_database, Name="cities")["Table"]
    assert table["StorageDescriptor"]["Location"] == f"s3://{eu_bucket}/cities/"
    assert table["CatalogId"] == lakebox_server.client("sts").get_caller_identity()["Account"]
    wr.catalog.delete_table_if_exists(database=eu_database, table="cities", boto3_session=eu_session)
