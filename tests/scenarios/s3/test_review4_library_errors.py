"""What s3fs and pandas users see when something is missing: the Python exceptions those
libraries raise from S3's error codes (NoSuchKey / 404 -> FileNotFoundError, NoSuchBucket,
BucketNotEmpty -> OSError)."""
import pandas as pd
import pytest


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("rv4-lib")


def test_missing_objects_are_file_not_found(fs, storage_options, bucket):
    with pytest.raises(FileNotFoundError):
        fs.open(f"{bucket}/nope.csv").read()
    with pytest.raises(FileNotFoundError):
        fs.info(f"{bucket}/nothing")
    with pytest.raises(FileNotFoundError):
        fs.ls(f"{bucket}/nothing/")
    with pytest.raises(FileNotFoundError):
        pd.read_csv(f"s3://{bucket}/nope.csv", storage_options=storage_options)
    assert not fs.exists(f"{bucket}/nothing")
    fs.rm(f"{bucket}/nothing")              # deleting what is not there raises nothing


def test_missing_bucket_is_file_not_found(fs, bucket):
    missing = bucket + "-gone"
    with pytest.raises(FileNotFoundError, match="The specified bucket does not exist"):
        fs.cat(f"{missing}/x")
    with pytest.raises(FileNotFoundError, match="The specified bucket does not exist"):
        fs.ls(missing)
    assert not fs.exists(missing) and not fs.exists(f"{missing}/a")


def test_bucket_level_errors(fs, s3, bucket):
    with pytest.raises(FileExistsError):
        fs.mkdir(bucket)
    fs.makedirs(bucket, exist_ok=True)
    s3.put_object(Bucket=bucket, Key="keep", Body=b"1")
    with pytest.raises(OSError, match="The bucket you tried to delete is not empty"):
        fs.rmdir(bucket)
    assert fs.head(f"{bucket}/keep", 1) == b"1"
