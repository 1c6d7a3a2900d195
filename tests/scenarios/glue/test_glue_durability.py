"""The catalog survives `kill -9`, and a crawl cut short by it runs again after the
restart (a crawler is never left RUNNING with nothing running it); a job run cut short
by it ends as FAILED, saying so, and its script's process is ended."""
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


def test_catalog_and_a_running_crawl_survive_kill_9(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        glue, s3 = server.client("glue"), server.client("s3")
        glue.create_database(DatabaseInput={"Name": "kept"})
        glue.create_table(DatabaseName="kept", TableInput={"Name": "t", "PartitionKeys": [
            {"Name": "dt", "Type": "string"}], "StorageDescriptor": {"Location": "s3://x/t/"}})
        glue.batch_create_partition(DatabaseName="kept", TableName="t",
                                    PartitionInputList=[{"Values": [f"2024-01-0{d}"]} for d in range(1, 6)])
        s3.create_bucket(Bucket="lake")
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: s3.put_object(Bucket="lake", Key=f"big/p={i % 20}/f{i}.csv",
                                                  Body=f"a,b\n{i},x\n"), range(1500)))
        glue.create_crawler(Name="c", Role="r", DatabaseName="crawled",
                            Targets={"S3Targets": [{"Path": "s3://lake/big/"}]})
        glue.start_crawler(Name="c")

        server.kill()
        server.start()
        glue = server.client("glue")

        assert len(glue.get_partitions(DatabaseName="kept", TableName="t")["Partitions"]) == 5
        deadline = time.monotonic() + 120
        while glue.get_crawler(Name="c")["Crawler"]["State"] != "READY" and time.monotonic() < deadline:
            time.sleep(0.2)
        crawler = glue.get_crawler(Name="c")["Crawler"]
        assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
        table = glue.get_table(DatabaseName="crawled", Name="big")["Table"]
        assert [k["Name"] for k in table["PartitionKeys"]] == ["p"]
        assert len(glue.get_partitions(DatabaseName="crawled", TableName="big")["Partitions"]) == 20
    finally:
        server.stop()


def _sleeping_run(server, tmp_path) -> tuple[str, int]:
    """Start a Python shell job whose script sleeps: (its run id, its process's pid)."""
    _sleeper(server)
    run_id = server.client("glue").start_job_run(JobName="sleeper")["JobRunId"]
    return run_id, _pid_of(tmp_path, run_id)


def _sleeper(server):
    """The job "sleeper", whose script writes its pid and sleeps."""
    glue, s3 = server.client("glue"), server.client("s3")
    s3.create_bucket(Bucket="scripts")
    s3.put_object(Bucket="scripts", Key="sleep.py", Body=b"import os, time\n"
                  b"open('pid', 'w').write(str(os.getpid()))\ntime.sleep(300)\n")
    glue.create_job(Name="sleeper", Role="GlueJobRole",
                    Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/sleep.py"})


def _pid_of(tmp_path, run_id) -> int:
    pid_file = tmp_path / "data" / "services" / "glue" / "job-runs" / run_id / "pid"
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return int(pid_file.read_text())


def _ended(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.1)
    return not os.path.exists(f"/proc/{pid}")


def _run_after_restart(server, run_id) -> dict:
    glue = server.client("glue")
    deadline = time.monotonic() + 30
    while (glue.get_job_run(JobName="sleeper", RunId=run_id)["JobRun"]["JobRunState"] == "RUNNING"
           and time.monotonic() < deadline):
        time.sleep(0.2)
    return glue.get_job_run(JobName="sleeper", RunId=run_id)["JobRun"]


def test_a_job_run_cut_short_by_kill_9_ends_failed(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        run_id, pid = _sleeping_run(server, tmp_path)
        server.kill()
        server.start()
        run = _run_after_restart(server, run_id)
        assert run["JobRunState"] == "FAILED"
        assert "interrupted" in run["ErrorMessage"]
        assert _ended(pid)                   # the restart killed what the run left running
        glue = server.client("glue")         # the job runs again
        again = glue.start_job_run(JobName="sleeper")["JobRunId"]
        assert again != run_id
        glue.batch_stop_job_run(JobName="sleeper", JobRunIds=[again])
    finally:
        server.stop()


def test_a_server_stopped_with_ctrl_c_ends_its_job_runs_processes(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        run_id, pid = _sleeping_run(server, tmp_path)
        server.process.send_signal(signal.SIGINT)            # Ctrl-C: the server stops as it should
        server.process.wait(30)
        server.process = None
        assert _ended(pid)
        server.start()
        run = _run_after_restart(server, run_id)
        assert run["JobRunState"] == "FAILED" and "interrupted" in run["ErrorMessage"]
    finally:
        server.stop()


def test_a_workflow_run_goes_on_after_kill_9(tmp_path):
    """The run's job run cut short ends FAILED after the restart, and the run's trigger
    watching for that fires: the run completes with what it started counted."""
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        _sleeper(server)
        glue = server.client("glue")
        glue.create_job(Name="cleanup", Role="GlueJobRole",
                        Command={"Name": "pythonshell", "ScriptLocation": "s3://scripts/cleanup.py"})
        server.client("s3").put_object(Bucket="scripts", Key="cleanup.py", Body=b"print('cleaned')\n")
        glue.create_workflow(Name="nightly")
        glue.create_trigger(Name="go", WorkflowName="nightly", Type="ON_DEMAND", Actions=[{"JobName": "sleeper"}])
        glue.create_trigger(Name="on-failure", WorkflowName="nightly", Type="CONDITIONAL", StartOnCreation=True,
                            Actions=[{"JobName": "cleanup"}], Predicate={"Conditions": [
                                {"LogicalOperator": "EQUALS", "JobName": "sleeper", "State": "FAILED"}]})
        workflow_run = glue.start_workflow_run(Name="nightly")["RunId"]
        [sleeping] = glue.get_job_runs(JobName="sleeper")["JobRuns"]
        pid = _pid_of(tmp_path, sleeping["Id"])

        server.kill()
        server.start()
        glue = server.client("glue")
        deadline = time.monotonic() + 60
        while (glue.get_workflow_run(Name="nightly", RunId=workflow_run)["Run"]["Status"] == "RUNNING"
               and time.monotonic() < deadline):
            time.sleep(0.2)
        run = glue.get_workflow_run(Name="nightly", RunId=workflow_run)["Run"]
        assert run["Status"] == "COMPLETED"
        assert (run["Statistics"]["TotalActions"], run["Statistics"]["FailedActions"],
                run["Statistics"]["SucceededActions"]) == (2, 1, 1)
        assert [r["TriggerName"] for r in glue.get_job_runs(JobName="cleanup")["JobRuns"]] == ["on-failure"]
        assert _ended(pid)
    finally:
        server.stop()
