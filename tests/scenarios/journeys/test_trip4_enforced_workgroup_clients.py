"""Clients inside a workgroup that enforces its settings, as data platforms hand them to
analysts: results under the workgroup's location, encrypted with the team's KMS key.
awswrangler (no s3_output: it asks the workgroup) runs the plain, CTAS and UNLOAD
approaches and start_query_execution(wait=True); pyathena connects with only the
workgroup; every object they make lands under the workgroup's location, encrypted with
the key, and wrangler's temporary CTAS tables are gone afterwards."""
import uuid

import pandas as pd
import pytest

from trip_helpers import KEY, REGION, SECRET


@pytest.fixture
def team_key(client):
    kms = client("kms")
    key = kms.create_key(Description="analytics results")["KeyMetadata"]
    yield key["Arn"]
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)


@pytest.fixture
def workgroup(client, bucket, team_key):
    athena = client("athena")
    name = f"analytics-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=name, Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/wg-results/",
                                "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": team_key}},
        "EnforceWorkGroupConfiguration": True})
    yield name
    athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def test_clients_in_an_enforced_workgroup(lakebox_server, client, wr, session, bucket, database, workgroup, team_key):
    s3, glue = client("s3"), client("glue")
    frame = pd.DataFrame({"team": ["a", "b", "a", "c"], "cost": [10.0, 2.5, 4.0, 8.0],
                          "month": ["01", "01", "02", "02"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/costs/", dataset=True, database=database, table="costs",
                     partition_cols=["month"], boto3_session=session)
    sql = "SELECT team, sum(cost) AS cost FROM costs GROUP BY team ORDER BY team"
    expected = [["a", 14.0], ["b", 2.5], ["c", 8.0]]
    plain = wr.athena.read_sql_query(sql, database=database, workgroup=workgroup, ctas_approach=False,
                                     boto3_session=session)
    ctas = wr.athena.read_sql_query(sql, database=database, workgroup=workgroup, ctas_approach=True,
                                    boto3_session=session)
    unloaded = wr.athena.read_sql_query(sql, database=database, workgroup=workgroup, ctas_approach=False,
                                        unload_approach=True, boto3_session=session,
                                        s3_output=f"s3://{bucket}/wg-results/unload/")
    for got in (plain, ctas, unloaded):
        assert got.values.tolist() == expected
    assert {t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]} == {"costs"}

    execution = wr.athena.start_query_execution("SELECT count(*) FROM costs WHERE month = '02'", database=database,
                                                workgroup=workgroup, wait=True, boto3_session=session)
    assert execution["Status"]["State"] == "SUCCEEDED"
    assert execution["ResultConfiguration"]["OutputLocation"].startswith(f"s3://{bucket}/wg-results/")
    assert execution["ResultConfiguration"]["EncryptionConfiguration"] == {
        "EncryptionOption": "SSE_KMS", "KmsKey": team_key}

    from pyathena import connect
    cursor = connect(work_group=workgroup, region_name=REGION, schema_name=database, aws_access_key_id=KEY,
                     aws_secret_access_key=SECRET, endpoint_url=lakebox_server.endpoint).cursor()
    cursor.execute("SELECT max(cost) FROM costs WHERE team = %(team)s", {"team": "a"})
    assert cursor.fetchall() == [(10.0,)]
    assert cursor.output_location.startswith(f"s3://{bucket}/wg-results/")

    made = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in page.get("Contents", []) if not o["Key"].startswith("costs/")]
    assert made and all(k.startswith("wg-results/") for k in made)
    for key in made:
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", team_key), key
