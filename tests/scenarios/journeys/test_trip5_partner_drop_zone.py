"""A partner drop zone: partners get a presigned POST (a form upload limited to CSV
under their own prefix and to 1 KB) or a presigned PUT URL (signed under the portal's
role session) and upload with plain HTTP, no AWS SDK; uploads that break the policy or
the signature are refused with S3's errors; the bucket tells an SQS queue about each
accepted file, and an ingest worker registers the partner's partition so Athena reads
the file at once."""
import json
from urllib.parse import unquote_plus

import boto3
import pytest
import requests

from trip_helpers import athena_execution, athena_rows, notifying_queue

HEADER = "sku,units\n"


@pytest.fixture
def arrivals(client, bucket):
    sqs = client("sqs")
    url = notifying_queue(sqs, client("s3"), bucket, ["s3:ObjectCreated:*"], prefix="drops/")
    yield url
    sqs.delete_queue(QueueUrl=url)


def ingest(sqs, glue, url, database, bucket) -> list:
    """Registers the partner partition of each new file; returns (event, key, size)."""
    seen = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages"):
        for message in messages:
            for record in json.loads(message["Body"]).get("Records", []):
                key = unquote_plus(record["s3"]["object"]["key"])
                seen.append((record["eventName"], key, record["s3"]["object"]["size"]))
                partner = key.split("/")[1].split("=", 1)[1]
                glue.batch_create_partition(DatabaseName=database, TableName="drops", PartitionInputList=[{
                    "Values": [partner], "StorageDescriptor": {
                        "Location": f"s3://{bucket}/drops/partner={partner}/",
                        "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                                      "Parameters": {"field.delim": ","}}}}])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return seen


def test_partners_upload_without_sdks(lakebox_server, client, bucket, database, arrivals):
    s3, sqs, glue, athena = client("s3"), client("sqs"), client("glue"), client("athena")
    output = f"s3://{bucket}/athena/"
    athena_execution(athena, f"""CREATE EXTERNAL TABLE drops (sku string, units int) PARTITIONED BY (partner string)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/drops/'
        TBLPROPERTIES ('skip.header.line.count' = '1')""", database, output)
    ingest(sqs, glue, arrivals, database, bucket)                           # the configuration's test event

    form = s3.generate_presigned_post(
        bucket, "drops/partner=acme/${filename}", ExpiresIn=600,
        Fields={"Content-Type": "text/csv", "success_action_status": "201"},
        Conditions=[["starts-with", "$key", "drops/partner=acme/"], {"Content-Type": "text/csv"},
                    ["content-length-range", 1, 1024], {"success_action_status": "201"}])
    body = HEADER + "apple,3\npear,5\n"
    posted = requests.post(form["url"], data=form["fields"], files={"file": ("day 1.csv", body.encode())}, timeout=30)
    assert posted.status_code == 201
    assert "<Key>drops/partner=acme/day 1.csv</Key>" in posted.text

    too_big = requests.post(form["url"], data=form["fields"], files={"file": ("big.csv", b"x" * 2048)}, timeout=30)
    assert too_big.status_code == 400
    assert "<Code>EntityTooLarge</Code>" in too_big.text
    elsewhere = dict(form["fields"], key="drops/partner=globex/steal.csv")
    refused = requests.post(form["url"], data=elsewhere, files={"file": ("x.csv", body.encode())}, timeout=30)
    assert refused.status_code == 403
    assert "<Code>AccessDenied</Code>" in refused.text
    assert "Invalid according to Policy: Policy Condition failed: " in refused.text

    # The portal presigns under its role's session (whose secret S3 knows, and checks).
    portal = client("sts").assume_role(RoleArn="arn:aws:iam::000000000000:role/partner-portal",
                                       RoleSessionName="portal")["Credentials"]
    signer = boto3.client("s3", endpoint_url=lakebox_server.endpoint, region_name="us-east-1",
                          aws_access_key_id=portal["AccessKeyId"], aws_secret_access_key=portal["SecretAccessKey"],
                          aws_session_token=portal["SessionToken"])
    put_url = signer.generate_presigned_url("put_object", ExpiresIn=600, Params={
        "Bucket": bucket, "Key": "drops/partner=globex/2024-08-01.csv", "ContentType": "text/csv"})
    assert requests.put(put_url, data=(HEADER + "fig,7\n").encode(), headers={"Content-Type": "text/csv"},
                        timeout=30).status_code == 200
    tampered = put_url.replace("2024-08-01.csv", "2024-08-02.csv")          # another key than the one signed
    forged = requests.put(tampered, data=b"sku,units\n", headers={"Content-Type": "text/csv"}, timeout=30)
    assert forged.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in forged.text

    seen = ingest(sqs, glue, arrivals, database, bucket)
    assert sorted(seen) == [("ObjectCreated:Post", "drops/partner=acme/day 1.csv", len(body)),
                            ("ObjectCreated:Put", "drops/partner=globex/2024-08-01.csv", len(HEADER) + 6)]
    assert s3.head_object(Bucket=bucket, Key="drops/partner=acme/day 1.csv")["ContentType"] == "text/csv"
    assert athena_rows(athena, "SELECT partner, sku, units FROM drops ORDER BY partner, sku", database, output) == [
        ["acme", "apple", "3"], ["acme", "pear", "5"], ["globex", "fig", "7"]]
