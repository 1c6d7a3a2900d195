"""A nightly backup tool crashed halfway through its multipart uploads. On restart it finds
its unfinished uploads with ListMultipartUploads (Prefix and Delimiter to see the host
folders, then pages of two carried by NextKeyMarker/NextUploadIdMarker; two uploads of
one key come back in the order they were started), pages through the parts already sent
with MaxParts/PartNumberMarker, and finishes the upload. Its first tries at
CompleteMultipartUpload are refused in S3's words (parts out of order, a part's ETag
that is not the one S3 gave, a small part in the middle); the right list (part 2 was
never sent: gaps are allowed) makes one object whose bytes and ETag are the parts'. A
retry path that lost its part number (PUT ?uploadId= alone) is answered 405 and writes
nothing; the stale duplicate upload is aborted (aborting it again is taken, its parts stay NoSuchUpload)."""
import hashlib

import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from trip_helpers import KEY, REGION, SECRET, error_of

MIB = 1024 * 1024
NO_UPLOAD = ("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload "
             "may have been aborted or completed.")


def uploads_page(s3, bucket, **args):
    page = s3.list_multipart_uploads(Bucket=bucket, **args)
    return page, [(u["Key"], u["UploadId"]) for u in page.get("Uploads", [])], \
        [p["Prefix"] for p in page.get("CommonPrefixes", [])]


def signed_put(url, body):
    """A PUT signed as an SDK signs it, for a request no SDK operation makes."""
    request = AWSRequest(method="PUT", url=url, data=body)
    S3SigV4Auth(Credentials(KEY, SECRET), "s3", REGION).add_auth(request)
    return requests.put(url, data=body, headers=dict(request.headers.items()), timeout=30)


def test_backup_resumed_after_a_crash(client, bucket):
    s3 = client("s3")
    started = {}
    for key in ["hosts/db1/full.tar", "hosts/db1/full.tar", "hosts/web1/etc.tar", "hosts/web2/etc.tar",
                "manifest.json"]:
        started.setdefault(key, []).append(s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"])
    first_db1, second_db1 = started["hosts/db1/full.tar"]

    page, uploads, folders = uploads_page(s3, bucket, Delimiter="/")
    assert (uploads, folders) == ([("manifest.json", started["manifest.json"][0])], ["hosts/"])
    page, uploads, folders = uploads_page(s3, bucket, Prefix="hosts/", Delimiter="/")
    assert (uploads, folders) == ([], ["hosts/db1/", "hosts/web1/", "hosts/web2/"])
    assert (page["Prefix"], page["Delimiter"], page["IsTruncated"]) == ("hosts/", "/", False)

    # Pages of two: the two uploads of one key come in the order they were started.
    page, uploads, _ = uploads_page(s3, bucket, Prefix="hosts/", MaxUploads=2)
    assert uploads == [("hosts/db1/full.tar", first_db1), ("hosts/db1/full.tar", second_db1)]
    assert (page["IsTruncated"], page["NextKeyMarker"], page["NextUploadIdMarker"], page["MaxUploads"]) == (
        True, "hosts/db1/full.tar", second_db1, 2)
    page, uploads, _ = uploads_page(s3, bucket, Prefix="hosts/", MaxUploads=2, KeyMarker=page["NextKeyMarker"],
                                    UploadIdMarker=page["NextUploadIdMarker"])
    assert [key for key, _ in uploads] == ["hosts/web1/etc.tar", "hosts/web2/etc.tar"]
    assert (page["KeyMarker"], page["UploadIdMarker"]) == ("hosts/db1/full.tar", second_db1)
    # Resuming after the first upload of a key still lists the second one.
    _, uploads, _ = uploads_page(s3, bucket, Prefix="hosts/db1/", KeyMarker="hosts/db1/full.tar",
                                 UploadIdMarker=first_db1)
    assert uploads == [("hosts/db1/full.tar", second_db1)]

    # The parts sent before the crash, two per page.
    key, upload_id = "hosts/db1/full.tar", first_db1
    bodies = {1: b"a" * (5 * MIB), 3: b"b" * (5 * MIB), 4: b"c" * 10, 5: b"tail"}
    etags = {n: s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=body)["ETag"]
             for n, body in bodies.items()}
    seen, marker = [], 0
    while True:
        parts = s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id, MaxParts=2, PartNumberMarker=marker)
        assert (parts["PartNumberMarker"], parts["MaxParts"]) == (marker, 2)
        seen += [(p["PartNumber"], p["Size"], p["ETag"]) for p in parts["Parts"]]
        if not parts["IsTruncated"]:
            break
        marker = parts["NextPartNumberMarker"]
    assert seen == [(n, len(body), etags[n]) for n, body in bodies.items()]

    def complete(parts):
        return s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                            MultipartUpload={"Parts": parts})
    listed = [{"PartNumber": n, "ETag": etags[n]} for n in bodies]
    assert error_of(complete, [listed[1], listed[0]]) == (
        "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.")
    assert error_of(complete, [listed[0], {"PartNumber": 3, "ETag": etags[1]}]) == (
        "InvalidPart", "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag.")
    assert error_of(complete, [{"PartNumber": 2, "ETag": etags[1]}]) == error_of(
        complete, [listed[0], {"PartNumber": 3, "ETag": etags[1]}])
    assert error_of(complete, listed) == (
        "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")

    # A retry that lost its part number names the upload only: S3 refuses the PUT whole.
    url = f"{s3.meta.endpoint_url}/{bucket}/{key}?uploadId={upload_id}"
    refused = signed_put(url, b"c" * 10)
    assert refused.status_code == 405 and "<Code>MethodNotAllowed</Code>" in refused.text
    assert error_of(s3.head_object, Bucket=bucket, Key=key)[0] == "404"

    done = complete([listed[0], listed[1], listed[3]])       # parts 1, 3 and 5; part 4 was left out
    whole = bodies[1] + bodies[3] + bodies[5]
    digest = hashlib.md5(b"".join(hashlib.md5(bodies[n]).digest() for n in (1, 3, 5))).hexdigest()
    assert done["ETag"] == f'"{digest}-3"'
    got = s3.get_object(Bucket=bucket, Key=key)
    assert (got["ContentLength"], got["ETag"]) == (len(whole), done["ETag"])
    assert got["Body"].read() == whole
    assert error_of(s3.list_parts, Bucket=bucket, Key=key, UploadId=upload_id) == NO_UPLOAD

    # The stale duplicate goes; a second abort finds nothing.
    s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=second_db1)
    # S3 takes the second abort (radkawar/stackd multipart_controls_replay.json abort-repeated)
    s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=second_db1)
    assert error_of(s3.list_parts, Bucket=bucket, Key=key, UploadId=second_db1) == NO_UPLOAD
    assert error_of(s3.upload_part, Bucket=bucket, Key=key, UploadId=second_db1, PartNumber=1,
                    Body=b"late") == NO_UPLOAD
    _, uploads, _ = uploads_page(s3, bucket)
    assert sorted(k for k, _ in uploads) == ["hosts/web1/etc.tar", "hosts/web2/etc.tar", "manifest.json"]
    for key, upload_id in uploads:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
