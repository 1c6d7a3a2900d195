"""Glue Data Quality rulesets: DQDL kept by name, parsed when created or updated (a
ruleset DQDL refuses is InvalidInputException with the DQDL parser's words), with the
catalog table they are written for (TargetTable)."""
from lakebox.services.glue import store, tagging
from lakebox.services.glue.catalog import arn, fold, list_page, name_of
from lakebox.services.glue.dq_rules import DqdlError, parse
from lakebox.services.glue.errors import AlreadyExistsException, EntityNotFoundException, InvalidInputException

KIND = "dq_ruleset"


def ruleset_or_error(ctx, name: str) -> dict:
    """The ruleset, or EntityNotFoundException (lakebox's words: no recorded AWS reply)."""
    found = store.get_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name)
    if found is None:
        raise EntityNotFoundException(f"Ruleset {name} not found")
    return found


def parsed(text: str) -> list:
    try:
        return parse(text)
    except DqdlError as error:
        raise InvalidInputException(str(error)) from None


def _target(table: dict | None) -> dict | None:
    if not table:
        return None
    found = {"TableName": fold(table["TableName"]), "DatabaseName": fold(table["DatabaseName"])}
    if table.get("CatalogId"):
        found["CatalogId"] = table["CatalogId"]
    return found


def create_data_quality_ruleset(ctx, params):
    name = params["Name"]
    rules = parsed(params["Ruleset"])
    if params.get("Tags"):
        tagging.check_tags(params["Tags"])
    if store.get_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name) is not None:
        raise AlreadyExistsException(f"Ruleset {name} already exists")
    doc = {"Name": name, "Ruleset": params["Ruleset"], "CreatedOn": ctx.now, "LastModifiedOn": ctx.now,
           "RuleCount": len(rules)}
    for key in ("Description", "DataQualitySecurityConfiguration"):
        if params.get(key) is not None:
            doc[key] = params[key]
    if params.get("TargetTable"):
        doc["TargetTable"] = _target(params["TargetTable"])
    with ctx.state.db.transaction():
        store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name, doc)
        tagging.tag_new(ctx, arn(ctx, "dataQualityRuleset", name), params.get("Tags"))
    return {"Name": name}


def _view(doc: dict) -> dict:
    return {key: doc[key] for key in ("Name", "Description", "Ruleset", "TargetTable", "CreatedOn",
                                      "LastModifiedOn", "RecommendationRunId", "DataQualitySecurityConfiguration")
            if key in doc}


def get_data_quality_ruleset(ctx, params):
    return _view(ruleset_or_error(ctx, params["Name"]))


def update_data_quality_ruleset(ctx, params):
    doc = ruleset_or_error(ctx, params["Name"])
    if params.get("Ruleset") is not None:
        doc["RuleCount"] = len(parsed(params["Ruleset"]))
        doc["Ruleset"] = params["Ruleset"]
    if params.get("Description") is not None:
        doc["Description"] = params["Description"]
    doc["LastModifiedOn"] = ctx.now
    store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", doc["Name"], doc)
    return {key: doc[key] for key in ("Name", "Description", "Ruleset") if key in doc}


def delete_data_quality_ruleset(ctx, params):
    doc = ruleset_or_error(ctx, params["Name"])
    with ctx.state.db.transaction():
        store.delete_object(ctx.state.db, ctx.account, ctx.region, KIND, "", doc["Name"])
        store.drop_tags(ctx.state.db, ctx.account, ctx.region, arn(ctx, "dataQualityRuleset", doc["Name"]))
    return {}


def _matches(doc: dict, wanted: dict) -> bool:
    if wanted.get("Name") and doc["Name"] != wanted["Name"]:
        return False
    if wanted.get("Description") and doc.get("Description") != wanted["Description"]:
        return False
    if wanted.get("TargetTable"):
        target = doc.get("TargetTable") or {}
        want = _target(wanted["TargetTable"])
        if (target.get("DatabaseName"), target.get("TableName")) != (want["DatabaseName"], want["TableName"]):
            return False
    for key, field, before in (("CreatedBefore", "CreatedOn", True), ("CreatedAfter", "CreatedOn", False),
                               ("LastModifiedBefore", "LastModifiedOn", True),
                               ("LastModifiedAfter", "LastModifiedOn", False)):
        if wanted.get(key) is not None:
            moment = wanted[key].timestamp()
            if (doc[field] >= moment) if before else (doc[field] <= moment):
                return False
    return True


def list_data_quality_rulesets(ctx, params):
    wanted = params.get("Filter") or {}
    docs = [doc for _, _, doc in store.objects(ctx.state.db, ctx.account, ctx.region, KIND, "")
            if _matches(doc, wanted)]
    if params.get("Tags"):
        docs = [doc for doc in docs
                if tagging.has_tags(ctx, arn(ctx, "dataQualityRuleset", doc["Name"]), params["Tags"])]
    docs.sort(key=name_of)
    page, token = list_page(docs, params, 1000, key=name_of)
    fields = ("Name", "Description", "CreatedOn", "LastModifiedOn", "TargetTable", "RecommendationRunId", "RuleCount")
    return {"Rulesets": [{key: doc[key] for key in fields if key in doc} for doc in page], "NextToken": token}
