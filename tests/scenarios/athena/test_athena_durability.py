"""Query history survives `kill -9`: finished queries keep their state, figures and
results; a query that was running when the server died ends FAILED after the restart,
never left RUNNING with nothing running it."""
import time

import pytest

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only

SLOW = ("SELECT count(*) FROM UNNEST(sequence(1, 10000)) a CROSS JOIN UNNEST(sequence(1, 10000)) b "
        "CROSS JOIN UNNEST(sequence(1, 10000)) c")


def finished(athena, query_id):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        if execution["Status"]["State"] not in ("QUEUED", "RUNNING"):
            return execution
        time.sleep(0.02)
    raise AssertionError(f"query {query_id} never ended")


def test_query_history_survives_kill_9(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        athena, s3 = server.client("athena"), server.client("s3")
        s3.create_bucket(Bucket="results")
        output = {"OutputLocation": "s3://results/q/"}
        done = athena.start_query_execution(QueryString="SELECT 6 * 7 AS n", ResultConfiguration=output)
        finished(athena, done["QueryExecutionId"])
        slow = athena.start_query_execution(QueryString=SLOW, ResultConfiguration=output)["QueryExecutionId"]

        server.kill()
        server.start()
        athena = server.client("athena")

        kept = finished(athena, done["QueryExecutionId"])
        assert kept["Status"]["State"] == "SUCCEEDED"
        rows = athena.get_query_results(QueryExecutionId=done["QueryExecutionId"])["ResultSet"]["Rows"]
        assert rows == [{"Data": [{"VarCharValue": "n"}]}, {"Data": [{"VarCharValue": "42"}]}]
        interrupted = finished(athena, slow)
        assert interrupted["Status"]["State"] == "FAILED"
        assert interrupted["Status"]["StateChangeReason"].startswith("GENERIC_INTERNAL_ERROR: ")
        assert slow in athena.list_query_executions()["QueryExecutionIds"]
    finally:
        server.stop()
