"""A data engineer at a marketplace onboards three suppliers' catalog drops from S3 into
new DynamoDB tables with ImportTable: one sends pipe-delimited CSV without a header row
(the columns come from HeaderList), one zstd-compressed DynamoDB JSON with a torn line,
one gzipped Amazon Ion. The ops dashboard then reads the job records as DynamoDB
describes them (the bucket owner, the import log group, the CSV options told back, the
counts), pages ListImports two at a time by NextToken, and a re-run of a
drop into a table that exists is refused."""
import contextlib
import gzip
import json
import uuid

import pytest

from trip_helpers import wait_for

VALIDATION = ("ItemValidationError", "Some of the items failed validation checks and were not imported. Please "
                                     "check CloudWatch error logs for more details.")
ACME = b'p-1|Desk lamp|4\np-2|"Chair | oak"|12\n'
GLOBEX = [{"Item": {"sku": {"S": "g-1"}, "tags": {"SS": ["blue", "steel"]}, "qty": {"N": "7"}}},
          {"Item": {"sku": {"S": "g-2"}, "dims": {"M": {"w": {"N": "1.5"}, "h": {"N": "20"}}}}}]
INITECH = (b'$ion_1_0 {Item:{sku:"i-1",qty:3.,sizes:$dynamodb_NS::[1.,2.5],thumb:{{AAEC}}}}\n'
           b'{Item:{sku:"i-2",active:true,parts:["x",4.]}}\n')


@pytest.fixture
def names(client):
    """Three unique table names, the tables deleted afterwards."""
    ddb = client("dynamodb")
    made = [f"trip9-imp-{uuid.uuid4().hex[:10]}" for _ in range(3)]
    yield made
    for name in made:
        with contextlib.suppress(ddb.exceptions.ResourceNotFoundException):
            ddb.delete_table(TableName=name)


def creation(name):
    return {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "sku", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "sku", "KeyType": "HASH"}]}


def finished(ddb, arn):
    def done():
        description = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
        return description if description["ImportStatus"] != "IN_PROGRESS" else None
    return wait_for(done, timeout=120)


def told(description):
    """The members of an import description a dashboard compares (no times, ids, tokens)."""
    return {k: v for k, v in description.items() if k not in ("StartTime", "EndTime", "ClientToken", "TableId")}


def test_three_supplier_drops_become_tables(client, bucket, names):
    import zstandard
    s3, ddb, sts = client("s3"), client("dynamodb"), client("sts")
    account = sts.get_caller_identity()["Account"]
    s3.put_object(Bucket=bucket, Key="drops/acme/2026-12-01.psv", Body=ACME)
    s3.put_object(Bucket=bucket, Key="drops/globex/part-0.json.zst", Body=zstandard.ZstdCompressor().compress(
        b"\n".join(json.dumps(line).encode() for line in GLOBEX) + b'\n{"Item": {"sku": {"S": "g-3"}\n'))
    s3.put_object(Bucket=bucket, Key="drops/initech/part-0.ion.gz", Body=gzip.compress(INITECH))
    acme, globex, initech = names
    csv_options = {"Csv": {"Delimiter": "|", "HeaderList": ["sku", "title", "qty"]}}

    started = ddb.import_table(S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "drops/acme/"}, InputFormat="CSV",
                               InputFormatOptions=csv_options, TableCreationParameters=creation(acme))
    acme_arn = started["ImportTableDescription"]["ImportArn"]
    done = finished(ddb, acme_arn)
    log_group = f"arn:aws:logs:us-east-1:{account}:log-group:/aws-dynamodb/imports:*"
    assert told(done) == {
        "ImportArn": acme_arn, "ImportStatus": "COMPLETED", "TableArn": f"arn:aws:dynamodb:us-east-1:{account}:table/{acme}",
        "S3BucketSource": {"S3BucketOwner": account, "S3Bucket": bucket, "S3KeyPrefix": "drops/acme/"},
        "ErrorCount": 0, "CloudWatchLogGroupArn": log_group, "InputFormat": "CSV", "InputFormatOptions": csv_options,
        "InputCompressionType": "NONE", "TableCreationParameters": creation(acme),
        "ProcessedSizeBytes": len(ACME), "ProcessedItemCount": 2, "ImportedItemCount": 2}
    rows = sorted(ddb.scan(TableName=acme)["Items"], key=lambda i: i["sku"]["S"])
    assert rows == [{"sku": {"S": "p-1"}, "title": {"S": "Desk lamp"}, "qty": {"S": "4"}},
                    {"sku": {"S": "p-2"}, "title": {"S": "Chair | oak"}, "qty": {"S": "12"}}]

    globex_arn = ddb.import_table(S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "drops/globex/"},
                                  InputFormat="DYNAMODB_JSON", InputCompressionType="ZSTD",
                                  TableCreationParameters=creation(globex))["ImportTableDescription"]["ImportArn"]
    done = finished(ddb, globex_arn)
    assert (done["ImportStatus"], done["FailureCode"], done["FailureMessage"]) == ("FAILED", *VALIDATION)
    assert (done["ProcessedItemCount"], done["ImportedItemCount"], done["ErrorCount"]) == (3, 2, 1)
    assert "InputFormatOptions" not in done and done["InputCompressionType"] == "ZSTD"
    kept = {i["sku"]["S"]: i for i in ddb.scan(TableName=globex)["Items"]}
    assert kept == {line["Item"]["sku"]["S"]: line["Item"] for line in GLOBEX}

    initech_arn = ddb.import_table(S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "drops/initech/"},
                                   InputFormat="ION", InputCompressionType="GZIP",
                                   TableCreationParameters=creation(initech))["ImportTableDescription"]["ImportArn"]
    assert finished(ddb, initech_arn)["ImportStatus"] == "COMPLETED"
    assert ddb.get_item(TableName=initech, Key={"sku": {"S": "i-1"}})["Item"] == {
        "sku": {"S": "i-1"}, "qty": {"N": "3"}, "sizes": {"NS": ["1", "2.5"]}, "thumb": {"B": b"\x00\x01\x02"}}
    assert ddb.get_item(TableName=initech, Key={"sku": {"S": "i-2"}})["Item"] == {
        "sku": {"S": "i-2"}, "active": {"BOOL": True}, "parts": {"L": [{"S": "x"}, {"N": "4"}]}}

    pages = [ddb.list_imports(PageSize=2)]                      # boto3 has no paginator for ListImports
    while "NextToken" in pages[-1]:
        pages.append(ddb.list_imports(PageSize=2, NextToken=pages[-1]["NextToken"]))
    listed = [s for page in pages for s in page["ImportSummaryList"] if s["ImportArn"] in (
        acme_arn, globex_arn, initech_arn)]
    assert [s["ImportArn"] for s in listed] == [initech_arn, globex_arn, acme_arn]      # newest first
    assert all(len(page["ImportSummaryList"]) <= 2 for page in pages)
    acme_summary = {k: v for k, v in listed[2].items() if k not in ("StartTime", "EndTime")}
    assert acme_summary == {"ImportArn": acme_arn, "ImportStatus": "COMPLETED", "TableArn": done["TableArn"].replace(
        globex, acme), "S3BucketSource": {"S3BucketOwner": account, "S3Bucket": bucket, "S3KeyPrefix": "drops/acme/"},
        "CloudWatchLogGroupArn": log_group, "InputFormat": "CSV"}
    assert "EndTime" in listed[2]
    by_table = ddb.list_imports(TableArn=done["TableArn"])["ImportSummaryList"]
    assert [s["ImportArn"] for s in by_table] == [globex_arn]

    with pytest.raises(ddb.exceptions.ResourceInUseException) as taken:
        ddb.import_table(S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "drops/acme/"}, InputFormat="CSV",
                         InputFormatOptions=csv_options, TableCreationParameters=creation(acme))
    assert taken.value.response["Error"]["Message"] == f"Table already exists: {acme}"
