"""A data engineer tidies a landing prefix with s3fs, as notebooks do: writes a few raw
files with `open`, lists them (`ls` with and without detail, `glob`, `walk`, `find`,
`du`), reads one back in pieces, moves a misplaced file, removes a whole day's prefix
recursively, and meets the errors of a missing file and a missing bucket as Python's
own exceptions."""
import pytest

from trip_helpers import KEY, SECRET, keys_under


@pytest.fixture
def fs(lakebox_server):
    import s3fs
    return s3fs.S3FileSystem(key=KEY, secret=SECRET, endpoint_url=lakebox_server.endpoint,
                             client_kwargs={"region_name": "us-east-1"}, skip_instance_cache=True,
                             use_listings_cache=False)


def test_landing_prefix_tidied_with_s3fs(client, fs, bucket):
    s3 = client("s3")
    files = {"landing/2024-05-01/a.json": b'{"id": 1}\n{"id": 2}\n',
             "landing/2024-05-01/b.json": b'{"id": 3}\n',
             "landing/2024-05-02/a.json": b'{"id": 4}\n',
             "landing/2024-05-02/notes.txt": b"late delivery\n",
             "landing/readme.md": b"# landing zone\n"}
    for key, body in files.items():
        with fs.open(f"{bucket}/{key}", "wb") as f:
            f.write(body)

    assert fs.ls(f"{bucket}/landing") == [f"{bucket}/landing/2024-05-01", f"{bucket}/landing/2024-05-02",
                                          f"{bucket}/landing/readme.md"]
    detail = {e["name"]: e for e in fs.ls(f"{bucket}/landing", detail=True)}
    assert detail[f"{bucket}/landing/2024-05-01"]["type"] == "directory"
    assert detail[f"{bucket}/landing/readme.md"]["type"] == "file"
    assert detail[f"{bucket}/landing/readme.md"]["size"] == len(files["landing/readme.md"])
    assert sorted(fs.glob(f"{bucket}/landing/*/*.json")) == [
        f"{bucket}/landing/2024-05-01/a.json", f"{bucket}/landing/2024-05-01/b.json",
        f"{bucket}/landing/2024-05-02/a.json"]
    assert sorted(fs.glob(f"{bucket}/landing/**/a.json")) == [
        f"{bucket}/landing/2024-05-01/a.json", f"{bucket}/landing/2024-05-02/a.json"]
    walked = {root: (sorted(dirs), sorted(names)) for root, dirs, names in fs.walk(f"{bucket}/landing")}
    assert walked == {f"{bucket}/landing": (["2024-05-01", "2024-05-02"], ["readme.md"]),
                      f"{bucket}/landing/2024-05-01": ([], ["a.json", "b.json"]),
                      f"{bucket}/landing/2024-05-02": ([], ["a.json", "notes.txt"])}
    assert fs.du(f"{bucket}/landing") == sum(len(b) for b in files.values())
    assert fs.isdir(f"{bucket}/landing/2024-05-01") and not fs.isdir(f"{bucket}/landing/readme.md")
    assert fs.exists(f"{bucket}/landing/2024-05-02/notes.txt")

    with fs.open(f"{bucket}/landing/2024-05-01/a.json", "rb", block_size=8) as f:
        f.seek(10)
        assert f.read(10) == b'{"id": 2}\n'
    assert fs.cat_file(f"{bucket}/landing/readme.md", start=2, end=9) == b"landing"
    info = fs.info(f"{bucket}/landing/2024-05-02/a.json")
    assert info["size"] == 10 and info["ETag"] == s3.head_object(
        Bucket=bucket, Key="landing/2024-05-02/a.json")["ETag"]

    fs.mv(f"{bucket}/landing/2024-05-02/notes.txt", f"{bucket}/notes/2024-05-02.txt")
    assert s3.get_object(Bucket=bucket, Key="notes/2024-05-02.txt")["Body"].read() == b"late delivery\n"
    fs.rm(f"{bucket}/landing/2024-05-01", recursive=True)
    assert keys_under(s3, bucket, "landing/") == ["landing/2024-05-02/a.json", "landing/readme.md"]
    assert fs.find(f"{bucket}/landing") == [f"{bucket}/landing/2024-05-02/a.json", f"{bucket}/landing/readme.md"]

    with pytest.raises(FileNotFoundError):
        fs.cat_file(f"{bucket}/landing/2024-05-01/a.json")
    with pytest.raises(FileNotFoundError):
        fs.ls(f"{bucket}/landing/2024-05-01")
    with pytest.raises(FileNotFoundError):
        fs.ls(f"{bucket}-missing/landing")
    fs.rm(f"{bucket}/landing", recursive=True)
    fs.rm(f"{bucket}/notes", recursive=True)
    assert keys_under(s3, bucket, "") == []
