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


@pytest.mark.parametrize("body, line, column, word", [("SHOW TABLES", 3, 4, "SHOW"),
                                                      ("-- listed\nDESCRIBE t", 4, 1, "DESCRIBE"),
                                                      ("INSERT INTO t VALUES (1)", 3, 4, "INSERT")])
def test_a_ctas_of_a_statement_that_is_no_query_is_a_syntax_error(athena, bucket, database, body, line, column,
                                                                  word):
    """What awswrangler's CTAS approach sends for read_sql_query("SHOW TABLES"): Trino's
    CTAS takes a query after AS, and its parser stops at the first word of anything else
    (it failed GENERIC_INTERNAL_ERROR)."""
    sql = (f"CREATE TABLE \"{database}\".\"tmp\"\nWITH(external_location = 's3://{bucket}/tmp/', "
           f"format = 'PARQUET')\nAS {body}")
    with pytest.raises(athena.exceptions.InvalidRequestException) as caught:
        athena.start_query_execution(QueryString=sql, ResultConfiguration={"OutputLocation": f"s3://{bucket}/r/"})
    assert caught.value.response["Error"]["Message"] == (
        f"line {line}:{column}: mismatched input '{word}'. Expecting: '(', 'SELECT', 'TABLE', 'VALUES', 'WITH'")
    assert caught.value.response["AthenaErrorCode"] == "MALFORMED_QUERY"
