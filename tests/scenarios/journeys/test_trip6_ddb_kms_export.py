"""A customer table exported to the lake under the data team's own KMS key, as a privacy
review asks for it: the table has point-in-time recovery, the export names SSE-KMS and
the key (S3SseAlgorithm KMS, S3SseKmsKeyId), DescribeExport and the export's
manifest-summary.json both say so, and every file the export wrote (the gzipped data
files and both manifests) is stored SSE-KMS under that key, as HeadObject shows; the
analyst reads the items back through S3 as usual, and once the key is disabled the same
reads fail with S3's KMS error."""
import gzip
import json

import pytest
from botocore.exceptions import ClientError

from trip_helpers import exportable_table, keys_under, wait_export


@pytest.fixture
def customers(resource, table_name):
    table = exportable_table(resource("dynamodb"), table_name, "customer_id")
    with table.batch_writer() as batch:
        for n in range(12):
            batch.put_item(Item={"customer_id": f"c-{n:02d}", "email": f"user{n}@example.com",
                                 "tier": ["gold", "free"][n % 2]})
    return table


def test_export_under_the_team_key(client, kms_keys, bucket, customers):
    ddb, s3, kms = client("dynamodb"), client("s3"), client("kms")
    key = kms_keys(Description="lake exports")
    started = ddb.export_table_to_point_in_time(
        TableArn=customers.table_arn, S3Bucket=bucket, S3Prefix="exports/customers", ExportFormat="DYNAMODB_JSON",
        S3SseAlgorithm="KMS", S3SseKmsKeyId=key["Arn"])["ExportDescription"]
    assert (started["S3SseAlgorithm"], started["S3SseKmsKeyId"]) == ("KMS", key["Arn"])
    export = wait_export(ddb, started["ExportArn"])
    assert export["ExportStatus"] == "COMPLETED" and export["ItemCount"] == 12
    assert (export["S3SseAlgorithm"], export["S3SseKmsKeyId"]) == ("KMS", key["Arn"])

    summary = json.loads(s3.get_object(Bucket=bucket, Key=export["ExportManifest"])["Body"].read())
    assert (summary["s3SseAlgorithm"], summary["s3SseKmsKeyId"]) == ("KMS", key["Arn"])
    written = keys_under(s3, bucket, "exports/customers/AWSDynamoDB/")
    assert any(k.endswith(".json.gz") for k in written) and any(k.endswith("manifest-summary.json") for k in written)
    for object_key in written:
        head = s3.head_object(Bucket=bucket, Key=object_key)
        assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key["Arn"]), object_key

    data_keys = [k for k in written if k.endswith(".json.gz")]
    items = [json.loads(line)["Item"] for k in data_keys
             for line in gzip.decompress(s3.get_object(Bucket=bucket, Key=k)["Body"].read()).splitlines()]
    assert sorted(i["customer_id"]["S"] for i in items) == [f"c-{n:02d}" for n in range(12)]

    kms.disable_key(KeyId=key["KeyId"])
    try:
        with pytest.raises(ClientError) as refused:
            s3.get_object(Bucket=bucket, Key=data_keys[0])
        assert refused.value.response["Error"]["Code"] == "KMS.DisabledException"
    finally:
        kms.enable_key(KeyId=key["KeyId"])
