"""A storage team writes inventory reports' settings from templates and S3 admits them as
it did in us-east-1 (radkawar/stackd testdata/aws/s3/inventory_control_replay.json,
inventory-controls-authority-quota-pagination): a PUT is answered 204 No Content; the
optional fields S3 added lately (ObjectLockEventHoldStatus, ObjectLockEventHoldDuration)
are taken and come back in the order sent, duplicates kept, and an empty list reads back
empty; IsEnabled is an XML Schema boolean (true, false, 1, 0, spaces around allowed;
TRUE, False, yes and nothing are MalformedXML); a Filter with an empty Prefix is
MalformedXML; a refusal keeps the stored configuration."""
import base64
import hashlib
import xml.etree.ElementTree as ElementTree
from urllib.parse import quote

import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from trip_helpers import KEY, REGION, SECRET

FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded", "ReplicationStatus",
          "EncryptionStatus", "ObjectLockRetainUntilDate", "ObjectLockMode", "ObjectLockLegalHoldStatus",
          "IntelligentTieringAccessTier", "BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList",
          "ObjectOwner", "ObjectLockEventHoldStatus", "ObjectLockEventHoldDuration", "LifecycleExpirationDate"]


def _put(s3, bucket, body, query_id="base"):
    url = f"{s3.meta.endpoint_url}/{bucket}?inventory&id={quote(query_id, safe='')}"
    data = body.encode()
    headers = {"Content-MD5": base64.b64encode(hashlib.md5(data).digest()).decode()}
    request = AWSRequest(method="PUT", url=url, data=data, headers=headers)
    S3SigV4Auth(Credentials(KEY, SECRET), "s3", REGION).add_auth(request)
    answer = requests.put(url, data=data, headers=dict(request.headers.items()), timeout=30)
    return answer.status_code, (ElementTree.fromstring(answer.content).findtext("Code") if answer.content else None)


def _body(target, enabled="false", extra=""):
    return ('<InventoryConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>base</Id>'
            f"<IsEnabled>{enabled}</IsEnabled><IncludedObjectVersions>Current</IncludedObjectVersions>"
            "<Schedule><Frequency>Daily</Frequency></Schedule><Destination><S3BucketDestination>"
            f"<Bucket>arn:aws:s3:::{target}</Bucket><Format>CSV</Format></S3BucketDestination></Destination>"
            f"{extra}</InventoryConfiguration>")


def _stored(s3, bucket):
    return s3.get_bucket_inventory_configuration(Bucket=bucket, Id="base")["InventoryConfiguration"]


def test_inventory_settings_admitted_as_s3_admits_them(client, fresh_bucket):
    s3 = client("s3")
    bucket, target = fresh_bucket("inventory"), fresh_bucket("inventory-dest")
    answer = s3.put_bucket_inventory_configuration(Bucket=bucket, Id="base", InventoryConfiguration={
        "Id": "base", "IsEnabled": True, "IncludedObjectVersions": "All", "Schedule": {"Frequency": "Daily"},
        "Destination": {"S3BucketDestination": {"Bucket": f"arn:aws:s3:::{target}", "Format": "CSV"}},
        "Filter": {"Prefix": "never/"}, "OptionalFields": FIELDS})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert _stored(s3, bucket)["OptionalFields"] == FIELDS

    fields = lambda names: "<OptionalFields>" + "".join(f"<Field>{n}</Field>" for n in names) + "</OptionalFields>"
    assert _put(s3, bucket, _body(target, extra=fields(FIELDS[::-1]))) == (204, None)
    assert _stored(s3, bucket)["OptionalFields"] == FIELDS[::-1]
    assert _put(s3, bucket, _body(target, extra=fields(["Size", "ETag", "Size", "ETag"]))) == (204, None)
    assert _stored(s3, bucket)["OptionalFields"] == ["Size", "ETag", "Size", "ETag"]
    assert _put(s3, bucket, _body(target, extra="<OptionalFields />")) == (204, None)
    assert _stored(s3, bucket)["OptionalFields"] == []

    for text, enabled in (("true", True), ("0", False), ("1", True), (" true ", True), ("false", False)):
        assert _put(s3, bucket, _body(target, enabled=text)) == (204, None)
        assert _stored(s3, bucket)["IsEnabled"] is enabled
    for text in ("TRUE", "False", "yes", ""):
        assert _put(s3, bucket, _body(target, enabled=text)) == (400, "MalformedXML")
    assert _put(s3, bucket, _body(target, extra="<Filter><Prefix /></Filter>")) == (400, "MalformedXML")
    assert _stored(s3, bucket)["IsEnabled"] is False and "Filter" not in _stored(s3, bucket)


def _named(config_id, destination, root="InventoryConfiguration", extra=""):
    return (f'<{root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>{config_id}</Id><IsEnabled>false</IsEnabled>'
            "<IncludedObjectVersions>Current</IncludedObjectVersions><Schedule><Frequency>Daily</Frequency></Schedule>"
            f"<Destination><S3BucketDestination><Bucket>{destination}</Bucket><Format>CSV</Format>"
            f"</S3BucketDestination></Destination>{extra}</{root}>")


def test_inventory_ids_destinations_and_schema(client, fresh_bucket):
    s3 = client("s3")
    bucket, target = fresh_bucket("inventory"), fresh_bucket("inventory-dest")
    arn = f"arn:aws:s3:::{target}"
    assert _put(s3, bucket, _named("base", arn, root="Wrong")) == (400, "MalformedXML")
    assert _put(s3, bucket, _named("base", arn, extra="<Unknown>value</Unknown>")) == (400, "MalformedXML")
    assert _put(s3, bucket, query_id="query", body=_named("body", arn)) == (400, "IdMismatch")
    for config_id in ("a.b_C-9", "a" * 64):
        assert _put(s3, bucket, query_id=config_id, body=_named(config_id, arn)) == (204, None)
    for config_id in ("a" * 65, "with space", "a/b", "\u00e9"):
        assert _put(s3, bucket, query_id=config_id, body=_named(config_id, arn)) == (400, "MalformedXML")

    assert _put(s3, bucket, _named("base", f"arn:aws:s3:::{target}-missing")) == (204, None)
    for destination in (target, f"{arn}/path", f"arn:aws:s3:us-east-1:000000000000:{target}", f"arn:aws:sqs:::{target}"):
        assert _put(s3, bucket, _named("base", destination)) == (400, "InvalidS3DestinationBucket")
    stored = _stored(s3, bucket)["Destination"]["S3BucketDestination"]["Bucket"]
    assert stored == f"arn:aws:s3:::{target}-missing"
    assert [c["Id"] for c in s3.list_bucket_inventory_configurations(Bucket=bucket)["InventoryConfigurationList"]] == [
        "a.b_C-9", "a" * 64, "base"]
