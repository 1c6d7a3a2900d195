"""A research group publishes a reference data set in a Requester Pays bucket, set up with
the aws cli (s3api), and a partner account downloads from it. Until the bucket asks
requesters to pay, the partner reads under the bucket policy like any grantee; afterwards
its requests without `x-amz-request-payer: requester` (`--request-payer requester`) are
refused 403, as are anonymous ones, while the owner needs no header. A payer value S3 does
not know is refused as MalformedXML; switching back to BucketOwner lets the partner in
again without the header."""
import json

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from aws_cli import run_cli
from trip_helpers import aws, ok

PARTNER = "444455556666"      # a 12-digit access key is that account in lakebox


def refusal(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]


@pytest.mark.local_only
def test_a_requester_pays_data_set(lakebox_server, client, bucket, tmp_path):
    s3 = client("s3")
    partner = lakebox_server.client("s3", aws_access_key_id=PARTNER, aws_secret_access_key="x",
                                    config=Config(retries={"total_max_attempts": 1}))
    s3.put_object(Bucket=bucket, Key="genomes/chr1.fa", Body=b">chr1\nACGT\n")
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}
    ok(aws(lakebox_server, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy", json.dumps(policy)))

    assert ok(aws(lakebox_server, "s3api", "get-bucket-request-payment", "--bucket", bucket)) == {
        "Payer": "BucketOwner"}
    assert partner.get_object(Bucket=bucket, Key="genomes/chr1.fa")["Body"].read() == b">chr1\nACGT\n"

    refused = aws(lakebox_server, "s3api", "put-bucket-request-payment", "--bucket", bucket,
                  "--request-payment-configuration", "Payer=Anyone")
    assert refused.returncode != 0
    assert "(MalformedXML)" in refused.stderr
    ok(aws(lakebox_server, "s3api", "put-bucket-request-payment", "--bucket", bucket,
           "--request-payment-configuration", "Payer=Requester"))
    assert ok(aws(lakebox_server, "s3api", "get-bucket-request-payment", "--bucket", bucket)) == {
        "Payer": "Requester"}

    denied = (403, {"Code": "AccessDenied", "Message": "Access Denied"})
    assert refusal(partner.get_object, Bucket=bucket, Key="genomes/chr1.fa") == denied
    assert refusal(partner.list_objects_v2, Bucket=bucket) == denied
    got = partner.get_object(Bucket=bucket, Key="genomes/chr1.fa", RequestPayer="requester")
    assert got["Body"].read() == b">chr1\nACGT\n"
    listed = partner.list_objects_v2(Bucket=bucket, RequestPayer="requester")
    assert [item["Key"] for item in listed["Contents"]] == ["genomes/chr1.fa"]

    # The partner's download with the cli: refused, then paid for.
    download = ["s3api", "get-object", "--bucket", bucket, "--key", "genomes/chr1.fa", str(tmp_path / "chr1.fa")]
    refused = run_cli(lakebox_server, *download, access_key=PARTNER, max_attempts=1)
    assert refused.returncode != 0 and "(AccessDenied)" in refused.stderr
    paid = run_cli(lakebox_server, *download, "--request-payer", "requester", access_key=PARTNER)
    assert (paid.returncode, json.loads(paid.stdout)["ContentLength"]) == (0, 11), paid.stderr
    assert (tmp_path / "chr1.fa").read_bytes() == b">chr1\nACGT\n"
    # The owner needs no header.
    assert s3.head_object(Bucket=bucket, Key="genomes/chr1.fa")["ContentLength"] == 11

    anonymous = lakebox_server.client("s3", config=Config(signature_version=UNSIGNED,
                                                           retries={"total_max_attempts": 1}))
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({**policy, "Statement": policy["Statement"] + [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    assert refusal(anonymous.get_object, Bucket=bucket, Key="genomes/chr1.fa", RequestPayer="requester")[0] == 403

    ok(aws(lakebox_server, "s3api", "put-bucket-request-payment", "--bucket", bucket,
           "--request-payment-configuration", "Payer=BucketOwner"))
    assert partner.get_object(Bucket=bucket, Key="genomes/chr1.fa")["Body"].read() == b">chr1\nACGT\n"
    assert anonymous.get_object(Bucket=bucket, Key="genomes/chr1.fa")["Body"].read() == b">chr1\nACGT\n"
