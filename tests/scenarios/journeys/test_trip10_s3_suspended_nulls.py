"""A team turned versioning on for a reference-data bucket, then suspended it to stop
paying for every nightly overwrite. An engineer checks what suspension means before
trusting it: writes now replace one "null" version while the versions made earlier stay;
a plain delete removes the null version and leaves a null delete marker; reading the
key is NoSuchKey with the marker's headers, reading the marker by id is 405 (GET and
HEAD, with x-amz-delete-marker, Last-Modified and Allow: DELETE); ListObjectVersions with a Delimiter
groups the folders; one quiet DeleteObjects call cleans up, reporting only what failed."""
from trip_helpers import error_of


def versions_of(s3, bucket, **args):
    page = s3.list_object_versions(Bucket=bucket, **args)
    entries = [(v["Key"], v["VersionId"], v["IsLatest"], v["Size"]) for v in page.get("Versions", [])]
    entries += [(m["Key"], m["VersionId"], m["IsLatest"], "marker") for m in page.get("DeleteMarkers", [])]
    return page, sorted(entries, key=lambda e: (e[0], not e[2]))


def test_what_suspended_versioning_keeps(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="ref/currencies.csv", Body=b"code\nEUR\n")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="ref/currencies.csv", Body=b"code\nEUR\nUSD\n")["VersionId"]
    s3.put_object(Bucket=bucket, Key="ref/old/countries.csv", Body=b"code\nFR\n")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"

    # Two nightly overwrites make one null version; the enabled-era versions stay.
    for body in (b"code\nEUR\nUSD\nGBP\n", b"code\nEUR\nUSD\nGBP\nJPY\n"):
        s3.put_object(Bucket=bucket, Key="ref/currencies.csv", Body=body)
    _, entries = versions_of(s3, bucket, Prefix="ref/currencies.csv")
    assert entries == [("ref/currencies.csv", "null", True, 21), ("ref/currencies.csv", v2, False, 13),
                       ("ref/currencies.csv", v1, False, 9)]
    null = s3.get_object(Bucket=bucket, Key="ref/currencies.csv", VersionId="null")
    assert (null["VersionId"], null["Body"].read()) == ("null", b"code\nEUR\nUSD\nGBP\nJPY\n")
    assert s3.get_object(Bucket=bucket, Key="ref/currencies.csv", VersionId=v1)["Body"].read() == b"code\nEUR\n"

    # A plain delete: the null version goes, a null delete marker takes its place.
    gone = s3.delete_object(Bucket=bucket, Key="ref/currencies.csv")
    assert (gone["DeleteMarker"], gone["VersionId"]) == (True, "null")
    _, entries = versions_of(s3, bucket, Prefix="ref/currencies.csv")
    assert entries == [("ref/currencies.csv", "null", True, "marker"), ("ref/currencies.csv", v2, False, 13),
                       ("ref/currencies.csv", v1, False, 9)]
    try:
        s3.get_object(Bucket=bucket, Key="ref/currencies.csv")
        raise AssertionError("the key is deleted")
    except s3.exceptions.NoSuchKey as missing:
        headers = missing.response["ResponseMetadata"]["HTTPHeaders"]
        assert (headers["x-amz-delete-marker"], headers["x-amz-version-id"]) == ("true", "null")
    assert error_of(s3.get_object, Bucket=bucket, Key="ref/currencies.csv", VersionId="null") == (
        "MethodNotAllowed", "The specified method is not allowed against this resource.")
    try:
        s3.head_object(Bucket=bucket, Key="ref/currencies.csv", VersionId="null")
        raise AssertionError("a delete marker has no head")
    except s3.exceptions.ClientError as refused:
        meta = refused.response["ResponseMetadata"]
        assert (meta["HTTPStatusCode"], refused.response["Error"]["Code"]) == (405, "405")
        assert meta["HTTPHeaders"]["x-amz-delete-marker"] == "true" and "last-modified" in meta["HTTPHeaders"]
        assert meta["HTTPHeaders"]["allow"] == "DELETE"

    # Folders, grouped by the delimiter; versions and markers of top-level keys listed.
    page, entries = versions_of(s3, bucket, Prefix="ref/", Delimiter="/")
    assert page["CommonPrefixes"] == [{"Prefix": "ref/old/"}]
    assert [e[:3] for e in entries] == [("ref/currencies.csv", "null", True), ("ref/currencies.csv", v2, False),
                                        ("ref/currencies.csv", v1, False)]

    # One quiet batch: the marker and the first version go; a bad version id is reported.
    cleanup = s3.delete_objects(Bucket=bucket, Delete={"Quiet": True, "Objects": [
        {"Key": "ref/currencies.csv", "VersionId": "null"}, {"Key": "ref/currencies.csv", "VersionId": v1},
        {"Key": "ref/currencies.csv", "VersionId": "not-a-version"}]})
    assert "Deleted" not in cleanup
    assert cleanup["Errors"] == [{"Key": "ref/currencies.csv", "VersionId": "not-a-version",
                                  "Code": "InvalidArgument", "Message": "Invalid version id specified"}]
    # With the marker gone, the newest remaining version is current again.
    current = s3.get_object(Bucket=bucket, Key="ref/currencies.csv")
    assert (current["VersionId"], current["Body"].read()) == (v2, b"code\nEUR\nUSD\n")
    _, entries = versions_of(s3, bucket, Prefix="ref/currencies.csv")
    assert entries == [("ref/currencies.csv", v2, True, 13)]
