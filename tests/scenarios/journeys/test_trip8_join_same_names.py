"""A support analyst joins tickets to the customers who opened them and to the agents who
answered them (both keyed by `id`), with pyathena: the result keeps Trino's names, `id`
twice, in the cursor's description, in the header row of the result file Athena wrote
and in GetQueryResults; a pandas frame read with the PandasCursor; then the report is to
be kept as a table (CTAS) and as a view, and Athena refuses both while two columns share
a name, in Trino's words, until the second `id` gets an alias of its own."""
import pytest

from trip_helpers import athena_execution, athena_failure, athena_rows, keys_under, pyathena_connect

CUSTOMERS = b"1,Ana Lopes,PT\n2,Ben Ode,NG\n3,Chen Yu,CN\n"
AGENTS = b"1,Marta\n2,Olu\n"
TICKETS = b"100,1,2,open\n101,3,1,closed\n102,1,1,closed\n"


@pytest.fixture
def support_tables(client, bucket, database):
    s3, athena, output = client("s3"), client("athena"), f"s3://{bucket}/athena/"
    for name, body, columns in (("customers", CUSTOMERS, "id int, name string, country string"),
                                ("agents", AGENTS, "id int, name string"),
                                ("tickets", TICKETS, "ticket int, customer int, agent int, status string")):
        s3.put_object(Bucket=bucket, Key=f"support/{name}/part-0.csv", Body=body)
        athena_rows(athena, f"CREATE EXTERNAL TABLE {name} ({columns}) ROW FORMAT DELIMITED FIELDS TERMINATED "
                            f"BY ',' LOCATION 's3://{bucket}/support/{name}/'", database, output)


JOINED = """SELECT t.ticket, c.id, c.name, a.id, a.name
            FROM tickets t JOIN customers c ON t.customer = c.id JOIN agents a ON t.agent = a.id
            ORDER BY t.ticket"""


def test_joined_ids_keep_their_names(lakebox_server, client, bucket, database, support_tables):
    from pyathena.pandas.cursor import PandasCursor
    s3, athena, output = client("s3"), client("athena"), f"s3://{bucket}/athena/"

    cursor = pyathena_connect(lakebox_server, bucket, database).cursor()
    cursor.execute(JOINED)
    assert [column[0] for column in cursor.description] == ["ticket", "id", "name", "id", "name"]
    assert cursor.fetchall() == [(100, 1, "Ana Lopes", 2, "Olu"), (101, 3, "Chen Yu", 1, "Marta"),
                                 (102, 1, "Ana Lopes", 1, "Marta")]

    execution = athena_execution(athena, JOINED, database, output)
    query_id = execution["QueryExecutionId"]
    result = s3.get_object(Bucket=bucket, Key=f"athena/{query_id}.csv")["Body"].read()
    assert result == (b'"ticket","id","name","id","name"\n"100","1","Ana Lopes","2","Olu"\n'
                      b'"101","3","Chen Yu","1","Marta"\n"102","1","Ana Lopes","1","Marta"\n')
    page = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]
    assert [c["Name"] for c in page["ResultSetMetadata"]["ColumnInfo"]] == ["ticket", "id", "name", "id", "name"]
    assert [c["VarCharValue"] for c in page["Rows"][0]["Data"]] == ["ticket", "id", "name", "id", "name"]

    # `SELECT *` over two tables names every column as its table does, repeats included
    assert athena_rows(athena, "SELECT * FROM customers c JOIN agents a ON c.id = a.id WHERE c.id = 2",
                       database, output) == [["2", "Ben Ode", "NG", "2", "Olu"]]
    star = athena.get_query_results(QueryExecutionId=athena_execution(
        athena, "SELECT * FROM customers c JOIN agents a ON c.id = a.id", database, output)["QueryExecutionId"])
    assert [c["Name"] for c in star["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]] == [
        "id", "name", "country", "id", "name"]

    frame = pyathena_connect(lakebox_server, bucket, database, cursor_class=PandasCursor).cursor().execute(
        "SELECT c.name, count(*) AS tickets FROM tickets t JOIN customers c ON t.customer = c.id "
        "GROUP BY c.name ORDER BY 2 DESC, 1").as_pandas()
    assert frame.values.tolist() == [["Ana Lopes", 2], ["Chen Yu", 1]]

    # kept as a table or a view, the columns need names of their own
    kept = f"s3://{bucket}/reports/ticket_people/"
    assert athena_failure(athena, f"CREATE TABLE ticket_people WITH (format = 'PARQUET', external_location = "
                                  f"'{kept}') AS {JOINED}", database, output) == \
        "DUPLICATE_COLUMN_NAME: line 1:1: Column name 'id' specified more than once"
    assert keys_under(s3, bucket, "reports/") == []
    assert athena_failure(athena, f"CREATE VIEW ticket_people_v AS {JOINED}", database, output) == \
        "DUPLICATE_COLUMN_NAME: line 1:1: Column name 'id' specified more than once"
    assert "ticket_people_v" not in [t["Name"] for t in client("glue").get_tables(DatabaseName=database)["TableList"]]

    aliased = JOINED.replace("c.id, c.name, a.id, a.name", "c.id AS customer_id, c.name AS customer, "
                                                            "a.id AS agent_id, a.name AS agent")
    athena_rows(athena, f"CREATE TABLE ticket_people WITH (format = 'PARQUET', external_location = '{kept}') "
                        f"AS {aliased}", database, output)
    assert athena_rows(athena, "SELECT agent, count(*) FROM ticket_people GROUP BY agent ORDER BY agent",
                       database, output) == [["Marta", "2"], ["Olu", "1"]]
