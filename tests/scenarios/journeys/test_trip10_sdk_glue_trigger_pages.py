"""An ETL team's scheduler inventory: the team keeps its Glue jobs, triggers and one
workflow in an account of its own, and a script audits them with boto3's paginators,
as it would on AWS: GetTriggers and ListTriggers in pages of two (narrowed to the
triggers that start one job, and to the team's tag), MaxItems cuts then StartingToken
resumes (every trigger once), JMESPath search() across the pages for the triggers of a
workflow, ListWorkflows and GetWorkflowRuns the same way; then the cli lists the
triggers with --max-items/--starting-token and --page-size, as text and as a table."""
import json

import pytest

from aws_cli import run_cli
from paging import account_client, fresh_account

pytestmark = pytest.mark.local_only     # an account of its own, named by its access key

TRIGGERS = ["hourly-load", "nightly-compact", "on-demand-backfill", "orders-ready", "weekly-vacuum"]


@pytest.fixture
def team(lakebox_server):
    account = fresh_account()
    glue = account_client(lakebox_server, "glue", account)
    for job in ("load-orders", "compact-orders"):
        glue.create_job(Name=job, Role="arn:aws:iam::123456789012:role/etl",
                        Command={"Name": "pythonshell", "ScriptLocation": f"s3://etl-scripts/{job}.py"})
    glue.create_workflow(Name="orders-flow")
    glue.create_workflow(Name="inventory-flow")
    for name in TRIGGERS:
        job = "compact-orders" if name in ("nightly-compact", "weekly-vacuum") else "load-orders"
        extra = {"WorkflowName": "orders-flow"} if name in ("hourly-load", "orders-ready") else {}
        glue.create_trigger(Name=name, Type="ON_DEMAND", Actions=[{"JobName": job}],
                            Tags={"team": "etl"} if name != "on-demand-backfill" else {"team": "adhoc"}, **extra)
    return account, glue


def test_triggers_and_workflows_page_through_boto3(team):
    _, glue = team
    pages = list(glue.get_paginator("get_triggers").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(page["Triggers"]) for page in pages] == [2, 2, 1]
    assert all("NextToken" in page for page in pages[:-1]) and "NextToken" not in pages[-1]
    assert sorted(t["Name"] for page in pages for t in page["Triggers"]) == TRIGGERS
    by_name = {t["Name"]: t for page in pages for t in page["Triggers"]}
    assert by_name["orders-ready"]["Actions"] == [{"JobName": "load-orders"}]
    assert by_name["orders-ready"]["WorkflowName"] == "orders-flow"
    assert by_name["weekly-vacuum"]["State"] == "CREATED"

    compact = glue.get_paginator("get_triggers").paginate(DependentJobName="compact-orders",
                                                          PaginationConfig={"PageSize": 1}).build_full_result()
    assert sorted(t["Name"] for t in compact["Triggers"]) == ["nightly-compact", "weekly-vacuum"]

    in_flow = glue.get_paginator("get_triggers").paginate(PaginationConfig={"PageSize": 2}).search(
        "Triggers[?WorkflowName=='orders-flow'].Name")
    assert sorted(in_flow) == ["hourly-load", "orders-ready"]

    listing = glue.get_paginator("list_triggers")
    head = listing.paginate(PaginationConfig={"PageSize": 2, "MaxItems": 3}).build_full_result()
    assert len(head["TriggerNames"]) == 3 and "NextToken" in head
    rest = listing.paginate(PaginationConfig={"PageSize": 2, "StartingToken": head["NextToken"]}).build_full_result()
    assert sorted(head["TriggerNames"] + rest["TriggerNames"]) == TRIGGERS
    assert "NextToken" not in rest
    tagged = listing.paginate(Tags={"team": "etl"}, PaginationConfig={"PageSize": 2}).build_full_result()
    assert sorted(tagged["TriggerNames"]) == [name for name in TRIGGERS if name != "on-demand-backfill"]
    loads = listing.paginate(DependentJobName="load-orders", PaginationConfig={"PageSize": 1}).build_full_result()
    assert sorted(loads["TriggerNames"]) == ["hourly-load", "on-demand-backfill", "orders-ready"]

    flows = glue.get_paginator("list_workflows").paginate(PaginationConfig={"PageSize": 1}).build_full_result()
    assert sorted(flows["Workflows"]) == ["inventory-flow", "orders-flow"]

    runs = [glue.start_workflow_run(Name="orders-flow")["RunId"] for _ in range(3)]
    run_pages = glue.get_paginator("get_workflow_runs").paginate(
        Name="orders-flow", PaginationConfig={"PageSize": 2, "MaxItems": 2}).build_full_result()
    assert len(run_pages["Runs"]) == 2
    rest = glue.get_paginator("get_workflow_runs").paginate(
        Name="orders-flow", PaginationConfig={"PageSize": 2, "StartingToken": run_pages["NextToken"]}).build_full_result()
    assert sorted(r["WorkflowRunId"] for r in run_pages["Runs"] + rest["Runs"]) == sorted(runs)
    assert {r["Name"] for r in run_pages["Runs"] + rest["Runs"]} == {"orders-flow"}


def test_cli_lists_the_triggers_page_by_page(lakebox_server, team):
    account, _ = team

    def cli(*args, output="json"):
        done = run_cli(lakebox_server, "glue", *args, access_key=account, output=output)
        assert done.returncode == 0, done.stderr
        return done.stdout

    first = json.loads(cli("list-triggers", "--max-items", "2", "--page-size", "1"))
    assert len(first["TriggerNames"]) == 2 and set(first) == {"TriggerNames", "NextToken"}
    rest = json.loads(cli("list-triggers", "--starting-token", first["NextToken"], "--page-size", "1"))
    assert "NextToken" not in rest
    assert sorted(first["TriggerNames"] + rest["TriggerNames"]) == TRIGGERS

    texted = cli("get-triggers", "--page-size", "2", "--query", "Triggers[].[Name,Type]", output="text")
    assert sorted(texted.splitlines()) == [f"{name}\tON_DEMAND" for name in TRIGGERS]

    table = cli("get-triggers", "--dependent-job-name", "compact-orders", "--page-size", "1",
                "--query", "sort(Triggers[].Name)", output="table")
    assert table.splitlines() == ["---------------------", "|    GetTriggers    |",
                                  "+-------------------+",
                                  "|  nightly-compact  |", "|  weekly-vacuum    |",
                                  "+-------------------+"]
