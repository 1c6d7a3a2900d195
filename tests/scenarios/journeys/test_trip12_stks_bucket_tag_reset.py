"""A cost-allocation job clears a bucket's tags by putting an empty TagSet rather than
calling DeleteBucketTagging. S3 then answers GetBucketTagging as for a bucket never
tagged, NoSuchTagSet naming the bucket, as recorded in us-east-1 (radkawar/stackd
testdata/aws/s3/bucket_tags.json: put-empty-set, put-empty-set-get); duplicate keys are
InvalidTag naming the key and leave the tags as they were (put-duplicate-keys)."""
import pytest
from botocore.exceptions import ClientError


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]


def test_an_empty_tag_set_clears_the_tags(client, bucket):
    s3 = client("s3")
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "replacement", "Value": "only"}]})
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})
    error = _error(s3.get_bucket_tagging, Bucket=bucket)
    assert (error["Code"], error["Message"], error["BucketName"]) == ("NoSuchTagSet", "The TagSet does not exist", bucket)

    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "baseline", "Value": "preserved"}]})
    error = _error(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": [
        {"Key": "duplicate", "Value": "first"}, {"Key": "duplicate", "Value": "second"}]})
    assert (error["Code"], error["Message"], error["TagKey"]) == (
        "InvalidTag", "Cannot provide multiple Tags with the same key", "duplicate")
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "baseline", "Value": "preserved"}]


def test_tag_lengths_count_utf16_code_units(client, bucket):
    """put-key-astral-letter-64/65/128: a letter past U+FFFF counts twice toward the
    128-character key limit."""
    s3 = client("s3")
    letter = "\U00010400"
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": letter * 64, "Value": "value"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": letter * 64, "Value": "value"}]
    for count in (65, 128):
        error = _error(s3.put_bucket_tagging, Bucket=bucket,
                       Tagging={"TagSet": [{"Key": letter * count, "Value": "value"}]})
        assert (error["Code"], error["Message"], error["TagKey"]) == (
            "InvalidTag", "The TagKey you have provided is invalid", letter * count)
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": letter * 64, "Value": "value"}]
