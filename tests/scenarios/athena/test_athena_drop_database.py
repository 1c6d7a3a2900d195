"""DROP DATABASE as Athena runs it (Hive's rules): a database with tables needs CASCADE;
IF EXISTS makes a missing one no error; the Glue catalog shows the result."""
import uuid

import pytest


@pytest.fixture
def scratch_db(glue):
    name = "scratch_" + uuid.uuid4().hex[:10]
    glue.create_database(DatabaseInput={"Name": name})
    return name


def test_an_empty_database_is_dropped(query, glue, scratch_db):
    query(f"DROP DATABASE {scratch_db}")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_database(Name=scratch_db)


def test_a_database_with_tables_needs_cascade(query, glue, bucket, scratch_db):
    query(f"CREATE EXTERNAL TABLE {scratch_db}.t (a int) LOCATION 's3://{bucket}/t/'")
    execution, _, _ = query(f"DROP DATABASE {scratch_db}", expect="FAILED")
    assert "is not empty" in execution["Status"]["StateChangeReason"]
    assert glue.get_database(Name=scratch_db)["Database"]["Name"] == scratch_db
    query(f"DROP DATABASE {scratch_db} CASCADE")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_database(Name=scratch_db)


def test_if_exists_makes_a_missing_database_no_error(query):
    query("DROP DATABASE IF EXISTS no_such_db_" + uuid.uuid4().hex[:8])
    query("DROP DATABASE no_such_db_" + uuid.uuid4().hex[:8], expect="FAILED")
