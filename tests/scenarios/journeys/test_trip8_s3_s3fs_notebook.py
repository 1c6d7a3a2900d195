"""An analyst explores a raw-data bucket from a notebook with s3fs: writes CSV files in text
mode (UTF-8, appending to a log), lists them with find (with directories, to a depth),
glob (character classes, `**`), du per file and in total, reads pieces with cat_file
(negative starts, ends past the end) and cat_ranges, and meets a range past the end as
S3's InvalidRange; then turns to the versioned copy of the bucket with a version-aware
filesystem: the versions of a file, reading an older one, a removed file that only its
versions remember, and a bad version id; finally removes a whole prefix recursively.
Asking s3fs to make a bucket with region us-east-1 named explicitly is refused as S3
refuses that location constraint."""
import uuid

import pytest

from trip_helpers import KEY, SECRET, keys_under


def filesystem(lakebox_server, **options):
    import s3fs
    return s3fs.S3FileSystem(key=KEY, secret=SECRET, endpoint_url=lakebox_server.endpoint,
                             client_kwargs={"region_name": "us-east-1"}, skip_instance_cache=True,
                             use_listings_cache=False, **options)


@pytest.fixture
def fs(lakebox_server):
    return filesystem(lakebox_server)


@pytest.fixture
def history(client, versions_emptied):
    """The bucket with versioning on."""
    client("s3").put_bucket_versioning(Bucket=versions_emptied, VersioningConfiguration={"Status": "Enabled"})
    return versions_emptied


def test_raw_files_explored_in_a_notebook(client, fs, bucket):
    root = f"{bucket}/raw"
    with fs.open(f"{root}/2024/01/cities.csv", "w", encoding="utf-8") as f:
        f.write("id,city\n1,Zürich\n2,Kraków\n")
    with fs.open(f"{root}/2024/02/cities.csv", "w") as f:
        f.write("id,city\n3,Oslo\n")
    fs.pipe({f"{root}/2024/02/extra.tsv": b"id\tcity\n4\tLima\n", f"{root}/readme.md": b"# raw\n"})
    with fs.open(f"{root}/load.log", "w") as f:
        f.write("loaded 2024-01\n")
    with fs.open(f"{root}/load.log", "a") as f:
        f.write("loaded 2024-02\n")
    first = "id,city\n1,Zürich\n2,Kraków\n".encode()

    assert fs.find(root) == [f"{root}/2024/01/cities.csv", f"{root}/2024/02/cities.csv",
                             f"{root}/2024/02/extra.tsv", f"{root}/load.log", f"{root}/readme.md"]
    assert fs.find(root, withdirs=True, maxdepth=2) == [root, f"{root}/2024", f"{root}/2024/01", f"{root}/2024/02",
                                                         f"{root}/load.log", f"{root}/readme.md"]
    detail = fs.find(root, detail=True)
    assert detail[f"{root}/readme.md"]["size"] == 6 and detail[f"{root}/readme.md"]["type"] == "file"
    assert fs.glob(f"{root}/2024/0[1-2]/*.csv") == [f"{root}/2024/01/cities.csv", f"{root}/2024/02/cities.csv"]
    assert fs.glob(f"{root}/**/*.tsv") == [f"{root}/2024/02/extra.tsv"]
    assert fs.glob(f"{root}/*") == [f"{root}/2024", f"{root}/load.log", f"{root}/readme.md"]
    assert fs.du(f"{root}/2024", total=False) == {f"{root}/2024/01/cities.csv": len(first),
                                                  f"{root}/2024/02/cities.csv": 15,
                                                  f"{root}/2024/02/extra.tsv": 15}
    assert fs.du(root) == len(first) + 15 + 15 + 30 + 6

    with fs.open(f"{root}/2024/01/cities.csv", "r", encoding="utf-8") as f:
        assert f.readlines() == ["id,city\n", "1,Zürich\n", "2,Kraków\n"]
    assert fs.cat_file(f"{root}/load.log") == b"loaded 2024-01\nloaded 2024-02\n"
    assert fs.cat_file(f"{root}/2024/01/cities.csv", start=-10) == "2,Kraków\n".encode()
    assert fs.cat_file(f"{root}/2024/01/cities.csv", start=8, end=1000) == first[8:]
    assert fs.cat_ranges([f"{root}/readme.md", f"{root}/2024/02/cities.csv"], [2, 10], [5, 14]) == [b"raw", b"Oslo"]
    assert fs.head(f"{root}/2024/02/extra.tsv", 2) == b"id" and fs.tail(f"{root}/2024/02/extra.tsv", 5) == b"Lima\n"
    with pytest.raises(OSError) as caught:
        fs.cat_file(f"{root}/readme.md", start=50, end=60)
    assert "The requested range is not satisfiable" in str(caught.value)
    with pytest.raises(FileNotFoundError):
        fs.cat_file(f"{root}/2024/03/cities.csv")
    assert fs.info(f"{root}/2024") == {"name": f"{root}/2024", "type": "directory", "size": 0,
                                       "StorageClass": "DIRECTORY"}

    fs.rm(f"{root}/2024", recursive=True)
    assert keys_under(client("s3"), bucket, "raw/") == ["raw/load.log", "raw/readme.md"]
    assert fs.find(root, withdirs=True) == [root, f"{root}/load.log", f"{root}/readme.md"]
    fs.rm(root, recursive=True)
    assert keys_under(client("s3"), bucket, "") == []

    with pytest.raises(OSError) as caught:
        fs.mkdir(f"scratch-{uuid.uuid4().hex[:12]}")
    assert "The specified location-constraint is not valid" in str(caught.value)
    with pytest.raises(FileExistsError):
        fs.mkdir(bucket)


def test_versions_of_a_file_read_back(lakebox_server, client, history):
    fs = filesystem(lakebox_server, version_aware=True)
    path = f"{history}/dims/country.csv"
    fs.pipe(path, b"code\nCH\n")
    fs.pipe(path, b"code\nCH\nPL\n")
    versions = fs.object_version_info(path)
    assert [(v["IsLatest"], v["Size"]) for v in versions] == [(True, 11), (False, 8)]
    newest, oldest = versions[0]["VersionId"], versions[1]["VersionId"]
    assert fs.info(path)["VersionId"] == newest
    assert fs.cat_file(path, version_id=oldest) == b"code\nCH\n"
    assert fs.cat_file(f"{path}?versionId={oldest}") == b"code\nCH\n"
    with fs.open(path, "rb", version_id=oldest) as f:
        assert f.read() == b"code\nCH\n"
    with pytest.raises(OSError) as caught:
        fs.cat_file(path, version_id="not-a-version")
    assert "Invalid version id specified" in str(caught.value)

    fs.rm(path)
    assert not fs.exists(path) and fs.exists(f"{path}?versionId={newest}")
    with pytest.raises(FileNotFoundError):
        fs.cat_file(path)
    assert fs.cat_file(f"{path}?versionId={newest}") == b"code\nCH\nPL\n"
    markers = client("s3").list_object_versions(Bucket=history, Prefix="dims/")["DeleteMarkers"]
    assert [(m["Key"], m["IsLatest"]) for m in markers] == [("dims/country.csv", True)]
