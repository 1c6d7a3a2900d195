"""The ResultConfiguration's options applied to every object a query writes, as Athena
sends them with its PutObject calls: EncryptionConfiguration (SSE_S3, SSE_KMS with its
key), AclConfiguration, and ExpectedBucketOwner checked against the output bucket. A
query that cannot write its results as configured fails and leaves nothing behind."""
import uuid

import pytest

from athena_helpers import all_rows, wait


def _keys(s3, bucket, prefix):
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def _denied(bucket, prefix, query_id):
    return (f"Access denied when writing output to url: s3://{bucket}/{prefix}{query_id}.csv . Please ensure you "
            f"are allowed to access the S3 bucket. If you are encrypting query results with KMS key, please ensure "
            f"you are allowed to access your KMS key")


@pytest.fixture
def kms_key(client):
    kms = client("kms")
    key = kms.create_key(Description="athena results")["KeyMetadata"]
    yield key["Arn"]
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)


def test_sse_kms_results_are_encrypted_with_the_key(athena, s3, query, bucket, kms_key):
    config = {"OutputLocation": f"s3://{bucket}/kms/",
              "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": kms_key}}
    execution, rows, _ = query("SELECT 'secret' AS word", ResultConfiguration=config)
    assert rows == [["word"], ["secret"]]
    assert execution["ResultConfiguration"]["EncryptionConfiguration"] == config["EncryptionConfiguration"]
    query_id = execution["QueryExecutionId"]
    for key in (f"kms/{query_id}.csv", f"kms/{query_id}.csv.metadata"):
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", kms_key)
    body = s3.get_object(Bucket=bucket, Key=f"kms/{query_id}.csv")["Body"].read()
    assert body == b'"word"\n"secret"\n'


def test_a_ctas_writes_its_data_files_with_the_encryption(s3, query, bucket, kms_key):
    config = {"OutputLocation": f"s3://{bucket}/kms/",
              "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": kms_key}}
    query(f"CREATE TABLE sealed WITH (format = 'JSON', external_location = 's3://{bucket}/sealed/') "
          f"AS SELECT 1 AS a", ResultConfiguration=config)
    files = _keys(s3, bucket, "sealed/")
    assert files and all(s3.head_object(Bucket=bucket, Key=key)["SSEKMSKeyId"] == kms_key for key in files)
    _, rows, _ = query("SELECT a FROM sealed")
    assert rows == [["a"], ["1"]]


def test_a_work_group_enforces_sse_s3_and_the_bucket_owner_acl(athena, s3, query, bucket):
    name = f"wg-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=name, Configuration={
        "EnforceWorkGroupConfiguration": True,
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/wg/",
                                "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"},
                                "AclConfiguration": {"S3AclOption": "BUCKET_OWNER_FULL_CONTROL"}}})
    try:
        execution, _, _ = query("SELECT 1", WorkGroup=name)
        query_id = execution["QueryExecutionId"]
        assert execution["ResultConfiguration"]["EncryptionConfiguration"] == {"EncryptionOption": "SSE_S3"}
        assert execution["ResultConfiguration"]["AclConfiguration"] == {"S3AclOption": "BUCKET_OWNER_FULL_CONTROL"}
        head = s3.head_object(Bucket=bucket, Key=f"wg/{query_id}.csv")
        assert head["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in head
        grants = s3.get_object_acl(Bucket=bucket, Key=f"wg/{query_id}.csv")["Grants"]
        assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    finally:
        athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def test_a_wrong_expected_bucket_owner_fails_the_query(athena, s3, bucket):
    query_id = athena.start_query_execution(QueryString="SELECT 1", ResultConfiguration={
        "OutputLocation": f"s3://{bucket}/owner/", "ExpectedBucketOwner": "999999999999"})["QueryExecutionId"]
    execution = wait(athena, query_id)
    assert execution["Status"]["State"] == "FAILED"
    assert execution["Status"]["StateChangeReason"] == _denied(bucket, "owner/", query_id)
    assert execution["Status"]["AthenaError"]["ErrorCategory"] == 2
    assert _keys(s3, bucket, "owner/") == []


def test_the_right_expected_bucket_owner_is_accepted(athena, client, bucket):
    account = client("sts").get_caller_identity()["Account"]
    query_id = athena.start_query_execution(QueryString="SELECT 2 AS two", ResultConfiguration={
        "OutputLocation": f"s3://{bucket}/owner/", "ExpectedBucketOwner": account})["QueryExecutionId"]
    assert wait(athena, query_id)["Status"]["State"] == "SUCCEEDED"
    assert all_rows(athena, query_id)[0] == [["two"], ["2"]]


def test_an_unknown_kms_key_fails_the_query(athena, s3, bucket):
    query_id = athena.start_query_execution(QueryString="SELECT 1", ResultConfiguration={
        "OutputLocation": f"s3://{bucket}/nokey/",
        "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS",
                                    "KmsKey": "arn:aws:kms:us-east-1:000000000000:key/"
                                              "00000000-0000-4000-8000-000000000000"}})["QueryExecutionId"]
    execution = wait(athena, query_id)
    assert execution["Status"]["State"] == "FAILED"
    assert execution["Status"]["StateChangeReason"] == _denied(bucket, "nokey/", query_id)
    assert _keys(s3, bucket, "nokey/") == []


def test_results_come_with_their_metadata_files(s3, query, bucket):
    """`.csv` + `.csv.metadata` for a query, `.txt` + `.txt.metadata` for DDL; the
    metadata holds each column's name and type (Athena's binary layout)."""
    execution, _, _ = query("SELECT 1 AS answer")
    ddl, _, _ = query("SHOW DATABASES")
    assert sorted(_keys(s3, bucket, "results/")) == sorted(
        f"results/{run['QueryExecutionId']}{suffix}" for run, suffixes in ((execution, (".csv", ".csv.metadata")),
                                                                           (ddl, (".txt", ".txt.metadata")))
        for suffix in suffixes)
    metadata = s3.get_object(Bucket=bucket, Key=f"results/{execution['QueryExecutionId']}.csv.metadata")
    body = metadata["Body"].read()
    assert b"\x22\x06answer" in body and b"\x32\x07integer" in body     # fields 4 (name) and 6 (type)
