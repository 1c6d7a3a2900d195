"""awswrangler leaning on its defaults, as notebooks do: queries with no `s3_output` (it
asks STS for the account and makes the `aws-athena-query-results-<account>-<region>`
bucket, checked with ExpectedBucketOwner); an ORC dataset with a catalog table; a
Parquet dataset written by pandas and catalogued afterwards with
`store_parquet_metadata`; a partition added by hand found by `repair_table`; and
`athena.unload` to a partitioned Parquet folder read back."""
import pandas as pd
import pytest

from trip_helpers import KEY, REGION, SECRET

DEFAULT_RESULTS = "s3://aws-athena-query-results-000000000000-us-east-1/"


def visits(site, pages):
    return pd.DataFrame({"page": pages, "ms": [100 * (i + 1) for i in range(len(pages))], "site": site})


@pytest.fixture
def storage(lakebox_server):
    options = {"key": KEY, "secret": SECRET, "client_kwargs": {"region_name": REGION}}
    if lakebox_server.endpoint:
        options["client_kwargs"]["endpoint_url"] = lakebox_server.endpoint
    return options


@pytest.mark.local_only                     # the default bucket is named after lakebox's default account
def test_default_results_bucket_and_orc_dataset(wr, session, bucket, database):
    frame = pd.concat([visits("shop", ["/", "/cart"]), visits("blog", ["/post/1"])], ignore_index=True)
    wr.s3.to_orc(frame, f"s3://{bucket}/visits_orc/", dataset=True, database=database, table="visits_orc",
                 partition_cols=["site"], boto3_session=session)
    types = wr.catalog.get_table_types(database=database, table="visits_orc", boto3_session=session)
    assert types == {"page": "string", "ms": "bigint", "site": "string"}
    assert wr.catalog.table(database=database, table="visits_orc", boto3_session=session) is not None

    result = wr.athena.read_sql_query("SELECT site, count(*) AS pages, sum(ms) AS ms FROM visits_orc "
                                      "GROUP BY site ORDER BY site", database=database, ctas_approach=False,
                                      boto3_session=session)
    assert result.to_dict("records") == [{"site": "blog", "pages": 1, "ms": 100},
                                         {"site": "shop", "pages": 2, "ms": 300}]
    assert wr.athena.create_athena_bucket(boto3_session=session) == DEFAULT_RESULTS
    written = wr.s3.list_objects(DEFAULT_RESULTS, boto3_session=session)
    assert any(path.endswith(".csv") for path in written)

    back = wr.s3.read_orc(f"s3://{bucket}/visits_orc/", dataset=True, boto3_session=session)
    assert sorted(back["page"].tolist()) == ["/", "/cart", "/post/1"]


def test_pandas_dataset_catalogued_repaired_and_unloaded(wr, session, storage, bucket, database):
    frame = pd.concat([visits("shop", ["/", "/cart", "/pay"]), visits("blog", ["/post/1", "/post/2"])],
                      ignore_index=True)
    frame.to_parquet(f"s3://{bucket}/visits/", partition_cols=["site"], index=False, storage_options=storage)
    columns, partitions, _ = wr.s3.store_parquet_metadata(f"s3://{bucket}/visits/", database=database,
                                                          table="visits", dataset=True, boto3_session=session)
    assert columns == {"page": "string", "ms": "bigint"}
    assert partitions == {"site": "string"}
    listed = wr.catalog.get_parquet_partitions(database=database, table="visits", boto3_session=session)
    assert sorted(listed) == [f"s3://{bucket}/visits/site=blog/", f"s3://{bucket}/visits/site=shop/"]

    visits("docs", ["/api"]).drop(columns="site").to_parquet(
        f"s3://{bucket}/visits/site=docs/part-0.parquet", index=False, storage_options=storage)
    wr.athena.repair_table("visits", database=database, s3_output=f"s3://{bucket}/athena/", boto3_session=session)
    counts = wr.athena.read_sql_query("SELECT site, count(*) AS n FROM visits GROUP BY site ORDER BY site",
                                      database=database, ctas_approach=False, s3_output=f"s3://{bucket}/athena/",
                                      boto3_session=session)
    assert counts.to_dict("records") == [{"site": "blog", "n": 2}, {"site": "docs", "n": 1}, {"site": "shop", "n": 3}]

    unloaded = wr.athena.unload("SELECT page, ms, site FROM visits WHERE ms >= :least", f"s3://{bucket}/slow/",
                                database=database, partitioned_by=["site"], params={"least": 200},
                                boto3_session=session)
    assert unloaded.raw_payload["Status"]["State"] == "SUCCEEDED"
    # awswrangler makes the UNLOAD folder the query's output location, where Athena also
    # leaves the query's manifest and metadata files: a reader of the folder skips them.
    assert unloaded.manifest_location.startswith(f"s3://{bucket}/slow/")
    slow = wr.s3.read_parquet(f"s3://{bucket}/slow/", dataset=True, path_ignore_suffix=["-manifest.csv", ".metadata"],
                              boto3_session=session)
    assert sorted(zip(slow["site"].astype(str), slow["page"])) == [("blog", "/post/2"), ("shop", "/cart"),
                                                                  ("shop", "/pay")]
