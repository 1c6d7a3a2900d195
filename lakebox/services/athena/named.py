"""Named queries and prepared statements, both kept per work group."""
import json

from lakebox.services.athena import errors, model, results, store, workgroups
from lakebox.services.athena.statements import SqlSyntaxError, classify


def create_named_query(ctx, params):
    db = ctx.state.db
    token = params.get("ClientRequestToken")
    if token:
        existing = store.named_query_by_token(db, ctx.account, ctx.region, token)
        if existing is not None:
            return {"NamedQueryId": existing["id"]}
    # A disabled work group takes no new named queries (the user guide's "Enable or
    # disable a workgroup"), as it runs no queries.
    group = workgroups.workgroup_or_error(ctx, params.get("WorkGroup") or model.PRIMARY, for_query=True)
    query_id = model.new_query_id()
    doc = {"Name": params["Name"], "Database": params["Database"], "QueryString": params["QueryString"],
           "NamedQueryId": query_id, "WorkGroup": group["name"]}
    if params.get("Description"):
        doc["Description"] = params["Description"]
    store.insert_named_query(db, ctx.account, ctx.region, query_id, group["name"], token, doc)
    return {"NamedQueryId": query_id}


def _named_or_error(ctx, query_id):
    row = store.get_named_query(ctx.state.db, ctx.account, ctx.region, query_id)
    if row is None:
        raise errors.InvalidRequestException(f"NamedQuery {query_id} was not found",
                                             AthenaErrorCode="INVALID_INPUT")
    return row


def get_named_query(ctx, params):
    return {"NamedQuery": json.loads(_named_or_error(ctx, params["NamedQueryId"])["doc"])}


def batch_get_named_query(ctx, params):
    found, missing = [], []
    for query_id in params["NamedQueryIds"]:
        row = store.get_named_query(ctx.state.db, ctx.account, ctx.region, query_id)
        if row is None:
            missing.append({"NamedQueryId": query_id, "ErrorCode": "INVALID_INPUT",
                            "ErrorMessage": f"NamedQuery {query_id} was not found"})
        else:
            found.append(json.loads(row["doc"]))
    return {"NamedQueries": found, "UnprocessedNamedQueryIds": missing}


def list_named_queries(ctx, params):
    group = workgroups.workgroup_or_error(ctx, params.get("WorkGroup") or model.PRIMARY)
    rows = store.list_named_queries(ctx.state.db, ctx.account, ctx.region, group["name"])
    return results.keyed_page(rows, params, "NamedQueryIds", key=lambda row: row["seq"], shown=lambda row: row["id"])


def update_named_query(ctx, params):
    row = _named_or_error(ctx, params["NamedQueryId"])
    doc = json.loads(row["doc"])
    doc.update({"Name": params["Name"], "QueryString": params["QueryString"]})
    if "Description" in params:
        doc["Description"] = params["Description"]
    store.update_named_query(ctx.state.db, ctx.account, ctx.region, row["id"], doc)
    return {}


def delete_named_query(ctx, params):
    row = _named_or_error(ctx, params["NamedQueryId"])
    store.delete_named_query(ctx.state.db, ctx.account, ctx.region, row["id"])
    return {}


# ---- prepared statements -----------------------------------------------------------

def _check_query(sql):
    try:
        classify(sql)
    except SqlSyntaxError as error:
        raise errors.InvalidRequestException(str(error), AthenaErrorCode="MALFORMED_QUERY") from None


def create_prepared_statement(ctx, params):
    group = workgroups.workgroup_or_error(ctx, params["WorkGroup"])
    db = ctx.state.db
    if store.get_prepared(db, ctx.account, ctx.region, group["name"], params["StatementName"]) is not None:
        raise errors.InvalidRequestException(      # trailing space and all (application_verified.json)
            f"Prepared Statement {params['StatementName']} already exists in WorkGroup {group['name']} ")
    _check_query(params["QueryStatement"])
    store.put_prepared(db, ctx.account, ctx.region, group["name"], params["StatementName"],
                       params["QueryStatement"], params.get("Description"), ctx.now)
    return {}


def _prepared_or_error(ctx, workgroup, name, message="Prepared statement {name} was not found"):
    """The statement, or ResourceNotFoundException in the operation's own words (Get's and
    Update's as a capture of real Athena recorded them: radkawar/stackd
    testdata/aws/athena/application_verified.json; Delete's have no record)."""
    group = workgroups.workgroup_or_error(ctx, workgroup)
    row = store.get_prepared(ctx.state.db, ctx.account, ctx.region, group["name"], name)
    if row is None:
        raise errors.ResourceNotFoundException(message.format(name=name, group=group["name"]), ResourceName=name)
    return row


def _prepared_document(row) -> dict:
    doc = {"StatementName": row["name"], "QueryStatement": row["query"], "WorkGroupName": row["workgroup"],
           "LastModifiedTime": row["modified"]}
    if row["description"]:
        doc["Description"] = row["description"]
    return doc


def get_prepared_statement(ctx, params):
    return {"PreparedStatement": _prepared_document(
        _prepared_or_error(ctx, params["WorkGroup"], params["StatementName"],
                           "No Prepared Statement with statement name {name} exists in WorkGroup {group}"))}


def batch_get_prepared_statement(ctx, params):
    group = workgroups.workgroup_or_error(ctx, params["WorkGroup"])
    found, missing = [], []
    for name in params["PreparedStatementNames"]:
        row = store.get_prepared(ctx.state.db, ctx.account, ctx.region, group["name"], name)
        if row is None:
            missing.append({"StatementName": name, "ErrorCode": "INVALID_INPUT",
                            "ErrorMessage": f"Prepared statement {name} was not found"})
        else:
            found.append(_prepared_document(row))
    return {"PreparedStatements": found, "UnprocessedPreparedStatementNames": missing}


def list_prepared_statements(ctx, params):
    group = workgroups.workgroup_or_error(ctx, params["WorkGroup"])
    return {"PreparedStatements": [{"StatementName": row["name"], "LastModifiedTime": row["modified"]}
                                   for row in store.list_prepared(ctx.state.db, ctx.account, ctx.region,
                                                                  group["name"])]}


def update_prepared_statement(ctx, params):
    row = _prepared_or_error(ctx, params["WorkGroup"], params["StatementName"],
                             "Prepared Statement {name} does not exist in WorkGroup {group} ")
    _check_query(params["QueryStatement"])
    store.put_prepared(ctx.state.db, ctx.account, ctx.region, row["workgroup"], row["name"],
                       params["QueryStatement"], params.get("Description", row["description"]), ctx.now)
    return {}


def delete_prepared_statement(ctx, params):
    row = _prepared_or_error(ctx, params["WorkGroup"], params["StatementName"])
    store.delete_prepared(ctx.state.db, ctx.account, ctx.region, row["workgroup"], row["name"])
    return {}
