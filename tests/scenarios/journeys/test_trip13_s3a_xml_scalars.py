"""A hand-written configuration with an element nested inside a value (a templating slip)
is refused as S3 refuses it, MalformedXML, and changes nothing (stackd's
testdata/aws/s3/access_raw_replay.json, "unknown-nonempty-scalar-child" cases)."""
import base64
import hashlib

import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def signed_put(endpoint, target, body: str):
    data = body.encode()
    request = AWSRequest(method="PUT", url=endpoint + target, data=data, headers={
        "Content-Type": "application/xml", "Content-MD5": base64.b64encode(hashlib.md5(data).digest()).decode(),
        "x-amz-content-sha256": hashlib.sha256(data).hexdigest()})
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    return requests.put(endpoint + target, data=data, headers=dict(request.headers), timeout=30)


@pytest.mark.local_only
def test_an_element_inside_a_value_is_malformed(lakebox_server, client, bucket):
    s3 = client("s3")
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]})
    answer = signed_put(lakebox_server.endpoint, f"/{bucket}?ownershipControls", (
        f"<OwnershipControls {NS}><Rule><ObjectOwnership>ObjectWriter<Unexpected>text</Unexpected>"
        "</ObjectOwnership></Rule></OwnershipControls>"))
    assert (answer.status_code, "<Code>MalformedXML</Code>" in answer.text) == (400, True)
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    answer = signed_put(lakebox_server.endpoint, f"/{bucket}?encryption", (
        f"<ServerSideEncryptionConfiguration {NS}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms"
        "</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false<Unexpected>text</Unexpected>"
        "</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>"))
    assert (answer.status_code, "<Code>MalformedXML</Code>" in answer.text) == (400, True)
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert (rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], rule["BucketKeyEnabled"]) == ("AES256", True)


@pytest.mark.local_only
def test_an_unknown_or_repeated_element_is_malformed(lakebox_server, client, bucket):
    """An element the schema does not name there (beside the rule, or in the ABAC status),
    or a second copy of one named once, is MalformedXML and changes nothing; the root's
    own name is not checked (access_raw_replay.json, abac_controls_replay.json)."""
    s3 = client("s3")
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    for target, body in (
            ("ownershipControls", f"<OwnershipControls {NS}><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership>"
                                  "</Rule><Unexpected/></OwnershipControls>"),
            ("abac", f"<AbacStatus {NS}><Status>Enabled</Status><Extra>x</Extra></AbacStatus>"),
            ("abac", f"<AbacStatus {NS}><Status>Disabled</Status><Status>Enabled</Status></AbacStatus>")):
        answer = signed_put(lakebox_server.endpoint, f"/{bucket}?{target}", body)
        assert (answer.status_code, "<Code>MalformedXML</Code>" in answer.text) == (400, True)
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    assert s3.get_bucket_abac(Bucket=bucket)["AbacStatus"] == {"Status": "Disabled"}
    assert signed_put(lakebox_server.endpoint, f"/{bucket}?abac",
                      "<Wrong><Status>Enabled</Status></Wrong>").status_code == 200
    assert s3.get_bucket_abac(Bucket=bucket)["AbacStatus"] == {"Status": "Enabled"}
    s3.put_bucket_abac(Bucket=bucket, AbacStatus={"Status": "Disabled"})
