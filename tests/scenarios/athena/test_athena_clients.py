"""Real clients against lakebox's Athena: awswrangler (CTAS, plain and UNLOAD
approaches, start_query_execution), pyathena's cursors, and the aws cli."""
import json

import boto3
import pandas as pd
import pytest

from aws_cli import run_cli

KEY, SECRET, REGION = "test", "test", "us-east-1"


@pytest.fixture
def wr(lakebox_server):
    import awswrangler
    for name in ("s3_endpoint_url", "glue_endpoint_url", "athena_endpoint_url"):
        if lakebox_server.endpoint:
            setattr(awswrangler.config, name, lakebox_server.endpoint)
    yield awswrangler
    for name in ("s3_endpoint_url", "glue_endpoint_url", "athena_endpoint_url"):
        awswrangler.config.reset(name)


@pytest.fixture
def session():
    return boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION)


@pytest.fixture
def sales_table(wr, session, bucket, database):
    frame = pd.DataFrame({"id": [1, 2, 3, 4], "amount": [10.5, 20.0, 30.25, 40.0],
                          "region": ["eu", "us", "eu", "us"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/sales/", dataset=True, database=database, table="sales",
                     partition_cols=["region"], boto3_session=session)
    return "sales"


@pytest.mark.parametrize("approach", [{"ctas_approach": False}, {"ctas_approach": True},
                                      {"ctas_approach": False, "unload_approach": True}])
def test_awswrangler_read_sql_query(wr, session, bucket, database, sales_table, approach):
    frame = wr.athena.read_sql_query(
        "SELECT region, count(*) AS n, sum(amount) AS total FROM sales GROUP BY region ORDER BY region",
        database=database, s3_output=f"s3://{bucket}/athena/", boto3_session=session, **approach)
    frame = frame.sort_values("region").reset_index(drop=True)
    assert frame["region"].tolist() == ["eu", "us"]
    assert frame["n"].tolist() == [2, 2]
    assert frame["total"].tolist() == [40.75, 60.0]


@pytest.mark.parametrize("approach", [{"ctas_approach": False}, {"ctas_approach": True}])
def test_awswrangler_with_sse_kms_results(wr, session, client, s3, bucket, database, sales_table, approach):
    key = client("kms").create_key()["KeyMetadata"]["Arn"]
    frame = wr.athena.read_sql_query("SELECT sum(amount) AS total FROM sales", database=database,
                                     s3_output=f"s3://{bucket}/sealed/", encryption="SSE_KMS", kms_key=key,
                                     keep_files=True, boto3_session=session, **approach)
    assert frame["total"].tolist() == [100.75]
    written = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="sealed/")["Contents"]]
    assert written and all(s3.head_object(Bucket=bucket, Key=name)["SSEKMSKeyId"] == key for name in written)


def test_awswrangler_start_query_execution(wr, session, bucket, database, sales_table):
    query_id = wr.athena.start_query_execution("SELECT max(id) AS top FROM sales", database=database,
                                               s3_output=f"s3://{bucket}/athena/", boto3_session=session)
    result = wr.athena.wait_query(query_id, boto3_session=session)
    assert result["Status"]["State"] == "SUCCEEDED"
    frame = wr.athena.get_query_results(query_id, boto3_session=session)
    assert frame["top"].tolist() == [4]


def _pyathena_connect(lakebox_server, bucket, database, **kwargs):
    from pyathena import connect
    return connect(s3_staging_dir=f"s3://{bucket}/pyathena/", region_name=REGION, schema_name=database,
                   aws_access_key_id=KEY, aws_secret_access_key=SECRET, endpoint_url=lakebox_server.endpoint,
                   **kwargs)


def test_pyathena_cursor(lakebox_server, bucket, database, sales_table):
    cursor = _pyathena_connect(lakebox_server, bucket, database).cursor()
    cursor.execute("SELECT id, amount, region FROM sales WHERE id > %(low)d ORDER BY id", {"low": 2})
    assert cursor.fetchall() == [(3, 30.25, "eu"), (4, 40.0, "us")]
    assert [column[0] for column in cursor.description] == ["id", "amount", "region"]


def test_pyathena_pandas_and_arrow_cursors(lakebox_server, bucket, database, sales_table, monkeypatch):
    from pyathena.arrow.cursor import ArrowCursor
    from pyathena.pandas.cursor import PandasCursor
    pandas_cursor = _pyathena_connect(lakebox_server, bucket, database, cursor_class=PandasCursor).cursor()
    frame = pandas_cursor.execute("SELECT id, region FROM sales ORDER BY id").as_pandas()
    assert frame["id"].tolist() == [1, 2, 3, 4]
    assert frame["region"].tolist() == ["eu", "us", "eu", "us"]
    if lakebox_server.endpoint:
        # pyathena's Arrow reader builds pyarrow's S3FileSystem with no endpoint setting (and
        # pyarrow ignores AWS_ENDPOINT_URL): aim it at lakebox as a user's conftest would.
        from pyarrow import fs
        original = fs.S3FileSystem
        monkeypatch.setattr(fs, "S3FileSystem",
                            lambda **kwargs: original(endpoint_override=lakebox_server.endpoint, **kwargs))
    arrow_cursor = _pyathena_connect(lakebox_server, bucket, database, cursor_class=ArrowCursor).cursor()
    table = arrow_cursor.execute("SELECT sum(amount) AS total, max(region) AS last FROM sales").as_arrow()
    assert table.to_pylist() == [{"total": 100.75, "last": "us"}]


def test_aws_cli_start_query_execution_and_get_results(lakebox_server, bucket, database, sales_table):
    def aws(*args):
        done = run_cli(lakebox_server, "athena", *args, access_key=KEY)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    query_id = aws("start-query-execution", "--query-string", "SELECT count(*) AS n FROM sales",
                   "--query-execution-context", f"Database={database}",
                   "--result-configuration", f"OutputLocation=s3://{bucket}/cli/")["QueryExecutionId"]
    for _ in range(500):
        state = aws("get-query-execution", "--query-execution-id", query_id)["QueryExecution"]["Status"]["State"]
        if state not in ("QUEUED", "RUNNING"):
            break
    assert state == "SUCCEEDED"
    rows = aws("get-query-results", "--query-execution-id", query_id)["ResultSet"]["Rows"]
    assert rows == [{"Data": [{"VarCharValue": "n"}]}, {"Data": [{"VarCharValue": "4"}]}]
