"""How ImportTable ends, as DynamoDB answers (replies recorded from DynamoDB): any line
that is not a valid item fails the import (FAILED, ItemValidationError) while the valid
items stay in the ACTIVE table; files are read as InputCompressionType says, so a
mismatch fails the import line by line; a bucket that does not exist is accepted and the
import fails with S3NoSuchBucket, no table made; a ClientToken replayed for another table
is ImportConflictException."""
import gzip
import json
import uuid

from ddb_helpers import error_of, finished_import

VALIDATION_FAILURE = ("ItemValidationError", "Some of the items failed validation checks and were not imported. "
                                             "Please check CloudWatch error logs for more details.")


def _import(ddb, bucket, prefix, name, **extra):
    return ddb.import_table(S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": prefix}, InputFormat="DYNAMODB_JSON",
                            TableCreationParameters={
                                "TableName": name, "BillingMode": "PAY_PER_REQUEST",
                                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]},
                            **extra)["ImportTableDescription"]


def _lines(*items) -> bytes:
    return "\n".join(json.dumps(item) for item in items).encode()


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_a_bad_line_fails_the_import_but_keeps_the_good_items(ddb, s3, bucket):
    s3.put_object(Bucket=bucket, Key="in/part-0.json", Body=_lines(
        {"Item": {"pk": {"S": "a"}}}, {"Item": {"other": {"S": "no key"}}}, {"Item": {"pk": {"S": "b"}}}))
    name = _name("partly")
    done = finished_import(ddb, _import(ddb, bucket, "in/", name)["ImportArn"])
    try:
        assert (done["ImportStatus"], done["FailureCode"], done["FailureMessage"]) == ("FAILED", *VALIDATION_FAILURE)
        assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (3, 2, 1)
        assert ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
        assert sorted(i["pk"]["S"] for i in ddb.scan(TableName=name)["Items"]) == ["a", "b"]
    finally:
        ddb.delete_table(TableName=name)


def test_files_are_read_as_the_declared_compression(ddb, s3, bucket):
    s3.put_object(Bucket=bucket, Key="plain/part-0.json", Body=_lines({"Item": {"pk": {"S": "a"}}}))
    s3.put_object(Bucket=bucket, Key="zipped/part-0.json.gz", Body=gzip.compress(_lines({"Item": {"pk": {"S": "a"}}})))
    for prefix, compression in (("plain/", "GZIP"), ("zipped/", "NONE")):
        name = _name("mismatch")
        done = finished_import(ddb, _import(ddb, bucket, prefix, name, InputCompressionType=compression)["ImportArn"])
        try:
            assert (done["ImportStatus"], done["FailureCode"], done["ImportedItemCount"]) == (
                "FAILED", VALIDATION_FAILURE[0], 0), compression
            assert done["ErrorCount"] >= 1
        finally:
            ddb.delete_table(TableName=name)
    import zstandard
    s3.put_object(Bucket=bucket, Key="zstd/part-0.json.zst", Body=zstandard.ZstdCompressor().compress(
        _lines({"Item": {"pk": {"S": "a"}}}, {"Item": {"pk": {"S": "b"}}})))
    for prefix, compression, count in (("zipped/", "GZIP", 1), ("zstd/", "ZSTD", 2)):
        name = _name("declared")
        done = finished_import(ddb, _import(ddb, bucket, prefix, name, InputCompressionType=compression)["ImportArn"])
        ddb.delete_table(TableName=name)
        assert (done["ImportStatus"], done["ImportedItemCount"], done["ErrorCount"]) == ("COMPLETED", count, 0)


def test_a_missing_bucket_fails_the_import_without_a_table(ddb):
    name = _name("nowhere")
    started = _import(ddb, f"no-such-bucket-{uuid.uuid4().hex[:8]}", "in/", name)
    assert started["ImportStatus"] == "IN_PROGRESS" and started["TableArn"].endswith(f":table/{name}")
    done = finished_import(ddb, started["ImportArn"])
    assert (done["ImportStatus"], done["FailureCode"]) == ("FAILED", "S3NoSuchBucket")
    assert done["FailureMessage"].startswith("The specified bucket does not exist (Service: Amazon S3; Status Code: "
                                             "404; Error Code: NoSuchBucket; Request ID: ")
    assert done["FailureMessage"].endswith("; Proxy: null)")        # as the SDK inside DynamoDB words S3's errors
    assert (done["ProcessedSizeBytes"], done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (
        0, 0, 0, 0)
    assert error_of(ddb.describe_table, TableName=name)[0] == "ResourceNotFoundException"


def test_a_client_token_names_one_table(ddb, s3, bucket):
    s3.put_object(Bucket=bucket, Key="in/part-0.json", Body=_lines({"Item": {"pk": {"S": "a"}}}))
    token, name = uuid.uuid4().hex, _name("tokened")
    started = _import(ddb, bucket, "in/", name, ClientToken=token)
    try:
        assert error_of(_import, ddb, bucket, "in/", _name("other"), ClientToken=token) == (
            "ImportConflictException", "Import conflict: Duplicate request detected with conflicting parameters")
        assert finished_import(ddb, started["ImportArn"])["ClientToken"] == token
    finally:
        ddb.delete_table(TableName=name)


def test_describe_import_of_what_is_not_an_import(ddb, make_table):
    table = ddb.describe_table(TableName=make_table())["Table"]["TableArn"]
    assert error_of(ddb.describe_import, ImportArn=table) == ("ValidationException", "Invalid Import ARN")
    assert error_of(ddb.describe_import, ImportArn=f"{table}/export/01700000000000-0badc0de") == (
        "ValidationException", "Invalid Import ARN")
    assert error_of(ddb.describe_import, ImportArn=f"{table}/import/01700000000000-0badc0de")[0] == (
        "ImportNotFoundException")


def test_import_request_refusals(ddb, bucket):
    creation = {"TableName": _name("refused"), "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}
    source = {"S3Bucket": bucket, "S3KeyPrefix": "in/"}
    assert error_of(ddb.import_table, S3BucketSource=source, InputFormat="DYNAMODB_JSON",
                    InputFormatOptions={"Csv": {"Delimiter": ","}},
                    TableCreationParameters=dict(creation, BillingMode="PAY_PER_REQUEST")) == (
        "ValidationException", "Invalid Request: Unsupported InputFormatOptions for the given input format: "
                               "DYNAMODB_JSON.")
    assert error_of(ddb.import_table, S3BucketSource=source, InputFormat="CSV", TableCreationParameters=dict(
        creation, BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        OnDemandThroughput={"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 100})) == (
        "ValidationException", "One or more parameter values were invalid: MaxWriteRequestUnits for OnDemandThroughput "
                               "cannot be specified when table BillingMode is PROVISIONED.")
    assert error_of(ddb.describe_table, TableName=creation["TableName"])[0] == "ResourceNotFoundException"
