"""A single-page app's browser sends a CORS preflight for an object before the team has
configured CORS on the bucket (or for a bucket that is gone). S3 refuses both with 403
AccessForbidden naming the method and ResourceType BUCKET, even though the path names an
object, as recorded in us-east-1 (radkawar/stackd testdata/aws/s3/cors_raw_replay.json:
options-without-config, options-missing-bucket)."""
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest


def _preflight(endpoint, path):
    request = urllib.request.Request(endpoint + path, method="OPTIONS", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "GET"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    error = ET.fromstring(caught.value.read())
    return caught.value.code, {child.tag: child.text for child in error}, caught.value.headers


def test_preflights_before_cors_is_configured(lakebox_server, client, bucket):
    if not lakebox_server.endpoint:
        pytest.skip("needs the endpoint of the server under test")
    client("s3").put_object(Bucket=bucket, Key="private.txt", Body=b"harmless private cors probe\n")
    for path in (f"/{bucket}/private.txt", f"/{bucket}-absent/private.txt"):
        status, fields, headers = _preflight(lakebox_server.endpoint, path)
        assert (status, fields["Code"], fields["Method"], fields["ResourceType"]) == (
            403, "AccessForbidden", "GET", "BUCKET")
        assert headers.get("Access-Control-Allow-Origin") is None
