"""Glue triggers as a data engineer chains a crawler and a Python shell job with them:
on-demand triggers started by hand, conditional triggers that fire when a watched crawl
or job run reaches a state, scheduled triggers fired by their cron (API reference:
CreateTrigger, StartTrigger, GetTriggers, the Trigger and Predicate structures)."""
import time
import uuid

import pytest
from glue_helpers import JOB_ROLE as ROLE, error_of, wait_for_runs

# Reads the table the crawler made and writes its column names to S3.
COLUMNS_SCRIPT = """
import sys
import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["bucket", "database", "table"])
table = boto3.client("glue").get_table(DatabaseName=args["database"], Name=args["table"])["Table"]
columns = ",".join(c["Name"] for c in table["StorageDescriptor"]["Columns"])
boto3.client("s3").put_object(Bucket=args["bucket"], Key="report/columns.txt", Body=columns.encode())
"""

MARK_SCRIPT = """
import sys
import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["bucket", "key"])
boto3.client("s3").put_object(Bucket=args["bucket"], Key=args["key"], Body=b"done")
"""


@pytest.fixture
def trigger_name(glue):
    made = []

    def make():
        name = f"trigger-{uuid.uuid4().hex[:8]}"
        made.append(name)
        return name

    yield make
    for name in made:
        glue.delete_trigger(Name=name)


def test_a_trigger_is_created_read_listed_and_deleted(glue, python_job, trigger_name):
    job = python_job(MARK_SCRIPT)
    other = python_job(MARK_SCRIPT)
    on_demand, conditional = trigger_name(), trigger_name()
    assert glue.create_trigger(Name=on_demand, Type="ON_DEMAND", Actions=[{"JobName": job}],
                               Description="by hand", Tags={"team": "lake"})["Name"] == on_demand
    trigger = glue.get_trigger(Name=on_demand)["Trigger"]
    assert trigger["Name"] == on_demand
    assert (trigger["Type"], trigger["State"], trigger["Description"]) == ("ON_DEMAND", "CREATED", "by hand")
    assert trigger["Actions"] == [{"JobName": job}]

    glue.create_trigger(Name=conditional, Type="CONDITIONAL", StartOnCreation=True, Actions=[{"JobName": other}],
                        Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "JobName": job,
                                                   "State": "SUCCEEDED"}]})
    assert glue.get_trigger(Name=conditional)["Trigger"]["State"] == "ACTIVATED"
    assert glue.stop_trigger(Name=conditional)["Name"] == conditional
    assert glue.get_trigger(Name=conditional)["Trigger"]["State"] == "DEACTIVATED"
    assert glue.start_trigger(Name=conditional)["Name"] == conditional
    assert glue.get_trigger(Name=conditional)["Trigger"]["State"] == "ACTIVATED"

    # the trigger that starts a job; all of them for a job none starts
    assert [t["Name"] for t in glue.get_triggers(DependentJobName=other)["Triggers"]] == [conditional]
    assert {on_demand, conditional} <= {t["Name"] for t in glue.get_triggers()["Triggers"]}
    assert glue.list_triggers(Tags={"team": "lake"})["TriggerNames"] == [on_demand]
    found = glue.batch_get_triggers(TriggerNames=[on_demand, "no-such-trigger"])
    assert [t["Name"] for t in found["Triggers"]] == [on_demand]
    assert found["TriggersNotFound"] == ["no-such-trigger"]

    arn = f"arn:aws:glue:us-east-1:000000000000:trigger/{conditional}"
    glue.tag_resource(ResourceArn=arn, TagsToAdd={"team": "lake", "tier": "gold"})
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "lake", "tier": "gold"}
    assert sorted(glue.list_triggers(Tags={"team": "lake"})["TriggerNames"]) == sorted([on_demand, conditional])
    assert glue.list_triggers(Tags={"tier": "gold"})["TriggerNames"] == [conditional]
    assert error_of(glue.tag_resource, ResourceArn=arn + "-gone",
                    TagsToAdd={"team": "lake"})[0] == "EntityNotFoundException"

    updated = glue.update_trigger(Name=on_demand, TriggerUpdate={"Description": "changed"})["Trigger"]
    assert (updated["Description"], updated["Actions"]) == ("changed", [{"JobName": job}])

    assert glue.delete_trigger(Name=on_demand)["Name"] == on_demand
    assert error_of(glue.get_trigger, Name=on_demand)[0] == "EntityNotFoundException"
    assert glue.delete_trigger(Name=on_demand)["Name"] == on_demand       # gone already: no error


def test_what_create_trigger_refuses(glue, python_job, trigger_name):
    job = python_job(MARK_SCRIPT)
    name = trigger_name()
    glue.create_trigger(Name=name, Type="ON_DEMAND", Actions=[{"JobName": job}])
    assert error_of(glue.create_trigger, Name=name, Type="ON_DEMAND",
                    Actions=[{"JobName": job}])[0] == "AlreadyExistsException"
    other = trigger_name()
    assert error_of(glue.create_trigger, Name=other, Type="ON_DEMAND", StartOnCreation=True,
                    Actions=[{"JobName": job}])[0] == "InvalidInputException"
    assert error_of(glue.create_trigger, Name=other, Type="SCHEDULED",
                    Actions=[{"JobName": job}])[0] == "InvalidInputException"
    assert error_of(glue.create_trigger, Name=other, Type="SCHEDULED", Schedule="cron(0 12 * * *)",
                    Actions=[{"JobName": job}])[0] == "InvalidInputException"
    assert error_of(glue.create_trigger, Name=other, Type="CONDITIONAL",
                    Actions=[{"JobName": job}])[0] == "InvalidInputException"
    assert error_of(glue.get_trigger, Name=other)[0] == "EntityNotFoundException"
    # Glue does not look the action's job up (radkawar/stackd testdata/aws/glue/controls_native.json)
    glue.create_trigger(Name=other, Type="ON_DEMAND", Actions=[{"JobName": "no-such-job-for-triggers"}])
    assert glue.get_trigger(Name=other)["Trigger"]["State"] == "CREATED"


def test_condition_and_state_refusals_in_aws_words(glue, bucket, python_job, new_crawler, trigger_name):
    """Replies quoted in aws/aws-cdk#34652 and #24575 and hashicorp/terraform-provider-aws
    #39571 and #49407."""
    job, other = python_job(MARK_SCRIPT), python_job(MARK_SCRIPT)
    glue.create_crawler(Name=new_crawler, Role=ROLE, DatabaseName="db_triggers_refusals",
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/"}]})
    name = trigger_name()
    create = lambda *conditions, actions=({"JobName": other},): error_of(
        glue.create_trigger, Name=name, Type="CONDITIONAL", Actions=list(actions),
        Predicate={"Conditions": list(conditions)})
    assert create({"CrawlerName": new_crawler, "CrawlState": "SUCCEEDED"}) == (
        "InvalidInputException", "Logical operator cannot be null or empty")
    assert create({"LogicalOperator": "EQUALS", "CrawlerName": new_crawler, "State": "SUCCEEDED"}) == (
        "InvalidInputException",
        "State cannot be null or empty, choose from one of the following crawler state: [SUCCEEDED, FAILED, CANCELLED]")
    assert create({"LogicalOperator": "EQUALS", "JobName": job, "State": "SUCCEEDED"}, actions=[{"JobName": job}]) == (
        "InvalidInputException", "Job cannot be a Predicate and Action for Conditional Trigger.")

    glue.create_trigger(Name=name, Type="CONDITIONAL", Actions=[{"JobName": other}],
                        Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "JobName": job, "State": "FAILED"}]})
    assert error_of(glue.stop_trigger, Name=name) == (
        "InvalidInputException", "The operation is not allowed when trigger is in state: CREATED")
    on_demand = trigger_name()
    glue.create_trigger(Name=on_demand, Type="ON_DEMAND", Actions=[{"JobName": other}])
    assert error_of(glue.stop_trigger, Name=on_demand) == (
        "InvalidInputException", "The operation is not allowed when trigger is in state: CREATED")


def test_start_trigger_runs_its_job_with_the_actions_arguments(glue, s3, bucket, python_job, trigger_name):
    job = python_job(MARK_SCRIPT, DefaultArguments={"--bucket": bucket, "--key": "default.txt"})
    name = trigger_name()
    glue.create_trigger(Name=name, Type="ON_DEMAND",
                        Actions=[{"JobName": job, "Arguments": {"--key": "from-trigger.txt"}, "Timeout": 7}])
    assert glue.start_trigger(Name=name)["Name"] == name
    [run] = wait_for_runs(glue, job)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert run["TriggerName"] == name
    assert run["Arguments"] == {"--key": "from-trigger.txt"}
    assert run["Timeout"] == 7
    assert s3.get_object(Bucket=bucket, Key="from-trigger.txt")["Body"].read() == b"done"
    assert glue.get_trigger(Name=name)["Trigger"]["State"] == "CREATED"


def test_a_crawl_that_succeeds_starts_the_job_that_reads_its_table(glue, s3, bucket, database, python_job,
                                                                    trigger_name, new_crawler):
    s3.put_object(Bucket=bucket, Key="events/day=1/a.json", Body=b'{"id": 1, "kind": "click"}\n')
    glue.create_crawler(Name=new_crawler, Role=ROLE, DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/events/"}]})
    job = python_job(COLUMNS_SCRIPT, DefaultArguments={"--bucket": bucket, "--database": database})
    name = trigger_name()
    glue.create_trigger(Name=name, Type="CONDITIONAL", StartOnCreation=True,
                        Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "CrawlerName": new_crawler,
                                                   "CrawlState": "SUCCEEDED"}]},
                        Actions=[{"JobName": job, "Arguments": {"--table": "events"}}])
    glue.start_crawler(Name=new_crawler)
    [run] = wait_for_runs(glue, job)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert run["TriggerName"] == name
    assert s3.get_object(Bucket=bucket, Key="report/columns.txt")["Body"].read() == b"id,kind"


def test_a_job_run_chains_the_next_only_while_the_trigger_is_activated(glue, s3, bucket, python_job,
                                                                       trigger_name):
    first = python_job(MARK_SCRIPT, DefaultArguments={"--bucket": bucket, "--key": "first.txt"})
    second = python_job(MARK_SCRIPT, DefaultArguments={"--bucket": bucket, "--key": "second.txt"})
    name = trigger_name()
    glue.create_trigger(Name=name, Type="CONDITIONAL",
                        Predicate={"Logical": "ANY", "Conditions": [
                            {"LogicalOperator": "EQUALS", "JobName": first, "State": "SUCCEEDED"}]},
                        Actions=[{"JobName": second}])
    assert glue.get_trigger(Name=name)["Trigger"]["State"] == "CREATED"
    glue.start_job_run(JobName=first)
    assert wait_for_runs(glue, first)[0]["JobRunState"] == "SUCCEEDED"
    assert glue.get_job_runs(JobName=second)["JobRuns"] == []          # CREATED: not watching

    glue.start_trigger(Name=name)
    first_run = glue.start_job_run(JobName=first)["JobRunId"]
    wait_for_runs(glue, first, count=2)
    [run] = wait_for_runs(glue, second)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert run["TriggerName"] == name
    assert run["PredecessorRuns"] == [{"JobName": first, "RunId": first_run}]
    assert s3.get_object(Bucket=bucket, Key="second.txt")["Body"].read() == b"done"


@pytest.mark.local_only
def test_a_scheduled_trigger_fires_when_its_cron_comes_due(glue, s3, bucket, python_job, trigger_name, clock):
    job = python_job(MARK_SCRIPT, DefaultArguments={"--bucket": bucket, "--key": "nightly.txt"})
    name = trigger_name()
    glue.create_trigger(Name=name, Type="SCHEDULED", Schedule="cron(30 2 * * ? *)", StartOnCreation=True,
                        Actions=[{"JobName": job}])
    trigger = glue.get_trigger(Name=name)["Trigger"]
    assert (trigger["State"], trigger["Schedule"]) == ("ACTIVATED", "cron(30 2 * * ? *)")
    assert glue.get_job_runs(JobName=job)["JobRuns"] == []
    clock(86_400)
    [run] = wait_for_runs(glue, job)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert run["TriggerName"] == name
    assert s3.get_object(Bucket=bucket, Key="nightly.txt")["Body"].read() == b"done"
    # a deactivated schedule fires no more
    glue.stop_trigger(Name=name)
    clock(86_400)
    time.sleep(1)
    assert len(glue.get_job_runs(JobName=job)["JobRuns"]) == 1


def test_an_and_predicate_waits_for_every_watched_job(glue, s3, bucket, python_job, trigger_name):
    extract = python_job(MARK_SCRIPT, DefaultArguments={"--bucket": bucket, "--key": "extract.txt"})
    enrich = python_job(MARK_SCRIPT, DefaultArguments={"--bucket": bucket, "--key": "enrich.txt"})
    load = python_job(MARK_SCRIPT, DefaultArguments={"--bucket": bucket, "--key": "load.txt"})
    name = trigger_name()
    glue.create_trigger(Name=name, Type="CONDITIONAL", StartOnCreation=True, Actions=[{"JobName": load}],
                        Predicate={"Logical": "AND", "Conditions": [
                            {"LogicalOperator": "EQUALS", "JobName": extract, "State": "SUCCEEDED"},
                            {"LogicalOperator": "EQUALS", "JobName": enrich, "State": "SUCCEEDED"}]})
    first = glue.start_job_run(JobName=extract)["JobRunId"]
    wait_for_runs(glue, extract)
    assert glue.get_job_runs(JobName=load)["JobRuns"] == []           # one of two conditions met
    second = glue.start_job_run(JobName=enrich)["JobRunId"]
    wait_for_runs(glue, enrich)
    [run] = wait_for_runs(glue, load)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert run["PredecessorRuns"] == [{"JobName": extract, "RunId": first}, {"JobName": enrich, "RunId": second}]
