"""A data engineer's daily compaction, as a Glue Python shell job: its script, kept in S3,
reads the day's CSV drops with boto3, writes one Parquet file per day with pyarrow and
registers the day as a partition of the catalog table with BatchCreatePartition (a day
loaded again is answered as an AlreadyExistsException entry, which the script records
and skips). The job is run by an ON_DEMAND trigger whose action passes the day; the
operator moves the trigger to the next day with UpdateTrigger. Job bookmarks are on in
the job's defaults. Athena then answers over the registered days only."""
import uuid

import pytest

from trip_helpers import athena_rows, wait_for

ROLE = "arn:aws:iam::000000000000:role/GlueJobRole-compaction"
ENDED = ("SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR")

SCRIPT = """
import io
import sys

import boto3
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["bucket", "database", "day"])
s3, glue = boto3.client("s3"), boto3.client("glue")
bucket, day = args["bucket"], args["day"]
drops = s3.list_objects_v2(Bucket=bucket, Prefix=f"drops/{day}/").get("Contents", [])
tables = [pacsv.read_csv(io.BytesIO(s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()),
                         convert_options=pacsv.ConvertOptions(column_types={"sku": pa.string(), "qty": pa.int32()}))
          for o in drops]
sink = io.BytesIO()
pq.write_table(pa.concat_tables(tables), sink)
s3.put_object(Bucket=bucket, Key=f"compact/day={day}/part-0.parquet", Body=sink.getvalue())
table = glue.get_table(DatabaseName=args["database"], Name="sales")["Table"]
descriptor = dict(table["StorageDescriptor"], Location=f"s3://{bucket}/compact/day={day}/")
answer = glue.batch_create_partition(DatabaseName=args["database"], TableName="sales",
                                     PartitionInputList=[{"Values": [day], "StorageDescriptor": descriptor}])
errors = [e["ErrorDetail"]["ErrorCode"] + ": " + e["ErrorDetail"]["ErrorMessage"] for e in answer.get("Errors", [])]
s3.put_object(Bucket=bucket, Key=f"logs/{day}/{len(tables)}-files.txt",
              Body=(args["job_bookmark_option"] + "\\n" + "\\n".join(errors)).encode())
"""


def fire(glue, trigger, job, seen):
    """Fires the ON_DEMAND trigger and waits for the job run it started to end."""
    assert glue.start_trigger(Name=trigger)["Name"] == trigger

    def started():
        runs = [r for r in glue.get_job_runs(JobName=job)["JobRuns"] if r["Id"] not in seen]
        return runs[0] if runs and runs[0]["JobRunState"] in ENDED else None
    run = wait_for(started, timeout=120)
    seen.add(run["Id"])
    return run


def test_triggered_compaction_registers_partitions(client, bucket, database):
    glue, s3, athena = client("glue"), client("s3"), client("athena")
    s3.put_object(Bucket=bucket, Key="scripts/compact.py", Body=SCRIPT.encode())
    for day, files in (("2024-05-01", ["sku,qty\na,1\nb,2\n", "sku,qty\na,4\n"]), ("2024-05-02", ["sku,qty\nc,7\n"])):
        for n, body in enumerate(files):
            s3.put_object(Bucket=bucket, Key=f"drops/{day}/{n}.csv", Body=body.encode())
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "sales", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
        "PartitionKeys": [{"Name": "day", "Type": "string"}],
        "StorageDescriptor": {
            "Columns": [{"Name": "sku", "Type": "string"}, {"Name": "qty", "Type": "int"}],
            "Location": f"s3://{bucket}/compact/",
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary":
                          "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}})
    job, trigger = f"compact-{uuid.uuid4().hex[:8]}", f"compact-daily-{uuid.uuid4().hex[:8]}"
    glue.create_job(Name=job, Role=ROLE, GlueVersion="3.0", MaxCapacity=0.0625,
                    Command={"Name": "pythonshell", "PythonVersion": "3.9",
                             "ScriptLocation": f"s3://{bucket}/scripts/compact.py"},
                    DefaultArguments={"--job-bookmark-option": "job-bookmark-enable", "--bucket": bucket,
                                      "--database": database})
    glue.create_trigger(Name=trigger, Type="ON_DEMAND",
                        Actions=[{"JobName": job, "Arguments": {"--day": "2024-05-01"}}])
    seen = set()
    try:
        first = fire(glue, trigger, job, seen)
        assert (first["JobRunState"], first["TriggerName"], first["Arguments"]) == (
            "SUCCEEDED", trigger, {"--day": "2024-05-01"}), first.get("ErrorMessage")
        again = fire(glue, trigger, job, seen)
        assert again["JobRunState"] == "SUCCEEDED", again.get("ErrorMessage")
        glue.update_trigger(Name=trigger, TriggerUpdate={
            "Actions": [{"JobName": job, "Arguments": {"--day": "2024-05-02"}}]})
        second = fire(glue, trigger, job, seen)
        assert (second["JobRunState"], second["Arguments"]) == ("SUCCEEDED", {"--day": "2024-05-02"})
    finally:
        glue.delete_trigger(Name=trigger)
        glue.delete_job(JobName=job)

    logs = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="logs/")["Contents"])
    assert logs == ["logs/2024-05-01/2-files.txt", "logs/2024-05-02/1-files.txt"]
    assert s3.get_object(Bucket=bucket, Key=logs[0])["Body"].read().decode() == (
        "job-bookmark-enable\nAlreadyExistsException: Partition already exists.")
    assert s3.get_object(Bucket=bucket, Key=logs[1])["Body"].read().decode() == "job-bookmark-enable\n"
    partitions = glue.get_partitions(DatabaseName=database, TableName="sales")["Partitions"]
    assert sorted((p["Values"], p["StorageDescriptor"]["Location"]) for p in partitions) == [
        (["2024-05-01"], f"s3://{bucket}/compact/day=2024-05-01/"),
        (["2024-05-02"], f"s3://{bucket}/compact/day=2024-05-02/")]
    assert athena_rows(athena, "SELECT day, sku, sum(qty) FROM sales GROUP BY day, sku ORDER BY day, sku",
                       database, f"s3://{bucket}/athena/") == [
        ["2024-05-01", "a", "5"], ["2024-05-01", "b", "2"], ["2024-05-02", "c", "7"]]
