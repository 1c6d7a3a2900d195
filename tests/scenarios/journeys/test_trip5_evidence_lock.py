"""Audit evidence kept under S3 Object Lock: the monthly access report is an Athena query
whose result file the compliance job copies into an evidence bucket (Object Lock on,
GOVERNANCE retention of 30 days by default) and records in a DynamoDB register with its
version and retain-until date; deleting that version is refused while it is retained, an
administrator may bypass governance mode for a mistaken copy, a legal hold keeps the
evidence past its retention, and once the hold is lifted it can be deleted."""
import uuid

import pytest

from trip_helpers import athena_execution, error_of, keyed_table

pytestmark = pytest.mark.local_only          # retention ends on the lakebox clock

DAY = 24 * 3600
LOCKED = ("AccessDenied", "Access Denied because object protected by object lock.")


@pytest.fixture
def evidence(client):
    s3, name = client("s3"), f"evidence-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
    yield name
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        for entry in page.get("Versions", []):           # what a failed run left: held or retained
            s3.put_object_legal_hold(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"],
                                     LegalHold={"Status": "OFF"})
            s3.delete_object(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"],
                             BypassGovernanceRetention=True)
        for entry in page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"])
    s3.delete_bucket(Bucket=name)


def test_evidence_retained_held_and_released(client, resource, clock, bucket, database, evidence, table_name):
    s3, athena = client("s3"), client("athena")
    register = keyed_table(resource("dynamodb"), table_name, "report")
    s3.put_object(Bucket=bucket, Key="logs/access.csv", Body=b"alice,read\nbob,write\nalice,write\n")
    output = f"s3://{bucket}/athena/"
    athena_execution(athena, f"""CREATE EXTERNAL TABLE access (who string, what string)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/logs/'""", database, output)
    report = athena_execution(athena, "SELECT who, count(*) AS actions FROM access GROUP BY who ORDER BY who",
                              database, output)
    result_key = report["ResultConfiguration"]["OutputLocation"].split(f"s3://{bucket}/", 1)[1]

    copied = s3.copy_object(Bucket=evidence, Key="2024-07/access-report.csv",
                            CopySource={"Bucket": bucket, "Key": result_key})
    version = copied["VersionId"]
    head = s3.head_object(Bucket=evidence, Key="2024-07/access-report.csv", VersionId=version)
    assert head["ObjectLockMode"] == "GOVERNANCE"
    register.put_item(Item={"report": "2024-07/access", "version": version,
                            "retain_until": head["ObjectLockRetainUntilDate"].isoformat()})
    body = s3.get_object(Bucket=evidence, Key="2024-07/access-report.csv")["Body"].read().decode()
    assert body.splitlines() == ['"who","actions"', '"alice","2"', '"bob","1"']

    assert error_of(s3.delete_object, Bucket=evidence, Key="2024-07/access-report.csv", VersionId=version) == LOCKED
    mistaken = s3.put_object(Bucket=evidence, Key="2024-07/wrong.csv", Body=b"oops")["VersionId"]
    assert error_of(s3.delete_object, Bucket=evidence, Key="2024-07/wrong.csv", VersionId=mistaken) == LOCKED
    s3.delete_object(Bucket=evidence, Key="2024-07/wrong.csv", VersionId=mistaken, BypassGovernanceRetention=True)

    s3.put_object_legal_hold(Bucket=evidence, Key="2024-07/access-report.csv", VersionId=version,
                             LegalHold={"Status": "ON"})
    clock(31 * DAY)
    assert error_of(s3.delete_object, Bucket=evidence, Key="2024-07/access-report.csv", VersionId=version) == LOCKED
    assert s3.get_object_legal_hold(Bucket=evidence, Key="2024-07/access-report.csv",
                                    VersionId=version)["LegalHold"] == {"Status": "ON"}
    s3.put_object_legal_hold(Bucket=evidence, Key="2024-07/access-report.csv", VersionId=version,
                             LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=evidence, Key="2024-07/access-report.csv", VersionId=version)
    assert s3.list_object_versions(Bucket=evidence).get("Versions", []) == []
    assert register.get_item(Key={"report": "2024-07/access"})["Item"]["version"] == version
