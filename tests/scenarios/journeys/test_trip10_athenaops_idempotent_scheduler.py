"""An orchestrator (an Airflow-style operator) submits each task's statement with the
task run's ClientRequestToken, so that a retry after a lost reply never runs the
statement twice: the same token answers the same QueryExecutionId (while it runs, after
it succeeded, after it failed), even when the retry changes only ExecutionParameters or
the WorkGroup; a token sent again with another query text, catalog, database or result
location is refused ("Idempotent parameters do not match", IDEMPOTENT_PARAMETER_MISMATCH);
a submission refused for its SQL or its result location uses no token. The operator's
on-kill calls StopQueryExecution, harmless on a query that already ended, and its sensor
reads executions that do not exist as QUERY_EXECUTION_NOT_FOUND. Facts: replies recorded
from Athena (a public measurement log of StartQueryExecution with tokens)."""
import uuid

import pytest

from athenaops_helpers import athena_refusal as refusal, ended

MISMATCH = ("InvalidRequestException", "IDEMPOTENT_PARAMETER_MISMATCH", "Idempotent parameters do not match")


@pytest.fixture
def nightly(client):
    athena = client("athena")
    name = f"nightly-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=name)
    yield name
    athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def test_retries_with_the_task_token_run_the_load_once(client, bucket, database, nightly):
    athena, s3 = client("athena"), client("s3")
    s3.put_object(Bucket=bucket, Key="orders/day=1.csv", Body=b"1,10\n2,20\n3,30\n")
    output = {"OutputLocation": f"s3://{bucket}/runs/"}
    context = {"Catalog": "AwsDataCatalog", "Database": database}

    def submit(sql, token, **extra):
        args = {"QueryString": sql, "ClientRequestToken": token, "WorkGroup": nightly,
                "QueryExecutionContext": context, "ResultConfiguration": output, **extra}
        return athena.start_query_execution(**args)["QueryExecutionId"]

    create = ("CREATE EXTERNAL TABLE orders (id int, amount int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
              f"LOCATION 's3://{bucket}/orders/'")
    ddl_token = f"dag-create-{uuid.uuid4()}"
    created = submit(create, ddl_token)
    assert submit(create, ddl_token) == created
    execution = ended(athena, created)
    assert execution["Status"]["State"] == "SUCCEEDED"
    # The catalog comes back in lower case, the database as sent.
    assert execution["QueryExecutionContext"] == {"Catalog": "awsdatacatalog", "Database": database}
    assert submit(create, ddl_token) == created      # after it ended: still that run, not a second CREATE

    # The CTAS of the load task, retried three times: one table, one set of files.
    ctas = (f"CREATE TABLE big_orders WITH (format = 'PARQUET', external_location = 's3://{bucket}/big/') "
            "AS SELECT id, amount FROM orders WHERE amount > ?")
    token = f"dag-load-{uuid.uuid4()}"
    loaded = submit(ctas, token, ExecutionParameters=["15"])
    assert submit(ctas, token, ExecutionParameters=["15"]) == loaded
    assert submit(ctas, token, ExecutionParameters=["99"]) == loaded        # parameters are not compared
    assert ended(athena, loaded)["Status"]["State"] == "SUCCEEDED"
    assert athena.start_query_execution(QueryString=ctas, ClientRequestToken=token, QueryExecutionContext=context,
                                        ResultConfiguration=output,
                                        ExecutionParameters=["15"])["QueryExecutionId"] == loaded   # nor the WorkGroup
    assert athena.get_query_results(QueryExecutionId=loaded)["UpdateCount"] == 2
    assert s3.list_objects_v2(Bucket=bucket, Prefix="big/")["KeyCount"] == 1
    assert athena.list_query_executions(WorkGroup=nightly)["QueryExecutionIds"] == [loaded, created]

    # The same token with another statement, database, catalog or result location.
    for changed in ({"QueryString": ctas.replace("> ?", ">= ?")},
                    {"QueryExecutionContext": {"Catalog": "AwsDataCatalog", "Database": "default"}},
                    {"QueryExecutionContext": {"Catalog": "awsdatacatalog", "Database": database}},
                    {"ResultConfiguration": {"OutputLocation": f"s3://{bucket}/elsewhere/"}}):
        args = {"QueryString": ctas, "ClientRequestToken": token, "WorkGroup": nightly,
                "QueryExecutionContext": context, "ResultConfiguration": output, "ExecutionParameters": ["15"],
                **changed}
        assert refusal(athena.start_query_execution, **args) == MISMATCH

    # A failed run is the token's too.
    failing = f"dag-fail-{uuid.uuid4()}"
    broken = submit("SELECT amount FROM no_such_orders", failing)
    assert ended(athena, broken)["Status"]["State"] == "FAILED"
    assert submit("SELECT amount FROM no_such_orders", failing) == broken

    # Refused submissions create nothing and leave their token free.
    fresh = f"dag-typo-{uuid.uuid4()}"
    code, athena_error, message = refusal(athena.start_query_execution, QueryString="SELEC 1", ClientRequestToken=fresh,
                                          WorkGroup=nightly, QueryExecutionContext=context, ResultConfiguration=output)
    assert (code, athena_error) == ("InvalidRequestException", "MALFORMED_QUERY")
    assert message.startswith("line 1:1: mismatched input 'SELEC'. Expecting: 'ALTER', 'ANALYZE', 'CALL', ")
    assert refusal(athena.start_query_execution, QueryString="SELECT 1", ClientRequestToken=fresh,
                   WorkGroup=nightly, QueryExecutionContext=context,
                   ResultConfiguration={"OutputLocation": "not-a-valid-s3-path"}) == (
        "InvalidRequestException", "INVALID_INPUT", "outputLocation is not a valid S3 path.")
    # An unusable location is judged before the SQL is.
    assert refusal(athena.start_query_execution, QueryString="SELEC 1", WorkGroup=nightly,
                   ResultConfiguration={"OutputLocation": "s3://"}) == (
        "InvalidRequestException", "INVALID_INPUT", "outputLocation is not a valid S3 path.")
    counted = submit("SELECT count(*) FROM orders", fresh)
    assert counted not in (created, loaded, broken)
    assert ended(athena, counted)["Status"]["State"] == "SUCCEEDED"

    # on_kill after the end, and a sensor that polls an id nobody made.
    athena.stop_query_execution(QueryExecutionId=counted)
    assert ended(athena, counted)["Status"]["State"] == "SUCCEEDED"
    nobody = str(uuid.uuid4())
    for call in (athena.get_query_execution, athena.get_query_results, athena.stop_query_execution):
        assert refusal(call, QueryExecutionId=nobody) == (
            "InvalidRequestException", "QUERY_EXECUTION_NOT_FOUND", f"QueryExecution {nobody} was not found")
    batch = athena.batch_get_query_execution(QueryExecutionIds=[counted, nobody])
    assert [e["QueryExecutionId"] for e in batch["QueryExecutions"]] == [counted]
    assert [u["QueryExecutionId"] for u in batch["UnprocessedQueryExecutionIds"]] == [nobody]
