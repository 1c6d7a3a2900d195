"""Intelligent-Tiering configuration ids as S3 judged them (capture: radkawar/stackd
testdata/aws/s3/intelligent_tiering_control_replay.json, sequences 115-156): an empty query
id is InvalidConfigurationId before the body is read (even one with a bad Status) and a GET
of it answers 200 naming nothing; a body Id other than the query's is MalformedXML; an
empty body Id or one with a character other than letters, digits, '.', '_', '-' is
InvalidConfigId, as is one over 64 characters; nothing is stored by a refused PUT."""
import pytest

from s3_helpers import error_of

TIERS = [{"AccessTier": "ARCHIVE_ACCESS", "Days": 90}]


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("tiering-ids")


def _put(s3, bucket, query_id, body_id, status="Enabled"):
    return error_of(s3.put_bucket_intelligent_tiering_configuration, Bucket=bucket, Id=query_id,
                    IntelligentTieringConfiguration={"Id": body_id, "Status": status, "Tierings": TIERS})


@pytest.mark.parametrize("query_id, body_id, status, code", [
    ("query-id", "xml-id", "Enabled", "MalformedXML"),
    ("query-id", "", "Enabled", "InvalidConfigId"),
    ("", "xml-id", "Enabled", "InvalidConfigurationId"),
    ("", "", "Enabled", "InvalidConfigurationId"),
    ("query-id", "xml-id", "bad", "MalformedXML"),
    ("", "xml-id", "bad", "InvalidConfigurationId"),
])
def test_ids_refused(s3, bucket, query_id, body_id, status, code):
    assert _put(s3, bucket, query_id, body_id, status)[:2] == (code, 400)
    for name in ("query-id", "xml-id"):
        assert error_of(s3.get_bucket_intelligent_tiering_configuration, Bucket=bucket, Id=name)[:2] == (
            "NoSuchConfiguration", 404)
    empty = s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="")
    assert empty["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert not empty.get("IntelligentTieringConfiguration")
    assert "IntelligentTieringConfigurationList" not in s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket)


@pytest.mark.parametrize("name", ["with space", "slash/a", "plus+a", "percent%a", "question?a", "hash#a", "amp&a",
                                  "colon:a", "a" * 65])
def test_id_characters_refused(s3, bucket, name):
    assert _put(s3, bucket, name, name)[:2] == ("InvalidConfigId", 400)


@pytest.mark.parametrize("name", ["a", "z-last", "underscore_a", "hyphen-a", "dot.a", "a" * 64])
def test_id_characters_taken(s3, bucket, name):
    s3.put_bucket_intelligent_tiering_configuration(Bucket=bucket, Id=name, IntelligentTieringConfiguration={
        "Id": name, "Status": "Enabled", "Tierings": TIERS})
    read = s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id=name)["IntelligentTieringConfiguration"]
    assert (read["Id"], "Filter" in read) == (name, False)


def test_delete_of_an_empty_id(s3, bucket):
    assert error_of(s3.delete_bucket_intelligent_tiering_configuration, Bucket=bucket, Id="")[:2] == (
        "InvalidConfigurationId", 400)


@pytest.mark.parametrize("token", ["garbage", "q0099"])
def test_a_token_not_given_by_s3(s3, bucket, token):
    """intelligent_tiering_control_replay.json invalid-token-garbage, invalid-token-q0099."""
    assert error_of(s3.list_bucket_intelligent_tiering_configurations, Bucket=bucket, ContinuationToken=token)[:2] == (
        "MalformedContinuationToken", 400)
