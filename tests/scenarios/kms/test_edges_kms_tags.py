"""KMS's answers to broken tag rules, on CreateKey, TagResource and ReplicateKey.

Sources: replies recorded against AWS in LocalStack's tests/aws/services/kms/test_kms.snapshot.json
(recorded 2025-01: "Duplicate tag keys", "Too many tags", "Tags beginning with aws: are reserved"
for `aws:` and `AWS:`, and the model's length constraints as ValidationException naming
`tags.1.member.tagKey` / `tagValue`); a refused character ("Invalid tag", `&` in a value) as a
crossplane-contrib/provider-upjet-aws issue (#922) quotes CloudTrail; the 1-50 Limit of
ListResourceTags from the API reference."""
import pytest

from kms_helpers import error_of


def _tags(count, prefix="k"):
    return [{"TagKey": f"{prefix}{n}", "TagValue": f"v{n}"} for n in range(count)]


@pytest.mark.parametrize("key", ["aws:team", "AWS:team", "Aws:team"])
def test_aws_prefix_is_reserved_in_any_case(kms, make_key, key):
    assert error_of(kms.create_key, Tags=[{"TagKey": key, "TagValue": "x"}]) == (
        "TagException", "Tags beginning with aws: are reserved")
    made = make_key()
    assert error_of(kms.tag_resource, KeyId=made["KeyId"], Tags=[{"TagKey": key, "TagValue": "x"}]) == (
        "TagException", "Tags beginning with aws: are reserved")
    assert kms.list_resource_tags(KeyId=made["KeyId"])["Tags"] == []


def test_duplicate_keys_in_one_request(kms, make_key):
    twice = [{"TagKey": "team", "TagValue": "a"}, {"TagKey": "team", "TagValue": "b"}]
    assert error_of(kms.create_key, Tags=twice) == ("TagException", "Duplicate tag keys")
    made = make_key()
    assert error_of(kms.tag_resource, KeyId=made["KeyId"], Tags=twice) == ("TagException", "Duplicate tag keys")
    # keys are case sensitive: Team and team are two tags
    kms.tag_resource(KeyId=made["KeyId"], Tags=[{"TagKey": "team", "TagValue": "a"},
                                                 {"TagKey": "Team", "TagValue": "b"}])
    assert len(kms.list_resource_tags(KeyId=made["KeyId"])["Tags"]) == 2


def test_more_than_fifty_tags(kms, make_key):
    assert error_of(kms.create_key, Tags=_tags(51)) == ("TagException", "Too many tags")
    made = make_key(Tags=_tags(50))
    assert len(kms.list_resource_tags(KeyId=made["KeyId"])["Tags"]) == 50
    # a new key beyond the 50 is refused; a new value for a key it has is not
    assert error_of(kms.tag_resource, KeyId=made["KeyId"], Tags=[{"TagKey": "one-more", "TagValue": "x"}]) == (
        "TagException", "Too many tags")
    kms.tag_resource(KeyId=made["KeyId"], Tags=[{"TagKey": "k7", "TagValue": "changed"}])
    other = make_key(Tags=_tags(30))
    assert error_of(kms.tag_resource, KeyId=other["KeyId"], Tags=_tags(21, prefix="new")) == (
        "TagException", "Too many tags")
    kms.tag_resource(KeyId=other["KeyId"], Tags=_tags(20, prefix="new"))
    assert len(kms.list_resource_tags(KeyId=other["KeyId"])["Tags"]) == 50


def test_lengths_are_the_models_constraints(kms, make_key):
    long_key, long_value = "a" * 129, "v" * 257
    assert error_of(kms.create_key, Tags=[{"TagKey": long_key, "TagValue": "x"}]) == (
        "ValidationException", f"1 validation error detected: Value '{long_key}' at 'tags.1.member.tagKey' failed "
        "to satisfy constraint: Member must have length less than or equal to 128")
    made = make_key()
    assert error_of(kms.tag_resource, KeyId=made["KeyId"], Tags=[{"TagKey": "k", "TagValue": long_value}]) == (
        "ValidationException", f"1 validation error detected: Value '{long_value}' at 'tags.1.member.tagValue' "
        "failed to satisfy constraint: Member must have length less than or equal to 256")
    kms.tag_resource(KeyId=made["KeyId"], Tags=[{"TagKey": "a" * 128, "TagValue": "v" * 256},
                                                 {"TagKey": "empty", "TagValue": ""}])
    assert len(kms.list_resource_tags(KeyId=made["KeyId"])["Tags"]) == 2


@pytest.mark.parametrize("key,value", [("team", "R&D"), ("cost#center", "x"), ("team", "a,b"), ("line", "a\nb")])
def test_refused_characters(kms, make_key, key, value):
    made = make_key()
    assert error_of(kms.tag_resource, KeyId=made["KeyId"], Tags=[{"TagKey": key, "TagValue": value}]) == (
        "TagException", "Invalid tag")
    assert error_of(kms.create_key, Tags=[{"TagKey": key, "TagValue": value}]) == ("TagException", "Invalid tag")


def test_allowed_characters(kms, make_key):
    tags = [{"TagKey": "cost-center_1.a/b=c+d@e:f", "TagValue": "Équipe données 42"},
            {"TagKey": "名前", "TagValue": "値"}]
    made = make_key(Tags=tags)
    assert sorted(kms.list_resource_tags(KeyId=made["KeyId"])["Tags"], key=lambda t: t["TagKey"]) == sorted(
        tags, key=lambda t: t["TagKey"])


def test_replicate_key_checks_its_tags(kms, make_key, lakebox_server):
    primary = make_key(MultiRegion=True)
    assert error_of(kms.replicate_key, KeyId=primary["KeyId"], ReplicaRegion="eu-west-1",
                    Tags=[{"TagKey": "aws:x", "TagValue": "y"}]) == (
        "TagException", "Tags beginning with aws: are reserved")
    assert error_of(kms.replicate_key, KeyId=primary["KeyId"], ReplicaRegion="eu-west-1", Tags=_tags(51)) == (
        "TagException", "Too many tags")
    replica = kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion="eu-west-1",
                                Tags=[{"TagKey": "site", "TagValue": "dr"}])
    assert replica["ReplicaTags"] == [{"TagKey": "site", "TagValue": "dr"}]
    lakebox_server.client("kms", region="eu-west-1").schedule_key_deletion(
        KeyId=primary["KeyId"], PendingWindowInDays=7)


def test_list_resource_tags_pages(kms, make_key):
    made = make_key(Tags=_tags(12))
    first = kms.list_resource_tags(KeyId=made["KeyId"], Limit=5)
    assert len(first["Tags"]) == 5 and first["Truncated"] is True
    second = kms.list_resource_tags(KeyId=made["KeyId"], Limit=5, Marker=first["NextMarker"])
    third = kms.list_resource_tags(KeyId=made["KeyId"], Limit=5, Marker=second["NextMarker"])
    assert len(third["Tags"]) == 2 and third["Truncated"] is False and "NextMarker" not in third
    seen = [t["TagKey"] for page in (first, second, third) for t in page["Tags"]]
    assert sorted(seen) == sorted(f"k{n}" for n in range(12))
    whole = kms.list_resource_tags(KeyId=made["KeyId"])
    assert len(whole["Tags"]) == 12 and whole["Truncated"] is False
    assert error_of(kms.list_resource_tags, KeyId=made["KeyId"], Limit=0) == (
        "ValidationException", "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1")
    assert error_of(kms.list_resource_tags, KeyId=made["KeyId"], Limit=1001) == (
        "ValidationException", "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000")
