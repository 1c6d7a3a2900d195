"""A CTAS whose query begins with a comment is still a CTAS: Trino's lexer skips comments
between AS and the query. awswrangler's read_sql_query (ctas_approach=True, its default)
writes `CREATE TABLE ... WITH (...) AS <the user's query>`, so a query kept in a file
with a header comment reaches Athena this way; it was refused as Hive DDL ("Only
external table creation is supported")."""
import pytest


@pytest.mark.parametrize("gap", ["-- daily totals\n", "\n-- one\n  -- two\n", "/* totals */ ", "/* a */\n-- b\n"])
def test_a_comment_between_as_and_the_query(query, glue, bucket, database, gap):
    query(f"CREATE TABLE totals WITH (format = 'PARQUET', external_location = 's3://{bucket}/totals/') "
          f"AS {gap}SELECT 1 AS id, 'a' AS name")
    columns = glue.get_table(DatabaseName=database, Name="totals")["Table"]["StorageDescriptor"]["Columns"]
    assert [(c["Name"], c["Type"]) for c in columns][0] == ("id", "int")
    assert [c["Name"] for c in columns] == ["id", "name"]
    assert query("SELECT id, name FROM totals")[1][1:] == [["1", "a"]]


def test_a_comment_before_a_parenthesised_or_with_query(query, bucket):
    query(f"CREATE TABLE nested WITH (external_location = 's3://{bucket}/nested/') AS -- c\n"
          "( SELECT 2 AS id )")
    query(f"CREATE TABLE withq WITH (external_location = 's3://{bucket}/withq/') AS /* c */\n"
          "WITH q AS (SELECT 3 AS id) SELECT id FROM q")
    assert query("SELECT (SELECT id FROM nested), (SELECT id FROM withq)")[1][1:] == [["2", "3"]]
