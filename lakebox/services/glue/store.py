"""Glue state in SQLite.

Catalog objects are kept as the JSON documents Glue returns (timestamps as epoch
seconds), keyed by (account, region, ...) and by lower-cased names, as Glue folds
database and table names to lower case. Partitions carry their values a second time
as a JSON array in `vals`, so an `Expression` filter runs inside SQLite
(`expression.py`) and a page is an index seek on `seq`, an AUTOINCREMENT that also
gives partitions a stable order for NextToken and Segments.
"""
import base64
import datetime
import json

SCHEMA = [
    """CREATE TABLE glue_databases (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account, region, name))""",
    """CREATE TABLE glue_tables (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        db TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account, region, db, name))""",
    """CREATE TABLE glue_table_versions (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        db TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account, region, db, name, version))""",
    """CREATE TABLE glue_partitions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        db TEXT NOT NULL,
        tbl TEXT NOT NULL,
        vals TEXT NOT NULL,
        doc TEXT NOT NULL,
        UNIQUE (account, region, db, tbl, vals))""",
    "CREATE INDEX glue_partitions_by_table ON glue_partitions (account, region, db, tbl, seq)",
    """CREATE TABLE glue_partition_indexes (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        db TEXT NOT NULL,
        tbl TEXT NOT NULL,
        name TEXT NOT NULL,
        keys TEXT NOT NULL,
        PRIMARY KEY (account, region, db, tbl, name))""",
    """CREATE TABLE glue_tags (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        arn TEXT NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (account, region, arn, tag_key))""",
    """CREATE TABLE glue_crawlers (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account, region, name))""",
    """CREATE TABLE glue_crawls (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        crawler TEXT NOT NULL,
        crawl_id TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account, region, crawler, crawl_id))""",
    """CREATE TABLE glue_classifiers (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account, region, name))""",
    """CREATE TABLE glue_objects (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        kind TEXT NOT NULL,
        scope TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account, region, kind, scope, name))""",
    # job runs (job_runs.py): one row per StartJobRun, its JobRun document in `doc`; `state`
    # repeats JobRunState so the runs still going are found without reading documents
    """CREATE TABLE glue_job_runs (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        job TEXT NOT NULL,
        run_id TEXT NOT NULL,
        started_on REAL NOT NULL,
        state TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account, region, job, run_id))""",
    "CREATE INDEX glue_job_runs_by_state ON glue_job_runs (state)",
    # schema registry (schema_versions.py): one row per registered version of a schema
    # (registries and schemas are glue_objects of kinds "registry" and "schema"); `fingerprint`
    # is the definition in canonical form, so a definition is found again by an index seek
    """CREATE TABLE glue_schema_versions (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        schema_arn TEXT NOT NULL,
        version INTEGER NOT NULL,
        version_id TEXT NOT NULL,
        status TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (account, region, schema_arn, version))""",
    "CREATE UNIQUE INDEX glue_schema_versions_by_id ON glue_schema_versions (version_id)",
    "CREATE INDEX glue_schema_versions_by_fingerprint ON glue_schema_versions (account, region, schema_arn, fingerprint)",
]


def _decode(value):
    if len(value) == 1 and "__bytes__" in value:
        return base64.b64decode(value["__bytes__"])
    return value


def _encode(value):
    """Timestamps are kept as epoch seconds (what the serializer takes back), blobs as base64."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": base64.b64encode(value).decode()}
    raise TypeError(f"cannot store {type(value).__name__}")


def _doc(row):
    return json.loads(row["doc"], object_hook=_decode) if row is not None else None


def _dump(doc) -> str:
    return json.dumps(doc, separators=(",", ":"), default=_encode)


# ---------------------------------------------------------------------------
# Databases


def get_database(db, account, region, name):
    return _doc(db.one("SELECT doc FROM glue_databases WHERE account=? AND region=? AND name=?",
                       (account, region, name)))


def put_database(db, account, region, name, doc):
    db.execute("INSERT OR REPLACE INTO glue_databases VALUES (?, ?, ?, ?)", (account, region, name, _dump(doc)))


def databases_after(db, account, region, after, limit):
    rows = db.query("SELECT doc FROM glue_databases WHERE account=? AND region=? AND name>? ORDER BY name LIMIT ?",
                    (account, region, after, limit))
    return [_doc(r) for r in rows]


def delete_database(db, account, region, name):
    """The database with its tables, their versions, partitions and indexes."""
    key = (account, region, name)
    with db.transaction():
        for table in ("glue_partitions", "glue_partition_indexes"):
            db.execute(f"DELETE FROM {table} WHERE account=? AND region=? AND db=?", key)
        db.execute("DELETE FROM glue_table_versions WHERE account=? AND region=? AND db=?", key)
        db.execute("DELETE FROM glue_tables WHERE account=? AND region=? AND db=?", key)
        db.execute("DELETE FROM glue_databases WHERE account=? AND region=? AND name=?", key)
        delete_objects_in(db, account, region, name)


# ---------------------------------------------------------------------------
# Tables


def get_table(db, account, region, database, name):
    return _doc(db.one("SELECT doc FROM glue_tables WHERE account=? AND region=? AND db=? AND name=?",
                       (account, region, database, name)))


def tables_after(db, account, region, database, after, limit):
    rows = db.query("SELECT doc FROM glue_tables WHERE account=? AND region=? AND db=? AND name>? "
                    "ORDER BY name LIMIT ?", (account, region, database, after, limit))
    return [_doc(r) for r in rows]


def all_tables(db, account, region):
    rows = db.query("SELECT doc FROM glue_tables WHERE account=? AND region=? ORDER BY db, name",
                    (account, region))
    return [_doc(r) for r in rows]


def put_table(db, account, region, database, name, version, doc):
    """The table's current document, also kept as table version `version`."""
    text = _dump(doc)
    with db.transaction():
        db.execute("INSERT OR REPLACE INTO glue_tables VALUES (?, ?, ?, ?, ?, ?)",
                   (account, region, database, name, version, text))
        db.execute("INSERT OR REPLACE INTO glue_table_versions VALUES (?, ?, ?, ?, ?, ?)",
                   (account, region, database, name, version, text))


def table_versions(db, account, region, database, name):
    rows = db.query("SELECT version, doc FROM glue_table_versions WHERE account=? AND region=? AND db=? "
                    "AND name=? ORDER BY version DESC", (account, region, database, name))
    return [(r["version"], _doc(r)) for r in rows]


def delete_table_version(db, account, region, database, name, version) -> bool:
    cursor = db.execute("DELETE FROM glue_table_versions WHERE account=? AND region=? AND db=? AND name=? "
                        "AND version=?", (account, region, database, name, version))
    return cursor.rowcount > 0


def delete_table(db, account, region, database, name):
    key = (account, region, database, name)
    with db.transaction():
        db.execute("DELETE FROM glue_partitions WHERE account=? AND region=? AND db=? AND tbl=?", key)
        db.execute("DELETE FROM glue_partition_indexes WHERE account=? AND region=? AND db=? AND tbl=?", key)
        db.execute("DELETE FROM glue_table_versions WHERE account=? AND region=? AND db=? AND name=?", key)
        db.execute("DELETE FROM glue_tables WHERE account=? AND region=? AND db=? AND name=?", key)
        delete_objects_in(db, account, region, f"{database}/{name}")


# ---------------------------------------------------------------------------
# Partitions


def values_key(values) -> str:
    return _dump(list(values))


def get_partition(db, account, region, database, table, values):
    return _doc(db.one("SELECT doc FROM glue_partitions WHERE account=? AND region=? AND db=? AND tbl=? AND vals=?",
                       (account, region, database, table, values_key(values))))


def insert_partitions(db, account, region, database, table, docs):
    db.executemany("INSERT INTO glue_partitions (account, region, db, tbl, vals, doc) VALUES (?, ?, ?, ?, ?, ?)",
                   [(account, region, database, table, values_key(d["Values"]), _dump(d)) for d in docs])


def replace_partition(db, account, region, database, table, old_values, doc):
    """Overwrite a partition, possibly with new values; it keeps its place in the order,
    and the objects kept under it (its column statistics) follow it to its new values."""
    db.execute("UPDATE glue_partitions SET vals=?, doc=? WHERE account=? AND region=? AND db=? AND tbl=? AND vals=?",
               (values_key(doc["Values"]), _dump(doc), account, region, database, table, values_key(old_values)))
    if values_key(doc["Values"]) != values_key(old_values):
        db.execute("UPDATE glue_objects SET scope=? WHERE account=? AND region=? AND scope=?",
                   (partition_scope(database, table, doc["Values"]), account, region,
                    partition_scope(database, table, old_values)))


def delete_partition(db, account, region, database, table, values) -> bool:
    """The partition goes, and the objects kept under it with it (its column statistics)."""
    cursor = db.execute("DELETE FROM glue_partitions WHERE account=? AND region=? AND db=? AND tbl=? AND vals=?",
                        (account, region, database, table, values_key(values)))
    if cursor.rowcount:
        db.execute("DELETE FROM glue_objects WHERE account=? AND region=? AND scope=?",
                   (account, region, partition_scope(database, table, values)))
    return cursor.rowcount > 0


def partition_scope(database, table, values) -> str:
    """The scope of objects kept under one partition of a table."""
    return f"{database}/{table}/{json.dumps(list(values))}"


def partitions_page(db, account, region, database, table, condition, args, after_seq, limit, segment=None,
                    pinned=()):
    """Up to `limit` (seq, doc) after `after_seq` that satisfy the SQL `condition`;
    `segment` (number, total) keeps only that share of the table's partitions.
    `pinned`: values the condition fixes the first keys to, so the lookup seeks the
    (.., vals) index to the partitions that start with them (their JSON text is a prefix
    of `vals`) instead of walking the whole table in `seq` order."""
    where = "account=? AND region=? AND db=? AND tbl=? AND seq>?"
    values = [account, region, database, table, after_seq]
    if pinned:
        prefix = "[" + ",".join(json.dumps(v) for v in pinned)
        where = "account=? AND region=? AND db=? AND tbl=? AND vals>=? AND vals<? AND +seq>?"
        values = [account, region, database, table, prefix, prefix + "\uffff", after_seq]
    if segment is not None:
        where += " AND seq % ? = ?"
        values += [segment[1], segment[0]]
    if condition:
        where += f" AND ({condition})"          # NULL (a missing value) is no match
        values += args
    rows = db.query(f"SELECT seq, doc FROM glue_partitions WHERE {where} ORDER BY seq LIMIT ?", (*values, limit))
    return [(r["seq"], _doc(r)) for r in rows]


# ---------------------------------------------------------------------------
# Partition indexes


def partition_indexes(db, account, region, database, table):
    rows = db.query("SELECT name, keys FROM glue_partition_indexes WHERE account=? AND region=? AND db=? AND tbl=? "
                    "ORDER BY name", (account, region, database, table))
    return [(r["name"], json.loads(r["keys"])) for r in rows]


def put_partition_index(db, account, region, database, table, name, keys):
    db.execute("INSERT INTO glue_partition_indexes VALUES (?, ?, ?, ?, ?, ?)",
               (account, region, database, table, name, _dump(keys)))


def delete_partition_index(db, account, region, database, table, name) -> bool:
    cursor = db.execute("DELETE FROM glue_partition_indexes WHERE account=? AND region=? AND db=? AND tbl=? "
                        "AND name=?", (account, region, database, table, name))
    return cursor.rowcount > 0


# ---------------------------------------------------------------------------
# Tags


def tags(db, account, region, arn) -> dict:
    rows = db.query("SELECT tag_key, tag_value FROM glue_tags WHERE account=? AND region=? AND arn=? ORDER BY tag_key",
                    (account, region, arn))
    return {r["tag_key"]: r["tag_value"] for r in rows}


def put_tags(db, account, region, arn, new_tags: dict):
    db.executemany("INSERT OR REPLACE INTO glue_tags VALUES (?, ?, ?, ?, ?)",
                   [(account, region, arn, k, v) for k, v in new_tags.items()])


def remove_tags(db, account, region, arn, keys):
    db.executemany("DELETE FROM glue_tags WHERE account=? AND region=? AND arn=? AND tag_key=?",
                   [(account, region, arn, k) for k in keys])


def drop_tags(db, account, region, arn):
    db.execute("DELETE FROM glue_tags WHERE account=? AND region=? AND arn=?", (account, region, arn))


# ---------------------------------------------------------------------------
# Named documents: crawlers, classifiers


def get_named(db, kind, account, region, name):
    return _doc(db.one(f"SELECT doc FROM glue_{kind} WHERE account=? AND region=? AND name=?",
                       (account, region, name)))


def put_named(db, kind, account, region, name, doc):
    db.execute(f"INSERT OR REPLACE INTO glue_{kind} VALUES (?, ?, ?, ?)", (account, region, name, _dump(doc)))


def all_named(db, kind, account, region):
    rows = db.query(f"SELECT doc FROM glue_{kind} WHERE account=? AND region=? ORDER BY name", (account, region))
    return [_doc(r) for r in rows]


def every_named(db, kind):
    """(account, region, doc) of every row, all accounts: for scheduler jobs."""
    rows = db.query(f"SELECT account, region, doc FROM glue_{kind}")
    return [(r["account"], r["region"], _doc(r)) for r in rows]


def delete_named(db, kind, account, region, name) -> bool:
    cursor = db.execute(f"DELETE FROM glue_{kind} WHERE account=? AND region=? AND name=?", (account, region, name))
    return cursor.rowcount > 0


# ---------------------------------------------------------------------------
# Crawls (one row per run of a crawler)


def put_crawl(db, account, region, crawler, crawl_id, doc):
    db.execute("INSERT OR REPLACE INTO glue_crawls VALUES (?, ?, ?, ?, ?)",
               (account, region, crawler, crawl_id, _dump(doc)))


def crawls(db, account, region, crawler):
    rows = db.query("SELECT doc FROM glue_crawls WHERE account=? AND region=? AND crawler=?",
                    (account, region, crawler))
    return sorted((_doc(r) for r in rows), key=lambda d: d["StartTime"], reverse=True)


def delete_crawls(db, account, region, crawler):
    db.execute("DELETE FROM glue_crawls WHERE account=? AND region=? AND crawler=?", (account, region, crawler))


# ---------------------------------------------------------------------------
# Other objects, by kind and scope: user-defined functions (scope: database), column
# statistics (scope: database/table[/partition values]), connections, settings


def get_object(db, account, region, kind, scope, name):
    return _doc(db.one("SELECT doc FROM glue_objects WHERE account=? AND region=? AND kind=? AND scope=? AND name=?",
                       (account, region, kind, scope, name)))


def put_object(db, account, region, kind, scope, name, doc):
    db.execute("INSERT OR REPLACE INTO glue_objects VALUES (?, ?, ?, ?, ?, ?)",
               (account, region, kind, scope, name, _dump(doc)))


def objects(db, account, region, kind, scope=None):
    """(scope, name, doc) of every object of a kind, in one scope or all of them."""
    if scope is None:
        rows = db.query("SELECT scope, name, doc FROM glue_objects WHERE account=? AND region=? AND kind=? "
                        "ORDER BY scope, name", (account, region, kind))
    else:
        rows = db.query("SELECT scope, name, doc FROM glue_objects WHERE account=? AND region=? AND kind=? "
                        "AND scope=? ORDER BY name", (account, region, kind, scope))
    return [(r["scope"], r["name"], _doc(r)) for r in rows]


def every_object(db, kind):
    """(account, region, scope, name, doc) of every object of a kind, all accounts: for scheduler jobs."""
    rows = db.query("SELECT account, region, scope, name, doc FROM glue_objects WHERE kind=?", (kind,))
    return [(r["account"], r["region"], r["scope"], r["name"], _doc(r)) for r in rows]


def delete_object(db, account, region, kind, scope, name) -> bool:
    cursor = db.execute("DELETE FROM glue_objects WHERE account=? AND region=? AND kind=? AND scope=? AND name=?",
                        (account, region, kind, scope, name))
    return cursor.rowcount > 0


def delete_objects_in(db, account, region, scope_prefix: str):
    """Every object whose scope is `scope_prefix` or below it (a database's or table's)."""
    db.execute("DELETE FROM glue_objects WHERE account=? AND region=? AND (scope=? OR substr(scope, 1, ?)=?)",
               (account, region, scope_prefix, len(scope_prefix) + 1, scope_prefix + "/"))


# ---------------------------------------------------------------------------
# Job runs (one row per StartJobRun)

ACTIVE_RUN_STATES = ("STARTING", "RUNNING", "STOPPING", "WAITING")


def put_job_run(db, account, region, doc):
    db.execute("INSERT OR REPLACE INTO glue_job_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
               (account, region, doc["JobName"], doc["Id"], doc["StartedOn"], doc["JobRunState"], _dump(doc)))


def get_job_run(db, account, region, job, run_id):
    return _doc(db.one("SELECT doc FROM glue_job_runs WHERE account=? AND region=? AND job=? AND run_id=?",
                       (account, region, job, run_id)))


def job_runs(db, account, region, job):
    """The runs of a job, newest first."""
    rows = db.query("SELECT doc FROM glue_job_runs WHERE account=? AND region=? AND job=? "
                    "ORDER BY started_on DESC, run_id", (account, region, job))
    return [_doc(r) for r in rows]


def active_job_runs(db, account=None, region=None, job=None):
    """(account, region, doc) of the runs not yet ended: of one job, or of every job of every account."""
    marks = ", ".join("?" * len(ACTIVE_RUN_STATES))
    if job is None:
        rows = db.query(f"SELECT account, region, doc FROM glue_job_runs WHERE state IN ({marks})", ACTIVE_RUN_STATES)
    else:
        rows = db.query(f"SELECT account, region, doc FROM glue_job_runs WHERE state IN ({marks}) "
                        "AND account=? AND region=? AND job=?", (*ACTIVE_RUN_STATES, account, region, job))
    return [(r["account"], r["region"], _doc(r)) for r in rows]


# ---------------------------------------------------------------------------
# Schema versions (schema registry)


def put_schema_version(db, account, region, doc, fingerprint):
    db.execute("INSERT OR REPLACE INTO glue_schema_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (account, region, doc["SchemaArn"], doc["VersionNumber"], doc["SchemaVersionId"], doc["Status"],
                fingerprint, _dump(doc)))


def schema_version(db, account, region, schema_arn, version):
    return _doc(db.one("SELECT doc FROM glue_schema_versions WHERE account=? AND region=? AND schema_arn=? "
                       "AND version=?", (account, region, schema_arn, version)))


def schema_version_by_id(db, account, region, version_id):
    return _doc(db.one("SELECT doc FROM glue_schema_versions WHERE account=? AND region=? AND version_id=?",
                       (account, region, version_id)))


def schema_version_by_fingerprint(db, account, region, schema_arn, fingerprint):
    """The oldest version of the schema with this canonical definition (a FAILURE one too)."""
    return _doc(db.one("SELECT doc FROM glue_schema_versions WHERE account=? AND region=? AND schema_arn=? "
                       "AND fingerprint=? ORDER BY version LIMIT 1", (account, region, schema_arn, fingerprint)))


def schema_versions(db, account, region, schema_arn):
    """Every version of the schema, oldest first."""
    rows = db.query("SELECT doc FROM glue_schema_versions WHERE account=? AND region=? AND schema_arn=? "
                    "ORDER BY version", (account, region, schema_arn))
    return [_doc(r) for r in rows]


def delete_schema_versions(db, account, region, schema_arn, versions=None):
    """The given versions of the schema, or all of them."""
    if versions is None:
        db.execute("DELETE FROM glue_schema_versions WHERE account=? AND region=? AND schema_arn=?",
                   (account, region, schema_arn))
        return
    for version in versions:
        db.execute("DELETE FROM glue_schema_versions WHERE account=? AND region=? AND schema_arn=? AND version=?",
                   (account, region, schema_arn, version))
