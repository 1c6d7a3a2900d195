"""Sharing files with people who have no AWS credentials: the reporting service hands
out a presigned GET link to last month's export (read with `requests`, also a byte range
of it), a presigned PUT link a partner uploads a file with, and a presigned POST form
restricting the key prefix and the size; a link that has expired, a form whose key
leaves the prefix or whose file is too big, are refused with S3's words, and nothing is
stored."""
import pytest
import requests

from trip_helpers import keys_under

pytestmark = pytest.mark.local_only          # the links expire on the lakebox clock

EXPORT = b"id,amount\n" + b"".join(b"%d,%d.00\n" % (i, i * 3) for i in range(200))


def xml_error(answer):
    """(Code, Message) of an S3 XML error body."""
    from xml.etree import ElementTree
    root = ElementTree.fromstring(answer.content)
    return root.findtext("Code"), root.findtext("Message")


def test_presigned_get_and_put_links(client, clock, bucket):
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="exports/2024-05.csv", Body=EXPORT, ContentType="text/csv")
    link = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "exports/2024-05.csv"},
                                     ExpiresIn=3600)
    answer = requests.get(link, timeout=30)
    assert answer.status_code == 200
    assert answer.content == EXPORT
    assert answer.headers["Content-Type"] == "text/csv"
    assert answer.headers["ETag"] == s3.head_object(Bucket=bucket, Key="exports/2024-05.csv")["ETag"]

    first = requests.get(link, headers={"Range": "bytes=0-9"}, timeout=30)
    assert first.status_code == 206
    assert first.content == b"id,amount\n"
    assert first.headers["Content-Range"] == f"bytes 0-9/{len(EXPORT)}"

    download_as = s3.generate_presigned_url("get_object", ExpiresIn=600, Params={
        "Bucket": bucket, "Key": "exports/2024-05.csv",
        "ResponseContentDisposition": 'attachment; filename="may.csv"'})
    named = requests.get(download_as, timeout=30)
    assert named.headers["Content-Disposition"] == 'attachment; filename="may.csv"'

    upload = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "inbound/partner.csv"},
                                       ExpiresIn=900)
    put = requests.put(upload, data=b"sku,qty\nA,1\n", timeout=30)
    assert put.status_code == 200
    assert s3.get_object(Bucket=bucket, Key="inbound/partner.csv")["Body"].read() == b"sku,qty\nA,1\n"

    missing = requests.get(s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "exports/2024-06.csv"}, ExpiresIn=60), timeout=30)
    assert missing.status_code == 404
    assert xml_error(missing) == ("NoSuchKey", "The specified key does not exist.")

    clock(3700)
    expired = requests.get(link, timeout=30)
    assert expired.status_code == 403
    assert xml_error(expired) == ("AccessDenied", "Request has expired")
    late = requests.put(upload, data=b"late", timeout=30)
    assert late.status_code == 403
    assert xml_error(late) == ("AccessDenied", "Request has expired")
    assert s3.get_object(Bucket=bucket, Key="inbound/partner.csv")["Body"].read() == b"sku,qty\nA,1\n"


def test_presigned_post_form_with_conditions(client, bucket):
    s3 = client("s3")
    form = s3.generate_presigned_post(
        bucket, "uploads/${filename}",
        Fields={"success_action_status": "201"},
        Conditions=[["starts-with", "$key", "uploads/"], ["content-length-range", 1, 1024],
                    {"success_action_status": "201"}],
        ExpiresIn=600)
    posted = requests.post(form["url"], data=form["fields"],
                           files={"file": ("receipts.csv", b"r1,10\nr2,20\n")}, timeout=30)
    assert posted.status_code == 201
    from xml.etree import ElementTree
    created = ElementTree.fromstring(posted.content)
    assert created.tag == "PostResponse"
    assert created.findtext("Key") == "uploads/receipts.csv"
    assert created.findtext("Bucket") == bucket
    assert s3.get_object(Bucket=bucket, Key="uploads/receipts.csv")["Body"].read() == b"r1,10\nr2,20\n"

    too_big = requests.post(form["url"], data=form["fields"],
                            files={"file": ("big.csv", b"x" * 2048)}, timeout=30)
    assert too_big.status_code == 400
    assert xml_error(too_big) == ("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")

    elsewhere = dict(form["fields"], key="private/receipts.csv")
    wrong_key = requests.post(form["url"], data=elsewhere, files={"file": ("r.csv", b"r3,30\n")}, timeout=30)
    assert wrong_key.status_code == 403
    assert xml_error(wrong_key) == (
        "AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "uploads/"]')
    assert keys_under(s3, bucket, "") == ["uploads/receipts.csv"]
