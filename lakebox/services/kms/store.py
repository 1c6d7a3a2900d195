"""KMS state in SQLite.

Keys are keyed by (account, region, key_id) and carry `uid`, an AUTOINCREMENT
surrogate that is never reused: material, aliases, tags and grants hang off it, so a
deleted key's leftovers can never attach to another key.

Key material (AES keys, HMAC keys, PKCS#8 private keys) is stored here in the clear.
lakebox is a local emulator: the data directory is the "HSM", and anyone who can read
it can read every key. Never point real secrets at it.

A key's state is derived, not stored: `deletion_ms` set means PendingDeletion (until
the clock passes it, then the key is gone and the deletion job removes its rows),
else `enabled` says Enabled or Disabled. `replica_wait_days` set means a multi-Region
primary waiting for its replicas' deletion (PendingReplicaDeletion): its `deletion_ms`
is then unset until every replica has a deletion date, and the last of them plus the
waiting period after that.
"""
import json

SCHEMA = [
    """CREATE TABLE kms_keys (
        uid INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        key_id TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        description TEXT NOT NULL,
        key_usage TEXT NOT NULL,
        key_spec TEXT NOT NULL,
        origin TEXT NOT NULL,
        key_manager TEXT NOT NULL,
        multi_region INTEGER NOT NULL,
        enabled INTEGER NOT NULL,
        deletion_ms INTEGER,
        policy TEXT NOT NULL,
        current_version INTEGER NOT NULL,
        rotation_days INTEGER,
        next_rotation_ms INTEGER,
        on_demand_rotations INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account, region, key_id))""",
    """CREATE TABLE kms_materials (
        key_uid INTEGER NOT NULL,
        version INTEGER NOT NULL,
        material BLOB NOT NULL,
        material_id TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        rotation_type TEXT,
        PRIMARY KEY (key_uid, version))""",
    """CREATE TABLE kms_aliases (
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        key_uid INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        PRIMARY KEY (account, region, name))""",
    "CREATE INDEX kms_aliases_by_key ON kms_aliases (key_uid)",
    """CREATE TABLE kms_tags (
        key_uid INTEGER NOT NULL,
        tag_key TEXT NOT NULL,
        tag_value TEXT NOT NULL,
        PRIMARY KEY (key_uid, tag_key))""",
    """CREATE TABLE kms_grants (
        grant_id TEXT PRIMARY KEY,
        key_uid INTEGER NOT NULL,
        name TEXT,
        created_ms INTEGER NOT NULL,
        grantee TEXT NOT NULL,
        retiring TEXT,
        operations TEXT NOT NULL,
        grant_constraints TEXT,
        token TEXT NOT NULL UNIQUE)""",
    "CREATE INDEX kms_grants_by_key ON kms_grants (key_uid, created_ms)",
    # Imported key material (Origin EXTERNAL): whether the key has material now, when it
    # expires, and the wrapping key and token GetParametersForImport handed out.
    "ALTER TABLE kms_keys ADD COLUMN material_present INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE kms_keys ADD COLUMN expiration_model TEXT",
    "ALTER TABLE kms_keys ADD COLUMN valid_to_ms INTEGER",
    """CREATE TABLE kms_imports (
        key_uid INTEGER PRIMARY KEY,
        wrapping_key BLOB NOT NULL,
        algorithm TEXT NOT NULL,
        token BLOB NOT NULL,
        valid_to_ms INTEGER NOT NULL)""",
    # Multi-Region keys: the region of the primary key (NULL for single-Region keys);
    # a primary and its replicas are the rows of one account sharing one key id.
    "ALTER TABLE kms_keys ADD COLUMN primary_region TEXT",
    # GetKeyLastUsage: each key's last successful cryptographic operation.
    """CREATE TABLE kms_usage (
        key_uid INTEGER PRIMARY KEY,
        operation TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        request_id TEXT NOT NULL)""",
    # Grants to and retired by AWS service principals (CreateGrant's GranteeServicePrincipal
    # and RetiringServicePrincipal): the principal stays in grantee / retiring.
    "ALTER TABLE kms_grants ADD COLUMN grantee_is_service INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE kms_grants ADD COLUMN retiring_is_service INTEGER NOT NULL DEFAULT 0",
    # A multi-Region primary scheduled for deletion while it has replicas waits for them
    # (PendingReplicaDeletion): its waiting period, in days, starts when the last is deleted.
    "ALTER TABLE kms_keys ADD COLUMN replica_wait_days INTEGER",
    # Imported material of symmetric keys, one row per material: its description, and
    # whether it waits (ImportType NEW_KEY_MATERIAL, state PENDING_ROTATION) for
    # RotateKeyOnDemand to make it current. Deleted material keeps its row, bytes empty.
    "ALTER TABLE kms_materials ADD COLUMN description TEXT",
    "ALTER TABLE kms_materials ADD COLUMN pending INTEGER NOT NULL DEFAULT 0",
    # Each imported material's own ExpirationModel and ValidTo (ListKeyRotations shows them
    # per material); the key's are derived from its permanently associated materials.
    "ALTER TABLE kms_materials ADD COLUMN expiration_model TEXT",
    "ALTER TABLE kms_materials ADD COLUMN valid_to_ms INTEGER",
    "UPDATE kms_materials SET expiration_model=(SELECT expiration_model FROM kms_keys WHERE uid=key_uid), "
    "valid_to_ms=(SELECT valid_to_ms FROM kms_keys WHERE uid=key_uid) WHERE material != x''",
    # RotateKeyOnDemand runs in the background: when the rotation in progress started
    # (GetKeyRotationStatus OnDemandRotationStartDate); the rotation job finishes it.
    "ALTER TABLE kms_keys ADD COLUMN on_demand_started_ms INTEGER",
]
_MATERIAL_COLUMNS = "(key_uid, version, material, material_id, created_ms, rotation_type)"

_KEY_COLUMNS = ("account", "region", "key_id", "created_ms", "description", "key_usage", "key_spec", "origin",
                "key_manager", "multi_region", "enabled", "policy", "current_version", "material_present",
                "primary_region")


# ---------------------------------------------------------------------------
# Keys and their material

# Writes of kms_keys rows so far, in this process: every one goes through this module
# and counts here, so a key row kept in memory under an older count is known to be stale
# (lookup.key_by_id). One count for all databases: another server's write in the same
# process only costs a read.
_key_writes = 0


def key_writes() -> int:
    return _key_writes


def _key_written():
    global _key_writes
    _key_writes += 1


def insert_key(db, material: bytes | None, material_id: str | None, tags: dict, **row) -> int:
    """A new key with its first material (version 1; None for a key whose material will
    be imported) and tags, all in one transaction."""
    row = {"primary_region": None, **row, "material_present": int(material is not None)}
    names = ", ".join(_KEY_COLUMNS)
    marks = ", ".join("?" for _ in _KEY_COLUMNS)
    with db.transaction():
        uid = db.execute(f"INSERT INTO kms_keys ({names}) VALUES ({marks})",
                         tuple(row[c] for c in _KEY_COLUMNS)).lastrowid
        if material is not None:
            db.execute(f"INSERT INTO kms_materials {_MATERIAL_COLUMNS} VALUES (?, 1, ?, ?, ?, NULL)",
                       (uid, material, material_id, row["created_ms"]))
        put_tags(db, uid, tags)
    _key_written()
    return uid


def key_by_id(db, account, region, key_id):
    return db.one("SELECT * FROM kms_keys WHERE account=? AND region=? AND key_id=?", (account, region, key_id))


def key_in_region(db, region, key_id):
    """The key of this id in `region`, whatever its account (ids are random UUIDs)."""
    return db.one("SELECT * FROM kms_keys WHERE region=? AND key_id=? LIMIT 1", (region, key_id))


def key_by_uid(db, uid):
    return db.one("SELECT * FROM kms_keys WHERE uid=?", (uid,))


def keys_after(db, account, region, after_uid, limit):
    return db.query("SELECT * FROM kms_keys WHERE account=? AND region=? AND uid>? ORDER BY uid LIMIT ?",
                    (account, region, after_uid, limit))


def update_key(db, uid, **columns):
    sets = ", ".join(f"{name}=?" for name in columns)
    db.execute(f"UPDATE kms_keys SET {sets} WHERE uid=?", (*columns.values(), uid))
    _key_written()


def material(db, uid, version):
    return db.one("SELECT * FROM kms_materials WHERE key_uid=? AND version=?", (uid, version))


def materials(db, uid):
    return db.query("SELECT * FROM kms_materials WHERE key_uid=? ORDER BY version", (uid,))


def rotate(db, key, new_material: bytes, material_id: str, now_ms: int, rotation_type: str, **columns):
    """Add the next material version, make it current, and update the key, together.
    A multi-Region key's replicas get the same material: they share key material."""
    version = key["current_version"] + 1
    with db.transaction():
        for uid in [r["uid"] for r in related_keys(db, key)] if key["multi_region"] else [key["uid"]]:
            db.execute(f"INSERT INTO kms_materials {_MATERIAL_COLUMNS} VALUES (?, ?, ?, ?, ?, ?)",
                       (uid, version, new_material, material_id, now_ms, rotation_type))
            update_key(db, uid, current_version=version)
        if columns:
            update_key(db, key["uid"], **columns)


def related_keys(db, key):
    """A multi-Region key's primary and replicas (itself included), by region."""
    return db.query("SELECT * FROM kms_keys WHERE account=? AND key_id=? ORDER BY region",
                    (key["account"], key["key_id"]))


def insert_replica(db, primary, region, now_ms, description, policy, tags: dict) -> int:
    """A replica of a multi-Region key in `region`: same id, spec and material."""
    row = {name: primary[name] for name in _KEY_COLUMNS}
    row.update(region=region, created_ms=now_ms, description=description, key_manager="CUSTOMER", enabled=1,
               policy=policy, primary_region=primary["region"])
    names = ", ".join(_KEY_COLUMNS)
    marks = ", ".join("?" for _ in _KEY_COLUMNS)
    with db.transaction():
        uid = db.execute(f"INSERT INTO kms_keys ({names}) VALUES ({marks})",
                         tuple(row[c] for c in _KEY_COLUMNS)).lastrowid
        db.execute("INSERT INTO kms_materials (key_uid, version, material, material_id, created_ms, rotation_type, "
                   "description, pending, expiration_model, valid_to_ms) SELECT ?, version, material, material_id, "
                   "created_ms, rotation_type, description, pending, expiration_model, valid_to_ms "
                   "FROM kms_materials WHERE key_uid=?", (uid, primary["uid"]))
        if primary["origin"] == "EXTERNAL":
            # a replica of imported material lists its primary's materials, each to be
            # imported there (stackd testdata/aws/kms/imports_multi_region.json)
            db.execute("UPDATE kms_materials SET material=x'', expiration_model=NULL, valid_to_ms=NULL "
                       "WHERE key_uid=?", (uid,))
            update_key(db, uid, material_present=0, expiration_model=None, valid_to_ms=None)
        put_tags(db, uid, tags)
    _key_written()
    return uid


def move_primary(db, key, region):
    db.execute("UPDATE kms_keys SET primary_region=? WHERE account=? AND key_id=?",
               (region, key["account"], key["key_id"]))
    _key_written()


def keys_due_for_deletion(db, now_ms, limit):
    return db.query("SELECT * FROM kms_keys WHERE deletion_ms IS NOT NULL AND deletion_ms<=? LIMIT ?",
                    (now_ms, limit))


def next_deletion_ms(db):
    return db.one("SELECT MIN(deletion_ms) AS at FROM kms_keys")["at"]


# Only enabled keys rotate; a disabled key that missed its date rotates once re-enabled.
_ROTATING = "next_rotation_ms IS NOT NULL AND enabled=1 AND deletion_ms IS NULL AND replica_wait_days IS NULL"


def keys_due_for_rotation(db, now_ms, limit):
    return db.query(f"SELECT * FROM kms_keys WHERE {_ROTATING} AND next_rotation_ms<=? LIMIT ?", (now_ms, limit))


def next_rotation_ms(db):
    return db.one(f"SELECT MIN(next_rotation_ms) AS at FROM kms_keys WHERE {_ROTATING}")["at"]


def keys_with_on_demand_due(db, started_before_ms, limit):
    """Keys whose on-demand rotation started at or before `started_before_ms`: a rotation
    in progress finishes whatever the key's state (stackd testdata/aws/kms/rotation.json
    disabled_rotation_poll, deleting_rotation_poll)."""
    return db.query("SELECT * FROM kms_keys WHERE on_demand_started_ms<=? LIMIT ?", (started_before_ms, limit))


def first_on_demand_start_ms(db):
    return db.one("SELECT MIN(on_demand_started_ms) AS at FROM kms_keys")["at"]


def delete_key(db, uid):
    """The key and everything that hangs off it."""
    with db.transaction():
        for table, column in (("kms_materials", "key_uid"), ("kms_aliases", "key_uid"), ("kms_tags", "key_uid"),
                              ("kms_grants", "key_uid"), ("kms_imports", "key_uid"), ("kms_usage", "key_uid"),
                              ("kms_keys", "uid")):
            db.execute(f"DELETE FROM {table} WHERE {column}=?", (uid,))
    _key_written()


# ---------------------------------------------------------------------------
# Imported material


def import_parameters(db, uid):
    return db.one("SELECT * FROM kms_imports WHERE key_uid=?", (uid,))


def put_import_parameters(db, uid, wrapping_key: bytes, algorithm: str, token: bytes, valid_to_ms: int):
    db.execute("INSERT OR REPLACE INTO kms_imports VALUES (?, ?, ?, ?, ?)",
               (uid, wrapping_key, algorithm, token, valid_to_ms))


def import_material(db, uid, version: int, material: bytes, material_id: str, now_ms: int, expiration_model,
                    valid_to_ms, description=None, pending=False):
    """Material `version` of the key is (back) in place with its own expiration: stored,
    its description kept unless a new one is given, the token used up. The key is usable
    again once none of its materials is missing."""
    with db.transaction():
        earlier = db.one("SELECT * FROM kms_materials WHERE key_uid=? AND version=?", (uid, version))
        if earlier is None:
            db.execute(f"INSERT INTO kms_materials {_MATERIAL_COLUMNS[:-1]}, description, pending, expiration_model, "
                       "valid_to_ms) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                       (uid, version, material, material_id, now_ms, description, int(pending), expiration_model,
                        valid_to_ms))
        else:
            db.execute("UPDATE kms_materials SET material=?, description=?, expiration_model=?, valid_to_ms=? "
                       "WHERE key_uid=? AND version=?",
                       (material, description if description is not None else earlier["description"],
                        expiration_model, valid_to_ms, uid, version))
        missing = db.one("SELECT COUNT(*) AS n FROM kms_materials WHERE key_uid=? AND material=x'' AND pending=0",
                         (uid,))["n"]
        update_key(db, uid, material_present=int(not missing), enabled=1, **_key_expiration(db, uid))
        db.execute("DELETE FROM kms_imports WHERE key_uid=?", (uid,))


def _key_expiration(db, uid) -> dict:
    """The key's ExpirationModel and ValidTo, from the materials permanently associated
    with it (not those pending rotation): ValidTo is the earliest of theirs (API
    reference, KeyMetadata ValidTo), the model KEY_MATERIAL_EXPIRES while one expires."""
    rows = db.query("SELECT expiration_model, valid_to_ms FROM kms_materials WHERE key_uid=? AND pending=0 "
                    "AND material != x''", (uid,))
    models = [row["expiration_model"] for row in rows if row["expiration_model"]]
    ends = [row["valid_to_ms"] for row in rows if row["valid_to_ms"] is not None]
    if not models:
        return {"expiration_model": None, "valid_to_ms": None}
    return {"expiration_model": "KEY_MATERIAL_EXPIRES" if ends else "KEY_MATERIAL_DOES_NOT_EXPIRE",
            "valid_to_ms": min(ends) if ends else None}


def add_replica_slots(db, primary, version: int, material_id: str, now_ms: int, description):
    """New material pending rotation on an imported multi-Region primary: each replica
    lists it too, PENDING_IMPORT until it is imported there."""
    for replica in related_keys(db, primary):
        if replica["uid"] != primary["uid"] and material(db, replica["uid"], version) is None:
            db.execute("INSERT INTO kms_materials (key_uid, version, material, material_id, created_ms, "
                       "rotation_type, description, pending) VALUES (?, ?, x'', ?, ?, NULL, ?, 1)",
                       (replica["uid"], version, material_id, now_ms, description))


def forget_pending(db, key, version: int, everywhere: bool):
    """Deleting material pending rotation: on a primary it goes from the primary and its
    replicas; on a replica only the bytes go (it still waits to be imported there)."""
    with db.transaction():
        if everywhere:
            for related in related_keys(db, key):
                db.execute("DELETE FROM kms_materials WHERE key_uid=? AND version=?", (related["uid"], version))
        else:
            db.execute("UPDATE kms_materials SET material=x'', expiration_model=NULL, valid_to_ms=NULL "
                       "WHERE key_uid=? AND version=?", (key["uid"], version))


def forget_material(db, uid, version=None):
    """DeleteImportedKeyMaterial: the bytes go (of one material, or all) with their
    expiration, their id stays (a re-import must match it). Material pending rotation is
    not yet part of the key: it goes altogether, and the key stays usable (API reference,
    RotationsListEntry KeyMaterialState PENDING_ROTATION)."""
    with db.transaction():
        waiting = version is not None and db.one(
            "SELECT 1 FROM kms_materials WHERE key_uid=? AND version=? AND pending=1", (uid, version))
        if waiting:
            db.execute("DELETE FROM kms_materials WHERE key_uid=? AND version=?", (uid, version))
            return
        if version is None:
            db.execute("UPDATE kms_materials SET material=x'', expiration_model=NULL, valid_to_ms=NULL "
                       "WHERE key_uid=?", (uid,))
        else:
            db.execute("UPDATE kms_materials SET material=x'', expiration_model=NULL, valid_to_ms=NULL "
                       "WHERE key_uid=? AND version=?", (uid, version))
        update_key(db, uid, material_present=0, expiration_model=None, valid_to_ms=None)


def promote_material(db, key, version: int, now_ms: int, **columns):
    """RotateKeyOnDemand of a key with imported material: the pending material becomes
    current."""
    with db.transaction():
        for related in related_keys(db, key) if key["multi_region"] else [key]:    # a rotation reaches replicas
            db.execute("UPDATE kms_materials SET pending=0, rotation_type='ON_DEMAND', created_ms=? "
                       "WHERE key_uid=? AND version=?", (now_ms, related["uid"], version))
            update_key(db, related["uid"], current_version=version, **_key_expiration(db, related["uid"]))
        if columns:
            update_key(db, key["uid"], **columns)


# ---------------------------------------------------------------------------
# Last usage


def usage(db, uid):
    return db.one("SELECT * FROM kms_usage WHERE key_uid=?", (uid,))


def put_usage(db, uses):
    """[(key uid, operation, at_ms, request id)]; keys deleted meanwhile are skipped."""
    with db.transaction():
        db.executemany("INSERT OR REPLACE INTO kms_usage SELECT ?1, ?2, ?3, ?4 WHERE EXISTS "
                       "(SELECT 1 FROM kms_keys WHERE uid=?1)", uses)


# ---------------------------------------------------------------------------
# Aliases


def alias(db, account, region, name):
    return db.one("SELECT * FROM kms_aliases WHERE account=? AND region=? AND name=?", (account, region, name))


def aliases_after(db, account, region, after_name, limit, key_uid=None):
    if key_uid is None:
        return db.query("SELECT * FROM kms_aliases WHERE account=? AND region=? AND name>? ORDER BY name LIMIT ?",
                        (account, region, after_name, limit))
    return db.query("SELECT * FROM kms_aliases WHERE key_uid=? AND name>? ORDER BY name LIMIT ?",
                    (key_uid, after_name, limit))


def alias_names_between(db, account, region, low: str, high: str) -> set:
    """The names of the account's aliases in the region from `low` up to (not including) `high`."""
    return {row["name"] for row in db.query("SELECT name FROM kms_aliases WHERE account=? AND region=? AND name>=? "
                                            "AND name<?", (account, region, low, high))}


def insert_alias(db, account, region, name, key_uid, now_ms):
    db.execute("INSERT INTO kms_aliases VALUES (?, ?, ?, ?, ?, ?)", (account, region, name, key_uid, now_ms, now_ms))


def retarget_alias(db, account, region, name, key_uid, now_ms):
    db.execute("UPDATE kms_aliases SET key_uid=?, updated_ms=? WHERE account=? AND region=? AND name=?",
               (key_uid, now_ms, account, region, name))


def delete_alias(db, account, region, name):
    db.execute("DELETE FROM kms_aliases WHERE account=? AND region=? AND name=?", (account, region, name))


# ---------------------------------------------------------------------------
# Tags


def tags(db, uid) -> dict:
    rows = db.query("SELECT tag_key, tag_value FROM kms_tags WHERE key_uid=? ORDER BY tag_key", (uid,))
    return {r["tag_key"]: r["tag_value"] for r in rows}


def put_tags(db, uid, new_tags: dict):
    db.executemany("INSERT OR REPLACE INTO kms_tags VALUES (?, ?, ?)", [(uid, k, v) for k, v in new_tags.items()])


def remove_tags(db, uid, keys):
    db.executemany("DELETE FROM kms_tags WHERE key_uid=? AND tag_key=?", [(uid, k) for k in keys])


# ---------------------------------------------------------------------------
# Grants


def insert_grant(db, grant_id, key_uid, name, created_ms, principals, operations, grant_constraints, token):
    """`principals`: (grantee, grantee is a service, retiring or None, retiring is a service)."""
    grantee, grantee_is_service, retiring, retiring_is_service = principals
    db.execute("INSERT INTO kms_grants (grant_id, key_uid, name, created_ms, grantee, retiring, operations, "
               "grant_constraints, token, grantee_is_service, retiring_is_service) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (grant_id, key_uid, name, created_ms, grantee, retiring, json.dumps(operations),
                json.dumps(grant_constraints) if grant_constraints else None, token,
                int(grantee_is_service), int(retiring_is_service)))


def grant(db, grant_id):
    return db.one("SELECT * FROM kms_grants WHERE grant_id=?", (grant_id,))


def grant_by_token(db, token):
    return db.one("SELECT * FROM kms_grants WHERE token=?", (token,))


def grant_by_name(db, key_uid, name):
    return db.one("SELECT * FROM kms_grants WHERE key_uid=? AND name=?", (key_uid, name))


def grants_of_key(db, key_uid):
    return db.query("SELECT * FROM kms_grants WHERE key_uid=? ORDER BY created_ms, grant_id", (key_uid,))


def grants_retirable_by(db, region, principal, is_service):
    """Grants of keys in `region`, of any account, that `principal` may retire."""
    return db.query("SELECT g.* FROM kms_grants g JOIN kms_keys k ON k.uid=g.key_uid "
                    "WHERE k.region=? AND g.retiring=? AND g.retiring_is_service=? "
                    "ORDER BY g.created_ms, g.grant_id", (region, principal, int(is_service)))


def delete_grant(db, grant_id):
    db.execute("DELETE FROM kms_grants WHERE grant_id=?", (grant_id,))
