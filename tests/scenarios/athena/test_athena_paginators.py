"""Every Athena paginator botocore has, driven with PageSize, MaxItems and StartingToken
over more items than a page holds: GetQueryResults gives the header row then the rows in
the query's order; ListQueryExecutions gives the newest execution first; databases and
tables come in the Glue catalog's name order. A NextToken Athena never gave is
InvalidRequestException. Account-wide listings run in an account of their own."""
import uuid
from types import SimpleNamespace

import pytest

from athena_helpers import wait
from paging import account_client, check_paginator, error_of, fresh_account

BAD_TOKEN = ("InvalidRequestException", "The NextToken provided is invalid.")


@pytest.fixture
def own(lakebox_server):
    """Athena and Glue clients of an account of their own, and a results location there."""
    account = fresh_account()
    athena, glue, s3 = (account_client(lakebox_server, name, account) for name in ("athena", "glue", "s3"))
    bucket = f"results-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    return SimpleNamespace(account=account, athena=athena, glue=glue, output=f"s3://{bucket}/out/")


def _run(athena, output, sql, **args):
    query_id = athena.start_query_execution(QueryString=sql, ResultConfiguration={"OutputLocation": output},
                                            **args)["QueryExecutionId"]
    assert wait(athena, query_id)["Status"]["State"] == "SUCCEEDED"
    return query_id


def _cell(row):
    return row["Data"][0].get("VarCharValue")


@pytest.mark.local_only
def test_query_results_page_header_first_then_rows_in_order(own):
    athena, output = own.athena, own.output
    query_id = _run(athena, output, "SELECT n FROM (VALUES 3, 1, 6, 2, 5, 4) AS t(n) ORDER BY n")
    check_paginator(athena, "GetQueryResults", ["n", "1", "2", "3", "4", "5", "6"], key_of=_cell,
                    keys=["ResultSet.ResultSetMetadata", "UpdateCount"], QueryExecutionId=query_id)
    # GetQueryResults names the token it could not read (a reply recorded from Athena).
    assert error_of(athena.get_query_results, QueryExecutionId=query_id, NextToken="bogus") == (
        "InvalidRequestException", "Malformed nextPageToken bogus")


@pytest.mark.local_only
def test_query_executions_page_newest_first(own):
    athena, output = own.athena, own.output
    made = [_run(athena, output, f"SELECT {n}") for n in range(5)]
    check_paginator(athena, "ListQueryExecutions", made[::-1])
    assert error_of(athena.list_query_executions, NextToken="bogus") == BAD_TOKEN


@pytest.mark.local_only
def test_named_queries_page(own):
    athena = own.athena
    made = [athena.create_named_query(Name=f"q{n}", Database="default", QueryString=f"SELECT {n}")["NamedQueryId"]
            for n in range(5)]
    check_paginator(athena, "ListNamedQueries", made, ordered=False)
    assert error_of(athena.list_named_queries, NextToken="bogus") == BAD_TOKEN
    deleted = []        # the clean-up loop: delete each page's queries, then ask for the next page
    for page in athena.get_paginator("list_named_queries").paginate(PaginationConfig={"PageSize": 2}):
        for query_id in page["NamedQueryIds"]:
            athena.delete_named_query(NamedQueryId=query_id)
            deleted.append(query_id)
    assert sorted(deleted) == sorted(made)
    assert athena.list_named_queries()["NamedQueryIds"] == []


@pytest.mark.local_only
def test_catalog_listings_page(own):
    athena, glue = own.athena, own.glue
    databases = [f"db_{n}" for n in range(5)]
    for name in databases:
        glue.create_database(DatabaseInput={"Name": name})
    tables = [f"t_{n}" for n in range(6)]
    for name in tables:
        glue.create_table(DatabaseName="db_0", TableInput={"Name": name, "TableType": "EXTERNAL_TABLE"})
    check_paginator(athena, "ListDatabases", databases, key_of=lambda d: d["Name"], CatalogName="AwsDataCatalog")
    check_paginator(athena, "ListTableMetadata", tables, key_of=lambda t: t["Name"], CatalogName="AwsDataCatalog",
                    DatabaseName="db_0")
    check_paginator(athena, "ListDataCatalogs", ["AwsDataCatalog"], key_of=lambda c: c["CatalogName"])
    assert error_of(athena.list_databases, CatalogName="AwsDataCatalog", NextToken="bogus") == BAD_TOKEN


@pytest.mark.local_only
def test_tags_page(own):
    athena = own.athena
    tags = [{"Key": f"k{n}", "Value": f"v{n}"} for n in range(7)]
    athena.create_work_group(Name="tagged", Tags=tags)
    arn = f"arn:aws:athena:us-east-1:{own.account}:workgroup/tagged"
    # MaxResults is at least 75 and a resource holds at most 50 tags: one page, which
    # MaxItems still cuts and StartingToken resumes.
    check_paginator(athena, "ListTagsForResource", [t["Key"] for t in tags], key_of=lambda t: t["Key"],
                    ordered=False, page_size=75, ResourceARN=arn)
