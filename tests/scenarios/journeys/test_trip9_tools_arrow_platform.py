"""A platform engineer who manages the lake with pyarrow's own S3 filesystem
(pyarrow.fs.S3FileSystem, no boto3 in her tools): she creates a team bucket with it
(allow_bucket_creation), lays out folders with create_dir (pyarrow's zero-byte "dir/"
markers), lands a thousand and five small files and lists them in one recursive FileSelector
(ListObjectsV2 pages of 1000), reads a file at offsets and past its end, keeps an empty
marker file, clears the folder with delete_dir_contents (DeleteObjects in batches of at most
1000 keys) and finally deletes the bucket. A colleague's client set to the wrong region is
told where the bucket lives."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from pyarrow import fs as pafs

from trip_helpers import REGION, arrow_s3 as arrow_filesystem

FILES = 1005


def arrow_s3(lakebox_server, region=REGION):
    return arrow_filesystem(lakebox_server, region, allow_bucket_creation=True, allow_bucket_deletion=True)


@pytest.fixture
def team_bucket(client):
    import uuid
    name = f"trip9-arrow-{uuid.uuid4().hex[:10]}"
    yield name
    s3 = client("s3")
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            for entry in page.get("Contents", []):
                s3.delete_object(Bucket=name, Key=entry["Key"])
        s3.delete_bucket(Bucket=name)
    except s3.exceptions.NoSuchBucket:
        pass


def test_arrow_filesystem_runs_a_team_bucket(lakebox_server, client, team_bucket):
    s3 = client("s3")
    arrow = arrow_s3(lakebox_server)
    assert arrow.get_file_info(team_bucket).type == pafs.FileType.NotFound
    arrow.create_dir(team_bucket)
    assert arrow.get_file_info(team_bucket).type == pafs.FileType.Directory
    assert s3.head_bucket(Bucket=team_bucket)["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == REGION

    arrow.create_dir(f"{team_bucket}/landing/daily")
    marker = s3.head_object(Bucket=team_bucket, Key="landing/daily/")
    assert marker["ContentLength"] == 0 and marker["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    with pytest.raises(s3.exceptions.ClientError) as missing:
        s3.head_object(Bucket=team_bucket, Key="landing/daily")     # a "directory" is no object
    assert missing.value.response["Error"]["Code"] == "404"

    def land(number):
        s3.put_object(Bucket=team_bucket, Key=f"landing/daily/part-{number:05d}.csv", Body=f"{number}\n".encode())
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(land, range(FILES)))
    with arrow.open_output_stream(f"{team_bucket}/landing/_SUCCESS"):
        pass

    listed = arrow.get_file_info(pafs.FileSelector(f"{team_bucket}/landing", recursive=True))
    files = sorted(info.path for info in listed if info.type == pafs.FileType.File)
    assert len(files) == FILES + 1
    assert files[0] == f"{team_bucket}/landing/_SUCCESS" and files[-1] == f"{team_bucket}/landing/daily/part-01004.csv"
    assert [info.path for info in listed if info.type == pafs.FileType.Directory] == [f"{team_bucket}/landing/daily"]
    sizes = {info.path: info.size for info in listed}
    assert sizes[f"{team_bucket}/landing/_SUCCESS"] == 0 and sizes[f"{team_bucket}/landing/daily/part-01000.csv"] == 5
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=team_bucket, Prefix="landing/daily/"))
    assert [page["KeyCount"] for page in pages] == [1000, 6]
    assert pages[0]["Contents"][0]["Key"] == "landing/daily/"

    with arrow.open_input_file(f"{team_bucket}/landing/daily/part-01004.csv") as handle:
        assert handle.size() == 5
        assert handle.read_at(3, 2) == b"04\n"
        assert handle.read_at(10, 3) == b"4\n"          # pyarrow asks only for what the object holds
        handle.seek(4)
        assert handle.read() == b"\n"
        with pytest.raises(OSError, match="Cannot read past end of file"):
            handle.read_at(4, 6)
    with arrow.open_input_stream(f"{team_bucket}/landing/_SUCCESS") as empty:
        assert empty.read() == b""

    colleague = arrow_s3(lakebox_server, region="eu-west-1")
    with pytest.raises(OSError) as elsewhere:
        colleague.get_file_info(f"{team_bucket}/landing/_SUCCESS")
    # (400 where its request reaches this endpoint signed for eu-west-1, 301 from eu-west-1's own
    # endpoint: either way the answer carries x-amz-bucket-region, which pyarrow reports)
    assert "the configured region is 'eu-west-1' while the bucket is located in 'us-east-1'" in str(elsewhere.value)

    arrow.delete_dir_contents(f"{team_bucket}/landing")
    assert arrow.get_file_info(pafs.FileSelector(f"{team_bucket}/landing", recursive=True)) == []
    assert arrow.get_file_info(f"{team_bucket}/landing").type == pafs.FileType.Directory
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=team_bucket)["Contents"]] == ["landing/"]
    arrow.delete_dir(team_bucket)
    assert arrow.get_file_info(team_bucket).type == pafs.FileType.NotFound
    with pytest.raises(s3.exceptions.ClientError) as gone:
        s3.head_bucket(Bucket=team_bucket)
    assert gone.value.response["Error"]["Code"] == "404"
