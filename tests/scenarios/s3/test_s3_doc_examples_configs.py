"""The bucket configurations of the Amazon S3 API reference's PUT examples, sent as the
raw documents the examples show and read back: every GET answers 200 with the document
in S3's namespace, holding what was put (elements compared by name and text; sibling
order is not asserted here). Bucket names are adapted."""
import base64
import hashlib
import xml.etree.ElementTree as ET

import pytest

from s3_helpers import http, signed_headers

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def send(server, method, path, body=b""):
    url = server.endpoint + path
    headers = {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()} if body else {}
    return http(url, method, body or None, signed_headers(url, method, body, headers))


def canonical(element) -> tuple:
    """(name without namespace, text or sorted children): the document as a comparable value."""
    name = element.tag.split("}")[-1]
    if len(element):
        return name, tuple(sorted(canonical(child) for child in element))
    return name, (element.text or "").strip()


WEBSITE = b"""<WebsiteConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <IndexDocument><Suffix>index.html</Suffix></IndexDocument>
  <ErrorDocument><Key>Error.html</Key></ErrorDocument>
  <RoutingRules><RoutingRule>
    <Condition><KeyPrefixEquals>docs/</KeyPrefixEquals></Condition>
    <Redirect><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith></Redirect>
  </RoutingRule></RoutingRules>
</WebsiteConfiguration>"""
CORS = b"""<CORSConfiguration>
 <CORSRule>
   <AllowedOrigin>http://www.example.com</AllowedOrigin>
   <AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod>
   <AllowedHeader>*</AllowedHeader>
   <MaxAgeSeconds>3000</MaxAgeSeconds>
   <ExposeHeader>x-amz-server-side-encryption</ExposeHeader>
 </CORSRule>
 <CORSRule>
   <AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>
   <AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds>
 </CORSRule>
</CORSConfiguration>"""
LIFECYCLE = b"""<LifecycleConfiguration>
  <Rule><ID>id1</ID><Filter><Prefix>documents/</Prefix></Filter><Status>Enabled</Status>
    <Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>
  <Rule><ID>id2</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>
    <Expiration><Days>365</Days></Expiration></Rule>
</LifecycleConfiguration>"""
TAGGING = b"""<Tagging><TagSet>
  <Tag><Key>Project</Key><Value>Project One</Value></Tag>
  <Tag><Key>User</Key><Value>jsmith</Value></Tag>
</TagSet></Tagging>"""
ENCRYPTION = b"""<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>
  <BucketKeyEnabled>false</BucketKeyEnabled>
  <BlockedEncryptionTypes><EncryptionType>NONE</EncryptionType></BlockedEncryptionTypes></Rule>
</ServerSideEncryptionConfiguration>"""
PUBLIC_ACCESS_BLOCK = b"""<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>
  <BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>
</PublicAccessBlockConfiguration>"""


@pytest.mark.parametrize("subresource, document", [
    ("website", WEBSITE),
    ("cors", CORS),
    ("lifecycle", LIFECYCLE),
    ("tagging", TAGGING),
    ("encryption", ENCRYPTION),
    ("publicAccessBlock", PUBLIC_ACCESS_BLOCK),
    ("ownershipControls", b"<OwnershipControls xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                          b"<Rule><ObjectOwnership>BucketOwnerPreferred</ObjectOwnership></Rule></OwnershipControls>"),
    ("versioning", b"<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                   b"<Status>Enabled</Status></VersioningConfiguration>"),
    ("requestPayment", b"<RequestPaymentConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                       b"<Payer>Requester</Payer></RequestPaymentConfiguration>"),
    ("accelerate", b"<AccelerateConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                   b"<Status>Enabled</Status></AccelerateConfiguration>"),
])
def test_put_then_get_configuration(lakebox_server, make_bucket, subresource, document):
    bucket = make_bucket("docex-config")
    status, _, body = send(lakebox_server, "PUT", f"/{bucket}?{subresource}", document)
    assert status in (200, 204), body
    status, headers, body = send(lakebox_server, "GET", f"/{bucket}?{subresource}")
    answer = ET.fromstring(body)
    assert status == 200 and headers["content-type"] == "application/xml"
    assert answer.tag.startswith(NS)
    assert canonical(answer) == canonical(ET.fromstring(document))


def test_logging_example(lakebox_server, make_bucket):
    """PutBucketLogging's example (its namespace as the example spells it) turns logging
    on; GetBucketLogging answers the target; an empty BucketLoggingStatus turns it off."""
    bucket = make_bucket("docex-logging")
    enable = (b'<BucketLoggingStatus xmlns="http://doc.s3.amazonaws.com/2006-03-01"><LoggingEnabled>'
              b"<TargetBucket>" + bucket.encode() + b"</TargetBucket><TargetPrefix>mybucket-access_log-/</TargetPrefix>"
              b"</LoggingEnabled></BucketLoggingStatus>")
    assert send(lakebox_server, "PUT", f"/{bucket}?logging", enable)[0] == 200
    _, _, body = send(lakebox_server, "GET", f"/{bucket}?logging")
    assert canonical(ET.fromstring(body)) == ("BucketLoggingStatus", (("LoggingEnabled", (
        ("TargetBucket", bucket), ("TargetPrefix", "mybucket-access_log-/"))),))
    disable = b'<BucketLoggingStatus xmlns="http://doc.s3.amazonaws.com/2006-03-01" />'
    assert send(lakebox_server, "PUT", f"/{bucket}?logging", disable)[0] == 200
    _, _, body = send(lakebox_server, "GET", f"/{bucket}?logging")
    assert canonical(ET.fromstring(body)) == ("BucketLoggingStatus", "")
