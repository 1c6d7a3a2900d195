"""An orchestration engineer wires a two-step pipeline of Python shell jobs by API: an
`extract` job whose run arguments overlay its DefaultArguments, and a `load` job started
by a CONDITIONAL trigger when extract succeeds. An ON_DEMAND trigger starts extract with
the action's own arguments; a SCHEDULED nightly trigger is created stopped, refused a
StopTrigger while CREATED, activated and deactivated again. The engineer's dashboard
asks BatchGetJobs and BatchGetTriggers for the pipeline's names (a name from an old
deployment comes back as not found), GetTriggers for the triggers that start `load`,
and reads the runs: the load run names its trigger and the extract run before it."""
import uuid

from trip_helpers import error_of, wait_for

ROLE = "arn:aws:iam::000000000000:role/GluePipelineRole"
MARK_SCRIPT = """
import sys
import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["bucket", "key", "stage"])
boto3.client("s3").put_object(Bucket=args["bucket"], Key=args["key"], Body=args["stage"].encode())
"""
ENDED = ("SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR")


def ended_runs(glue, job, count):
    def done():
        runs = glue.get_job_runs(JobName=job)["JobRuns"]
        return runs if len(runs) >= count and all(r["JobRunState"] in ENDED for r in runs) else None
    return wait_for(done, timeout=90)


def test_two_step_pipeline_with_triggers(client, bucket):
    glue, s3 = client("glue"), client("s3")
    tag = uuid.uuid4().hex[:8]
    extract, load = f"extract-{tag}", f"load-{tag}"
    on_demand, chained, nightly = f"kickoff-{tag}", f"after-extract-{tag}", f"nightly-{tag}"
    s3.put_object(Bucket=bucket, Key="scripts/mark.py", Body=MARK_SCRIPT.encode())
    command = {"Name": "pythonshell", "ScriptLocation": f"s3://{bucket}/scripts/mark.py", "PythonVersion": "3.9"}
    try:
        for job, stage in ((extract, "extract"), (load, "load")):
            glue.create_job(Name=job, Role=ROLE, Command=command, DefaultArguments={
                "--bucket": bucket, "--key": f"marks/{stage}.txt", "--stage": stage})
        glue.create_trigger(Name=chained, Type="CONDITIONAL", StartOnCreation=True,
                            Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "JobName": extract,
                                                       "State": "SUCCEEDED"}]},
                            Actions=[{"JobName": load}])
        glue.create_trigger(Name=on_demand, Type="ON_DEMAND",
                            Actions=[{"JobName": extract, "Arguments": {"--stage": "extract-by-trigger"}}])
        glue.create_trigger(Name=nightly, Type="SCHEDULED", Schedule="cron(15 3 * * ? *)",
                            Actions=[{"JobName": extract}])

        found = glue.batch_get_jobs(JobNames=[extract, f"legacy-{tag}", load])
        assert sorted(j["Name"] for j in found["Jobs"]) == sorted([extract, load])
        assert found["JobsNotFound"] == [f"legacy-{tag}"]
        triggers = glue.batch_get_triggers(TriggerNames=[nightly, chained, f"legacy-{tag}"])
        assert {t["Name"]: t["State"] for t in triggers["Triggers"]} == {nightly: "CREATED", chained: "ACTIVATED"}
        assert triggers["TriggersNotFound"] == [f"legacy-{tag}"]
        starting_load = glue.get_triggers(DependentJobName=load)["Triggers"]
        assert [t["Name"] for t in starting_load] == [chained]

        # the nightly trigger: refused a stop while CREATED, then activated and deactivated
        assert error_of(glue.stop_trigger, Name=nightly) == (
            "InvalidInputException", "The operation is not allowed when trigger is in state: CREATED")
        assert glue.start_trigger(Name=nightly)["Name"] == nightly
        assert glue.get_trigger(Name=nightly)["Trigger"]["State"] == "ACTIVATED"
        assert glue.stop_trigger(Name=nightly)["Name"] == nightly
        assert glue.get_trigger(Name=nightly)["Trigger"]["State"] == "DEACTIVATED"

        # a run by hand: its own arguments overlay the job's defaults
        by_hand = glue.start_job_run(JobName=extract, Arguments={"--key": "marks/by-hand.txt"})["JobRunId"]
        ended_runs(glue, load, 1)
        assert s3.get_object(Bucket=bucket, Key="marks/by-hand.txt")["Body"].read() == b"extract"
        [first_load] = glue.get_job_runs(JobName=load)["JobRuns"]
        assert first_load["JobRunState"] == "SUCCEEDED", first_load.get("ErrorMessage")
        assert first_load["TriggerName"] == chained
        assert first_load["PredecessorRuns"] == [{"JobName": extract, "RunId": by_hand}]
        assert s3.get_object(Bucket=bucket, Key="marks/load.txt")["Body"].read() == b"load"

        # the on-demand trigger starts extract with the action's arguments; load follows again
        assert glue.start_trigger(Name=on_demand)["Name"] == on_demand
        runs = ended_runs(glue, extract, 2)
        assert [(r["Arguments"], r.get("TriggerName"), r["JobRunState"]) for r in runs] == [
            ({"--stage": "extract-by-trigger"}, on_demand, "SUCCEEDED"),
            ({"--key": "marks/by-hand.txt"}, None, "SUCCEEDED")]
        assert s3.get_object(Bucket=bucket, Key="marks/extract.txt")["Body"].read() == b"extract-by-trigger"
        assert len(ended_runs(glue, load, 2)) == 2
        assert glue.get_trigger(Name=on_demand)["Trigger"]["State"] == "CREATED"

        pages = glue.get_paginator("get_job_runs").paginate(JobName=extract, PaginationConfig={"PageSize": 1})
        assert [r["Id"] for page in pages for r in page["JobRuns"]] == [runs[0]["Id"], by_hand]
    finally:
        for trigger in (on_demand, chained, nightly):
            glue.delete_trigger(Name=trigger)
        for job in (extract, load):
            for run in glue.get_job_runs(JobName=job)["JobRuns"]:
                if run["JobRunState"] not in ENDED:
                    glue.batch_stop_job_run(JobName=job, JobRunIds=[run["Id"]])
            glue.delete_job(JobName=job)
