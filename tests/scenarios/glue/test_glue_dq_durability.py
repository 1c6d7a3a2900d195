"""A Glue Data Quality evaluation run cut short by `kill -9` is not left RUNNING with
nothing running it: after the restart it ends as FAILED, saying why (as job runs do)."""
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only
RULES = "Rules = [ " + ", ".join(
    [f'ColumnValues "a" between {n} and 100000' for n in range(-30, 0)] + ['IsUnique "a"', "RowCount > 0"]) + " ]"


def test_an_evaluation_run_cut_short_ends_failed(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        glue, s3 = server.client("glue"), server.client("s3")
        s3.create_bucket(Bucket="lake")
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: s3.put_object(Bucket="lake", Key=f"big/f{i}.csv", Body=f"{i},x\n"), range(1500)))
        glue.create_database(DatabaseInput={"Name": "dq"})
        glue.create_table(DatabaseName="dq", TableInput={"Name": "big", "StorageDescriptor": {
            "Columns": [{"Name": "a", "Type": "int"}, {"Name": "b", "Type": "string"}], "Location": "s3://lake/big/",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                          "Parameters": {"field.delim": ","}}}})
        glue.create_data_quality_ruleset(Name="many", Ruleset=RULES)
        run_id = glue.start_data_quality_ruleset_evaluation_run(
            DataSource={"GlueTable": {"DatabaseName": "dq", "TableName": "big"}}, Role="r",
            RulesetNames=["many"])["RunId"]
        server.kill()
        server.start()
        glue = server.client("glue")
        deadline = time.monotonic() + 30
        while glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)["Status"] == "RUNNING" and \
                time.monotonic() < deadline:
            time.sleep(0.2)
        run = glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)
        assert (run["Status"], run["ErrorString"]) == (
            "FAILED", "The run was interrupted: lakebox stopped while it was running, and a run does not survive "
                      "a restart of the server")
        assert "ResultIds" not in run
    finally:
        server.stop()
