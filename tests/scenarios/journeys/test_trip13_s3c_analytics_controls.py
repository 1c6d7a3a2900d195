"""A cost team sets storage class analysis on its buckets from a config generator, and S3
admits each configuration as it did in us-east-1 (radkawar/stackd
testdata/aws/s3/analytics_controls_replay.json,
native-analytics-controls-authority-and-pagination): PUT answers 204; an empty Prefix is
InvalidPrefix, a tag with an empty value InvalidTag, an And of fewer than two conditions
InvalidAnd, a Filter naming no or two conditions MalformedXML, an export to a bare bucket
name or with an empty Prefix InvalidDestination, an empty body or another root
MalformedXML; repeated and conflicting And tags, any BucketAccountId and a destination
bucket that does not exist are taken; a refusal keeps the stored configuration."""
import base64
import hashlib
import xml.etree.ElementTree as ElementTree

import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from trip_helpers import KEY, REGION, SECRET, error_of

SCAN = {"StorageClassAnalysis": {}}
BLUE, RED = {"Key": "team", "Value": "blue"}, {"Key": "team", "Value": "red"}


def _raw(s3, bucket, body):
    url = f"{s3.meta.endpoint_url}/{bucket}?analytics&id=state"
    data = body.encode()
    headers = {"Content-MD5": base64.b64encode(hashlib.md5(data).digest()).decode(), "Content-Type": "application/xml"}
    request = AWSRequest(method="PUT", url=url, data=data, headers=headers)
    S3SigV4Auth(Credentials(KEY, SECRET), "s3", REGION).add_auth(request)
    answer = requests.put(url, data=data, headers=dict(request.headers.items()), timeout=30)
    return answer.status_code, ElementTree.fromstring(answer.content).findtext("Code") if answer.content else None


def _export(**destination):
    return {"StorageClassAnalysis": {"DataExport": {"OutputSchemaVersion": "V_1", "Destination": {
        "S3BucketDestination": {"Format": "CSV", **destination}}}}}


def test_analysis_configurations_admitted_as_s3_admits_them(client, fresh_bucket):
    s3 = client("s3")
    bucket, target = fresh_bucket("analytics"), fresh_bucket("analytics-dest")

    def put(config):
        return s3.put_bucket_analytics_configuration(Bucket=bucket, Id="state", AnalyticsConfiguration={
            "Id": "state", **config})["ResponseMetadata"]["HTTPStatusCode"]

    def refused(config):
        return error_of(s3.put_bucket_analytics_configuration, Bucket=bucket, Id="state",
                        AnalyticsConfiguration={"Id": "state", **config})[0]

    def stored():
        return s3.get_bucket_analytics_configuration(Bucket=bucket, Id="state")["AnalyticsConfiguration"]

    assert put(SCAN) == 204
    assert put({**SCAN, "Filter": {"And": {"Tags": [BLUE, BLUE]}}}) == 204
    assert put({**SCAN, "Filter": {"And": {"Tags": [BLUE, RED]}}}) == 204
    assert refused({**SCAN, "Filter": {"Prefix": ""}}) == "InvalidPrefix"
    assert refused({**SCAN, "Filter": {"Tag": {"Key": "team", "Value": ""}}}) == "InvalidTag"
    for lone in ({"Tags": [BLUE]}, {"Prefix": "logs/"}, {}):
        assert refused({**SCAN, "Filter": {"And": lone}}) == "InvalidAnd"
    assert stored()["Filter"] == {"And": {"Tags": [BLUE, RED]}}

    root = '<AnalyticsConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>state</Id>'
    assert _raw(s3, bucket, root + "<StorageClassAnalysis /><Filter /></AnalyticsConfiguration>") == (400, "MalformedXML")
    two = "<Filter><Prefix>logs/</Prefix><Tag><Key>team</Key><Value>blue</Value></Tag></Filter>"
    assert _raw(s3, bucket, root + f"<StorageClassAnalysis />{two}</AnalyticsConfiguration>") == (400, "MalformedXML")
    assert _raw(s3, bucket, "") == (400, "MalformedXML")
    assert _raw(s3, bucket, "<Wrong><Id>state</Id><StorageClassAnalysis/></Wrong>") == (400, "MalformedXML")

    arn = f"arn:aws:s3:::{target}"
    for destination in ({"Bucket": arn}, {"Bucket": arn, "BucketAccountId": "bad"}, {"Bucket": f"{arn}-absent"}):
        assert put(_export(**destination)) == 204
    assert refused(_export(Bucket=arn, Prefix="")) == "InvalidDestination"
    assert refused(_export(Bucket=target)) == "InvalidDestination"
    assert stored()["StorageClassAnalysis"]["DataExport"]["Destination"]["S3BucketDestination"]["Bucket"] == f"{arn}-absent"


def test_analysis_tags_are_bounded_as_bucket_tags(client, fresh_bucket):
    """radkawar/stackd testdata/aws/s3/analytics_boundaries_replay.json: keys up to 128 and
    values up to 256 UTF-16 code units (a letter past U+FFFF counts two), letters of any
    script; punctuation such as '#', an emoji, a combining mark or a tab is InvalidTag."""
    s3 = client("s3")
    bucket = fresh_bucket("analytics-bounds")

    def put(key, value):
        config = {"Id": "boundary", **SCAN, "Filter": {"Tag": {"Key": key, "Value": value}}}
        try:
            s3.put_bucket_analytics_configuration(Bucket=bucket, Id="boundary", AnalyticsConfiguration=config)
        except s3.exceptions.ClientError as error:
            return error.response["Error"]["Code"]
        return "taken"

    astral = "\U00010400"
    for key, value in (("k" * 128, "v" * 256), ("\u00e9" * 128, "\u754c" * 256), (astral * 64, astral * 128)):
        assert put(key, value) == "taken"
    for key, value in (("k" * 129, "v"), ("k", "v" * 257), (astral * 65, "v"), ("k", astral * 129),
                       ("k#?&<>\\%", "v"), ("k\U0001F600", "v"), ("ke\u0301", "v"), ("k\tline\nend", "v")):
        assert put(key, value) == "InvalidTag"
    assert s3.get_bucket_analytics_configuration(Bucket=bucket, Id="boundary")["AnalyticsConfiguration"]["Filter"] == {
        "Tag": {"Key": astral * 64, "Value": astral * 128}}


def test_analysis_ids_and_required_parts(client, fresh_bucket):
    """analytics_controls_replay.json, raw-*: no StorageClassAnalysis is
    MissingStorageClassAnalysis, an empty Id InvalidConfigId, another Id than the query's
    or two Ids MalformedXML."""
    s3 = client("s3")
    bucket = fresh_bucket("analytics-ids")
    root = '<AnalyticsConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    for inner, code in (("<Id>state</Id>", "MissingStorageClassAnalysis"), ("<Id/><StorageClassAnalysis/>", "InvalidConfigId"),
                        ("<Id>body-other</Id><StorageClassAnalysis/>", "MalformedXML"),
                        ("<Id>state</Id><Id>second</Id><StorageClassAnalysis/>", "MalformedXML")):
        assert _raw(s3, bucket, f"{root}{inner}</AnalyticsConfiguration>") == (400, code), inner
    assert "AnalyticsConfigurationList" not in s3.list_bucket_analytics_configurations(Bucket=bucket)
