"""Table and partition inputs as clients usually write them; Parquet bytes; a crawl run
to its end; the code and message of a refused call; job runs waited for."""
import io
import time

import pytest
from botocore.exceptions import ClientError

import pyarrow as pa
import pyarrow.parquet as pq


def parquet_table(name, columns, partition_keys=(), location="s3://bucket/data/"):
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "parquet"},
        "PartitionKeys": [{"Name": n, "Type": t} for n, t in partition_keys],
        "StorageDescriptor": {
            "Columns": [{"Name": n, "Type": t} for n, t in columns],
            "Location": location,
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
        },
    }


def partition(values, location=None):
    return {"Values": list(values),
            "StorageDescriptor": {"Location": location or "s3://bucket/data/" + "/".join(values) + "/"}}


def parquet_bytes(**columns) -> bytes:
    """A Parquet file of the given columns (name=list of values)."""
    out = io.BytesIO()
    pq.write_table(pa.table(columns), out)
    return out.getvalue()


def run_crawler(glue, name, timeout=60):
    """Starts a crawler and waits for its crawl to end; returns the crawler."""
    glue.start_crawler(Name=name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        if crawler["State"] == "READY" and crawler.get("LastCrawl", {}).get("Status"):
            return crawler
        time.sleep(0.2)
    raise AssertionError(f"crawler {name} did not finish")


JOB_ROLE = "arn:aws:iam::000000000000:role/GlueJobRole-scenario"
ENDED = ("SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR")


def error_of(call, **kwargs):
    """(code, message) of the error the call is answered with."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def wait_for_runs(glue, job, count=1, seconds=60):
    """The job's runs (newest first) once `count` of them have ended."""
    deadline = time.monotonic() + seconds
    while True:
        runs = glue.get_job_runs(JobName=job)["JobRuns"]
        if sum(run["JobRunState"] in ENDED for run in runs) >= count or time.monotonic() > deadline:
            return runs
        time.sleep(0.2)
