"""Bad input, as Athena answers it: what it can judge at submission (a syntax error, a
result location that is no S3 path or not a bucket of this region, a bucket that does not exist) is
refused by StartQueryExecution with InvalidRequestException and creates no query
execution; what it finds later ends the query FAILED (or CANCELLED for a cut-off) with
its AthenaError, and leaves no result objects and no catalog change."""
import uuid

import pytest

INVALID_LOCATION = ("The S3 location provided to save your query results is invalid. Please check your S3 location "
                    "is correct and is in the same region and try again. If you continue to see the issue, contact "
                    "customer support for further assistance.")


@pytest.fixture
def group(athena):
    """A work group of its own, so that its list of executions is this test's alone."""
    name = f"wg-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(Name=name)
    yield name
    athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def _refused(athena, group, sql, location):
    with pytest.raises(athena.exceptions.InvalidRequestException) as caught:
        athena.start_query_execution(QueryString=sql, WorkGroup=group,
                                     ResultConfiguration={"OutputLocation": location})
    assert athena.list_query_executions(WorkGroup=group)["QueryExecutionIds"] == []
    return caught.value.response


def test_a_syntax_error_creates_no_execution(athena, bucket, group):
    response = _refused(athena, group, "SELECT", f"s3://{bucket}/r/")
    assert response["Error"]["Message"] == "line 1:7: mismatched input '<EOF>'"
    assert response["AthenaErrorCode"] == "MALFORMED_QUERY"


def test_a_view_with_a_column_list_is_a_syntax_error(athena, bucket, group):
    # Trino's CREATE VIEW takes no column list: its parser stops at the `(`.
    response = _refused(athena, group, "CREATE OR REPLACE VIEW v (a, b) AS SELECT 1, 2", f"s3://{bucket}/r/")
    assert response["Error"]["Message"] == ("line 1:26: mismatched input '('. "
                                            "Expecting: '.', 'AS', 'COMMENT', 'SECURITY'")
    assert response["AthenaErrorCode"] == "MALFORMED_QUERY"


def test_an_output_bucket_that_does_not_exist(athena, group):
    response = _refused(athena, group, "SELECT 1", "s3://no-such-bucket-for-results/r/")
    assert response["Error"]["Message"] == "Unable to verify/create output bucket no-such-bucket-for-results"


@pytest.mark.parametrize("location", ["results", "s3://", "https://bucket.s3.amazonaws.com/r/"])
def test_an_output_location_that_is_not_an_s3_location(athena, group, location):
    # Athena's input check words a location that is no S3 path at all its own way (replies
    # recorded from Athena for `not-a-valid-s3-path` and `s3://`), and judges it before the SQL.
    assert _refused(athena, group, "SELECT 1", location)["Error"]["Message"] == "outputLocation is not a valid S3 path."
    assert _refused(athena, group, "SELEC 1", location)["AthenaErrorCode"] == "INVALID_INPUT"


def test_an_output_bucket_of_another_region(athena, client, group):
    s3 = client("s3", region_name="eu-west-1")
    name = f"elsewhere-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    try:
        assert _refused(athena, group, "SELECT 1", f"s3://{name}/r/")["Error"]["Message"] == INVALID_LOCATION
    finally:
        s3.delete_bucket(Bucket=name)


def test_a_ctas_reading_a_missing_table_changes_nothing(query, s3, glue, bucket, database):
    sql = f"CREATE TABLE made WITH (external_location = 's3://{bucket}/made/') AS SELECT * FROM missing"
    execution, _, _ = query(sql, expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        f"TABLE_NOT_FOUND: line 1:{sql.index('missing') + 1}: Table 'awsdatacatalog.{database}.missing' does not exist"
    assert execution["Status"]["AthenaError"]["ErrorCategory"] == 2
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="made/")
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="results/")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName=database, Name="made")


def test_a_failed_select_leaves_no_result_file(query, s3, bucket):
    execution, _, _ = query("SELECT CAST('x' AS integer)", expect="FAILED")
    assert execution["Status"]["AthenaError"] == {
        "ErrorCategory": 2, "ErrorType": 1000, "Retryable": False,
        "ErrorMessage": "INVALID_CAST_ARGUMENT: Cannot cast 'x' to INT"}
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="results/")
