"""A shell pipeline script written against the aws cli (v1, the one on PyPI), one step per
command as an operator writes it: `aws s3 cp --recursive` with include/exclude filters,
`ls --recursive --summarize`, `sync --delete`, `mv` and `rm --recursive`; a large export
uploaded part by part with `aws s3api` and checked with head-object; a heartbeat put on
a Kinesis stream and read back; a DynamoDB table loaded with batch-write-item and counted
with `scan --select COUNT`; an Athena query whose answer the script reads with
`--query ... --output text`; downloads, bucket-to-bucket sync, a stream from stdin and a
presigned URL."""
import base64
import json
import os
import time
import urllib.request
import uuid

import pytest

from trip_helpers import aws, ok, ran

MIB = 1024 * 1024


def text(lakebox_server, *args) -> str:
    return ran(aws(lakebox_server, *args, output="text")).strip()


def made_an_hour_ago(path):
    """The extracts were made before the run: `sync` compares their times with the
    objects' LastModified, which S3 keeps to the second."""
    os.utime(path, (time.time() - 3600, time.time() - 3600))


def test_s3_commands_copy_list_sync_and_clean(lakebox_server, client, bucket, tmp_path):
    local = tmp_path / "outbox"
    for name, body in {"2024-06-01/orders.csv": "id\n1\n2\n", "2024-06-01/orders.log": "debug\n",
                       "2024-06-02/orders.csv": "id\n3\n", "2024-06-02/notes.txt": "x\n"}.items():
        (local / name).parent.mkdir(parents=True, exist_ok=True)
        (local / name).write_text(body)
        made_an_hour_ago(local / name)
    copied = ran(aws(lakebox_server, "s3", "cp", str(local), f"s3://{bucket}/daily/", "--recursive",
                     "--exclude", "*", "--include", "*.csv", "--include", "*.txt"))
    assert copied.count("upload:") == 3
    summary = ran(aws(lakebox_server, "s3", "ls", f"s3://{bucket}/daily/", "--recursive", "--summarize"))
    assert sorted(line.split()[-1] for line in summary.splitlines() if "daily/" in line) == [
        "daily/2024-06-01/orders.csv", "daily/2024-06-02/notes.txt", "daily/2024-06-02/orders.csv"]
    assert "Total Objects: 3" in summary and "Total Size: 14" in summary
    assert ran(aws(lakebox_server, "s3", "ls", f"s3://{bucket}/daily/")).split() == [
        "PRE", "2024-06-01/", "PRE", "2024-06-02/"]

    (local / "2024-06-02" / "notes.txt").unlink()
    (local / "2024-06-01" / "orders.log").unlink()
    (local / "2024-06-03").mkdir()
    (local / "2024-06-03" / "orders.csv").write_text("id\n4\n")
    synced = ran(aws(lakebox_server, "s3", "sync", str(local), f"s3://{bucket}/daily/", "--delete"))
    assert (synced.count("delete:"), synced.count("upload:")) == (1, 1)
    assert f"delete: s3://{bucket}/daily/2024-06-02/notes.txt" in synced
    ran(aws(lakebox_server, "s3", "mv", f"s3://{bucket}/daily/2024-06-01/orders.csv",
            f"s3://{bucket}/archive/2024-06-01/orders.csv"))
    s3 = client("s3")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == ["archive/2024-06-01/orders.csv", "daily/2024-06-02/orders.csv", "daily/2024-06-03/orders.csv"]
    assert s3.get_object(Bucket=bucket, Key="archive/2024-06-01/orders.csv")["Body"].read() == b"id\n1\n2\n"

    removed = ran(aws(lakebox_server, "s3", "rm", f"s3://{bucket}/daily/", "--recursive"))
    assert removed.count("delete:") == 2
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["archive/2024-06-01/orders.csv"]


def test_s3api_multipart_upload_by_hand(lakebox_server, client, bucket, tmp_path):
    export = bytes(range(256)) * (6 * MIB // 256) + b"tail"
    first, second = tmp_path / "part1", tmp_path / "part2"
    first.write_bytes(export[:5 * MIB])
    second.write_bytes(export[5 * MIB:])
    upload = ok(aws(lakebox_server, "s3api", "create-multipart-upload", "--bucket", bucket,
                    "--key", "exports/full.bin", "--content-type", "application/octet-stream",
                    "--metadata", "source=nightly"))["UploadId"]
    parts = []
    for number, path in ((1, first), (2, second)):
        etag = ok(aws(lakebox_server, "s3api", "upload-part", "--bucket", bucket, "--key", "exports/full.bin",
                      "--part-number", str(number), "--body", str(path), "--upload-id", upload))["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    listed = ok(aws(lakebox_server, "s3api", "list-parts", "--bucket", bucket, "--key", "exports/full.bin",
                    "--upload-id", upload))["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in listed] == [(1, 5 * MIB), (2, len(export) - 5 * MIB)]
    manifest = tmp_path / "parts.json"
    manifest.write_text(json.dumps({"Parts": parts}))
    done = ok(aws(lakebox_server, "s3api", "complete-multipart-upload", "--bucket", bucket,
                  "--key", "exports/full.bin", "--upload-id", upload, "--multipart-upload", f"file://{manifest}"))
    assert done["Key"] == "exports/full.bin" and done["ETag"].endswith('-2"')
    head = ok(aws(lakebox_server, "s3api", "head-object", "--bucket", bucket, "--key", "exports/full.bin"))
    assert (head["ContentLength"], head["ETag"], head["Metadata"]) == (len(export), done["ETag"], {"source": "nightly"})
    assert head["ContentType"] == "application/octet-stream"
    ran(aws(lakebox_server, "s3", "cp", f"s3://{bucket}/exports/full.bin", str(tmp_path / "back.bin")))
    assert (tmp_path / "back.bin").read_bytes() == export
    assert ok(aws(lakebox_server, "s3api", "list-multipart-uploads", "--bucket", bucket)).get("Uploads", []) == []


@pytest.fixture
def stream(client):
    name = f"heartbeat-{uuid.uuid4().hex[:8]}"
    yield name
    client("kinesis").delete_stream(StreamName=name)


def test_kinesis_heartbeat_from_the_shell(lakebox_server, stream):
    ok(aws(lakebox_server, "kinesis", "create-stream", "--stream-name", stream, "--shard-count", "1"))
    ok(aws(lakebox_server, "kinesis", "wait", "stream-exists", "--stream-name", stream))
    beat = json.dumps({"host": "etl-1", "ok": True})
    # The v1 cli base64-encodes --data itself (v2 scripts say --cli-binary-format raw-in-base64-out).
    put = ok(aws(lakebox_server, "kinesis", "put-record", "--stream-name", stream, "--partition-key", "etl-1",
                 "--data", beat))
    assert put["ShardId"] == "shardId-000000000000"
    iterator = text(lakebox_server, "kinesis", "get-shard-iterator", "--stream-name", stream,
                    "--shard-id", put["ShardId"], "--shard-iterator-type", "AT_SEQUENCE_NUMBER",
                    "--starting-sequence-number", put["SequenceNumber"], "--query", "ShardIterator")
    records = ok(aws(lakebox_server, "kinesis", "get-records", "--shard-iterator", iterator))["Records"]
    assert [(r["PartitionKey"], base64.b64decode(r["Data"]).decode()) for r in records] == [("etl-1", beat)]
    assert records[0]["SequenceNumber"] == put["SequenceNumber"]


@pytest.fixture
def jobs_table(client):
    name = f"jobs-{uuid.uuid4().hex[:8]}"
    yield name
    client("dynamodb").delete_table(TableName=name)


def test_dynamodb_load_and_count(lakebox_server, jobs_table, tmp_path):
    ok(aws(lakebox_server, "dynamodb", "create-table", "--table-name", jobs_table,
           "--attribute-definitions", "AttributeName=job,AttributeType=S",
           "--key-schema", "AttributeName=job,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST"))
    ok(aws(lakebox_server, "dynamodb", "wait", "table-exists", "--table-name", jobs_table))
    items = [{"PutRequest": {"Item": {"job": {"S": f"job-{n}"}, "status": {"S": "FAILED" if n % 4 == 0 else "OK"},
                                      "rows": {"N": str(n * 10)}}}} for n in range(10)]
    requests = tmp_path / "load.json"
    requests.write_text(json.dumps({jobs_table: items}))
    loaded = ok(aws(lakebox_server, "dynamodb", "batch-write-item", "--request-items", f"file://{requests}"))
    assert loaded["UnprocessedItems"] == {}
    counted = ok(aws(lakebox_server, "dynamodb", "scan", "--table-name", jobs_table, "--select", "COUNT"))
    assert (counted["Count"], counted["ScannedCount"]) == (10, 10) and "Items" not in counted
    failed = ok(aws(lakebox_server, "dynamodb", "scan", "--table-name", jobs_table, "--select", "COUNT",
                    "--filter-expression", "#s = :failed", "--expression-attribute-names", '{"#s": "status"}',
                    "--expression-attribute-values", '{":failed": {"S": "FAILED"}}'))
    assert (failed["Count"], failed["ScannedCount"]) == (3, 10)
    assert text(lakebox_server, "dynamodb", "get-item", "--table-name", jobs_table,
                "--key", '{"job": {"S": "job-7"}}', "--query", "Item.rows.N") == "70"


def test_athena_answer_read_as_text(lakebox_server, client, bucket, database, tmp_path):
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="runs/runs.csv", Body=b"etl-1,42\netl-2,7\netl-1,8\n")
    output = f"s3://{bucket}/results/"

    def run(sql):
        query_id = text(lakebox_server, "athena", "start-query-execution", "--query-string", sql,
                        "--query-execution-context", f"Database={database}",
                        "--result-configuration", f"OutputLocation={output}", "--query", "QueryExecutionId")
        for _ in range(300):
            state = text(lakebox_server, "athena", "get-query-execution", "--query-execution-id", query_id,
                         "--query", "QueryExecution.Status.State")
            if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
                assert state == "SUCCEEDED"
                return query_id
            time.sleep(0.2)
        raise AssertionError("query did not finish")

    run(f"CREATE EXTERNAL TABLE runs (host string, n int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
        f"LOCATION 's3://{bucket}/runs/'")
    query_id = run("SELECT host, sum(n) AS total FROM runs GROUP BY host ORDER BY host")
    values = text(lakebox_server, "athena", "get-query-results", "--query-execution-id", query_id,
                  "--query", "ResultSet.Rows[].Data[].VarCharValue")
    assert values.split() == ["host", "total", "etl-1", "50", "etl-2", "7"]
    whole = text(lakebox_server, "athena", "get-query-results", "--query-execution-id", query_id)
    assert [line.split("\t") for line in whole.splitlines() if line.startswith("DATA")] == [
        ["DATA", "host"], ["DATA", "total"], ["DATA", "etl-1"], ["DATA", "50"], ["DATA", "etl-2"], ["DATA", "7"]]
    ran(aws(lakebox_server, "s3", "cp", f"{output}{query_id}.csv", str(tmp_path / "answer.csv")))
    assert (tmp_path / "answer.csv").read_text() == '"host","total"\n"etl-1","50"\n"etl-2","7"\n'


def test_s3_downloads_bucket_to_bucket_stdin_and_presign(lakebox_server, client, bucket, fresh_bucket, tmp_path):
    s3, backup = client("s3"), fresh_bucket("backup")
    big = bytes(range(256)) * (9 * MIB // 256)                 # over the cli's 8 MiB multipart threshold
    (tmp_path / "big.bin").write_bytes(big)
    ran(aws(lakebox_server, "s3", "cp", str(tmp_path / "big.bin"), f"s3://{bucket}/exports/big.bin"))
    assert s3.head_object(Bucket=bucket, Key="exports/big.bin")["ETag"].endswith('-2"')
    s3.put_object(Bucket=bucket, Key="exports/small/a.txt", Body=b"a")

    copied = ran(aws(lakebox_server, "s3", "sync", f"s3://{bucket}/exports/", f"s3://{backup}/exports/"))
    assert copied.count("copy:") == 2
    assert s3.get_object(Bucket=backup, Key="exports/big.bin")["Body"].read() == big

    down = tmp_path / "down"
    ran(aws(lakebox_server, "s3", "sync", f"s3://{backup}/exports/", str(down)))
    assert sorted(str(p.relative_to(down)) for p in down.rglob("*") if p.is_file()) == ["big.bin", "small/a.txt"]
    assert (down / "big.bin").read_bytes() == big

    ran(aws(lakebox_server, "s3", "cp", "-", f"s3://{bucket}/streamed/log.txt", stdin="line 1\nline 2\n"))
    assert s3.get_object(Bucket=bucket, Key="streamed/log.txt")["Body"].read() == b"line 1\nline 2\n"

    url = text(lakebox_server, "s3", "presign", f"s3://{bucket}/streamed/log.txt", "--expires-in", "300")
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.read() == b"line 1\nline 2\n"
