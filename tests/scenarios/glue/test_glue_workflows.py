"""Glue workflows as a data engineer builds one: a crawler then a Python shell job,
chained by the workflow's triggers, run with StartWorkflowRun and followed with
GetWorkflowRun until it completes (API reference: the Workflows API)."""
import time
import uuid

import pytest
from glue_helpers import JOB_ROLE as ROLE, error_of

# Writes the workflow run's property `target` (set by the run) to S3.
PROPERTY_SCRIPT = """
import sys
import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["bucket", "WORKFLOW_NAME", "WORKFLOW_RUN_ID"])
glue = boto3.client("glue")
props = glue.get_workflow_run_properties(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"])["RunProperties"]
glue.put_workflow_run_properties(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"],
                                 RunProperties={"written": "yes"})
boto3.client("s3").put_object(Bucket=args["bucket"], Key=props["target"], Body=b"from the workflow")
"""

SLEEPING_SCRIPT = """
import time
time.sleep(600)
"""


@pytest.fixture
def workflow(glue):
    made = []

    def make(**settings):
        name = f"flow-{uuid.uuid4().hex[:8]}"
        assert glue.create_workflow(Name=name, **settings)["Name"] == name
        made.append(name)
        return name

    yield make
    for name in made:
        glue.delete_workflow(Name=name)


def wait_run(glue, name, run_id, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        run = glue.get_workflow_run(Name=name, RunId=run_id)["Run"]
        if run["Status"] not in ("RUNNING", "STOPPING") or time.monotonic() > deadline:
            return run
        time.sleep(0.2)


def test_a_workflow_runs_its_crawler_then_its_job(glue, s3, bucket, database, python_job, workflow, new_crawler):
    s3.put_object(Bucket=bucket, Key="sales/a.json", Body=b'{"sku": "a", "qty": 2}\n')
    glue.create_crawler(Name=new_crawler, Role=ROLE, DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/sales/"}]})
    job = python_job(PROPERTY_SCRIPT, DefaultArguments={"--bucket": bucket})
    flow = workflow(Description="nightly sales", DefaultRunProperties={"target": "out/default.txt"})
    start, then = f"{flow}-start", f"{flow}-then"
    glue.create_trigger(Name=start, WorkflowName=flow, Type="ON_DEMAND", Actions=[{"CrawlerName": new_crawler}])
    glue.create_trigger(Name=then, WorkflowName=flow, Type="CONDITIONAL", StartOnCreation=True,
                        Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "CrawlerName": new_crawler,
                                                   "CrawlState": "SUCCEEDED"}]},
                        Actions=[{"JobName": job}])

    run_id = glue.start_workflow_run(Name=flow, RunProperties={"target": "out/report.txt"})["RunId"]
    run = wait_run(glue, flow, run_id)
    assert run["Status"] == "COMPLETED"
    assert run["Name"] == flow and run["WorkflowRunId"] == run_id
    assert run["Statistics"]["TotalActions"] == 2
    assert run["Statistics"]["SucceededActions"] == 2
    assert run["Statistics"]["FailedActions"] == run["Statistics"]["RunningActions"] == 0
    assert run["WorkflowRunProperties"] == {"target": "out/report.txt", "written": "yes"}
    assert glue.get_workflow_run_properties(Name=flow, RunId=run_id)["RunProperties"]["written"] == "yes"
    assert s3.get_object(Bucket=bucket, Key="out/report.txt")["Body"].read() == b"from the workflow"
    assert glue.get_table(DatabaseName=database, Name="sales")["Table"]["StorageDescriptor"]["Columns"]

    [job_run] = glue.get_job_runs(JobName=job)["JobRuns"]
    assert job_run["TriggerName"] == then
    assert job_run["Arguments"]["--WORKFLOW_RUN_ID"] == run_id

    described = glue.get_workflow(Name=flow, IncludeGraph=True)["Workflow"]
    assert described["Description"] == "nightly sales"
    assert described["LastRun"]["WorkflowRunId"] == run_id
    nodes = {(n["Type"], n["Name"]): n["UniqueId"] for n in described["Graph"]["Nodes"]}
    assert set(nodes) == {("TRIGGER", start), ("TRIGGER", then), ("CRAWLER", new_crawler), ("JOB", job)}
    edges = {(e["SourceId"], e["DestinationId"]) for e in described["Graph"]["Edges"]}
    assert edges == {(nodes["TRIGGER", start], nodes["CRAWLER", new_crawler]),
                     (nodes["CRAWLER", new_crawler], nodes["TRIGGER", then]),
                     (nodes["TRIGGER", then], nodes["JOB", job])}
    graph = glue.get_workflow_run(Name=flow, RunId=run_id, IncludeGraph=True)["Run"]["Graph"]
    job_node = next(n for n in graph["Nodes"] if n["Type"] == "JOB")
    assert [r["Id"] for r in job_node["JobDetails"]["JobRuns"]] == [job_run["Id"]]
    crawler_node = next(n for n in graph["Nodes"] if n["Type"] == "CRAWLER")
    assert [c["State"] for c in crawler_node["CrawlerDetails"]["Crawls"]] == ["SUCCEEDED"]
    assert [r["WorkflowRunId"] for r in glue.get_workflow_runs(Name=flow)["Runs"]] == [run_id]


def test_workflows_are_listed_updated_and_deleted_with_their_triggers(glue, python_job, workflow):
    job = python_job(SLEEPING_SCRIPT)
    flow = workflow(MaxConcurrentRuns=1)
    glue.create_trigger(Name=f"{flow}-start", WorkflowName=flow, Type="ON_DEMAND", Actions=[{"JobName": job}])
    listed, token = [], None
    while True:
        page = glue.list_workflows(MaxResults=25, **({"NextToken": token} if token else {}))
        listed += page["Workflows"]
        token = page.get("NextToken")
        if not token:
            break
    assert flow in listed
    assert glue.update_workflow(Name=flow, Description="changed", MaxConcurrentRuns=1)["Name"] == flow
    found = glue.batch_get_workflows(Names=[flow, "no-such-workflow"])
    assert [(w["Name"], w["Description"], w["MaxConcurrentRuns"]) for w in found["Workflows"]] == [
        (flow, "changed", 1)]
    assert found["MissingWorkflows"] == ["no-such-workflow"]
    assert glue.get_trigger(Name=f"{flow}-start")["Trigger"]["WorkflowName"] == flow

    run_id = glue.start_workflow_run(Name=flow)["RunId"]
    assert error_of(glue.start_workflow_run, Name=flow)[0] == "ConcurrentRunsExceededException"
    assert glue.get_workflow_run(Name=flow, RunId=run_id)["Run"]["Status"] == "RUNNING"
    glue.stop_workflow_run(Name=flow, RunId=run_id)
    run = wait_run(glue, flow, run_id)
    assert run["Status"] == "STOPPED"
    assert run["Statistics"]["StoppedActions"] == 1
    assert error_of(glue.stop_workflow_run, Name=flow, RunId=run_id)[0] == "IllegalWorkflowStateException"

    assert glue.delete_workflow(Name=flow)["Name"] == flow
    assert error_of(glue.get_workflow, Name=flow)[0] == "EntityNotFoundException"
    assert error_of(glue.get_trigger, Name=f"{flow}-start")[0] == "EntityNotFoundException"
    assert error_of(glue.start_workflow_run, Name=flow)[0] == "EntityNotFoundException"
    assert error_of(glue.get_workflow_run, Name=flow, RunId=run_id)[0] == "EntityNotFoundException"
    assert glue.delete_workflow(Name=flow)["Name"] == flow          # gone already: no error
    assert error_of(glue.create_trigger, Name=f"{flow}-late", WorkflowName=flow, Type="ON_DEMAND",
                    Actions=[{"JobName": job}])[0] == "EntityNotFoundException"


def test_a_second_workflow_of_the_same_name_is_refused(glue, workflow):
    flow = workflow()
    assert error_of(glue.create_workflow, Name=flow)[0] == "AlreadyExistsException"


@pytest.mark.local_only
def test_a_scheduled_start_trigger_starts_a_workflow_run(glue, s3, bucket, python_job, workflow, clock):
    job = python_job(PROPERTY_SCRIPT, DefaultArguments={"--bucket": bucket})
    flow = workflow(DefaultRunProperties={"target": "out/scheduled.txt"})
    glue.create_trigger(Name=f"{flow}-daily", WorkflowName=flow, Type="SCHEDULED", Schedule="cron(0 6 * * ? *)",
                        StartOnCreation=True, Actions=[{"JobName": job}])
    assert glue.get_workflow_runs(Name=flow)["Runs"] == []
    assert "Graph" not in glue.get_workflow(Name=flow)["Workflow"]
    clock(86_400)
    deadline = time.monotonic() + 60
    while not glue.get_workflow_runs(Name=flow)["Runs"] and time.monotonic() < deadline:
        time.sleep(0.2)
    [run] = glue.get_workflow_runs(Name=flow)["Runs"]
    run = wait_run(glue, flow, run["WorkflowRunId"])
    assert run["Status"] == "COMPLETED"
    assert run["Statistics"]["SucceededActions"] == 1
    assert s3.get_object(Bucket=bucket, Key="out/scheduled.txt")["Body"].read() == b"from the workflow"


def test_an_event_start_trigger_stays_created(glue, python_job, workflow):
    """An EVENT trigger has no ACTIVATED state: AWS refuses to start it and, as for any
    trigger in CREATED, to stop it (replies quoted in hashicorp/terraform-provider-aws#49407)."""
    job = python_job(SLEEPING_SCRIPT)
    flow = workflow()
    name = f"{flow}-on-event"
    glue.create_trigger(Name=name, WorkflowName=flow, Type="EVENT", StartOnCreation=True, Actions=[{"JobName": job}],
                        EventBatchingCondition={"BatchSize": 5, "BatchWindow": 900})
    trigger = glue.get_trigger(Name=name)["Trigger"]
    assert (trigger["Type"], trigger["State"]) == ("EVENT", "CREATED")
    assert trigger["EventBatchingCondition"] == {"BatchSize": 5, "BatchWindow": 900}
    assert error_of(glue.start_trigger, Name=name) == ("InvalidInputException", "Trigger Type EVENT cannot be started")
    assert error_of(glue.stop_trigger, Name=name) == (
        "InvalidInputException", "The operation is not allowed when trigger is in state: CREATED")
