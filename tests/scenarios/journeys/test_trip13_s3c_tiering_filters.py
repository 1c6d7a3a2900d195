"""An archive team scopes S3 Intelligent-Tiering archive tiers with filters, and S3 admits
them as it did in us-east-1 (radkawar/stackd
testdata/aws/s3/intelligent_tiering_control_replay.json, configuration-and-quota): PUT
answers 204; an empty Filter, or one naming Prefix beside Tag or And, is MalformedXML; an
empty Prefix is InvalidPrefix, a tag with an empty key InvalidTag (an empty value is
taken here, unlike analytics); an And of one tag, of nothing, or naming a key twice is
InvalidAnd; a refusal keeps the stored configuration."""
import boto3
from botocore.config import Config

from trip_helpers import KEY, REGION, SECRET

TIERS = [{"AccessTier": "ARCHIVE_ACCESS", "Days": 90}]
KIND_X, KIND_Y, KIND2_Y = {"Key": "kind", "Value": "x"}, {"Key": "kind", "Value": "y"}, {"Key": "kind2", "Value": "y"}


def test_tiering_filters_admitted_as_s3_admits_them(client, fresh_bucket):
    s3 = client("s3")
    unchecked = boto3.client("s3", endpoint_url=s3.meta.endpoint_url, region_name=REGION, aws_access_key_id=KEY,
                             aws_secret_access_key=SECRET, config=Config(parameter_validation=False))
    bucket = fresh_bucket("tiering")

    def put(condition=None):
        config = {"Id": "base", "Status": "Enabled", "Tierings": TIERS}
        if condition is not None:
            config["Filter"] = condition
        try:
            answer = unchecked.put_bucket_intelligent_tiering_configuration(
                Bucket=bucket, Id="base", IntelligentTieringConfiguration=config)
        except unchecked.exceptions.ClientError as error:
            return error.response["Error"]["Code"]
        return answer["ResponseMetadata"]["HTTPStatusCode"]

    assert put() == 204
    assert put({"Prefix": "logs/& spaced/"}) == 204
    assert put({"Tag": {"Key": "kind", "Value": ""}}) == 204
    assert put({"And": {"Prefix": "logs/", "Tags": [KIND_X]}}) == 204
    assert put({"And": {"Tags": [KIND_X, KIND2_Y]}}) == 204
    assert put({}) == "MalformedXML"
    assert put({"Prefix": "logs/", "Tag": KIND_X}) == "MalformedXML"
    assert put({"Prefix": "logs/", "And": {"Tags": [KIND_X, KIND2_Y]}}) == "MalformedXML"
    assert put({"Prefix": ""}) == "InvalidPrefix"
    assert put({"Tag": {"Key": "", "Value": "x"}}) == "InvalidTag"
    for both in ({}, {"Tags": [KIND_X]}, {"Tags": [KIND_X, KIND_Y]}, {"Tags": [KIND_X, KIND_X]}):
        assert put({"And": both}) == "InvalidAnd"
    stored = s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="base")["IntelligentTieringConfiguration"]
    assert stored["Filter"] == {"And": {"Tags": [KIND_X, KIND2_Y]}}


def test_archive_days_bounded_as_s3_bounds_them(client, fresh_bucket):
    """intelligent_tiering_control_replay.json: ARCHIVE_ACCESS takes 90-730 days and
    DEEP_ARCHIVE_ACCESS 180-730, the archive tier strictly before the deep one; anything
    else is InvalidAccessTier."""
    s3 = client("s3")
    bucket = fresh_bucket("tiering-days")

    def put(*tiers):
        config = {"Id": "base", "Status": "Enabled", "Tierings": [{"AccessTier": t, "Days": d} for t, d in tiers]}
        try:
            s3.put_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="base", IntelligentTieringConfiguration=config)
        except s3.exceptions.ClientError as error:
            return error.response["Error"]["Code"]
        return "taken"

    for days in (-1, 0, 89, 731):
        assert put(("ARCHIVE_ACCESS", days)) == "InvalidAccessTier"
    for days in (179, 731):
        assert put(("DEEP_ARCHIVE_ACCESS", days)) == "InvalidAccessTier"
    for pair in ((180, 180), (181, 180), (730, 730)):
        assert put(("ARCHIVE_ACCESS", pair[0]), ("DEEP_ARCHIVE_ACCESS", pair[1])) == "InvalidAccessTier"
    assert put(("ARCHIVE_ACCESS", 90), ("DEEP_ARCHIVE_ACCESS", 180)) == "taken"
    assert put(("ARCHIVE_ACCESS", 730)) == put(("DEEP_ARCHIVE_ACCESS", 730)) == "taken"
