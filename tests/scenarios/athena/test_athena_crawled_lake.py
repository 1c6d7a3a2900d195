"""A lake crawled by the Glue crawler, then queried end to end through Athena: Hive
partitioned CSV with headers, JSON lines with nested fields, Parquet with nested types,
gzip CSV in unnamed partitions. Every expected row is asserted."""
import gzip
import io
import json
import uuid

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from athena_helpers import wait_crawled


@pytest.fixture
def crawled(s3, glue, bucket):
    put = lambda key, body: s3.put_object(Bucket=bucket, Key=key, Body=body)   # noqa: E731
    for month in ("01", "02"):
        rows = "\n".join(f"{i},{i * 1.25},item-{month}-{i}" for i in range(3))
        put(f"sales/year=2024/month={month}/part-0.csv", f"id,amount,item\n{rows}\n")
    events = [{"user": "u1", "clicks": 3, "tags": ["a", "b"]},
              {"user": "u2", "clicks": 5, "tags": [], "geo": {"lat": 1.5, "lon": 2}}]
    put("events/dt=2024-01-01/events.json", "\n".join(json.dumps(e) for e in events) + "\n")
    metrics = pa.table({"id": pa.array([1, 2], pa.int64()), "value": pa.array([0.5, 1.5]),
                        "attrs": pa.array([{"a": 1, "b": "q"}, {"a": 2, "b": "r"}],
                                          pa.struct([("a", pa.int64()), ("b", pa.string())]))})
    sink = io.BytesIO()
    pq.write_table(metrics, sink)
    put("metrics/m1.parquet", sink.getvalue())
    put("logs/2024/01/log.csv.gz", gzip.compress(b"host,status,bytes\nweb1,200,512\nweb2,404,0\n"))
    put("logs/2024/02/log.csv.gz", gzip.compress(b"host,status,bytes\nweb3,500,12\n"))
    name, database = f"crawler-{uuid.uuid4().hex[:8]}", f"crawled_{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role="arn:aws:iam::000000000000:role/glue", DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/{folder}/"}
                                               for folder in ("sales", "events", "metrics", "logs")]})
    glue.start_crawler(Name=name)
    assert wait_crawled(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"
    yield database
    for table in glue.get_tables(DatabaseName=database)["TableList"]:
        glue.delete_table(DatabaseName=database, Name=table["Name"])
    glue.delete_database(Name=database)
    glue.delete_crawler(Name=name)


def test_query_the_crawled_lake(query, crawled):
    context = {"QueryExecutionContext": {"Database": crawled}}
    _, rows, columns = query("SELECT month, id, amount, item FROM sales ORDER BY month, id", **context)
    assert rows == [["month", "id", "amount", "item"],
                    ["01", "0", "0.0", "item-01-0"], ["01", "1", "1.25", "item-01-1"], ["01", "2", "2.5", "item-01-2"],
                    ["02", "0", "0.0", "item-02-0"], ["02", "1", "1.25", "item-02-1"], ["02", "2", "2.5", "item-02-2"]]
    assert [c["Type"] for c in columns] == ["varchar", "bigint", "double", "varchar"]

    _, rows, _ = query("SELECT user, clicks, cardinality(tags) AS n, geo.lat AS lat FROM events ORDER BY user",
                       **context)
    assert rows == [["user", "clicks", "n", "lat"], ["u1", "3", "2", None], ["u2", "5", "0", "1.5"]]

    _, rows, _ = query("SELECT id, value, attrs.b AS b FROM metrics ORDER BY id", **context)
    assert rows == [["id", "value", "b"], ["1", "0.5", "q"], ["2", "1.5", "r"]]

    _, rows, _ = query("SELECT partition_1, host, status, bytes FROM logs ORDER BY host", **context)
    assert rows == [["partition_1", "host", "status", "bytes"], ["01", "web1", "200", "512"],
                    ["01", "web2", "404", "0"], ["02", "web3", "500", "12"]]

    _, rows, _ = query("SELECT s.item, l.host FROM sales s JOIN logs l ON s.id = l.bytes WHERE s.month = '02'",
                       **context)
    assert rows == [["item", "host"], ["item-02-0", "web2"]]
