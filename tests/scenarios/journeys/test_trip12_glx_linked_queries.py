"""An analyst queries a producer's partitioned dataset with Athena through resource links,
the use the Lake Formation Developer Guide gives them ("Use integrated AWS services such
as Amazon Athena ... to run queries that access shared databases or tables"): the
producer writes with awswrangler, the analyst's own database holds a table link named
for the analyst's team, a database link stands for the whole producer database, and
both answer the same rows as the producer's table, partition pruning included. The
schema a client reads through the link (wrangler's get_table_types) is the target's."""
import pandas as pd


def test_athena_through_resource_links(wr, session, client, bucket, fresh_database):
    glue = client("glue")
    account = client("sts").get_caller_identity()["Account"]
    producer, analyst = fresh_database("producer"), fresh_database("analyst")
    frame = pd.DataFrame({"order_id": ["a1", "a2", "a3", "a4"], "total": [10.5, 20.0, 7.25, 1.0],
                          "region": ["eu", "eu", "us", "ap"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/orders/", dataset=True, database=producer, table="orders",
                     partition_cols=["region"], boto3_session=session)
    glue.create_table(DatabaseName=analyst, TableInput={
        "Name": "team_orders", "TargetTable": {"CatalogId": account, "DatabaseName": producer, "Name": "orders"}})
    link_db = analyst + "_prod"
    glue.create_database(DatabaseInput={"Name": link_db,
                                        "TargetDatabase": {"CatalogId": account, "DatabaseName": producer}})
    try:
        assert wr.catalog.get_table_types(database=analyst, table="team_orders", boto3_session=session) == {
            "order_id": "string", "total": "double", "region": "string"}
        query = "SELECT region, count(*) AS n, sum(total) AS total FROM {} WHERE region <> 'ap' " \
                "GROUP BY region ORDER BY region"
        expected = [{"region": "eu", "n": 2, "total": 30.5}, {"region": "us", "n": 1, "total": 7.25}]
        for database, table in ((producer, "orders"), (analyst, "team_orders"), (link_db, "orders")):
            got = wr.athena.read_sql_query(query.format(table), database=database, ctas_approach=False,
                                           boto3_session=session)
            assert got.to_dict("records") == expected, (database, table)
    finally:
        glue.delete_database(Name=link_db)
    # the links went; the producer's table and its partitions stay
    kept = glue.get_partitions(DatabaseName=producer, TableName="orders")["Partitions"]
    assert sorted(p["Values"] for p in kept) == [["ap"], ["eu"], ["us"]]
