"""A producer account shares a partitioned table with a consumer account through its
Glue catalog resource policy and a bucket policy; the consumer gives it a local name with
a table resource link (TargetTable naming the producer's CatalogId), the way the Lake
Formation Developer Guide has accounts query shared tables with Athena ("Some
integrated services can't directly access databases or tables across accounts. However,
they can access resource links in your account"). Through the link the consumer reads
the definition and the partitions and queries the rows with Athena; a link to a table
the producer did not share is refused with AccessDeniedException, and a partition write
through the link is refused the same way since the policy grants reads only."""
import json
import time
import uuid

import boto3
import pandas as pd
import pytest
from botocore.config import Config

from trip_helpers import REGION, error_of

PRODUCER, CONSUMER = "333333333333", "444444444444"


def clients(endpoint, account, *services):
    """Clients acting as `account` (lakebox names an account by the access key)."""
    session = boto3.Session(aws_access_key_id=account, aws_secret_access_key="x", region_name=REGION)
    return [session.client(service, endpoint_url=endpoint, config=Config(retries={"total_max_attempts": 1}))
            for service in services]


def allow(actions, resources) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{CONSUMER}:root"}, "Action": actions,
        "Resource": resources}]})


@pytest.fixture
def shared(lakebox_server, wr):
    """The producer's bucket and database: `orders` (partitioned by region) shared with
    the consumer for reading, `payroll` not shared."""
    s3, glue = clients(lakebox_server.endpoint, PRODUCER, "s3", "glue")
    bucket, database = f"producer-{uuid.uuid4().hex[:10]}", f"sales_{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    glue.create_database(DatabaseInput={"Name": database})
    producer = boto3.Session(aws_access_key_id=PRODUCER, aws_secret_access_key="x", region_name=REGION)
    frame = pd.DataFrame({"sku": ["a", "b", "c", "d"], "units": [3, 1, 7, 2], "region": ["eu", "us", "eu", "ap"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/orders/", dataset=True, partition_cols=["region"],
                     database=database, table="orders", boto3_session=producer)
    glue.create_table(DatabaseName=database, TableInput={"Name": "payroll", "StorageDescriptor": {
        "Columns": [{"Name": "pay", "Type": "double"}], "Location": f"s3://{bucket}/payroll/"}})
    catalog = f"arn:aws:glue:{REGION}:{PRODUCER}"
    glue.put_resource_policy(PolicyInJson=allow(["glue:Get*", "glue:BatchGet*"], [
        f"{catalog}:catalog", f"{catalog}:database/{database}", f"{catalog}:table/{database}/orders"]))
    s3.put_bucket_policy(Bucket=bucket, Policy=allow(["s3:GetObject", "s3:ListBucket"],
                                                     [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]))
    yield bucket, database
    glue.delete_resource_policy()
    glue.delete_database(Name=database)
    s3.delete_bucket_policy(Bucket=bucket)
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)


def athena_rows(athena, query, database, output):
    query_id = athena.start_query_execution(QueryString=query, QueryExecutionContext={"Database": database},
                                            ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]
    for _ in range(600):
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if status["State"] not in ("QUEUED", "RUNNING"):
            break
        time.sleep(0.1)
    assert status["State"] == "SUCCEEDED", status
    rows = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
    return [[cell.get("VarCharValue") for cell in row["Data"]] for row in rows[1:]]


@pytest.mark.local_only                       # accounts named by their access keys: lakebox's
def test_consumer_queries_a_shared_table_through_a_link(lakebox_server, shared):
    bucket, database = shared
    glue, s3, athena = clients(lakebox_server.endpoint, CONSUMER, "glue", "s3", "athena")
    mine, results = f"consumer_{uuid.uuid4().hex[:8]}", f"consumer-results-{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": mine})
    s3.create_bucket(Bucket=results)
    try:
        glue.create_table(DatabaseName=mine, TableInput={"Name": "partner_orders", "TargetTable": {
            "CatalogId": PRODUCER, "DatabaseName": database, "Name": "orders"}})
        glue.create_table(DatabaseName=mine, TableInput={"Name": "partner_payroll", "TargetTable": {
            "CatalogId": PRODUCER, "DatabaseName": database, "Name": "payroll"}})

        linked = glue.get_table(DatabaseName=mine, Name="partner_orders")["Table"]
        assert (linked["Name"], linked["TargetTable"]["CatalogId"]) == ("partner_orders", PRODUCER)
        assert linked["StorageDescriptor"]["Location"] == f"s3://{bucket}/orders/"
        assert linked["PartitionKeys"] == [{"Name": "region", "Type": "string"}]
        regions = glue.get_partitions(DatabaseName=mine, TableName="partner_orders",
                                      Expression="region IN ('eu', 'us')")["Partitions"]
        assert sorted(p["Values"] for p in regions) == [["eu"], ["us"]]
        assert all(p["CatalogId"] == PRODUCER for p in regions)

        rows = athena_rows(athena, "SELECT region, sum(units) FROM partner_orders WHERE region <> 'ap' "
                                   "GROUP BY region ORDER BY region", mine, f"s3://{results}/q/")
        assert rows == [["eu", "10"], ["us", "1"]]

        # the payroll table is not shared: the link cannot be followed
        code, message = error_of(glue.get_table, DatabaseName=mine, Name="partner_payroll")
        assert code == "AccessDeniedException"
        assert "glue:GetTable" in message
        # reads only: a partition written through the link is refused
        assert error_of(glue.batch_create_partition, DatabaseName=mine, TableName="partner_orders",
                        PartitionInputList=[{"Values": ["sa"]}])[0] == "AccessDeniedException"
    finally:
        glue.delete_table(DatabaseName=mine, Name="partner_orders")
        glue.delete_table(DatabaseName=mine, Name="partner_payroll")
        glue.delete_database(Name=mine)
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=results):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=results, Key=item["Key"])
        s3.delete_bucket(Bucket=results)
