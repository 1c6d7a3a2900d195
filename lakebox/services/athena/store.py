"""Athena state in SQLite: work groups, query executions (with their figures, so the
history survives a restart), named queries and prepared statements.

A query's static request (query text, context, result configuration, parameters) is
kept as one JSON document; what changes as it runs (state, reason, error, figures) is
in columns of its own.
"""
import json

SCHEMA = [
    """CREATE TABLE athena_workgroups (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        state TEXT NOT NULL,
        description TEXT,
        configuration TEXT NOT NULL,
        created REAL NOT NULL,
        PRIMARY KEY (account, region, name))""",
    """CREATE TABLE athena_queries (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        id TEXT NOT NULL,
        workgroup TEXT NOT NULL,
        client_token TEXT,
        request TEXT NOT NULL,
        statement_type TEXT NOT NULL,
        substatement_type TEXT,
        state TEXT NOT NULL,
        reason TEXT,
        error TEXT,
        submitted REAL NOT NULL,
        completed REAL,
        figures TEXT NOT NULL DEFAULT '{}',
        seq INTEGER NOT NULL,
        PRIMARY KEY (account, region, id))""",
    "CREATE INDEX athena_queries_by_workgroup ON athena_queries (account, region, workgroup, seq)",
    "CREATE INDEX athena_queries_by_token ON athena_queries (account, region, client_token)",
    """CREATE TABLE athena_named_queries (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        id TEXT NOT NULL,
        workgroup TEXT NOT NULL,
        client_token TEXT,
        doc TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (account, region, id))""",
    """CREATE TABLE athena_prepared_statements (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        workgroup TEXT NOT NULL,
        name TEXT NOT NULL,
        query TEXT NOT NULL,
        description TEXT,
        modified REAL NOT NULL,
        PRIMARY KEY (account, region, workgroup, name))""",
    """CREATE TABLE athena_tags (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        arn TEXT NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (account, region, arn, tag_key))""",
    # data catalogs registered with CreateDataCatalog (AwsDataCatalog is not stored);
    # `name_key` is the name in lower case, as Athena names catalogs case-insensitively
    """CREATE TABLE athena_data_catalogs (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name_key TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account, region, name_key))""",
]

ACTIVE = ("QUEUED", "RUNNING")


# ---- work groups -----------------------------------------------------------------

def get_workgroup(db, account, region, name):
    return db.one("SELECT * FROM athena_workgroups WHERE account=? AND region=? AND name=?", (account, region, name))


def put_workgroup(db, account, region, name, state, description, configuration, created):
    db.execute("INSERT OR REPLACE INTO athena_workgroups VALUES (?, ?, ?, ?, ?, ?, ?)",
               (account, region, name, state, description, json.dumps(configuration), created))


def list_workgroups(db, account, region):
    return db.query("SELECT * FROM athena_workgroups WHERE account=? AND region=? ORDER BY name", (account, region))


def workgroup_used(db, account, region, name) -> bool:
    """Whether a work group holds query executions or named queries."""
    return db.one("SELECT EXISTS (SELECT 1 FROM athena_queries WHERE account=? AND region=? AND workgroup=?) "
                  "OR EXISTS (SELECT 1 FROM athena_named_queries WHERE account=? AND region=? AND workgroup=?) AS used",
                  (account, region, name) * 2)["used"] == 1


def delete_workgroup(db, account, region, name):
    """The work group and its contents: named queries, prepared statements, tags, and the
    query executions that have ended."""
    with db.transaction():
        db.execute("DELETE FROM athena_workgroups WHERE account=? AND region=? AND name=?", (account, region, name))
        db.execute("DELETE FROM athena_queries WHERE account=? AND region=? AND workgroup=? AND state NOT IN (?, ?)",
                   (account, region, name) + ACTIVE)
        db.execute("DELETE FROM athena_named_queries WHERE account=? AND region=? AND workgroup=?",
                   (account, region, name))
        db.execute("DELETE FROM athena_prepared_statements WHERE account=? AND region=? AND workgroup=?",
                   (account, region, name))
        db.execute("DELETE FROM athena_tags WHERE account=? AND region=? AND arn LIKE ?",
                   (account, region, f"%:workgroup/{name}"))


# ---- query executions ------------------------------------------------------------

def request_prefix(query: str, context: dict, parameters: list | None) -> str:
    """How a stored request begins (query, context, parameters), for finding an earlier
    run of the same query."""
    return json.dumps({"Query": query, "QueryExecutionContext": context, "ExecutionParameters": parameters})[:-1]


def insert_query(db, account, region, query_id, workgroup, client_token, request, statement_type,
                 substatement_type, state, submitted):
    seq = (db.one("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM athena_queries WHERE account=? AND region=?",
                  (account, region))["n"])
    db.execute("INSERT INTO athena_queries (account, region, id, workgroup, client_token, request, statement_type, "
               "substatement_type, state, submitted, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (account, region, query_id, workgroup, client_token, json.dumps(request), statement_type,
                substatement_type, state, submitted, seq))


def get_query(db, account, region, query_id):
    return db.one("SELECT * FROM athena_queries WHERE account=? AND region=? AND id=?", (account, region, query_id))


def query_by_token(db, account, region, token):
    return db.one("SELECT * FROM athena_queries WHERE account=? AND region=? AND client_token=?",
                  (account, region, token))


def finish_query(db, account, region, query_id, state, completed, reason=None, error=None, figures=None):
    """End a query (only one still active: a stopped query is not overwritten)."""
    return db.execute(
        "UPDATE athena_queries SET state=?, completed=?, reason=?, error=?, figures=? "
        "WHERE account=? AND region=? AND id=? AND state IN ('QUEUED', 'RUNNING')",
        (state, completed, reason, json.dumps(error) if error else None, json.dumps(figures or {}),
         account, region, query_id)).rowcount


def list_queries(db, account, region, workgroup, before_seq, limit):
    return db.query("SELECT * FROM athena_queries WHERE account=? AND region=? AND workgroup=? AND seq < ? "
                    "ORDER BY seq DESC LIMIT ?", (account, region, workgroup, before_seq, limit))


def reusable_queries(db, account, region, workgroup, request_json_prefix, since, limit=20):
    """The latest SUCCEEDED SELECTs of this work group whose request starts the same
    (query text and context) and that ended at or after `since`, newest first."""
    return db.query("SELECT * FROM athena_queries WHERE account=? AND region=? AND workgroup=? AND state='SUCCEEDED' "
                    "AND substatement_type='SELECT' AND completed >= ? AND substr(request, 1, ?) = ? "
                    "ORDER BY seq DESC LIMIT ?",
                    (account, region, workgroup, since, len(request_json_prefix), request_json_prefix, limit))


def active_count(db, account, region) -> int:
    return db.one("SELECT COUNT(*) AS n FROM athena_queries WHERE account=? AND region=? AND state IN (?, ?)",
                  (account, region) + ACTIVE)["n"]


def fail_active(db, completed, reason):
    """At start: a query that was running when the server stopped did not finish."""
    db.execute("UPDATE athena_queries SET state='FAILED', completed=?, reason=? WHERE state IN (?, ?)",
               (completed, reason) + ACTIVE)


# ---- named queries -----------------------------------------------------------------

def insert_named_query(db, account, region, query_id, workgroup, client_token, doc):
    seq = db.one("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM athena_named_queries WHERE account=? AND region=?",
                 (account, region))["n"]
    db.execute("INSERT INTO athena_named_queries VALUES (?, ?, ?, ?, ?, ?, ?)",
               (account, region, query_id, workgroup, client_token, json.dumps(doc), seq))


def get_named_query(db, account, region, query_id):
    return db.one("SELECT * FROM athena_named_queries WHERE account=? AND region=? AND id=?",
                  (account, region, query_id))


def named_query_by_token(db, account, region, token):
    return db.one("SELECT * FROM athena_named_queries WHERE account=? AND region=? AND client_token=?",
                  (account, region, token))


def update_named_query(db, account, region, query_id, doc):
    db.execute("UPDATE athena_named_queries SET doc=? WHERE account=? AND region=? AND id=?",
               (json.dumps(doc), account, region, query_id))


def delete_named_query(db, account, region, query_id):
    db.execute("DELETE FROM athena_named_queries WHERE account=? AND region=? AND id=?", (account, region, query_id))


def list_named_queries(db, account, region, workgroup):
    return db.query("SELECT * FROM athena_named_queries WHERE account=? AND region=? AND workgroup=? ORDER BY seq",
                    (account, region, workgroup))


# ---- prepared statements -----------------------------------------------------------

def get_prepared(db, account, region, workgroup, name):
    return db.one("SELECT * FROM athena_prepared_statements WHERE account=? AND region=? AND workgroup=? AND name=?",
                  (account, region, workgroup, name))


def put_prepared(db, account, region, workgroup, name, query, description, modified):
    db.execute("INSERT OR REPLACE INTO athena_prepared_statements VALUES (?, ?, ?, ?, ?, ?, ?)",
               (account, region, workgroup, name, query, description, modified))


def delete_prepared(db, account, region, workgroup, name):
    db.execute("DELETE FROM athena_prepared_statements WHERE account=? AND region=? AND workgroup=? AND name=?",
               (account, region, workgroup, name))


def list_prepared(db, account, region, workgroup):
    return db.query("SELECT * FROM athena_prepared_statements WHERE account=? AND region=? AND workgroup=? "
                    "ORDER BY name", (account, region, workgroup))


# ---- tags --------------------------------------------------------------------------

def tags(db, account, region, arn) -> dict:
    return {row["tag_key"]: row["tag_value"] for row in db.query(
        "SELECT tag_key, tag_value FROM athena_tags WHERE account=? AND region=? AND arn=? ORDER BY tag_key",
        (account, region, arn))}


def put_tags(db, account, region, arn, pairs: dict):
    with db.transaction():
        for key, value in pairs.items():
            db.execute("INSERT OR REPLACE INTO athena_tags VALUES (?, ?, ?, ?, ?)", (account, region, arn, key, value))


def delete_tags(db, account, region, arn, keys):
    with db.transaction():
        for key in keys:
            db.execute("DELETE FROM athena_tags WHERE account=? AND region=? AND arn=? AND tag_key=?",
                       (account, region, arn, key))


# ---- data catalogs ---------------------------------------------------------------

def get_data_catalog(db, account, region, name) -> dict | None:
    row = db.one("SELECT doc FROM athena_data_catalogs WHERE account=? AND region=? AND name_key=?",
                 (account, region, name.lower()))
    return json.loads(row["doc"]) if row else None


def put_data_catalog(db, account, region, doc: dict):
    db.execute("INSERT OR REPLACE INTO athena_data_catalogs VALUES (?, ?, ?, ?)",
               (account, region, doc["Name"].lower(), json.dumps(doc)))


def delete_data_catalog(db, account, region, name):
    db.execute("DELETE FROM athena_data_catalogs WHERE account=? AND region=? AND name_key=?",
               (account, region, name.lower()))


def list_data_catalogs(db, account, region) -> list[dict]:
    return [json.loads(row["doc"]) for row in db.query(
        "SELECT doc FROM athena_data_catalogs WHERE account=? AND region=? ORDER BY name_key", (account, region))]
