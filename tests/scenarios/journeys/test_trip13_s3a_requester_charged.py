"""A partner account reads a Requester Pays data set and is told it was charged, as S3
was recorded answering (stackd's testdata/aws/s3/requester_data_replay.json):
`x-amz-request-charged: requester` on every answer to a request that agreed to pay
(a read, a missing key's NoSuchKey, a key its bucket policy denies), never to the owner;
the payer value is case-sensitive (`Requester` is refused)."""
import json

import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

PARTNER = "444455556666"      # a 12-digit access key is that account in lakebox


def failure(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    response = caught.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-request-charged"))


@pytest.mark.local_only
def test_a_partner_is_told_it_was_charged(lakebox_server, client, bucket):
    s3 = client("s3")
    partner = lakebox_server.client("s3", aws_access_key_id=PARTNER, aws_secret_access_key="x")
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"second harmless requester fixture\n")
    s3.put_object(Bucket=bucket, Key="forbidden", Body=b"harmless denied")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]},
        {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{bucket}/forbidden"}]}))
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})

    got = partner.get_object(Bucket=bucket, Key="index.html", RequestPayer="requester")
    assert (got["Body"].read(), got["RequestCharged"]) == (b"second harmless requester fixture\n", "requester")
    assert failure(partner.get_object, Bucket=bucket, Key="missing", RequestPayer="requester") == (
        404, "NoSuchKey", "requester")
    assert failure(partner.get_object, Bucket=bucket, Key="forbidden", RequestPayer="requester") == (
        403, "AccessDenied", "requester")
    assert failure(partner.get_object, Bucket=bucket, Key="forbidden") == (403, "AccessDenied", None)
    own = s3.get_object(Bucket=bucket, Key="index.html", RequestPayer="requester")
    assert "RequestCharged" not in own

    # The header's value is case-sensitive.
    request = AWSRequest(method="GET", url=f"{lakebox_server.endpoint}/{bucket}/index.html",
                         headers={"x-amz-request-payer": "Requester", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    S3SigV4Auth(Credentials(PARTNER, "x"), "s3", "us-east-1").add_auth(request)
    answer = requests.get(request.url, headers=dict(request.headers), timeout=30)
    assert (answer.status_code, "<Code>AccessDenied</Code>" in answer.text,
            answer.headers.get("x-amz-request-charged")) == (403, True, None)


@pytest.mark.local_only
def test_a_denied_missing_key_is_no_such_key(lakebox_server, client, bucket):
    """requester_data_replay.json (deny-hold): a Deny to everyone on two exact keys refuses
    the partner the existing one, while the missing one answers NoSuchKey (the partner may
    list), each charged."""
    s3 = client("s3")
    partner = lakebox_server.client("s3", aws_access_key_id=PARTNER, aws_secret_access_key="x")
    s3.put_object(Bucket=bucket, Key="deny-hold/existing", Body=b"HARMLESS HELD DENY\n")
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
         "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
         "Resource": [f"arn:aws:s3:::{bucket}/deny-hold/existing", f"arn:aws:s3:::{bucket}/deny-hold/missing"]}]}))
    for key, answer in (("deny-hold/existing", (403, "AccessDenied", "requester")),
                        ("deny-hold/missing", (404, "NoSuchKey", "requester")),
                        ("deny-hold/existing", (403, "AccessDenied", "requester"))):
        assert failure(partner.get_object, Bucket=bucket, Key=key, RequestPayer="requester") == answer
    s3.delete_bucket_policy(Bucket=bucket)


def signed_put(lakebox_server, target, body: str, headers: dict):
    import hashlib
    data = body.encode()
    request = AWSRequest(method="PUT", url=lakebox_server.endpoint + target, data=data, headers={
        **headers, "x-amz-content-sha256": hashlib.sha256(data).hexdigest()})
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    answer = requests.put(request.url, data=data, headers=dict(request.headers), timeout=30)
    code = answer.text.split("<Code>")[1].split("<")[0] if "<Code>" in answer.text else ""
    return answer.status_code, code


@pytest.mark.local_only
def test_the_payment_document_as_s3_admits_it(lakebox_server, client, bucket):
    """requester_admission_replay.json: a payment configuration needs no Content-MD5, yet
    one that is wrong is BadDigest and a checksum algorithm named without its checksum is
    InvalidRequest; a second Payer or another element is MalformedXML (the root's name is
    not checked); nothing refused changes the setting."""
    import base64
    import hashlib
    s3 = client("s3")
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'

    def md5(text):
        return {"Content-MD5": base64.b64encode(hashlib.md5(text.encode()).digest()).decode()}
    owner = f"<RequestPaymentConfiguration {ns}><Payer>BucketOwner</Payer></RequestPaymentConfiguration>"
    for body, headers, answer in (
            (owner, {"Content-MD5": "MDAwMDAwMDAwMDAwMDAwMA=="}, (400, "BadDigest")),
            (owner, {"x-amz-sdk-checksum-algorithm": "SHA256"}, (400, "InvalidRequest")),
            (f"<RequestPaymentConfiguration {ns}><Payer>BucketOwner</Payer><Payer>Requester</Payer>"
             "</RequestPaymentConfiguration>", None, (400, "MalformedXML")),
            (f"<RequestPaymentConfiguration {ns}><Payer>BucketOwner</Payer><Other>x</Other>"
             "</RequestPaymentConfiguration>", None, (400, "MalformedXML"))):
        assert signed_put(lakebox_server, f"/{bucket}?requestPayment", body, headers or md5(body)) == answer
        assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"
    assert signed_put(lakebox_server, f"/{bucket}?requestPayment", owner, {}) == (200, "")
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    other_root = "<Other><Payer>Requester</Payer></Other>"
    assert signed_put(lakebox_server, f"/{bucket}?requestPayment", other_root, md5(other_root)) == (200, "")
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"


@pytest.mark.local_only
def test_a_presigned_url_names_the_payer_in_its_query(lakebox_server, client, bucket):
    """requester_presigned_replay.json: the partner's presigned GET is refused without
    x-amz-request-payer, served and charged with `requester` in its query, refused with
    another value; naming it in both the query and a header is InvalidArgument."""
    s3 = client("s3")
    partner = lakebox_server.client("s3", aws_access_key_id=PARTNER, aws_secret_access_key="x")
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"second harmless requester fixture\n")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}))
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})

    def fetch(payer=None, key="index.html", headers=None):
        params = {"Bucket": bucket, "Key": key, **({"RequestPayer": payer} if payer else {})}
        answer = requests.get(partner.generate_presigned_url("get_object", Params=params, ExpiresIn=300),
                              headers=headers or {}, timeout=30)
        code = answer.text.split("<Code>")[1].split("<")[0] if "<Code>" in answer.text else answer.text
        return answer.status_code, code, answer.headers.get("x-amz-request-charged")
    assert fetch() == (403, "AccessDenied", None)
    assert fetch("requester") == (200, "second harmless requester fixture\n", "requester")
    assert fetch("invalid") == (403, "AccessDenied", None)
    assert fetch("requester", "absent", {"x-amz-request-payer": "requester"})[:2] == (400, "InvalidArgument")


@pytest.mark.local_only
def test_a_paying_partner_manages_the_bucket_its_policy_opens(lakebox_server, client, bucket):
    """requester_management_raw_replay.json: with Requester Pays on, a partner account the
    bucket policy allows s3:* is refused bucket reads without the payer header and answered,
    charged, with it (NoSuchCORSConfiguration too); it may even tag the bucket (204) and
    switch the payer back to BucketOwner."""
    s3 = client("s3")
    partner = lakebox_server.client("s3", aws_access_key_id=PARTNER, aws_secret_access_key="x")
    paying = lakebox_server.client("s3", aws_access_key_id=PARTNER, aws_secret_access_key="x")
    paying.meta.events.register("before-sign.s3.*",
                                lambda request, **_: request.headers.__setitem__("x-amz-request-payer", "requester"))
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"}, "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}))
    assert partner.get_bucket_versioning(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    assert failure(partner.get_bucket_location, Bucket=bucket) == (403, "AccessDenied", None)
    assert paying.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"
    assert failure(paying.get_bucket_cors, Bucket=bucket) == (404, "NoSuchCORSConfiguration", "requester")
    tagged = paying.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "probe", "Value": "payer"}]})
    assert (tagged["ResponseMetadata"]["HTTPStatusCode"],
            tagged["ResponseMetadata"]["HTTPHeaders"]["x-amz-request-charged"]) == (204, "requester")
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "probe", "Value": "payer"}]
    paying.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "BucketOwner"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.delete_bucket_policy(Bucket=bucket)
