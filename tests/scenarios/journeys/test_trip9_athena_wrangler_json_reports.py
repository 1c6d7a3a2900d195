"""A data engineer's nightly report job with awswrangler over an orders table whose
`attributes` column holds JSON text: the report parses it with json_parse, which
read_sql_query's default CTAS approach cannot write (the Hive connector has no JSON
type: Athena fails the CTAS), nor its UNLOAD approach; the plain CSV approach reads it,
and json_format gives a text every approach can write. The job then registers the
report as a table with wr.catalog helpers, checks it exists with its column types, and
drops it; a statement it starts with wr.athena.start_query_execution(wait=True)
with qmark params ends SUCCEEDED with its statistics."""
import pandas as pd
import pytest

ORDERS = pd.DataFrame({"order_id": [1, 2, 3],
                       "attributes": ['{"gift": true, "channel": "web"}', '{"channel": "store"}',
                                      '{"coupon": "SPRING", "channel": "web"}']})
REPORT = "SELECT order_id, json_parse(attributes) AS attrs FROM orders ORDER BY order_id"


def test_json_reports_through_the_three_approaches(wr, session, bucket, database):
    opts = {"boto3_session": session, "database": database, "s3_output": f"s3://{bucket}/athena/"}
    wr.s3.to_parquet(ORDERS, f"s3://{bucket}/orders/", dataset=True, database=database, table="orders",
                     boto3_session=session)

    with pytest.raises(wr.exceptions.QueryFailed, match=r"^NOT_SUPPORTED: Unsupported Hive type: json\. You may need "
                                                        r"to manually clean the data at location 's3://"):
        wr.athena.read_sql_query(REPORT, **opts)
    with pytest.raises(wr.exceptions.QueryFailed) as failed:
        wr.athena.read_sql_query(REPORT, ctas_approach=False, unload_approach=True,
                                 **{**opts, "s3_output": f"s3://{bucket}/unload/"})
    assert str(failed.value) == "NOT_SUPPORTED: Unsupported Hive type: json"

    plain = wr.athena.read_sql_query(REPORT, ctas_approach=False, **opts)
    assert plain["attrs"].tolist() == ['{"channel":"web","gift":true}', '{"channel":"store"}',
                                       '{"channel":"web","coupon":"SPRING"}']      # the keys in order
    formatted = wr.athena.read_sql_query(
        "SELECT order_id, json_format(json_parse(attributes)) AS attrs, "
        "json_extract_scalar(attributes, '$.channel') AS channel FROM orders ORDER BY order_id", **opts)
    assert formatted["attrs"].tolist() == plain["attrs"].tolist()
    assert formatted["channel"].tolist() == ["web", "store", "web"]


def test_report_table_kept_with_catalog_helpers(wr, session, bucket, database):
    opts = {"boto3_session": session, "database": database}
    wr.s3.to_parquet(ORDERS, f"s3://{bucket}/orders/", dataset=True, database=database, table="orders",
                     boto3_session=session)
    execution = wr.athena.start_query_execution(
        f"CREATE TABLE channels WITH (format = 'PARQUET', external_location = 's3://{bucket}/channels/') AS "
        "SELECT json_extract_scalar(attributes, '$.channel') AS channel, count(*) AS orders FROM orders "
        "WHERE order_id >= ? GROUP BY 1", params=["1"], paramstyle="qmark", s3_output=f"s3://{bucket}/athena/",
        wait=True, **opts)
    assert (execution["Status"]["State"], execution["StatementType"]) == ("SUCCEEDED", "DDL")
    assert execution["ExecutionParameters"] == ["1"]

    assert wr.catalog.does_table_exist(table="channels", **opts)
    assert wr.catalog.get_table_types(table="channels", **opts) == {"channel": "string", "orders": "bigint"}
    listed = wr.catalog.tables(**opts)
    assert sorted(listed["Table"].tolist()) == ["channels", "orders"]
    rows = wr.athena.read_sql_table("channels", ctas_approach=False, s3_output=f"s3://{bucket}/athena/", **opts)
    assert sorted(zip(rows["channel"], rows["orders"])) == [("store", 1), ("web", 2)]

    assert wr.catalog.delete_table_if_exists(table="channels", **opts) is True
    assert wr.catalog.does_table_exist(table="channels", **opts) is False
    assert wr.catalog.delete_table_if_exists(table="channels", **opts) is False
