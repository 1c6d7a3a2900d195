"""Table and partition inputs as clients usually write them; Parquet bytes; a crawl run
to its end."""
import io
import time

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
