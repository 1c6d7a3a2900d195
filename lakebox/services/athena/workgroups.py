"""Work groups: `primary` exists in every account and region; Create/Get/List/Update/
Delete with their configuration (result location, enforcement, scan cut-off)."""
import copy
import json

from lakebox.services.athena import errors, model, results, store, tagging


def _ensure_primary(ctx):
    db = ctx.state.db
    if store.get_workgroup(db, ctx.account, ctx.region, model.PRIMARY) is None:
        store.put_workgroup(db, ctx.account, ctx.region, model.PRIMARY, "ENABLED", "",
                            model.default_workgroup_configuration(), ctx.now)


def workgroup_or_error(ctx, name: str, for_query: bool = False):
    _ensure_primary(ctx)
    row = store.get_workgroup(ctx.state.db, ctx.account, ctx.region, name)
    if row is None:
        raise errors.InvalidRequestException("WorkGroup is not found.")
    if for_query and row["state"] == "DISABLED":
        raise errors.InvalidRequestException(f"WorkGroup {name} is disabled.")
    return row


def _document(row) -> dict:
    configuration = json.loads(row["configuration"])
    configuration.setdefault("EnableMinimumEncryptionConfiguration", False)
    doc = {"Name": row["name"], "State": row["state"], "Configuration": configuration,
           "CreationTime": row["created"]}
    if row["description"]:
        doc["Description"] = row["description"]
    return doc


def create_work_group(ctx, params):
    _ensure_primary(ctx)
    db = ctx.state.db
    if store.get_workgroup(db, ctx.account, ctx.region, params["Name"]) is not None:
        raise errors.InvalidRequestException("WorkGroup is already created")
    config = model.new_workgroup_configuration(copy.deepcopy(params.get("Configuration") or {}))
    with db.transaction():
        store.put_workgroup(db, ctx.account, ctx.region, params["Name"], "ENABLED", params.get("Description"),
                            config, ctx.now)
        if params.get("Tags"):
            tagging.add_tags(ctx, tagging.workgroup_arn(ctx, params["Name"]), params["Tags"])
    return {}


def get_work_group(ctx, params):
    return {"WorkGroup": _document(workgroup_or_error(ctx, params["WorkGroup"]))}


def list_work_groups(ctx, params):
    _ensure_primary(ctx)
    rows = store.list_workgroups(ctx.state.db, ctx.account, ctx.region)
    # In name order; a work group without a description is listed with an empty one
    # (GetWorkGroup leaves the member out).
    summaries = [{"Name": row["name"], "State": row["state"], "Description": row["description"] or "",
                  "CreationTime": row["created"],
                  "EngineVersion": json.loads(row["configuration"]).get("EngineVersion", model.ENGINE_VERSION)}
                 for row in sorted(rows, key=lambda row: row["name"])]
    return results.page(summaries, params, "WorkGroups", default=50,
                        malformed="The nextPageToken is malformed: {token}")


def update_work_group(ctx, params):
    row = workgroup_or_error(ctx, params["WorkGroup"])
    config = json.loads(row["configuration"])
    updates = params.get("ConfigurationUpdates") or {}
    for name in ("EnforceWorkGroupConfiguration", "PublishCloudWatchMetricsEnabled", "BytesScannedCutoffPerQuery",
                 "RequesterPaysEnabled", "EngineVersion", "AdditionalConfiguration", "ExecutionRole"):
        if name in updates:
            config[name] = updates[name]
    if "EngineVersion" in updates:
        config["EngineVersion"] = model.engine_version(updates["EngineVersion"])
    if updates.get("RemoveBytesScannedCutoffPerQuery"):
        config.pop("BytesScannedCutoffPerQuery", None)
    result_updates = updates.get("ResultConfigurationUpdates") or {}
    result = config.setdefault("ResultConfiguration", {})
    for name, remove in (("OutputLocation", "RemoveOutputLocation"),
                         ("EncryptionConfiguration", "RemoveEncryptionConfiguration"),
                         ("ExpectedBucketOwner", "RemoveExpectedBucketOwner"),
                         ("AclConfiguration", "RemoveAclConfiguration")):
        if result_updates.get(remove):
            result.pop(name, None)
        elif name in result_updates:
            result[name] = result_updates[name]
    description = params.get("Description", row["description"])
    store.put_workgroup(ctx.state.db, ctx.account, ctx.region, row["name"], params.get("State") or row["state"],
                        description, config, row["created"])
    return {}


def delete_work_group(ctx, params):
    row = workgroup_or_error(ctx, params["WorkGroup"])
    if row["name"] == model.PRIMARY:
        raise errors.InvalidRequestException("Cannot delete primary workgroup")
    # Without RecursiveDeleteOption, a work group that ran queries or keeps named queries
    # stays (the API reference; the words are those CloudFormation users record).
    if not params.get("RecursiveDeleteOption") and store.workgroup_used(ctx.state.db, ctx.account, ctx.region,
                                                                        row["name"]):
        raise errors.InvalidRequestException(f"WorkGroup {row['name']} is not empty")
    store.delete_workgroup(ctx.state.db, ctx.account, ctx.region, row["name"])
    return {}


def list_engine_versions(ctx, params):
    """The engine lakebox runs: Athena engine version 3 (Trino), chosen by AUTO too."""
    return {"EngineVersions": [dict(model.ENGINE_VERSION),
                               {"SelectedEngineVersion": model.ENGINE_VERSION["EffectiveEngineVersion"],
                                "EffectiveEngineVersion": model.ENGINE_VERSION["EffectiveEngineVersion"]}]}
