"""A platform team publishes CloudWatch request metrics per prefix, tag and access point,
and S3 admits each filter as it did in us-east-1 (radkawar/stackd
testdata/aws/s3/request_metrics_control_replay.json,
request-metrics-configuration-authority-pagination): PUT answers 204; an empty Prefix, an
And of fewer than two conditions, an AccessPointArn that is no access point ARN, a body Id
other than the query's or an Id outside 1-64 letters, digits and . _ - are all
MalformedXML (not the InvalidPrefix/InvalidAnd of analytics); an empty tag value, a key
named twice and access points of another account or Region are taken."""
import boto3
from botocore.config import Config

from trip_helpers import KEY, REGION, SECRET

POINT = "arn:aws:s3:us-east-1:000000000000:accesspoint/request-metrics"


def test_metrics_filters_admitted_as_s3_admits_them(client, fresh_bucket):
    s3 = client("s3")
    unchecked = boto3.client("s3", endpoint_url=s3.meta.endpoint_url, region_name=REGION, aws_access_key_id=KEY,
                             aws_secret_access_key=SECRET, config=Config(parameter_validation=False))
    bucket = fresh_bucket("metrics")

    def put(condition=None, query_id="base", body_id="base"):
        config = {"Id": body_id, **({"Filter": condition} if condition is not None else {})}
        try:
            answer = unchecked.put_bucket_metrics_configuration(Bucket=bucket, Id=query_id, MetricsConfiguration=config)
        except unchecked.exceptions.ClientError as error:
            return error.response["Error"]["Code"]
        return answer["ResponseMetadata"]["HTTPStatusCode"]

    for taken in (None, {"Prefix": "never/"}, {"Tag": {"Key": "class", "Value": ""}},
                  {"And": {"Tags": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}},
                  {"AccessPointArn": POINT.replace("000000000000", "222222222222")},
                  {"AccessPointArn": POINT.replace("us-east-1", "us-west-2")},
                  {"And": {"AccessPointArn": POINT, "Prefix": "never/"}}):
        assert put(taken) == 204, taken
    for refused in ({"Prefix": ""}, {"And": {"Prefix": "never/"}}, {"And": {}}, {"And": {"Tags": [{"Key": "a", "Value": "1"}]}},
                    {"AccessPointArn": "bad"}, {}, {"Prefix": "never/", "Tag": {"Key": "a", "Value": "1"}}):
        assert put(refused) == "MalformedXML", refused
    assert put(query_id="query", body_id="body") == "MalformedXML"
    for bad in ("with space", "a" * 65):
        assert put(query_id=bad, body_id=bad) == "MalformedXML"
    assert s3.get_bucket_metrics_configuration(Bucket=bucket, Id="base")["MetricsConfiguration"]["Filter"] == {
        "And": {"AccessPointArn": POINT, "Prefix": "never/"}}
