"""A platform engineer runs the account's Athena work groups from a script, the way
Terraform's provider and boto3 admin scripts drive them: a team work group is made with
a result location, SSE_S3 encryption, a per-query scan cut-off and tags; later the
cut-off and the encryption are taken off with the Remove* flags of UpdateWorkGroup (the
rest of the configuration stays), the work group is listed beside `primary` (a work group
without a description is listed with an empty one), disabled for a freeze (no queries,
no new named queries, its history and settings still readable), enabled again, its
result location removed (a query then needs its own), and finally deleted: refused while
it holds a named query, then deleted with RecursiveDeleteOption. A name that is not a
work group is "WorkGroup is not found." everywhere (AWS's wording, recorded from
GetWorkGroup and StartQueryExecution replies)."""
import uuid

import pytest

from athenaops_helpers import athena_refusal as athena_code, ended
from trip_helpers import error_of

NO_OUTPUT = ("No output location provided. You did not provide an output location for  your query results. Either "
             "specify an S3 bucket location or enable Athena managed query results in your workgroup settings.")


@pytest.fixture
def team(client):
    """A work group name; the test makes the group and deletes it (else it is deleted here)."""
    name = f"team-{uuid.uuid4().hex[:8]}"
    yield name
    athena = client("athena")
    if name in [group["Name"] for group in athena.list_work_groups()["WorkGroups"]]:
        athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def test_team_work_group_from_creation_to_deletion(client, bucket, database, team):
    athena = client("athena")
    results = f"s3://{bucket}/team-results/"
    athena.create_work_group(Name=team, Configuration={
        "ResultConfiguration": {"OutputLocation": results, "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}},
        "BytesScannedCutoffPerQuery": 10_000_000, "PublishCloudWatchMetricsEnabled": True},
        Tags=[{"Key": "team", "Value": "growth"}, {"Key": "cost-center", "Value": "cc-42"}])
    assert athena.get_work_group(WorkGroup=team)["WorkGroup"]["Configuration"] == {
        "ResultConfiguration": {"OutputLocation": results, "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}},
        "BytesScannedCutoffPerQuery": 10_000_000, "EnforceWorkGroupConfiguration": True,
        "PublishCloudWatchMetricsEnabled": True, "RequesterPaysEnabled": False,
        "EnableMinimumEncryptionConfiguration": False,
        "EngineVersion": {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"}}
    arn = f"arn:aws:athena:us-east-1:{client('sts').get_caller_identity()['Account']}:workgroup/{team}"
    assert sorted((t["Key"], t["Value"]) for t in athena.list_tags_for_resource(ResourceARN=arn)["Tags"]) == [
        ("cost-center", "cc-42"), ("team", "growth")]

    # The cut-off and the encryption come off; the location and the metrics flag stay.
    athena.update_work_group(WorkGroup=team, Description="growth analysts", ConfigurationUpdates={
        "RemoveBytesScannedCutoffPerQuery": True,
        "ResultConfigurationUpdates": {"RemoveEncryptionConfiguration": True}})
    group = athena.get_work_group(WorkGroup=team)["WorkGroup"]
    assert group["Description"] == "growth analysts"
    assert "BytesScannedCutoffPerQuery" not in group["Configuration"]
    assert group["Configuration"]["ResultConfiguration"] == {"OutputLocation": results}
    assert group["Configuration"]["PublishCloudWatchMetricsEnabled"] is True

    # `primary` has no description: GetWorkGroup leaves it out, ListWorkGroups says "".
    assert "Description" not in athena.get_work_group(WorkGroup="primary")["WorkGroup"]
    listed = {g["Name"]: g for g in athena.list_work_groups()["WorkGroups"]}
    assert (listed["primary"]["Description"], listed[team]["Description"]) == ("", "growth analysts")
    names = [g["Name"] for g in athena.list_work_groups()["WorkGroups"]]
    assert names == sorted(names)
    first = athena.list_work_groups(MaxResults=1)
    assert len(first["WorkGroups"]) == 1 and "NextToken" in first
    paged, page = [], first
    while True:
        paged += [g["Name"] for g in page["WorkGroups"]]
        if "NextToken" not in page:
            break
        page = athena.list_work_groups(MaxResults=1, NextToken=page["NextToken"])
    assert team in paged and "primary" in paged and paged == sorted(paged)
    assert athena_code(athena.list_work_groups, NextToken="stale-token") == (
        "InvalidRequestException", "INVALID_INPUT", "The nextPageToken is malformed: stale-token")

    ran = athena_execution_in(athena, "SELECT 1", team, database)
    named = athena.create_named_query(Name="daily", Database=database, QueryString="SELECT 1",
                                      WorkGroup=team)["NamedQueryId"]

    # A freeze: the disabled work group runs nothing and takes no new named query, but
    # its settings, history and saved queries are still there to read.
    athena.update_work_group(WorkGroup=team, State="DISABLED")
    code, athena_error, _ = athena_code(athena.start_query_execution, QueryString="SELECT 1", WorkGroup=team)
    assert (code, athena_error) == ("InvalidRequestException", "INVALID_INPUT")
    code, athena_error, _ = athena_code(athena.create_named_query, Name="later", Database=database,
                                        QueryString="SELECT 2", WorkGroup=team)
    assert (code, athena_error) == ("InvalidRequestException", "INVALID_INPUT")
    assert athena.get_work_group(WorkGroup=team)["WorkGroup"]["State"] == "DISABLED"
    assert athena.list_query_executions(WorkGroup=team)["QueryExecutionIds"] == [ran]
    assert athena.list_named_queries(WorkGroup=team)["NamedQueryIds"] == [named]
    athena.update_work_group(WorkGroup=team, State="ENABLED")

    # Without the work group's location, a query must bring its own.
    athena.update_work_group(WorkGroup=team, ConfigurationUpdates={
        "ResultConfigurationUpdates": {"RemoveOutputLocation": True}})
    assert athena.get_work_group(WorkGroup=team)["WorkGroup"]["Configuration"]["ResultConfiguration"] == {}
    assert athena_code(athena.start_query_execution, QueryString="SELECT 1", WorkGroup=team) == (
        "InvalidRequestException", "INVALID_INPUT", NO_OUTPUT)
    own = athena.start_query_execution(QueryString="SELECT 2", WorkGroup=team, ResultConfiguration={
        "OutputLocation": f"s3://{bucket}/own/"})["QueryExecutionId"]
    assert own in athena.list_query_executions(WorkGroup=team)["QueryExecutionIds"]

    # Deleted at last: not while it keeps what it ran and saved, unless asked to.
    assert error_of(athena.delete_work_group, WorkGroup=team) == (
        "InvalidRequestException", f"WorkGroup {team} is not empty")
    athena.delete_work_group(WorkGroup=team, RecursiveDeleteOption=True)
    for call, args in ((athena.get_work_group, {"WorkGroup": team}),
                       (athena.start_query_execution, {"QueryString": "SELECT 1", "WorkGroup": team,
                                                       "ResultConfiguration": {"OutputLocation": results}}),
                       (athena.list_named_queries, {"WorkGroup": team}),
                       (athena.delete_work_group, {"WorkGroup": team})):
        assert athena_code(call, **args) == ("InvalidRequestException", "INVALID_INPUT", "WorkGroup is not found.")
    assert team not in [g["Name"] for g in athena.list_work_groups()["WorkGroups"]]


def test_primary_is_always_there_and_never_deleted(client):
    athena = client("athena")
    primary = athena.get_work_group(WorkGroup="primary")["WorkGroup"]
    assert (primary["Name"], primary["State"]) == ("primary", "ENABLED")
    assert primary["Configuration"]["ResultConfiguration"] == {}
    code, athena_error, _ = athena_code(athena.delete_work_group, WorkGroup="primary", RecursiveDeleteOption=True)
    assert (code, athena_error) == ("InvalidRequestException", "INVALID_INPUT")
    code, athena_error, _ = athena_code(athena.create_work_group, Name="primary")
    assert (code, athena_error) == ("InvalidRequestException", "INVALID_INPUT")
    assert athena.get_work_group(WorkGroup="primary")["WorkGroup"]["State"] == "ENABLED"


def athena_execution_in(athena, sql, workgroup, database) -> str:
    """Runs `sql` in `workgroup` (its own result location) to SUCCEEDED; its id."""
    query_id = athena.start_query_execution(QueryString=sql, WorkGroup=workgroup,
                                            QueryExecutionContext={"Database": database})["QueryExecutionId"]
    execution = ended(athena, query_id)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    return query_id
