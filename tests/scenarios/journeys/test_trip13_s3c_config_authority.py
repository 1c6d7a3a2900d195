"""A monitoring role reads a bucket's per-id configurations and a deploy role writes them,
each through a session policy naming one IAM action, as S3 authorized them in us-east-1
(radkawar/stackd testdata/aws/s3/intelligent_tiering_authority_replay.json,
intelligent-tiering-authority-and-active-object): Get and List need
s3:Get...Configuration, Put and Delete s3:Put...Configuration (lakebox asked for
s3:GetBucket...Configuration, an action no policy names, and refused them all)."""
import json

import pytest

from trip_helpers import error_of

pytestmark = pytest.mark.local_only          # roles assumed without IAM

TIERING = {"Id": "active", "Status": "Enabled", "Tierings": [{"AccessTier": "ARCHIVE_ACCESS", "Days": 90},
                                                              {"AccessTier": "DEEP_ARCHIVE_ACCESS", "Days": 180}]}


def _session(lakebox_server, client, bucket, action):
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [action],
                                                      "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}
    keys = client("sts").assume_role(RoleArn="arn:aws:iam::000000000000:role/config-probe",
                                     RoleSessionName="config-probe", Policy=json.dumps(policy))["Credentials"]
    return lakebox_server.client("s3", aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
                                 aws_session_token=keys["SessionToken"])


def test_configuration_actions_as_iam_names_them(lakebox_server, client, fresh_bucket):
    s3 = client("s3")
    bucket = fresh_bucket("config-authority")
    s3.put_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="active", IntelligentTieringConfiguration=TIERING)
    reader = _session(lakebox_server, client, bucket, "s3:GetIntelligentTieringConfiguration")
    writer = _session(lakebox_server, client, bucket, "s3:PutIntelligentTieringConfiguration")

    got = reader.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="active")
    assert got["IntelligentTieringConfiguration"] == TIERING
    assert reader.list_bucket_intelligent_tiering_configurations(Bucket=bucket)["IntelligentTieringConfigurationList"] == [
        TIERING]
    for call, extra in ((reader.put_bucket_intelligent_tiering_configuration, {"IntelligentTieringConfiguration": TIERING}),
                        (reader.delete_bucket_intelligent_tiering_configuration, {})):
        assert error_of(call, Bucket=bucket, Id="active", **extra)[0] == "AccessDenied"

    assert error_of(writer.get_bucket_intelligent_tiering_configuration, Bucket=bucket, Id="active")[0] == "AccessDenied"
    assert error_of(writer.list_bucket_intelligent_tiering_configurations, Bucket=bucket)[0] == "AccessDenied"
    writer.put_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="active", IntelligentTieringConfiguration=TIERING)
    writer.delete_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="active")

    metrics = _session(lakebox_server, client, bucket, "s3:PutMetricsConfiguration")
    metrics.put_bucket_metrics_configuration(Bucket=bucket, Id="all", MetricsConfiguration={"Id": "all"})
    assert error_of(metrics.list_bucket_metrics_configurations, Bucket=bucket)[0] == "AccessDenied"
