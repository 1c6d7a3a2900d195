"""Expired sessions archived to the lake: a sessions table keeps each login for an hour
(TTL on `expires_at`) and streams OLD_IMAGE; once DynamoDB's TTL has deleted the expired
sessions, an archiver reads the stream shard by shard, keeps only the deletions the TTL
service made (not the user's own sign-outs), and writes them as gzipped JSON lines under
`archive/dt=<day>/`; Athena answers how long each user's sessions lasted."""
import gzip
import json
import time
import uuid

import pytest
from boto3.dynamodb.types import TypeDeserializer

from trip_helpers import athena_execution, athena_rows, error_of, keyed_table, stream_records, wait_for

pytestmark = pytest.mark.local_only          # TTL expiry is reached by moving the lakebox clock

DESERIALIZE = TypeDeserializer().deserialize
TTL_SERVICE = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


@pytest.fixture
def sessions(resource, table_name):
    table = keyed_table(resource("dynamodb"), table_name, "session_id")
    table.meta.client.update_table(TableName=table_name, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "OLD_IMAGE"})
    return table_name


def test_expired_sessions_archived_and_queried(client, clock, bucket, database, sessions):
    ddb, streams, s3, athena = client("dynamodb"), client("dynamodbstreams"), client("s3"), client("athena")
    assert ddb.update_time_to_live(TableName=sessions, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires_at"})["TimeToLiveSpecification"] == {
        "Enabled": True, "AttributeName": "expires_at"}
    assert ddb.describe_time_to_live(TableName=sessions)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    assert error_of(ddb.update_time_to_live, TableName=sessions, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires_at"}) == ("ValidationException", "TimeToLive is already enabled")

    now = int(time.time())
    logins = [("s1", "ana", 600), ("s2", "ana", 1800), ("s3", "bo", 1200), ("s4", "bo", 900), ("s5", "cy", 2400)]
    for session_id, user, lasted in logins:
        ddb.put_item(TableName=sessions, Item={
            "session_id": {"S": session_id}, "user": {"S": user}, "started_at": {"N": str(now - lasted)},
            "expires_at": {"N": str(now + 3600)}, "pages": {"L": [{"S": "/"}, {"S": f"/u/{user}"}]}})
    ddb.put_item(TableName=sessions, Item={"session_id": {"S": "s6"}, "user": {"S": "cy"},
                                           "started_at": {"N": str(now)}, "expires_at": {"N": str(now + 86400)}})
    ddb.delete_item(TableName=sessions, Key={"session_id": {"S": "s4"}})          # bo signs out himself

    clock(2 * 3600)
    wait_for(lambda: ddb.scan(TableName=sessions, Select="COUNT")["Count"] == 1)
    remaining = ddb.scan(TableName=sessions)["Items"]
    assert [i["session_id"]["S"] for i in remaining] == ["s6"]

    records = stream_records(streams, ddb.describe_table(TableName=sessions)["Table"]["LatestStreamArn"])
    assert [r["eventName"] for r in records].count("INSERT") == 6
    removes = [r for r in records if r["eventName"] == "REMOVE"]
    assert len(removes) == 5
    by_ttl = [r for r in removes if r.get("userIdentity") == TTL_SERVICE]
    assert sorted(r["dynamodb"]["Keys"]["session_id"]["S"] for r in by_ttl) == ["s1", "s2", "s3", "s5"]
    assert all("NewImage" not in r["dynamodb"] and r["dynamodb"]["StreamViewType"] == "OLD_IMAGE" for r in by_ttl)

    lines = []
    for record in by_ttl:
        old = {k: DESERIALIZE(v) for k, v in record["dynamodb"]["OldImage"].items()}
        lines.append(json.dumps({"session_id": old["session_id"], "user": old["user"],
                                 "seconds": int(old["expires_at"] - 3600 - old["started_at"]),
                                 "pages": old["pages"]}))
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    s3.put_object(Bucket=bucket, Key=f"archive/dt={day}/{uuid.uuid4().hex}.json.gz",
                  Body=gzip.compress("\n".join(lines).encode()))

    output = f"s3://{bucket}/athena/"
    athena_execution(athena, f"""CREATE EXTERNAL TABLE expired_sessions (
          session_id string, `user` string, seconds bigint, pages array<string>)
        PARTITIONED BY (dt string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
        LOCATION 's3://{bucket}/archive/'""", database, output)
    athena_execution(athena, "MSCK REPAIR TABLE expired_sessions", database, output)
    assert athena_rows(athena, f"""SELECT "user", count(*), sum(seconds), max(cardinality(pages))
        FROM expired_sessions WHERE dt = '{day}' GROUP BY 1 ORDER BY 1""", database, output) == [
        ["ana", "2", "2400", "2"], ["bo", "1", "1200", "2"], ["cy", "1", "2400", "2"]]
