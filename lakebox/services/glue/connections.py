"""Connections: stored and returned (lakebox opens none of them)."""
from lakebox.services.glue import catalog, store, tagging
from lakebox.services.glue.catalog import in_catalog
from lakebox.services.glue.errors import AlreadyExistsException

KIND = "connection"
GET_CONNECTIONS_MAX = 1000
_SECRETS = ("PASSWORD", "ENCRYPTED_PASSWORD")


def _connection_or_error(ctx, name: str) -> dict:
    return catalog.object_or_error(ctx, KIND, "", name,
                                   f"Connection with name {name} in account {ctx.account} is not found")


def _shown(doc: dict, hide_password: bool) -> dict:
    if not hide_password:
        return doc
    properties = {k: v for k, v in (doc.get("ConnectionProperties") or {}).items() if k not in _SECRETS}
    return dict(doc, ConnectionProperties=properties)


# The connection types of the first schema: Glue answers them with ConnectionSchemaVersion
# 1, no Status, no MatchCriteria unless given, and CreateConnection says nothing (recorded
# from Glue for a JDBC connection: radkawar/stackd testdata/aws/glue/controls_native.json,
# create-connection and get-connection-*); the newer types keep a READY status.
_FIRST_SCHEMA = {"JDBC", "SFTP", "MONGODB", "KAFKA", "NETWORK", "MARKETPLACE", "CUSTOM"}


def _first_schema(connection_input: dict) -> bool:
    return connection_input.get("ConnectionType", "JDBC") in _FIRST_SCHEMA


def _doc(ctx, connection_input: dict, created: float) -> dict:
    doc = dict(connection_input)
    doc.update(CreationTime=created, LastUpdatedTime=ctx.now, LastUpdatedBy=ctx.caller_arn)
    if _first_schema(connection_input):
        doc["ConnectionSchemaVersion"] = 1
    else:
        doc.update(Status="READY")
        doc.setdefault("MatchCriteria", [])
    doc.setdefault("ConnectionProperties", {})
    return doc


def create_connection(ctx, params):
    ctx = in_catalog(ctx, params)
    connection_input = params["ConnectionInput"]
    name = connection_input["Name"]
    if store.get_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name) is not None:
        raise AlreadyExistsException("Connection already exists.")
    tagging.check_tags(params.get("Tags") or {})
    with ctx.state.db.transaction():
        store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name, _doc(ctx, connection_input, ctx.now))
        tagging.tag_new(ctx, catalog.arn(ctx, "connection", name), params.get("Tags"))
    return {} if _first_schema(connection_input) else {"CreateConnectionStatus": "READY"}


def get_connection(ctx, params):
    ctx = in_catalog(ctx, params)
    return {"Connection": _shown(_connection_or_error(ctx, params["Name"]), bool(params.get("HidePassword")))}


def get_connections(ctx, params):
    ctx = in_catalog(ctx, params)
    wanted = params.get("Filter") or {}
    docs = []
    for _, _, doc in store.objects(ctx.state.db, ctx.account, ctx.region, KIND, ""):
        if wanted.get("ConnectionType") and doc.get("ConnectionType") != wanted["ConnectionType"]:
            continue
        if wanted.get("MatchCriteria") and not set(wanted["MatchCriteria"]) <= set(doc.get("MatchCriteria") or []):
            continue
        docs.append(_shown(doc, bool(params.get("HidePassword"))))
    page, token = catalog.list_page(docs, params, GET_CONNECTIONS_MAX, key=catalog.name_of)
    return {"ConnectionList": page, "NextToken": token}


def update_connection(ctx, params):
    ctx = in_catalog(ctx, params)
    current = _connection_or_error(ctx, params["Name"])
    updated = _doc(ctx, dict(params["ConnectionInput"], Name=current["Name"]), current["CreationTime"])
    store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", current["Name"], updated)
    return {}


def delete_connection(ctx, params):
    ctx = in_catalog(ctx, params)
    name = _connection_or_error(ctx, params["ConnectionName"])["Name"]
    store.delete_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name)
    store.drop_tags(ctx.state.db, ctx.account, ctx.region, catalog.arn(ctx, "connection", name))
    return {}


def batch_delete_connection(ctx, params):
    ctx = in_catalog(ctx, params)
    succeeded, errors = [], {}
    for name in params["ConnectionNameList"]:
        if store.delete_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name):
            store.drop_tags(ctx.state.db, ctx.account, ctx.region, catalog.arn(ctx, "connection", name))
            succeeded.append(name)
        else:
            errors[name] = {"ErrorCode": "EntityNotFoundException", "ErrorMessage": f"Connection {name} not found."}
    return {"Succeeded": succeeded, "Errors": errors}
