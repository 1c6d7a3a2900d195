"""A data team wires up the control plane of a nightly load before any data arrives: a CSV
and a JSON classifier, a crawler over a still-empty prefix, a workflow with its on-demand
trigger (its job not deployed yet), a Python shell job whose deploy script is re-run, and
the clean-up afterwards. Glue answers as a capture of real Glue recorded it
(radkawar/stackd, testdata/aws/glue/controls_native.json): its duplicate and not-found
wordings, a CSV classifier update that replaces the settings left out, a workflow update
that drops MaxConcurrentRuns left out, a trigger whose job is not there accepted and
StartTrigger leaving it CREATED, the crawler's role answered by name, the job's reported
defaults."""
import uuid

from trip_helpers import error_of


def test_control_plane_before_the_first_load(client, bucket):
    glue = client("glue")
    account = client("sts").get_caller_identity()["Account"]
    name = f"nightly-{uuid.uuid4().hex[:8]}"
    database = name.replace("-", "_")
    role = f"arn:aws:iam::{account}:role/{name}-role"

    csv = {"Name": f"{name}-csv", "Delimiter": ",", "QuoteSymbol": '"', "ContainsHeader": "PRESENT",
           "Header": ["category", "amount"]}
    glue.create_classifier(CsvClassifier=csv)
    glue.create_classifier(JsonClassifier={"Name": f"{name}-json", "JsonPath": "$[*]"})
    try:
        assert error_of(glue.create_classifier, CsvClassifier=csv) == (
            "AlreadyExistsException", f"Classifier {name}-csv already exists. already exists")
        assert error_of(glue.create_classifier, JsonClassifier={"Name": f"{name}-json", "JsonPath": "$[*]"}) == (
            "AlreadyExistsException", f"Classifier {name}-json already exists. already exists")
        got = glue.get_classifier(Name=f"{name}-csv")["Classifier"]["CsvClassifier"]
        assert {k: got[k] for k in ("Version", "Delimiter", "QuoteSymbol", "ContainsHeader", "Header", "Serde")} == {
            "Version": 1, "Delimiter": ",", "QuoteSymbol": '"', "ContainsHeader": "PRESENT",
            "Header": ["category", "amount"], "Serde": "None"}
        glue.update_classifier(CsvClassifier={"Name": f"{name}-csv", "Delimiter": "|"})
        got = glue.get_classifier(Name=f"{name}-csv")["Classifier"]["CsvClassifier"]
        assert sorted(got) == ["CreationTime", "Delimiter", "LastUpdated", "Name", "Serde", "Version"]
        assert (got["Version"], got["Delimiter"], got["Serde"]) == (2, "|", "None")

        glue.create_database(DatabaseInput={"Name": database})
        crawler = {"Name": name, "Role": role, "DatabaseName": database, "Classifiers": [f"{name}-csv"],
                   "Targets": {"S3Targets": [{"Path": f"s3://{bucket}/never-scanned/"}]}}
        assert error_of(glue.create_crawler, **dict(crawler, Targets={})) == (
            "InvalidInputException", "Targets are not defined")
        no_database = ("You must provide the DatabaseName parameter when you specify a non-catalog targeted "
                       "crawler. Specify the parameter.")      # controls.json: asked before the targets
        for targets in ({}, crawler["Targets"]):
            assert error_of(glue.create_crawler, Name=name, Role=role, Targets=targets) == (
                "InvalidInputException", no_database)
        glue.create_crawler(**crawler)
        assert error_of(glue.create_crawler, **crawler) == (
            "AlreadyExistsException", f"{account}:{name} already exists")
        got = glue.get_crawler(Name=name)["Crawler"]
        assert (got["Role"], got["Targets"]["S3Targets"]) == (
            f"{name}-role", [{"Path": f"s3://{bucket}/never-scanned/", "Exclusions": []}])
        assert error_of(glue.stop_crawler, Name=name) == (
            "CrawlerNotRunningException", f"Crawler with name {name} is not running")

        glue.create_workflow(Name=name, DefaultRunProperties={"first": "one", "retained": "yes"},
                             MaxConcurrentRuns=1, Tags={"owned": "yes"})
        assert error_of(glue.create_workflow, Name=name, MaxConcurrentRuns=1) == (
            "AlreadyExistsException", "Workflow with given name already Exists")
        assert glue.get_workflow(Name=name, IncludeGraph=True)["Workflow"]["MaxConcurrentRuns"] == 1
        glue.update_workflow(Name=name, DefaultRunProperties={"second": "two"})
        flow = glue.get_workflow(Name=name, IncludeGraph=True)["Workflow"]
        assert (flow["DefaultRunProperties"], "MaxConcurrentRuns" in flow, flow["Graph"]) == (
            {"second": "two"}, False, {"Nodes": [], "Edges": []})
        assert error_of(glue.get_workflow_run_properties, Name=name, RunId="wr_" + "0" * 64) == (
            "EntityNotFoundException", "Entity not found")

        trigger = {"Name": name, "Type": "ON_DEMAND", "Actions": [{"JobName": f"{name}-later"}], "WorkflowName": name}
        assert error_of(glue.create_trigger, StartOnCreation=True, **trigger) == (
            "InvalidInputException", "Starting trigger on create is not supported for ON_DEMAND trigger type.")
        assert glue.create_trigger(**trigger)["Name"] == name
        assert glue.start_trigger(Name=name)["Name"] == name
        assert glue.get_trigger(Name=name)["Trigger"] == {
            "Name": name, "WorkflowName": name, "Type": "ON_DEMAND", "State": "CREATED",
            "Actions": [{"JobName": f"{name}-later"}]}
        assert error_of(glue.stop_trigger, Name=name) == (
            "InvalidInputException", "The operation is not allowed when trigger is in state: CREATED")

        job = {"Name": name, "Role": role, "Description": "first", "DefaultArguments": {"--owned": "initial"},
               "Command": {"Name": "pythonshell", "PythonVersion": "3.9", "ScriptLocation": f"s3://{bucket}/load.py"},
               "MaxCapacity": 0.0625, "MaxRetries": 0, "Timeout": 1}
        assert glue.create_job(**job)["Name"] == name
        assert glue.create_job(**job)["Name"] == name          # the deploy script re-run
        assert error_of(glue.create_job, **dict(job, Description="second")) == (
            "IdempotentParameterMismatchException", "Job already submitted with different configuration.")
        got = glue.get_job(JobName=name)["Job"]
        assert {k: got.get(k) for k in ("JobMode", "JobRunQueuingEnabled", "AllocatedCapacity", "MaxCapacity",
                                        "GlueVersion", "Description")} == {
            "JobMode": "SCRIPT", "JobRunQueuingEnabled": False, "AllocatedCapacity": 0, "MaxCapacity": 0.0625,
            "GlueVersion": "6.0", "Description": "first"}
    finally:
        for call, kwargs in ((glue.delete_job, {"JobName": name}), (glue.delete_trigger, {"Name": name}),
                             (glue.delete_workflow, {"Name": name}), (glue.delete_crawler, {"Name": name}),
                             (glue.delete_database, {"Name": database}),
                             (glue.delete_classifier, {"Name": f"{name}-csv"}),
                             (glue.delete_classifier, {"Name": f"{name}-json"})):
            try:
                call(**kwargs)
            except glue.exceptions.ClientError:
                pass

    assert error_of(glue.get_job, JobName=name) == ("EntityNotFoundException", "Job not found.")
    assert error_of(glue.get_trigger, Name=name) == ("EntityNotFoundException", "Trigger not found.")
    assert error_of(glue.get_workflow, Name=name) == ("EntityNotFoundException", "Entity not found")
    assert error_of(glue.get_classifier, Name=f"{name}-csv") == (
        "EntityNotFoundException", f"Classifier {name}-csv not found. not found.")
    assert error_of(glue.get_security_configuration, Name=f"{name}-never") == ("EntityNotFoundException", "")
    assert error_of(glue.delete_security_configuration, Name=f"{name}-never") == ("EntityNotFoundException", "")


def test_connection_that_is_gone(client):
    glue = client("glue")
    account = client("sts").get_caller_identity()["Account"]
    name = f"gone-{uuid.uuid4().hex[:8]}"
    assert error_of(glue.get_connection, Name=name) == (
        "EntityNotFoundException", f"Connection with name {name} in account {account} is not found")
