"""A platform engineer writes the lifecycle rules of a versioned data-lake bucket: raw
drops expire after a week, abandoned multipart uploads are aborted, lone delete markers
are cleaned up, noncurrent versions are kept 30 days, tagged scratch files go after a day.
Each draft mistake is refused in S3's words and nothing is kept: a marker cleanup or an
upload abort on a tag filter, zero days, a date that is not midnight GMT, days and the
marker cleanup in one Expiration, a filter naming two conditions without And, a rule
without an action, two rules with one ID, an IA transition before 30 days. The final
configuration is read back exactly as written, and a rule set with the marker cleanup on
a prefix filter is kept."""
import datetime

from trip_helpers import error_of

MALFORMED = ("MalformedXML", "The XML you provided was not well-formed or did not validate against our "
             "published schema")
FINAL = [
    {"ID": "raw-drops", "Status": "Enabled", "Filter": {"Prefix": "raw/"}, "Expiration": {"Days": 7}},
    {"ID": "abandoned-uploads", "Status": "Enabled", "Filter": {"Prefix": ""},
     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3}},
    {"ID": "lone-markers", "Status": "Enabled", "Filter": {"Prefix": "curated/"},
     "Expiration": {"ExpiredObjectDeleteMarker": True},
     "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2}},
    {"ID": "scratch", "Status": "Enabled",
     "Filter": {"And": {"Prefix": "tmp/", "Tags": [{"Key": "scratch", "Value": "true"}]}},
     "Expiration": {"Days": 1}},
    {"ID": "cold", "Status": "Disabled", "Filter": {"ObjectSizeGreaterThan": 1048576},
     "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}]},
]


def test_lifecycle_drafts_refused_until_the_rules_are_right(client, bucket):
    s3 = client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

    def refusal(*rules):
        return error_of(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                        LifecycleConfiguration={"Rules": list(rules)})

    tagged = {"Tag": {"Key": "scratch", "Value": "true"}}
    assert refusal({"ID": "m", "Status": "Enabled", "Filter": tagged,
                    "Expiration": {"ExpiredObjectDeleteMarker": True}}) == (
        "InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with Tags.")
    assert refusal({"ID": "m", "Status": "Enabled", "Filter": {"And": {"Prefix": "tmp/", "Tags": [tagged["Tag"]]}},
                    "Expiration": {"ExpiredObjectDeleteMarker": True}}) == (
        "InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with Tags.")
    assert refusal({"ID": "a", "Status": "Enabled", "Filter": tagged,
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3}}) == (
        "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags.")
    assert refusal({"ID": "a", "Status": "Enabled", "Filter": {"Prefix": ""},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 0}}) == (
        "InvalidArgument", "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive "
        "integer")
    assert refusal({"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "raw/"}, "Expiration": {"Days": 0}}) == (
        "InvalidArgument", "'Days' for Expiration action must be a positive integer")
    noon = datetime.datetime(2031, 1, 1, 12, tzinfo=datetime.timezone.utc)
    assert refusal({"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "raw/"}, "Expiration": {"Date": noon}}) \
        == ("InvalidArgument", "'Date' must be at midnight GMT")
    assert refusal({"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "raw/"},
                    "Expiration": {"Days": 7, "ExpiredObjectDeleteMarker": True}}) == MALFORMED
    assert refusal({"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "raw/", **tagged},
                    "Expiration": {"Days": 7}}) == MALFORMED
    assert refusal({"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "raw/"}}) == (
        "InvalidRequest", "At least one action needs to be specified in a rule")
    assert refusal(FINAL[0], {**FINAL[3], "ID": "raw-drops"}) == (
        "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule")
    assert refusal({**FINAL[4], "Transitions": [{"Days": 14, "StorageClass": "STANDARD_IA"}]}) == (
        "InvalidArgument", "'Days' in Transition action must be greater than or equal to 30 for storageClass "
        "'STANDARD_IA'")
    assert error_of(s3.get_bucket_lifecycle_configuration, Bucket=bucket) == (
        "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")

    kept = s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": FINAL})
    assert kept["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    answer = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert (answer["Rules"], answer["TransitionDefaultMinimumObjectSize"]) == (FINAL, "all_storage_classes_128K")

    # A refused draft leaves the kept rules alone.
    assert refusal({"ID": "m", "Status": "Enabled", "Filter": tagged,
                    "Expiration": {"ExpiredObjectDeleteMarker": True}})[0] == "InvalidRequest"
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == FINAL
    s3.delete_bucket_lifecycle(Bucket=bucket)
    assert error_of(s3.get_bucket_lifecycle_configuration, Bucket=bucket)[0] == "NoSuchLifecycleConfiguration"
