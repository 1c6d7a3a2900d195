"""Issued STS sessions: the credentials, whose they are, and when they expire.

Access keys are global (not per region), as on AWS.
"""
SCHEMA = [
    """CREATE TABLE sts_sessions (
        access_key TEXT PRIMARY KEY,
        secret_key TEXT NOT NULL,
        session_token TEXT NOT NULL,
        account TEXT NOT NULL,
        arn TEXT NOT NULL,
        user_id TEXT NOT NULL,
        kind TEXT NOT NULL,            -- assumed-role | session | federated
        issued_at REAL NOT NULL,
        expires_at REAL NOT NULL
    )""",
    # session tags (AssumeRole's Tags) as a JSON object: the aws:PrincipalTag/<key> values;
    # the keys of those that pass on to sessions assumed from this one, as a JSON list
    "ALTER TABLE sts_sessions ADD COLUMN tags TEXT",
    "ALTER TABLE sts_sessions ADD COLUMN transitive_tag_keys TEXT",
    # session policies (kit/sessions.py): the inline Policy document as sent, and the
    # managed PolicyArns as a JSON list
    "ALTER TABLE sts_sessions ADD COLUMN policy TEXT",
    "ALTER TABLE sts_sessions ADD COLUMN policy_arns TEXT",
    # AssumeRole's SourceIdentity: set once, it stays with the sessions chained from this one
    "ALTER TABLE sts_sessions ADD COLUMN source_identity TEXT",
]

COLUMNS = ("access_key", "secret_key", "session_token", "account", "arn", "user_id", "kind",
           "issued_at", "expires_at", "tags", "transitive_tag_keys", "policy", "policy_arns", "source_identity")


def save_session(db, session: dict):
    db.execute(f"INSERT INTO sts_sessions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
               tuple(session.get(c) for c in COLUMNS))      # tags and policies are optional


def find_session(db, access_key: str) -> dict | None:
    row = db.one("SELECT * FROM sts_sessions WHERE access_key = ?", (access_key,))
    return dict(row) if row else None
