"""A storage team merges an old lifecycle configuration (rules with a top-level Prefix) with
new rules written with a Filter. S3 refuses the mix with InvalidRequest and keeps no
configuration; a rule with neither is MalformedXML; an empty top-level Prefix, an empty
Filter and a Filter with an empty Prefix are each taken and read back as written
(radkawar/stackd testdata/aws/s3/lifecycle_control_replay.json, scenario configuration:
ordered-generated-ids, omitted-filter, legacy-empty-prefix, empty-filter,
empty-prefix-filter)."""
from trip_helpers import error_of

EXPIRE = {"Days": 30}


def test_legacy_and_filter_rules_do_not_mix(client, bucket):
    s3 = client("s3")
    mixed = [{"Status": "Enabled", "Expiration": EXPIRE, "Prefix": "legacy/"},
             {"ID": "second", "Filter": {"Prefix": "second/"}, "Status": "Enabled", "Expiration": EXPIRE},
             {"Filter": {"Tag": {"Key": "kind", "Value": "third"}}, "Status": "Enabled", "Expiration": EXPIRE}]
    assert error_of(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                    LifecycleConfiguration={"Rules": mixed})[0] == "InvalidRequest"
    assert error_of(s3.get_bucket_lifecycle_configuration, Bucket=bucket)[0] == "NoSuchLifecycleConfiguration"
    assert error_of(s3.put_bucket_lifecycle_configuration, Bucket=bucket, LifecycleConfiguration={
        "Rules": [{"ID": "base", "Status": "Enabled", "Expiration": EXPIRE}]})[0] == "MalformedXML"

    for shape in ({"Prefix": ""}, {"Filter": {}}, {"Filter": {"Prefix": ""}}):
        rule = {"ID": "base", "Status": "Enabled", "Expiration": EXPIRE, **shape}
        put = s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
        assert put["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
        assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == [rule]


def test_and_filters_combine_two_distinct_conditions(client, bucket):
    """and-prefix-tag-size, and-empty, and-single-prefix, and-duplicate-tag-key: And takes
    a prefix, tags and size bounds together; an empty And or one with a single condition
    is MalformedXML, two tags with one key InvalidRequest, and the configuration before
    stays."""
    s3 = client("s3")

    def rules(rule_filter):
        return {"Rules": [{"ID": "base", "Filter": rule_filter, "Status": "Enabled", "Expiration": EXPIRE}]}

    full = {"And": {"Prefix": "logs/", "Tags": [{"Key": "kind", "Value": "x"}, {"Key": "tier", "Value": "y"}],
                    "ObjectSizeGreaterThan": 0, "ObjectSizeLessThan": 131072}}
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=rules(full))
    for refused, code in (({"And": {}}, "MalformedXML"), ({"And": {"Prefix": "p/"}}, "MalformedXML"),
                          ({"And": {"Tags": [{"Key": "k", "Value": "a"}, {"Key": "k", "Value": "b"}]}},
                           "InvalidRequest")):
        assert error_of(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                        LifecycleConfiguration=rules(refused))[0] == code
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["Filter"] == full


def test_size_bounds_must_leave_objects_to_match(client, bucket):
    """size-greater-zero taken; size-less-zero, size-negative, size-range-equal and
    size-range-reversed InvalidRequest, the configuration before staying."""
    s3 = client("s3")

    def rules(rule_filter):
        return {"Rules": [{"ID": "base", "Filter": rule_filter, "Status": "Enabled", "Expiration": EXPIRE}]}

    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=rules({"ObjectSizeGreaterThan": 0}))
    for refused in ({"ObjectSizeLessThan": 0}, {"ObjectSizeGreaterThan": -1},
                    {"And": {"ObjectSizeGreaterThan": 10, "ObjectSizeLessThan": 10}},
                    {"And": {"ObjectSizeGreaterThan": 11, "ObjectSizeLessThan": 10}}):
        assert error_of(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                        LifecycleConfiguration=rules(refused))[0] == "InvalidRequest"
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["Filter"] == {"ObjectSizeGreaterThan": 0}


def test_rule_ids_and_expirations_as_s3_reads_them(client, bucket):
    """empty-id (S3 names the rule), id-over-255 and expiration-zero-days (InvalidArgument
    naming the argument and its value), expiration-empty (MalformedXML)."""
    import pytest
    from botocore.exceptions import ClientError

    s3 = client("s3")

    def rules(**rule):
        return {"Rules": [{"ID": "base", "Filter": {}, "Status": "Enabled", "Expiration": EXPIRE, **rule}]}

    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=rules(ID=""))
    named = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["ID"]
    assert named
    for rule, argument in (({"ID": "x" * 256}, ("ID", "x" * 256)), ({"Expiration": {"Days": 0}}, ("Days", "0"))):
        with pytest.raises(ClientError) as caught:
            s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=rules(**rule))
        error = caught.value.response["Error"]
        assert (error["Code"], error["ArgumentName"], error["ArgumentValue"]) == ("InvalidArgument", *argument)
    assert error_of(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                    LifecycleConfiguration=rules(Expiration={}))[0] == "MalformedXML"
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["ID"] == named
