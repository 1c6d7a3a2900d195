"""An analytics team gives each project an Athena work group, one pinned to engine 3 with
its own result location and one made from a name alone. Athena answers as a capture of
real Athena recorded it (radkawar/stackd, testdata/aws/athena/application_verified.json):
a work group made from a name enforces its configuration and publishes CloudWatch metrics,
with no ResultConfiguration until one is set and removed again (then an empty one); an
engine chosen by name is also the effective one, and the group's queries run on it; a
query in a group with no result location is refused in today's words; a finished query's
Statistics carry ServicePreProcessingTimeInMillis; GetDatabase of a missing database
answers Glue's error in the Java SDK's envelope."""
import re
import uuid

from trip_helpers import error_of, wait_for

NO_OUTPUT = ("No output location provided. You did not provide an output location for  your query results. Either "
             "specify an S3 bucket location or enable Athena managed query results in your workgroup settings.")


def test_project_work_groups(client, bucket, database):
    athena = client("athena")
    pinned, bare = f"pinned-{uuid.uuid4().hex[:8]}", f"bare-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=pinned, Configuration={
        "EnforceWorkGroupConfiguration": True, "PublishCloudWatchMetricsEnabled": False,
        "BytesScannedCutoffPerQuery": 10485760,
        "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/results/",
                                "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}},
        "EngineVersion": {"SelectedEngineVersion": "Athena engine version 3"}})
    athena.create_work_group(Name=bare)
    try:
        assert error_of(athena.create_work_group, Name=pinned) == ("InvalidRequestException",
                                                                  "WorkGroup is already created")
        engine3 = {"SelectedEngineVersion": "Athena engine version 3", "EffectiveEngineVersion": "Athena engine version 3"}
        assert athena.get_work_group(WorkGroup=pinned)["WorkGroup"]["Configuration"]["EngineVersion"] == engine3
        assert athena.get_work_group(WorkGroup=bare)["WorkGroup"]["Configuration"] == {
            "EnforceWorkGroupConfiguration": True, "PublishCloudWatchMetricsEnabled": True,
            "RequesterPaysEnabled": False, "EnableMinimumEncryptionConfiguration": False,
            "EngineVersion": {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"}}
        athena.update_work_group(WorkGroup=bare, ConfigurationUpdates={"ResultConfigurationUpdates": {
            "OutputLocation": f"s3://{bucket}/other/", "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}}})
        athena.update_work_group(WorkGroup=bare, ConfigurationUpdates={"ResultConfigurationUpdates": {
            "RemoveOutputLocation": True, "RemoveEncryptionConfiguration": True}})
        assert athena.get_work_group(WorkGroup=bare)["WorkGroup"]["Configuration"]["ResultConfiguration"] == {}
        assert error_of(athena.start_query_execution, WorkGroup=bare, QueryString="SELECT 1") == (
            "InvalidRequestException", NO_OUTPUT)

        query_id = athena.start_query_execution(
            WorkGroup=pinned, QueryString="SELECT 1 AS one",
            QueryExecutionContext={"Database": database, "Catalog": "AwsDataCatalog"},
            ResultConfiguration={"OutputLocation": f"s3://{bucket}/ignored-client/"})["QueryExecutionId"]
        execution = wait_for(lambda: (lambda e: e if e["Status"]["State"] == "SUCCEEDED" else None)(
            athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]))
        assert execution["EngineVersion"] == engine3
        assert execution["ResultConfiguration"]["OutputLocation"] == f"s3://{bucket}/results/{query_id}.csv"
        assert execution["QueryExecutionContext"] == {"Database": database, "Catalog": "awsdatacatalog"}
        assert {"ServicePreProcessingTimeInMillis", "QueryPlanningTimeInMillis",
                "ServiceProcessingTimeInMillis"} <= set(execution["Statistics"])

        failed_id = athena.start_query_execution(WorkGroup=pinned, QueryString="SELECT missing_column FROM (SELECT 1 AS one)",
                                                 QueryExecutionContext={"Database": database})["QueryExecutionId"]
        failed = wait_for(lambda: (lambda e: e if e["Status"]["State"] == "FAILED" else None)(
            athena.get_query_execution(QueryExecutionId=failed_id)["QueryExecution"]))
        reason = ("COLUMN_NOT_FOUND: line 1:8: Column 'missing_column' cannot be resolved or requester is not "
                  "authorized to access requested resources")
        assert (failed["Status"]["StateChangeReason"], failed["Status"]["AthenaError"]) == (reason, {
            "ErrorCategory": 2, "ErrorType": 1006, "Retryable": False, "ErrorMessage": reason})
        assert "ServicePreProcessingTimeInMillis" in failed["Statistics"]
        assert "QueryPlanningTimeInMillis" not in failed["Statistics"]

        statement = {"WorkGroup": pinned, "StatementName": "owned_statement",
                     "QueryStatement": "SELECT one FROM (SELECT 1 AS one) WHERE one > ?"}
        athena.create_prepared_statement(Description="first", **statement)
        assert error_of(athena.create_prepared_statement, Description="again", **statement) == (
            "InvalidRequestException", f"Prepared Statement owned_statement already exists in WorkGroup {pinned} ")
        assert athena.get_prepared_statement(WorkGroup=pinned, StatementName="owned_statement")[
            "PreparedStatement"]["Description"] == "first"
        assert error_of(athena.update_prepared_statement, WorkGroup=pinned, StatementName="missing",
                        QueryStatement="SELECT 1") == (
            "ResourceNotFoundException", f"Prepared Statement missing does not exist in WorkGroup {pinned} ")
        assert error_of(athena.get_prepared_statement, WorkGroup=bare, StatementName="owned_statement") == (
            "ResourceNotFoundException",
            f"No Prepared Statement with statement name owned_statement exists in WorkGroup {bare}")
        athena.update_prepared_statement(WorkGroup=pinned, StatementName="owned_statement",
                                         QueryStatement="SELECT one + 1 FROM (SELECT 1 AS one) WHERE one > ?")
        kept = athena.get_prepared_statement(WorkGroup=pinned, StatementName="owned_statement")["PreparedStatement"]
        assert (kept["QueryStatement"], kept["Description"]) == (
            "SELECT one + 1 FROM (SELECT 1 AS one) WHERE one > ?", "first")
    finally:
        for name in (pinned, bare):
            athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)

    code, message = error_of(athena.get_database, CatalogName="AwsDataCatalog", DatabaseName=f"{database}_missing")
    assert code == "MetadataException"
    assert re.fullmatch(rf"Database {database}_missing not found\. \(Service: AmazonDataCatalog; Status Code: 400; "
                        r"Error Code: EntityNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\)", message)
