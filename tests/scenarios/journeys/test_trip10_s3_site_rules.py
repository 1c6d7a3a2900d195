"""A front-end team moves its documentation site to a bucket: a website configuration with
routing rules (an old folder renamed, missing pages sent to a help host) and CORS rules for
the app that fetches the docs. Their drafts carry the usual mistakes, each refused in S3's
words before anything is kept: a redirect that both replaces the key and its prefix, a
redirect code S3 does not send (200, 300), an error-code condition that is not an error
(302), an empty condition, 51 rules, an AllowedHeader with two wildcards and a wildcard
ExposeHeader. The configurations finally kept come back exactly as written."""
import pytest

from trip_helpers import error_of

GOOD_RULES = [
    {"Condition": {"KeyPrefixEquals": "v1/"}, "Redirect": {"ReplaceKeyPrefixWith": "archive/v1/",
                                                           "HttpRedirectCode": "301"}},
    {"Condition": {"HttpErrorCodeReturnedEquals": "404"},
     "Redirect": {"HostName": "help.example.com", "Protocol": "https", "ReplaceKeyWith": "not-found.html"}},
    {"Condition": {"KeyPrefixEquals": "beta/", "HttpErrorCodeReturnedEquals": "503"},
     "Redirect": {"ReplaceKeyWith": "maintenance.html", "HttpRedirectCode": "307"}},
]
GOOD_CORS = [{"ID": "docs-app", "AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["https://*.example.com"],
              "AllowedHeaders": ["x-amz-*", "Authorization"], "ExposeHeaders": ["ETag", "x-amz-version-id"],
              "MaxAgeSeconds": 600}]


def site(rules):
    return {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"},
            "RoutingRules": rules}


@pytest.mark.parametrize("rule, refusal", [
    ({"Condition": {"KeyPrefixEquals": "v1/"}, "Redirect": {"ReplaceKeyWith": "a.html",
                                                           "ReplaceKeyPrefixWith": "archive/"}},
     "You can only define ReplaceKeyPrefix or ReplaceKey but not both."),
    ({"Condition": {"KeyPrefixEquals": "v1/"}, "Redirect": {"HttpRedirectCode": "200"}},
     "The provided HTTP redirect code (200) is not valid. Valid codes are 3XX except 300."),
    ({"Condition": {"KeyPrefixEquals": "v1/"}, "Redirect": {"HostName": "x.example.com", "HttpRedirectCode": "300"}},
     "The provided HTTP redirect code (300) is not valid. Valid codes are 3XX except 300."),
    ({"Condition": {"HttpErrorCodeReturnedEquals": "302"}, "Redirect": {"HostName": "help.example.com"}},
     "The provided HTTP error code (302) is not valid. Valid codes are 4XX or 5XX."),
    ({"Condition": {}, "Redirect": {"HostName": "help.example.com"}},
     "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't "
     "be present."),
])
def test_a_draft_routing_rule_is_refused(client, bucket, rule, refusal):
    s3 = client("s3")
    assert error_of(s3.put_bucket_website, Bucket=bucket,
                    WebsiteConfiguration=site([GOOD_RULES[0], rule])) == ("InvalidRequest", refusal)
    assert error_of(s3.get_bucket_website, Bucket=bucket) == (
        "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration")


def test_the_site_and_its_cors_rules_kept_as_written(client, bucket):
    s3 = client("s3")
    many = [{"Condition": {"KeyPrefixEquals": f"old{n}/"}, "Redirect": {"ReplaceKeyPrefixWith": f"new{n}/"}}
            for n in range(51)]
    assert error_of(s3.put_bucket_website, Bucket=bucket, WebsiteConfiguration=site(many)) == (
        "InvalidRequest", "51 routing rules provided, the number of routing rules in a website configuration is "
        "limited to 50.")
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=site(many[:50]))
    assert len(s3.get_bucket_website(Bucket=bucket)["RoutingRules"]) == 50

    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=site(GOOD_RULES))
    kept = s3.get_bucket_website(Bucket=bucket)
    assert (kept["IndexDocument"], kept["ErrorDocument"], kept["RoutingRules"]) == (
        {"Suffix": "index.html"}, {"Key": "error.html"}, GOOD_RULES)

    def cors_refusal(**changes):
        return error_of(s3.put_bucket_cors, Bucket=bucket,
                        CORSConfiguration={"CORSRules": [{**GOOD_CORS[0], **changes}]})
    assert cors_refusal(AllowedHeaders=["x-*-meta-*"]) == (
        "InvalidRequest", 'AllowedHeader "x-*-meta-*" can not have more than one wildcard.')
    assert cors_refusal(AllowedOrigins=["https://*.*.example.com"]) == (
        "InvalidRequest", 'AllowedOrigin "https://*.*.example.com" can not have more than one wildcard.')
    assert cors_refusal(ExposeHeaders=["x-amz-meta-*"]) == (
        "InvalidRequest", 'ExposeHeader "x-amz-meta-*" contains wildcard. We currently do not support wildcard '
        "for ExposeHeader.")
    assert cors_refusal(AllowedMethods=["GET", "PATCH"]) == (
        "InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is PATCH")
    assert error_of(s3.get_bucket_cors, Bucket=bucket) == (
        "NoSuchCORSConfiguration", "The CORS configuration does not exist")
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": GOOD_CORS})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == GOOD_CORS

    s3.delete_bucket_website(Bucket=bucket)
    assert error_of(s3.get_bucket_website, Bucket=bucket)[0] == "NoSuchWebsiteConfiguration"
