"""A cost-capped analysts' workgroup, and the partitioned layout that keeps queries under
its cap: clickstream CSV lands in daily partitions of about 3 MB; the workgroup (made with
the aws cli) cancels any query scanning more than 10 MB; an analyst's pyathena query over
every day is cancelled, the same question asked of one day (once its GROUP BY is right)
runs and is billed for that day's files alone; a disabled workgroup takes no queries at all."""
import json
import uuid

import pytest

from trip_helpers import KEY, REGION, SECRET, aws, error_of, ok

DAYS = ["2024-07-01", "2024-07-02", "2024-07-03", "2024-07-04"]
CUTOFF = 10_000_000
PAGES = ["/", "/cart", "/search", "/item"]


def day_body(day: str) -> bytes:
    """About 3.2 MB of clicks for one day."""
    lines = [f"{i},user-{i % 997},{PAGES[i % 4]},{day}T{i % 24:02d}:00:00,{'x' * 40}\n" for i in range(50_000)]
    return "".join(lines).encode()


@pytest.fixture
def clicks(client, bucket, database):
    s3, glue = client("s3"), client("glue")
    sizes = {}
    for day in DAYS:
        body = day_body(day)
        s3.put_object(Bucket=bucket, Key=f"clicks/dt={day}/part-0.csv", Body=body)
        sizes[day] = len(body)
    serde = {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
             "Parameters": {"field.delim": ","}}
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "clicks", "TableType": "EXTERNAL_TABLE", "PartitionKeys": [{"Name": "dt", "Type": "string"}],
        "Parameters": {"classification": "csv"},
        "StorageDescriptor": {
            "Columns": [{"Name": "click_id", "Type": "bigint"}, {"Name": "user_id", "Type": "string"},
                        {"Name": "page", "Type": "string"}, {"Name": "at", "Type": "string"},
                        {"Name": "pad", "Type": "string"}],
            "Location": f"s3://{bucket}/clicks/", "SerdeInfo": serde,
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"}})
    glue.batch_create_partition(DatabaseName=database, TableName="clicks", PartitionInputList=[
        {"Values": [day], "StorageDescriptor": {"Location": f"s3://{bucket}/clicks/dt={day}/", "SerdeInfo": serde,
                                                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat"}}
        for day in DAYS])
    return sizes


@pytest.fixture
def workgroup(lakebox_server, client, bucket):
    name = f"analysts-{uuid.uuid4().hex[:8]}"
    ok(aws(lakebox_server, "athena", "create-work-group", "--name", name, "--configuration", json.dumps({
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/analysts/"},
        "EnforceWorkGroupConfiguration": True, "BytesScannedCutoffPerQuery": CUTOFF})))
    yield name
    client("athena").delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def test_scan_budget_met_by_pruning(lakebox_server, client, database, clicks, workgroup):
    from pyathena import connect
    from pyathena.error import OperationalError
    athena = client("athena")
    described = ok(aws(lakebox_server, "athena", "get-work-group", "--work-group", workgroup))["WorkGroup"]
    assert described["Configuration"]["BytesScannedCutoffPerQuery"] == CUTOFF and described["State"] == "ENABLED"
    cursor = connect(work_group=workgroup, region_name=REGION, schema_name=database, aws_access_key_id=KEY,
                     aws_secret_access_key=SECRET, endpoint_url=lakebox_server.endpoint).cursor()

    with pytest.raises(OperationalError) as cancelled:
        cursor.execute("SELECT page, count(*) FROM clicks GROUP BY page")
    assert str(cancelled.value) == "Query cancelled! Bytes scanned limit was exceeded"
    execution = athena.get_query_execution(QueryExecutionId=cursor.query_id)["QueryExecution"]
    assert execution["Status"]["State"] == "CANCELLED" and execution["WorkGroup"] == workgroup

    with pytest.raises(OperationalError) as forgot:          # a column left out of the GROUP BY
        cursor.execute("SELECT page, user_id, count(*) FROM clicks WHERE dt = %(day)s GROUP BY page",
                       {"day": "2024-07-02"})
    assert str(forgot.value) == ("EXPRESSION_NOT_AGGREGATE: line 1:14: 'user_id' must be an aggregate expression "
                                 "or appear in GROUP BY clause")
    cursor.execute("SELECT page, count(*) FROM clicks WHERE dt = %(day)s GROUP BY page ORDER BY page",
                   {"day": "2024-07-02"})
    assert cursor.fetchall() == [("/", 12500), ("/cart", 12500), ("/item", 12500), ("/search", 12500)]
    assert cursor.data_scanned_in_bytes == clicks["2024-07-02"]
    assert cursor.output_location.startswith(described["Configuration"]["ResultConfiguration"]["OutputLocation"])

    ok(aws(lakebox_server, "athena", "update-work-group", "--work-group", workgroup, "--state", "DISABLED"))
    assert error_of(athena.start_query_execution, QueryString="SELECT 1", WorkGroup=workgroup) == (
        "InvalidRequestException", f"WorkGroup {workgroup} is disabled.")
    listed = athena.list_query_executions(WorkGroup=workgroup)["QueryExecutionIds"]
    assert len(listed) == 3
