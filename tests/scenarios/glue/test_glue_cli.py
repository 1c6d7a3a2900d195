"""The Data Catalog with the aws cli, run as a user runs it."""
import json
import uuid

from aws_cli import run_cli


def aws(lakebox_server, *args):
    return run_cli(lakebox_server, "glue", *args)


def ok(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_cli_catalog_round_trip(lakebox_server):
    database = f"cli_{uuid.uuid4().hex[:8]}"
    ok(aws(lakebox_server, "create-database", "--database-input", json.dumps({"Name": database})))
    table_input = {"Name": "logs", "PartitionKeys": [{"Name": "dt", "Type": "string"}],
                   "StorageDescriptor": {"Columns": [{"Name": "line", "Type": "string"}],
                                         "Location": "s3://lake/logs/"}}
    ok(aws(lakebox_server, "create-table", "--database-name", database, "--table-input", json.dumps(table_input)))
    ok(aws(lakebox_server, "batch-create-partition", "--database-name", database, "--table-name", "logs",
           "--partition-input-list", json.dumps([{"Values": [f"2024-01-0{d}"]} for d in range(1, 5)])))
    found = ok(aws(lakebox_server, "get-partitions", "--database-name", database, "--table-name", "logs",
                   "--expression", "dt >= '2024-01-03'"))
    assert sorted(p["Values"][0] for p in found["Partitions"]) == ["2024-01-03", "2024-01-04"]
    tables = ok(aws(lakebox_server, "get-tables", "--database-name", database))
    assert [t["Name"] for t in tables["TableList"]] == ["logs"]

    missing = aws(lakebox_server, "get-table", "--database-name", database, "--name", "nope")
    assert missing.returncode != 0
    assert "An error occurred (EntityNotFoundException) when calling the GetTable operation: " \
           "Entity Not Found" in missing.stderr
    ok(aws(lakebox_server, "delete-database", "--name", database))


def test_cli_python_shell_job_run(lakebox_server, fresh_bucket, tmp_path):
    """A Python shell job as the cli drives it: the script copied up with `aws s3 cp`,
    the job created, a run started and looked at with the arguments it was given."""
    import time

    bucket = fresh_bucket("cli-jobs")
    script = tmp_path / "count.py"
    script.write_text("import sys, boto3\nfrom awsglue.utils import getResolvedOptions\n"
                      "args = getResolvedOptions(sys.argv, ['bucket', 'words'])\n"
                      "boto3.client('s3').put_object(Bucket=args['bucket'], Key='count.txt',\n"
                      "                              Body=str(len(args['words'].split())).encode())\n")
    assert run_cli(lakebox_server, "s3", "cp", str(script), f"s3://{bucket}/scripts/count.py").returncode == 0
    job = f"cli-job-{uuid.uuid4().hex[:8]}"
    ok(aws(lakebox_server, "create-job", "--name", job, "--role", "GlueJobRole", "--command",
           json.dumps({"Name": "pythonshell", "ScriptLocation": f"s3://{bucket}/scripts/count.py",
                       "PythonVersion": "3.9"}), "--default-arguments", json.dumps({"--bucket": bucket})))
    try:
        run_id = ok(aws(lakebox_server, "start-job-run", "--job-name", job, "--arguments",
                        json.dumps({"--words": "one two three"})))["JobRunId"]
        deadline = time.monotonic() + 60
        while True:
            run = ok(aws(lakebox_server, "get-job-run", "--job-name", job, "--run-id", run_id))["JobRun"]
            if run["JobRunState"] not in ("STARTING", "RUNNING") or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
        assert run["Arguments"] == {"--words": "one two three"}
        copied = tmp_path / "count.txt"
        assert run_cli(lakebox_server, "s3", "cp", f"s3://{bucket}/count.txt", str(copied)).returncode == 0
        assert copied.read_text() == "3"
    finally:
        ok(aws(lakebox_server, "delete-job", "--job-name", job))


def test_cli_schema_registry_with_definition_files(lakebox_server, tmp_path):
    """Schemas kept as files, pretty-printed as editors write them, registered with file://."""
    registry = f"cli-{uuid.uuid4().hex[:8]}"
    v1 = {"type": "record", "name": "Click", "namespace": "web",
          "fields": [{"name": "url", "type": "string"}, {"name": "at", "type": "long"}]}
    v2 = dict(v1, fields=v1["fields"] + [{"name": "referrer", "type": ["null", "string"], "default": None}])
    (tmp_path / "v1.avsc").write_text(json.dumps(v1, indent=2))
    (tmp_path / "v2.avsc").write_text(json.dumps(v2, indent=2))
    ok(aws(lakebox_server, "create-registry", "--registry-name", registry))
    created = ok(aws(lakebox_server, "create-schema", "--registry-id", f"RegistryName={registry}",
                     "--schema-name", "clicks", "--data-format", "AVRO", "--compatibility", "BACKWARD",
                     "--schema-definition", f"file://{tmp_path / 'v1.avsc'}"))
    assert (created["SchemaVersionStatus"], created["LatestSchemaVersion"]) == ("AVAILABLE", 1)
    schema_id = f"RegistryName={registry},SchemaName=clicks"
    v2_done = ok(aws(lakebox_server, "register-schema-version", "--schema-id", schema_id,
                     "--schema-definition", f"file://{tmp_path / 'v2.avsc'}"))
    assert v2_done["VersionNumber"] == 2
    latest = ok(aws(lakebox_server, "get-schema-version", "--schema-id", schema_id,
                    "--schema-version-number", "LatestVersion=true"))
    assert json.loads(latest["SchemaDefinition"]) == v2
    missing = aws(lakebox_server, "get-schema", "--schema-id", f"RegistryName={registry},SchemaName=nope")
    assert "An error occurred (EntityNotFoundException) when calling the GetSchema operation: " \
           "Schema is not found." in missing.stderr
    ok(aws(lakebox_server, "delete-registry", "--registry-id", f"RegistryName={registry}"))
