"""A reporting service built on pyathena: a Parquet table of tickets (CTAS WITH NO DATA), filled
with INSERT INTO through executemany with pyformat parameters (quotes inside values,
None, dates); read back into pandas with the PandasCursor and into Arrow with the
ArrowCursor (types as Athena reports them); a query kept as a prepared statement
(PREPARE, EXECUTE ... USING, its API view, DEALLOCATE) and as a saved named query run by
id; the mistakes: a statement deallocated, a named query id that does not exist."""
import datetime
import uuid

import pytest

from trip_helpers import KEY, REGION, SECRET, error_of

TICKETS = [
    {"id": 1, "title": "Printer won't start", "opened": datetime.date(2024, 4, 1), "priority": 2, "team": "it"},
    {"id": 2, "title": "VPN drops", "opened": datetime.date(2024, 4, 2), "priority": 1, "team": "net"},
    {"id": 3, "title": "New laptop", "opened": datetime.date(2024, 4, 2), "priority": 3, "team": None},
]


def connect(lakebox_server, bucket, database, **kwargs):
    from pyathena import connect as athena_connect
    return athena_connect(s3_staging_dir=f"s3://{bucket}/staging/", region_name=REGION, schema_name=database,
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                          endpoint_url=lakebox_server.endpoint, **kwargs)


@pytest.fixture
def tickets(lakebox_server, bucket, database):
    cursor = connect(lakebox_server, bucket, database).cursor()
    cursor.execute(f"""CREATE TABLE tickets WITH (format = 'PARQUET', external_location = 's3://{bucket}/tickets/')
                       AS SELECT 0 AS id, 'x' AS title, DATE '2024-01-01' AS opened, 0 AS priority, 'x' AS team
                       WITH NO DATA""")
    cursor.executemany("INSERT INTO tickets VALUES (%(id)d, %(title)s, %(opened)s, %(priority)d, %(team)s)",
                       TICKETS)
    return "tickets"


def test_cursor_kinds_prepared_and_named(lakebox_server, client, bucket, database, tickets, monkeypatch):
    import pyarrow as pa
    import pyarrow.fs as pafs
    from pyathena.arrow.cursor import ArrowCursor
    from pyathena.pandas.cursor import PandasCursor
    athena = client("athena")

    cursor = connect(lakebox_server, bucket, database).cursor()
    cursor.execute("SELECT id, title, team FROM tickets WHERE title = %(title)s", {"title": "Printer won't start"})
    assert cursor.fetchall() == [(1, "Printer won't start", "it")]
    cursor.execute("SELECT count(*) FROM tickets WHERE team IS NULL AND opened = %(day)s",
                   {"day": datetime.date(2024, 4, 2)})
    assert cursor.fetchone() == (1,)

    frame = connect(lakebox_server, bucket, database, cursor_class=PandasCursor).cursor().execute(
        "SELECT id, title, opened, priority, team FROM tickets ORDER BY id").as_pandas()
    assert frame["id"].tolist() == [1, 2, 3]
    assert frame["title"].tolist() == ["Printer won't start", "VPN drops", "New laptop"]
    assert [day.date() for day in frame["opened"]] == [datetime.date(2024, 4, 1), datetime.date(2024, 4, 2),
                                                       datetime.date(2024, 4, 2)]      # parsed as dates
    assert frame["team"].isna().tolist() == [False, False, True]

    if lakebox_server.endpoint:
        # pyathena builds pyarrow's S3FileSystem with no endpoint setting: aim it at lakebox.
        original = pafs.S3FileSystem
        monkeypatch.setattr(pafs, "S3FileSystem",
                            lambda **kwargs: original(endpoint_override=lakebox_server.endpoint, scheme="http", **kwargs))
    table = connect(lakebox_server, bucket, database, cursor_class=ArrowCursor).cursor().execute(
        "SELECT team, count(*) AS open_tickets, min(priority) AS top FROM tickets GROUP BY team "
        "ORDER BY team NULLS LAST").as_arrow()
    assert table.schema.field("open_tickets").type == pa.int64()
    assert table.schema.field("top").type == pa.int32()
    assert table.to_pylist() == [{"team": "it", "open_tickets": 1, "top": 2},
                                 {"team": "net", "open_tickets": 1, "top": 1},
                                 {"team": "", "open_tickets": 1, "top": 3}]    # pyathena reads a NULL text so

    cursor.execute("PREPARE by_priority FROM SELECT id FROM tickets WHERE priority <= ? ORDER BY id")
    prepared = athena.get_prepared_statement(StatementName="by_priority", WorkGroup="primary")["PreparedStatement"]
    assert prepared["QueryStatement"] == "SELECT id FROM tickets WHERE priority <= ? ORDER BY id"
    cursor.execute("EXECUTE by_priority USING 2")
    assert cursor.fetchall() == [(1,), (2,)]
    names = [s["StatementName"] for s in athena.list_prepared_statements(WorkGroup="primary")["PreparedStatements"]]
    assert "by_priority" in names
    cursor.execute("DEALLOCATE PREPARE by_priority")
    code, _ = error_of(athena.get_prepared_statement, StatementName="by_priority", WorkGroup="primary")
    assert code == "ResourceNotFoundException"

    saved = athena.create_named_query(Name=f"urgent-{uuid.uuid4().hex[:6]}", Database=database,
                                      QueryString="SELECT id FROM tickets WHERE priority = 1",
                                      Description="tickets to look at first")["NamedQueryId"]
    try:
        named = athena.get_named_query(NamedQueryId=saved)["NamedQuery"]
        cursor.execute(named["QueryString"])
        assert cursor.fetchall() == [(2,)]
        missing = str(uuid.uuid4())
        batch = athena.batch_get_named_query(NamedQueryIds=[saved, missing])
        assert [q["NamedQueryId"] for q in batch["NamedQueries"]] == [saved]
        assert [(q["NamedQueryId"], q["ErrorCode"]) for q in batch["UnprocessedNamedQueryIds"]] == [
            (missing, "INVALID_INPUT")]
        code, _ = error_of(athena.get_named_query, NamedQueryId=missing)
        assert code == "InvalidRequestException"
    finally:
        athena.delete_named_query(NamedQueryId=saved)
