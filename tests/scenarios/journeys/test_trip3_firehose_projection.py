"""A multi-tenant event feed: Firehose's dynamic partitioning writes each tenant's JSON
events under `tenant=<id>/dt=yyyy/MM/dd/HH/`; the Athena table over it uses partition
projection (an injected tenant, an hourly date range) so no partition is ever
registered; queries must name the tenant, and are pruned to the hours they ask for."""
import datetime
import json
import uuid

import pytest

from trip_helpers import athena_execution, athena_rows, partitioned_destination, wait_for

pytestmark = pytest.mark.local_only          # Firehose flushes on the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose"


@pytest.fixture
def feed(client, bucket):
    firehose, name = client("firehose"), f"tenants-{uuid.uuid4().hex[:8]}"
    destination = partitioned_destination(
        bucket, "events/tenant=!{partitionKeyFromQuery:tenant}/dt=!{timestamp:yyyy/MM/dd/HH}/", "tenant", ROLE)
    firehose.create_delivery_stream(DeliveryStreamName=name, DeliveryStreamType="DirectPut",
                                    ExtendedS3DestinationConfiguration=destination)
    wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)[
        "DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")
    yield name
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def delivered_keys(s3, bucket):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="events/").get("Contents", []))


def test_tenants_queried_through_projection(client, clock, bucket, database, feed):
    firehose, s3, athena = client("firehose"), client("s3"), client("athena")
    events = [{"tenant": tenant, "kind": kind, "value": value} for tenant, kind, value in (
        ("acme", "click", 1), ("acme", "buy", 30), ("globex", "click", 2), ("acme", "click", 4),
        ("globex", "buy", 12))]
    firehose.put_record_batch(DeliveryStreamName=feed, Records=[{"Data": json.dumps(e).encode()} for e in events])
    clock(61)
    keys = wait_for(lambda: len(delivered_keys(s3, bucket)) == 2 and delivered_keys(s3, bucket))
    assert sorted(k.split("/")[1] for k in keys) == ["tenant=acme", "tenant=globex"]
    hour = keys[0].split("/dt=")[1].rsplit("/", 1)[0]                   # yyyy/MM/dd/HH of the flush
    stamp = datetime.datetime.strptime(hour, "%Y/%m/%d/%H")
    output = f"s3://{bucket}/athena/"
    athena_execution(athena, f"""CREATE EXTERNAL TABLE events (tenant_event string, kind string, value int)
        PARTITIONED BY (tenant string, dt string)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
        LOCATION 's3://{bucket}/events/'
        TBLPROPERTIES ('projection.enabled' = 'true', 'projection.tenant.type' = 'injected',
          'projection.dt.type' = 'date', 'projection.dt.format' = 'yyyy/MM/dd/HH',
          'projection.dt.range' = '2020/01/01/00,NOW', 'projection.dt.interval' = '1',
          'projection.dt.interval.unit' = 'HOURS',
          'storage.location.template' = 's3://{bucket}/events/tenant=${{tenant}}/dt=${{dt}}/')""",
                      database, output)
    assert client("glue").get_partitions(DatabaseName=database, TableName="events")["Partitions"] == []

    assert athena_rows(athena, "SELECT kind, count(*), sum(value) FROM events WHERE tenant = 'acme' "
                               "GROUP BY kind ORDER BY kind", database, output) == [["buy", "1", "30"],
                                                                                   ["click", "2", "5"]]
    assert athena_rows(athena, f"SELECT tenant, sum(value) FROM events WHERE tenant IN ('acme', 'globex') "
                               f"AND dt = '{hour}' GROUP BY tenant ORDER BY tenant", database, output) == [
        ["acme", "35"], ["globex", "14"]]
    earlier = (stamp - datetime.timedelta(hours=5)).strftime("%Y/%m/%d/%H")
    assert athena_rows(athena, f"SELECT count(*) FROM events WHERE tenant = 'globex' AND dt = '{earlier}'",
                       database, output) == [["0"]]

    query_id = athena.start_query_execution(QueryString="SELECT count(*) FROM events", QueryExecutionContext={
        "Database": database}, ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]

    def ended():
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        return status if status["State"] in ("FAILED", "SUCCEEDED") else None
    status = wait_for(ended)                       # an injected key must be named by the query
    assert status["State"] == "FAILED" and "injected projected partition column tenant" in status["StateChangeReason"]
