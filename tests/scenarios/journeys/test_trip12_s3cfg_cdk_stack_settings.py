"""A CDK stack deploys an upload bucket with its settings, and a few synth-time typos reach
S3 first: an ownership value CreateBucket does not know, acceleration 'enabled' in lower
case, two ownership rules, a payer in lower case, an `aws:` tag from a copied template and
an empty policy. Each is refused in S3's words and changes nothing; the settings the
stack means are then applied, read back, switched and removed as S3 answers them
(acceleration Suspended after Enabled, ownership gone then OwnershipControlsNotFoundError
and a second delete still 204, the public access block all off, the policy deleted twice)."""
import json
import uuid

import pytest
from botocore.exceptions import ClientError

MALFORMED = {"Code": "MalformedXML",
             "Message": "The XML you provided was not well-formed or did not validate against our published schema"}


def refusal(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]


def status(answer):
    return answer["ResponseMetadata"]["HTTPStatusCode"]


def answer(call, **args):
    got = call(**args)
    got.pop("ResponseMetadata")
    return got


def test_stack_settings_of_an_upload_bucket(client, fresh_bucket):
    s3 = client("s3")
    name = f"trip-uploads-{uuid.uuid4().hex[:12]}"
    assert refusal(s3.create_bucket, Bucket=name, ObjectOwnership="BucketOwnerPrefered") == (400, {
        "Code": "InvalidArgument", "Message": "Invalid x-amz-object-ownership header: BucketOwnerPrefered",
        "ArgumentName": "x-amz-object-ownership"})
    assert refusal(s3.head_bucket, Bucket=name)[0] == 404
    bucket = fresh_bucket("trip-uploads")
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})

    # Typos, each refused before anything changes.
    assert refusal(s3.put_bucket_accelerate_configuration, Bucket=bucket,
                   AccelerateConfiguration={"Status": "enabled"}) == (400, MALFORMED)
    assert refusal(s3.put_bucket_ownership_controls, Bucket=bucket, OwnershipControls={"Rules": [
        {"ObjectOwnership": "ObjectWriter"}, {"ObjectOwnership": "BucketOwnerEnforced"}]}) == (400, MALFORMED)
    assert refusal(s3.put_bucket_ownership_controls, Bucket=bucket, OwnershipControls={"Rules": [
        {"ObjectOwnership": "objectwriter"}]}) == (400, MALFORMED)
    assert refusal(s3.put_bucket_request_payment, Bucket=bucket,
                   RequestPaymentConfiguration={"Payer": "requester"}) == (400, MALFORMED)
    assert refusal(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": [
        {"Key": "aws:cdk:path", "Value": "Uploads/Bucket"}, {"Key": "app", "Value": "uploads"}]}) == (400, {
            "Code": "InvalidTag", "Message": "System tags cannot be added/updated by requester",
            "TagKey": "aws:cdk:path"})
    assert refusal(s3.put_bucket_policy, Bucket=bucket, Policy="{}") == (400, {
        "Code": "MalformedPolicy", "Message": "Missing required field Statement"})
    assert answer(s3.get_bucket_accelerate_configuration, Bucket=bucket) == {}
    assert answer(s3.get_bucket_ownership_controls, Bucket=bucket) == {
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}}
    assert answer(s3.get_bucket_request_payment, Bucket=bucket) == {"Payer": "BucketOwner"}
    assert refusal(s3.get_bucket_tagging, Bucket=bucket)[1]["Code"] == "NoSuchTagSet"

    # The settings the stack means.
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"})
    assert answer(s3.get_bucket_accelerate_configuration, Bucket=bucket) == {"Status": "Enabled"}
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Suspended"})
    assert answer(s3.get_bucket_accelerate_configuration, Bucket=bucket) == {"Status": "Suspended"}

    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "app", "Value": "uploads"}]})
    assert answer(s3.get_bucket_tagging, Bucket=bucket) == {"TagSet": [{"Key": "app", "Value": "uploads"}]}

    off = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
           "RestrictPublicBuckets": False}
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=off)
    assert answer(s3.get_public_access_block, Bucket=bucket) == {"PublicAccessBlockConfiguration": off}
    assert status(s3.delete_public_access_block(Bucket=bucket)) == 204
    assert refusal(s3.get_public_access_block, Bucket=bucket) == (404, {
        "Code": "NoSuchPublicAccessBlockConfiguration",
        "Message": "The public access block configuration was not found", "BucketName": bucket})
    assert status(s3.delete_public_access_block(Bucket=bucket)) == 204

    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/public/*"}]}
    assert status(s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))) == 204
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
    assert answer(s3.get_bucket_policy_status, Bucket=bucket) == {"PolicyStatus": {"IsPublic": True}}
    assert status(s3.delete_bucket_policy(Bucket=bucket)) == 204
    assert status(s3.delete_bucket_policy(Bucket=bucket)) == 204

    assert status(s3.delete_bucket_ownership_controls(Bucket=bucket)) == 204
    assert refusal(s3.get_bucket_ownership_controls, Bucket=bucket) == (404, {
        "Code": "OwnershipControlsNotFoundError", "Message": "The bucket ownership controls were not found",
        "BucketName": bucket})
    assert status(s3.delete_bucket_ownership_controls(Bucket=bucket)) == 204
