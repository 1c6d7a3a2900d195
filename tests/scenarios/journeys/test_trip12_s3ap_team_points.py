"""A data platform team shares one lake bucket between teams with S3 access points: one
per team, each created through S3 Control with its own network origin and Block Public
Access settings. The team reads them back as S3 Control describes them (alias
`<name>-<random>-s3alias`, ARN, endpoints, the four flags all on when none were given and
exactly those given otherwise), lists them for the bucket a page at a time, meets the
refusals a provisioning script runs into (a name S3 cannot parse, a name already taken,
a bucket that does not exist, an access point already deleted), and finds that the
lake bucket cannot be deleted while access points are attached to it.

Sources: recorded S3 Control replies (localstack tests/aws/services/s3control snapshot:
GetAccessPoint's members and Endpoints, InvalidURI naming `accesspoint/<name>`,
AccessPointAlreadyOwnedByYou 409, InvalidRequest for a missing bucket, NoSuchAccessPoint
404 with AccessPointName, Block Public Access defaults, paging); S3 User Guide, "Naming
rules for access points"; DeleteBucket with access points attached: the reply recorded
in rebuy-de/aws-nuke issue 660 (BucketHasAccessPointsAttached).
"""
import datetime
import re
import uuid

import pytest
from botocore.exceptions import ClientError

from s3ap_helpers import control_client, drop_access_points
from trip_helpers import error_of

ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


def endpoints(region):
    return {"ipv4": f"s3-accesspoint.{region}.amazonaws.com",
            "fips": f"s3-accesspoint-fips.{region}.amazonaws.com",
            "fips_dualstack": f"s3-accesspoint-fips.dualstack.{region}.amazonaws.com",
            "dualstack": f"s3-accesspoint.dualstack.{region}.amazonaws.com"}


def refusal(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]


def test_team_access_points_on_a_shared_lake(lakebox_server, client, fresh_bucket):
    account = client("sts").get_caller_identity()["Account"]
    control, s3 = control_client(lakebox_server), client("s3")
    lake, scratch = fresh_bucket("lake"), fresh_bucket("scratch")
    tag = uuid.uuid4().hex[:6]
    names = {team: f"{team}-{tag}" for team in ("analytics", "ingest", "jobs")}
    try:
        made = control.create_access_point(AccountId=account, Name=names["analytics"], Bucket=lake)
        arn = f"arn:aws:s3:us-east-1:{account}:accesspoint/{names['analytics']}"
        assert made["AccessPointArn"] == arn
        assert re.fullmatch(rf"{names['analytics']}-[a-z0-9]+-s3alias", made["Alias"])
        control.create_access_point(AccountId=account, Name=names["ingest"], Bucket=lake, BucketAccountId=account,
                                    PublicAccessBlockConfiguration={"BlockPublicAcls": True})
        control.create_access_point(AccountId=account, Name=names["jobs"], Bucket=lake,
                                    VpcConfiguration={"VpcId": "vpc-0a1b2c3d"},
                                    PublicAccessBlockConfiguration={})
        control.create_access_point(AccountId=account, Name=f"scratch-{tag}", Bucket=scratch)

        described = control.get_access_point(AccountId=account, Name=names["analytics"])
        described.pop("ResponseMetadata")
        assert isinstance(described.pop("CreationDate"), datetime.datetime)
        assert described == {"Name": names["analytics"], "Bucket": lake, "NetworkOrigin": "Internet",
                             "PublicAccessBlockConfiguration": ALL_ON, "Alias": made["Alias"],
                             "AccessPointArn": arn, "Endpoints": endpoints("us-east-1"),
                             "BucketAccountId": account}
        ingest = control.get_access_point(AccountId=account, Name=names["ingest"])
        assert ingest["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False}
        jobs = control.get_access_point(AccountId=account, Name=names["jobs"])
        assert (jobs["NetworkOrigin"], jobs["VpcConfiguration"], jobs["PublicAccessBlockConfiguration"]) == (
            "VPC", {"VpcId": "vpc-0a1b2c3d"}, dict.fromkeys(ALL_ON, False))

        # The lake's access points, a page at a time, by name.
        seen, token = [], None
        while True:
            page = control.list_access_points(AccountId=account, Bucket=lake, MaxResults=2,
                                              **({"NextToken": token} if token else {}))
            seen.append([entry["Name"] for entry in page["AccessPointList"]])
            token = page.get("NextToken")
            if token is None:
                break
        assert seen == [[names["analytics"], names["ingest"]], [names["jobs"]]]
        listed = control.list_access_points(AccountId=account, Bucket=lake)["AccessPointList"]
        assert listed[0] == {"Name": names["analytics"], "NetworkOrigin": "Internet", "Bucket": lake,
                             "AccessPointArn": arn, "Alias": made["Alias"], "BucketAccountId": account}
        assert listed[2]["VpcConfiguration"] == {"VpcId": "vpc-0a1b2c3d"}
        assert [p["Name"] for p in control.list_access_points(AccountId=account, Bucket=scratch)[
            "AccessPointList"]] == [f"scratch-{tag}"]

        # What a provisioning script runs into.
        for bad in ("Team_Points", "xn--team", f"team-{tag}-s3alias", "-team", "team-"):
            assert refusal(control.create_access_point, AccountId=account, Name=bad, Bucket=lake) == (
                400, {"Code": "InvalidURI", "Message": "Couldn't parse the specified URI.",
                      "URI": f"accesspoint/{bad}"})
        assert refusal(control.create_access_point, AccountId=account, Name=names["ingest"], Bucket=scratch) == (
            409, {"Code": "AccessPointAlreadyOwnedByYou",
                  "Message": "Your previous request to create the named accesspoint succeeded and you already own it."})
        assert refusal(control.create_access_point, AccountId=account, Name=f"ghost-{tag}",
                       Bucket=f"no-such-lake-{tag}") == (
            400, {"Code": "InvalidRequest", "Message": "Amazon S3 AccessPoint can only be created for existing bucket"})

        # The lake cannot go while access points are attached to it.
        assert error_of(s3.delete_bucket, Bucket=lake) == (
            "BucketHasAccessPointsAttached", "Bucket has access points attached and cannot be deleted.")

        control.delete_access_point(AccountId=account, Name=names["jobs"])
        gone = (404, {"Code": "NoSuchAccessPoint", "Message": "The specified accesspoint does not exist",
                      "AccessPointName": names["jobs"]})
        assert refusal(control.get_access_point, AccountId=account, Name=names["jobs"]) == gone
        assert refusal(control.delete_access_point, AccountId=account, Name=names["jobs"]) == gone
        assert [p["Name"] for p in control.list_access_points(AccountId=account, Bucket=lake)[
            "AccessPointList"]] == [names["analytics"], names["ingest"]]
    finally:
        drop_access_points(control, account, lake)
        drop_access_points(control, account, scratch)
    s3.put_object(Bucket=scratch, Key="left.txt", Body=b"x")
    s3.delete_object(Bucket=scratch, Key="left.txt")
    s3.delete_bucket(Bucket=scratch)         # free of access points, the bucket goes
    assert error_of(s3.head_bucket, Bucket=scratch)[0] == "404"
    s3.create_bucket(Bucket=scratch)        # for the fixture to delete
