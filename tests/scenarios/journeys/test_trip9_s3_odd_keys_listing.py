"""A data engineer inventories a bucket that partners fill with awkward key names (spaces,
`+`, `%`, `?`/`&`/`=`, accents, a tab, a newline, folder markers ending in `/`): with
EncodingType=url set by hand the listing comes back percent-encoded exactly as S3 writes
it (Key, Prefix, Delimiter, StartAfter and CommonPrefixes), boto3's own automatic encoding
gives the keys back as stored, Delimiter/Prefix/StartAfter walk the folders, and a
paginated inventory resumed with the same StartAfter sees every key once (S3 leaves
StartAfter out of the pages that continue from a token)."""
from urllib.parse import unquote

KEYS = ["a b/c.csv", "a+b/x.csv", "caf\u00e9/\u00fc.txt", "dir/", "dir/sub/", "dir/sub/f.txt", "dir/x y+z.txt",
        "new\nline", "per%cent", "q?x=1&y=2", "tab\tkey", "~tilde"]


def test_inventory_of_awkward_keys(client, bucket):
    s3 = client("s3")
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())

    everything = s3.list_objects_v2(Bucket=bucket)
    assert [o["Key"] for o in everything["Contents"]] == KEYS
    assert everything["KeyCount"] == 12 and everything["EncodingType"] == "url"

    encoded = s3.list_objects_v2(Bucket=bucket, EncodingType="url")
    assert [o["Key"] for o in encoded["Contents"]] == [
        "a%20b/c.csv", "a%2Bb/x.csv", "caf%C3%A9/%C3%BC.txt", "dir/", "dir/sub/", "dir/sub/f.txt",
        "dir/x%20y%2Bz.txt", "new%0Aline", "per%25cent", "q%3Fx%3D1%26y%3D2", "tab%09key", "~tilde"]
    assert [unquote(o["Key"]) for o in encoded["Contents"]] == KEYS

    top = s3.list_objects_v2(Bucket=bucket, Delimiter="/", EncodingType="url")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["a%20b/", "a%2Bb/", "caf%C3%A9/", "dir/"]
    assert [o["Key"] for o in top["Contents"]] == ["new%0Aline", "per%25cent", "q%3Fx%3D1%26y%3D2", "tab%09key",
                                                   "~tilde"]
    assert (top["Delimiter"], top["KeyCount"]) == ("/", 9)

    folder = s3.list_objects_v2(Bucket=bucket, Prefix="dir/", Delimiter="/")
    assert [o["Key"] for o in folder["Contents"]] == ["dir/", "dir/x y+z.txt"]
    assert folder["CommonPrefixes"] == [{"Prefix": "dir/sub/"}]
    accented = s3.list_objects_v2(Bucket=bucket, Prefix="caf\u00e9/", Delimiter="/", EncodingType="url")
    assert (accented["Prefix"], [o["Key"] for o in accented["Contents"]]) == (
        "caf%C3%A9/", ["caf%C3%A9/%C3%BC.txt"])

    by_space = s3.list_objects_v2(Bucket=bucket, Delimiter=" ", EncodingType="url")
    assert (by_space["Delimiter"], [p["Prefix"] for p in by_space["CommonPrefixes"]]) == (
        "%20", ["a%20", "dir/x%20"])

    after = s3.list_objects_v2(Bucket=bucket, Delimiter="/", StartAfter="a+b/", EncodingType="url")
    assert after["StartAfter"] == "a%2Bb/"
    assert [p["Prefix"] for p in after["CommonPrefixes"]] == ["caf%C3%A9/", "dir/"]
    inside = s3.list_objects_v2(Bucket=bucket, Prefix="dir/", Delimiter="/", StartAfter="dir/sub/f.txt")
    assert [o["Key"] for o in inside["Contents"]] == ["dir/x y+z.txt"] and "CommonPrefixes" not in inside
    # a StartAfter inside a folder still rolls the rest of that folder up into its prefix
    rolled = s3.list_objects_v2(Bucket=bucket, Delimiter="/", StartAfter="dir/s")
    assert rolled["CommonPrefixes"] == [{"Prefix": "dir/"}] and rolled["KeyCount"] == 6

    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, StartAfter="dir/sub/",
                                                             PaginationConfig={"PageSize": 3}))
    assert [[o["Key"] for o in page["Contents"]] for page in pages] == [
        ["dir/sub/f.txt", "dir/x y+z.txt", "new\nline"], ["per%cent", "q?x=1&y=2", "tab\tkey"], ["~tilde"]]
    assert pages[0]["StartAfter"] == "dir/sub/" and "ContinuationToken" not in pages[0]
    assert all("StartAfter" not in page and page["ContinuationToken"] for page in pages[1:])
    assert [page["IsTruncated"] for page in pages] == [True, True, False]

    resumed = s3.list_objects_v2(Bucket=bucket, StartAfter="zzz", ContinuationToken=pages[0]["NextContinuationToken"],
                                 MaxKeys=2)
    assert [o["Key"] for o in resumed["Contents"]] == ["per%cent", "q?x=1&y=2"]
    assert "StartAfter" not in resumed

    legacy = s3.list_objects(Bucket=bucket, Delimiter="/", Marker="a b", EncodingType="url")
    assert legacy["Marker"] == "a%20b"
    assert [p["Prefix"] for p in legacy["CommonPrefixes"]] == ["a%20b/", "a%2Bb/", "caf%C3%A9/", "dir/"]
    first = s3.list_objects(Bucket=bucket, MaxKeys=1, Delimiter="/")
    assert (first["Marker"], first["NextMarker"], first["IsTruncated"]) == ("", "a b/", True)
