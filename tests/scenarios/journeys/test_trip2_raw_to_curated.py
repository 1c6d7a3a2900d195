"""Raw and curated zones: an application puts JSON events on a Firehose DirectPut stream
that writes them gzipped under `raw/` (YYYY/MM/DD/HH prefixes); an Athena table with the
JSON SerDe reads the raw zone; a CTAS compacts it into Parquet under `curated/`; a
lifecycle rule expires the raw zone after a day on the lakebox clock, and the curated
table still answers."""
import json
import uuid

import pytest

from trip_helpers import KEY, REGION, SECRET, wait_for

pytestmark = pytest.mark.local_only            # buffers flush and objects expire on the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose"


def keys(s3, bucket, prefix):
    return sorted(o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
                  for o in page.get("Contents", []))


@pytest.fixture
def stream(client, bucket):
    firehose = client("firehose")
    name = f"app-events-{uuid.uuid4().hex[:8]}"
    firehose.create_delivery_stream(DeliveryStreamName=name, DeliveryStreamType="DirectPut",
                                    ExtendedS3DestinationConfiguration={
                                        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "raw/",
                                        "CompressionFormat": "GZIP",
                                        "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 60}})
    yield name
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_raw_zone_compacted_then_expired(lakebox_server, client, clock, bucket, database, stream):
    from pyathena import connect
    firehose, s3 = client("firehose"), client("s3")
    events = [{"user": f"u{i % 4}", "action": ["view", "click", "buy"][i % 3], "ms": 10 * i} for i in range(60)]
    for start in range(0, 60, 20):
        answer = firehose.put_record_batch(DeliveryStreamName=stream, Records=[
            {"Data": (json.dumps(e) + "\n").encode()} for e in events[start:start + 20]])
        assert answer["FailedPutCount"] == 0
    clock(61)
    raw = wait_for(lambda: keys(s3, bucket, "raw/"))
    assert all(k.endswith(".gz") and len(k.split("/")) == 6 for k in raw)      # raw/YYYY/MM/DD/HH/name.gz

    cursor = connect(s3_staging_dir=f"s3://{bucket}/staging/", region_name=REGION, schema_name=database,
                     aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                     endpoint_url=lakebox_server.endpoint).cursor()
    cursor.execute("CREATE EXTERNAL TABLE raw_events (user string, action string, ms int) "
                   "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
                   f"LOCATION 's3://{bucket}/raw/'")
    cursor.execute("SELECT count(*), count(DISTINCT user), sum(ms) FROM raw_events")
    assert cursor.fetchone() == (60, 4, sum(e["ms"] for e in events))

    cursor.execute(f"CREATE TABLE daily_actions WITH (format = 'PARQUET', write_compression = 'SNAPPY', "
                   f"external_location = 's3://{bucket}/curated/daily_actions/') AS "
                   "SELECT action, count(*) AS n, avg(ms) AS avg_ms FROM raw_events GROUP BY action")
    assert cursor.rowcount == 3
    curated = keys(s3, bucket, "curated/")
    assert curated and all(k.startswith("curated/daily_actions/") for k in curated)

    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "raw-retention", "Status": "Enabled", "Filter": {"Prefix": "raw/"}, "Expiration": {"Days": 1}}]})
    assert s3.head_object(Bucket=bucket, Key=raw[0])["Expiration"].endswith('rule-id="raw-retention"')
    clock(2 * 86400)
    wait_for(lambda: keys(s3, bucket, "raw/") == [] or None)
    assert keys(s3, bucket, "curated/") == curated

    cursor.execute("SELECT count(*) FROM raw_events")
    assert cursor.fetchone() == (0,)
    cursor.execute("SELECT action, n, avg_ms FROM daily_actions ORDER BY action")
    expected = {a: [e["ms"] for e in events if e["action"] == a] for a in ("buy", "click", "view")}
    assert cursor.fetchall() == [(a, len(ms), sum(ms) / len(ms)) for a, ms in sorted(expected.items())]
