"""Databases: create, get, list, update, delete. Deleting a database deletes its tables,
their partitions and versions, as Glue does."""
from lakebox.services.glue import catalog, store, tagging
from lakebox.services.glue.catalog import database_or_error, fold, in_catalog
from lakebox.services.glue.errors import AlreadyExistsException

GET_DATABASES_MAX = 100
# What Glue grants on tables created in a new database unless told otherwise.
DEFAULT_TABLE_PERMISSIONS = [{"Principal": {"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"},
                              "Permissions": ["ALL"]}]


def new_database_doc(ctx, database_input: dict, created: float) -> dict:
    doc = {key: value for key, value in database_input.items() if key != "Name"}
    doc["Name"] = fold(database_input["Name"])
    doc.setdefault("CreateTableDefaultPermissions", DEFAULT_TABLE_PERMISSIONS)
    doc.update(CreateTime=catalog.whole_seconds(created), CatalogId=ctx.account)
    return doc


def create_database(ctx, params):
    ctx = in_catalog(ctx, params)
    database_input = params["DatabaseInput"]
    name = fold(database_input["Name"])
    db = ctx.state.db
    if store.get_database(db, ctx.account, ctx.region, name) is not None:
        raise AlreadyExistsException("Database already exists.")
    tagging.check_tags(params.get("Tags") or {})
    with db.transaction():
        store.put_database(db, ctx.account, ctx.region, name, new_database_doc(ctx, database_input, ctx.now))
        if params.get("Tags"):
            store.put_tags(db, ctx.account, ctx.region, catalog.arn(ctx, "database", name), params["Tags"])
    return {}


def get_database(ctx, params):
    ctx = in_catalog(ctx, params)
    return {"Database": database_or_error(ctx, params["Name"])}


def get_databases(ctx, params):
    ctx = in_catalog(ctx, params)
    after = catalog.decode_token(params.get("NextToken"), "")
    limit = catalog.page_size(params, GET_DATABASES_MAX, GET_DATABASES_MAX)
    rows = store.databases_after(ctx.state.db, ctx.account, ctx.region, str(after), limit + 1)
    page = rows[:limit]
    attributes = params.get("AttributesToGet")
    if attributes:       # only NAME can be asked for; Name is always there
        page = [{"Name": d["Name"]} for d in page]
    result = {"DatabaseList": page}
    if len(rows) > limit:
        result["NextToken"] = catalog.encode_token(page[-1]["Name"])
    return result


def update_database(ctx, params):
    ctx = in_catalog(ctx, params)
    current = database_or_error(ctx, params["Name"])
    # a resource link is followed: the target database is updated (Lake Formation
    # Developer Guide, "Resource link handling in AWS Glue APIs", UpdateDatabase)
    if catalog.linked_database(ctx, current) != current["Name"]:
        current = database_or_error(ctx, catalog.linked_database(ctx, current))
    # The name stays: UpdateDatabase changes what a database holds, not what it is called.
    updated = new_database_doc(ctx, dict(params["DatabaseInput"], Name=current["Name"]), current["CreateTime"])
    store.put_database(ctx.state.db, ctx.account, ctx.region, current["Name"], updated)
    return {}


def delete_database(ctx, params):
    ctx = in_catalog(ctx, params)
    current = database_or_error(ctx, params["Name"])
    db = ctx.state.db
    with db.transaction():
        for table in store.tables_after(db, ctx.account, ctx.region, current["Name"], "", 1 << 62):
            store.drop_tags(db, ctx.account, ctx.region, catalog.arn(ctx, "table", current["Name"], table["Name"]))
        store.delete_database(db, ctx.account, ctx.region, current["Name"])
        store.drop_tags(db, ctx.account, ctx.region, catalog.arn(ctx, "database", current["Name"]))
    return {}
