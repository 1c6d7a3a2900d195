"""A CDN team toggles Transfer Acceleration with hand-written requests, and S3 answers each
body as it did in us-east-1 (radkawar/stackd testdata/aws/s3/acceleration_controls_replay.json,
native-acceleration-state-validation-iam-and-abac): Status given twice is MalformedXML, no
Status at all IllegalAccelerateConfigurationException, an x-amz-sdk-checksum-algorithm
(known or not) without its checksum InvalidRequest, a wrong x-amz-checksum-sha256 BadDigest
and the right one taken; every refusal keeps the stored state."""
import base64
import hashlib
import xml.etree.ElementTree as ElementTree

import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from trip_helpers import KEY, REGION, SECRET

ENABLED = '<AccelerateConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></AccelerateConfiguration>'


def _put(s3, bucket, body, md5=True, **headers):
    url = f"{s3.meta.endpoint_url}/{bucket}?accelerate"
    data = body.encode()
    if md5:
        headers["Content-MD5"] = base64.b64encode(hashlib.md5(data).digest()).decode()
    request = AWSRequest(method="PUT", url=url, data=data, headers={"Content-Type": "application/xml", **headers})
    S3SigV4Auth(Credentials(KEY, SECRET), "s3", REGION).add_auth(request)
    answer = requests.put(url, data=data, headers=dict(request.headers.items()), timeout=30)
    return answer.status_code, (ElementTree.fromstring(answer.content).findtext("Code") if answer.content else None)


def test_acceleration_bodies_refused_as_s3_refuses_them(client, fresh_bucket):
    s3 = client("s3")
    bucket = fresh_bucket("acceleration")
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Suspended"})
    twice = "<AccelerateConfiguration><Status>Suspended</Status><Status>Enabled</Status></AccelerateConfiguration>"
    assert _put(s3, bucket, twice) == (400, "MalformedXML")
    assert _put(s3, bucket, "<AccelerateConfiguration/>") == (400, "IllegalAccelerateConfigurationException")
    for algorithm in ("BOGUS", "SHA256"):
        assert _put(s3, bucket, ENABLED, md5=False, **{"x-amz-sdk-checksum-algorithm": algorithm}) == (400, "InvalidRequest")
    wrong = {"x-amz-sdk-checksum-algorithm": "SHA256", "x-amz-checksum-sha256": base64.b64encode(bytes(32)).decode()}
    assert _put(s3, bucket, ENABLED, md5=False, **wrong) == (400, "BadDigest")
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Suspended"

    right = base64.b64encode(hashlib.sha256(ENABLED.encode()).digest()).decode()
    assert right == "P6xGZdwgZSvPL6mihZfuOegLg2cEuOJVf/BVKSFS5jg="
    assert _put(s3, bucket, ENABLED, md5=False, **{"x-amz-sdk-checksum-algorithm": "SHA256",
                                                   "x-amz-checksum-sha256": right}) == (200, None)
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Enabled"
