"""Real clients on Iceberg tables: awswrangler (to_iceberg, read_sql_query,
delete_from_iceberg_table), pyathena, and the aws cli."""
import json

import boto3
import pandas as pd
import pytest

from aws_cli import run_cli


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
    return boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")


def test_awswrangler_to_iceberg_read_and_delete(wr, session, bucket, database):
    common = {"database": database, "boto3_session": session, "s3_output": f"s3://{bucket}/results/"}
    frame = pd.DataFrame({"id": [1, 2, 3], "name": ["ann", "bob", "cy"]})
    wr.athena.to_iceberg(frame, table="people", table_location=f"s3://{bucket}/iceberg/people/",
                         temp_path=f"s3://{bucket}/temp/", keep_files=False, **common)
    wr.athena.to_iceberg(pd.DataFrame({"id": [4], "name": ["dee"]}), table="people",
                         table_location=f"s3://{bucket}/iceberg/people/", temp_path=f"s3://{bucket}/temp/",
                         keep_files=False, **common)
    found = wr.athena.read_sql_query("SELECT id, name FROM people ORDER BY id", ctas_approach=False, **common)
    assert found.to_dict("records") == [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"},
                                        {"id": 3, "name": "cy"}, {"id": 4, "name": "dee"}]
    wr.athena.delete_from_iceberg_table(pd.DataFrame({"id": [2, 4]}), table="people", merge_cols=["id"],
                                        temp_path=f"s3://{bucket}/temp/", keep_files=False, **common)
    found = wr.athena.read_sql_query("SELECT id FROM people ORDER BY id", ctas_approach=False, **common)
    assert found["id"].tolist() == [1, 3]


def test_awswrangler_on_a_partitioned_table_merges_and_deletes(wr, session, s3, bucket, database):
    common = {"database": database, "boto3_session": session, "s3_output": f"s3://{bucket}/results/"}
    where = {"table": "visits", "table_location": f"s3://{bucket}/iceberg/visits/", "temp_path": f"s3://{bucket}/temp/",
             "keep_files": False}
    frame = pd.DataFrame({"id": [1, 2, 3], "day": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02"]),
                          "page": ["home", "cart", "home"]})
    wr.athena.to_iceberg(frame, partition_cols=["day(day)", "bucket(4, id)"], **where, **common)
    wr.athena.to_iceberg(pd.DataFrame({"id": [3, 4], "day": pd.to_datetime(["2024-01-02", "2024-01-03"]),
                                       "page": ["pay", "home"]}), merge_cols=["id"], **where, **common)
    found = wr.athena.read_sql_query("SELECT id, page FROM visits ORDER BY id", ctas_approach=False, **common)
    assert found.to_dict("records") == [{"id": 1, "page": "home"}, {"id": 2, "page": "cart"},
                                        {"id": 3, "page": "pay"}, {"id": 4, "page": "home"}]
    wr.athena.delete_from_iceberg_table(pd.DataFrame({"id": [1]}), table="visits", merge_cols=["id"],
                                        temp_path=f"s3://{bucket}/temp/", keep_files=False, **common)
    found = wr.athena.read_sql_query("SELECT id FROM visits WHERE day >= TIMESTAMP '2024-01-01 00:00:00' "
                                     "ORDER BY id", ctas_approach=False, **common)
    assert found["id"].tolist() == [2, 3, 4]
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="iceberg/visits/data/")["Contents"]]
    assert any("/day_day=2024-01-03/id_bucket=" in key for key in keys)


def test_awswrangler_to_iceberg_with_list_and_struct_columns(wr, session, bucket, database):
    common = {"database": database, "boto3_session": session, "s3_output": f"s3://{bucket}/results/"}
    where = {"table": "events", "table_location": f"s3://{bucket}/iceberg/events/", "temp_path": f"s3://{bucket}/temp/",
             "keep_files": False}
    wr.athena.to_iceberg(pd.DataFrame({"id": [1, 2], "tags": [["a", "b"], ["c"]],
                                       "attrs": [{"x": 1, "y": "p"}, {"x": 2, "y": "q"}]}), **where, **common)
    assert wr.catalog.get_table_types(database=database, table="events", boto3_session=session) == {
        "id": "bigint", "tags": "array<string>", "attrs": "struct<x:bigint,y:string>"}
    wr.athena.to_iceberg(pd.DataFrame({"id": [2, 3], "tags": [["z"], []],
                                       "attrs": [{"x": 5, "y": "r"}, {"x": 6, "y": "s"}]}),
                         merge_cols=["id"], **where, **common)
    found = wr.athena.read_sql_query("SELECT id, tags, attrs.y AS y FROM events ORDER BY id", ctas_approach=False,
                                     **common)
    assert found.to_dict("records") == [{"id": 1, "tags": "[a, b]", "y": "p"}, {"id": 2, "tags": "[z]", "y": "r"},
                                        {"id": 3, "tags": "[]", "y": "s"}]


def test_awswrangler_to_iceberg_schema_evolution(wr, session, bucket, database):
    common = {"database": database, "boto3_session": session, "s3_output": f"s3://{bucket}/results/"}
    where = {"table": "people", "table_location": f"s3://{bucket}/iceberg/people/", "temp_path": f"s3://{bucket}/temp/",
             "keep_files": False}
    wr.athena.to_iceberg(pd.DataFrame({"id": [1, 2], "name": ["ann", "bob"]}), **where, **common)
    with pytest.raises(wr.exceptions.InvalidArgumentValue, match="Schema change detected"):
        wr.athena.to_iceberg(pd.DataFrame({"id": [3], "name": ["cy"], "age": [30]}), **where, **common)
    wr.athena.to_iceberg(pd.DataFrame({"id": [3], "name": ["cy"], "age": [30]}), schema_evolution=True,
                         **where, **common)
    wr.athena.to_iceberg(pd.DataFrame({"id": [1], "name": ["ANN"], "age": [11]}), schema_evolution=True,
                         merge_cols=["id"], **where, **common)
    found = wr.athena.read_sql_query("SELECT id, name, age FROM people ORDER BY id", ctas_approach=False, **common)
    assert found.astype(object).where(found.notna(), None).to_dict("records") == [
        {"id": 1, "name": "ANN", "age": 11}, {"id": 2, "name": "bob", "age": None}, {"id": 3, "name": "cy", "age": 30}]


def test_pyathena_creates_writes_and_time_travels_an_iceberg_table(lakebox_server, bucket, database):
    from pyathena import connect
    cursor = connect(s3_staging_dir=f"s3://{bucket}/pyathena/", region_name="us-east-1", schema_name=database,
                     aws_access_key_id="test", aws_secret_access_key="test",
                     endpoint_url=lakebox_server.endpoint).cursor()
    cursor.execute(f"CREATE TABLE events (id bigint, kind string) LOCATION 's3://{bucket}/iceberg/events/' "
                   "TBLPROPERTIES ('table_type'='ICEBERG')")
    cursor.execute("INSERT INTO events VALUES (1, 'click'), (2, 'view')")
    assert cursor.rowcount == 2
    cursor.execute("UPDATE events SET kind = 'tap' WHERE id = %(id)d", {"id": 1})
    cursor.execute('SELECT snapshot_id FROM "events$snapshots" ORDER BY committed_at')
    first, _ = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT id, kind FROM events ORDER BY id")
    assert cursor.fetchall() == [(1, "tap"), (2, "view")]
    cursor.execute(f"SELECT id, kind FROM events FOR VERSION AS OF {first} ORDER BY id")
    assert cursor.fetchall() == [(1, "click"), (2, "view")]


def test_aws_cli_writes_and_reads_an_iceberg_table(lakebox_server, bucket, database):
    def aws(*args):
        done = run_cli(lakebox_server, *args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    def run(sql):
        query_id = aws("athena", "start-query-execution", "--query-string", sql,
                       "--query-execution-context", f"Database={database}",
                       "--result-configuration", f"OutputLocation=s3://{bucket}/cli/")["QueryExecutionId"]
        for _ in range(500):
            status = aws("athena", "get-query-execution", "--query-execution-id", query_id)["QueryExecution"]["Status"]
            if status["State"] not in ("QUEUED", "RUNNING"):
                break
        assert status["State"] == "SUCCEEDED", status
        return query_id

    run(f"CREATE TABLE cli_t (id int, tag string) LOCATION 's3://{bucket}/iceberg/cli_t/' "
        "TBLPROPERTIES ('table_type'='ICEBERG')")
    run("INSERT INTO cli_t VALUES (1, 'a'), (2, 'b')")
    table = aws("glue", "get-table", "--database-name", database, "--name", "cli_t")["Table"]
    assert table["Parameters"]["table_type"] == "ICEBERG"
    rows = aws("athena", "get-query-results", "--query-execution-id",
               run("SELECT tag FROM cli_t ORDER BY id"))["ResultSet"]["Rows"]
    assert [row["Data"][0].get("VarCharValue") for row in rows] == ["tag", "a", "b"]
