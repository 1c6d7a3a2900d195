"""Data catalogs: `AwsDataCatalog` (the account's Glue Data Catalog, always there and
never modified) and the catalogs registered with CreateDataCatalog (LAMBDA, HIVE and
GLUE), kept as Athena describes them. lakebox runs no Lambda connector: a registered
catalog is kept, listed, described, updated, tagged and deleted, and queries read the
AwsDataCatalog.

The Parameters a catalog keeps follow the CreateDataCatalog API reference, and what
GetDataCatalog shows of a LAMBDA catalog made with one composite `function` follows the
Athena User Guide's get-data-catalog example: the function stands as both
`metadata-function` and `record-function`, beside `catalog` (the catalog's name)."""
from lakebox.services.athena import errors, model, results, store, tagging

DEFAULT_PAGE = 50
# The parameters each type needs (CreateDataCatalog's Parameters documentation).
_REQUIRED = {"HIVE": ("metadata-function",), "GLUE": ("catalog-id",)}


def _is_default(name: str) -> bool:
    return name.lower() == model.DATA_CATALOG.lower()


def _default_catalog(ctx) -> dict:
    return {"Name": model.DATA_CATALOG, "Description": "AWS Glue Data Catalog", "Type": "GLUE",
            "Parameters": {"catalog-id": ctx.account}}


def _registered_or_error(ctx, name: str) -> dict:
    found = store.get_data_catalog(ctx.state.db, ctx.account, ctx.region, name)
    if found is None:
        raise errors.InvalidRequestException(f"DataCatalog {name} was not found")
    return found


def _refuse_default(name: str):
    if _is_default(name):
        raise errors.InvalidRequestException(f"{model.DATA_CATALOG} is the account's Glue Data Catalog "
                                             "and cannot be modified")


def _parameters(name: str, catalog_type: str, given: dict) -> dict:
    if catalog_type == "FEDERATED":
        raise errors.InvalidRequestException("lakebox does not create FEDERATED data catalogs: they need a Glue "
                                             "connection and a Lambda connector it does not run")
    if catalog_type == "LAMBDA":
        if "function" in given:
            function = given["function"]
            rest = {key: value for key, value in given.items() if key != "function"}
            return {"catalog": name, **rest, "metadata-function": function, "record-function": function}
        needed = ("metadata-function", "record-function")
    else:
        needed = _REQUIRED[catalog_type]
    missing = [key for key in needed if not given.get(key)]
    if missing:
        raise errors.InvalidRequestException(
            f"Parameters of a {catalog_type} data catalog must include {' and '.join(missing)}")
    return {"catalog": name, **given} if catalog_type == "LAMBDA" else dict(given)


def _document(params: dict, name: str) -> dict:
    doc = {"Name": name, "Type": params["Type"],
           "Parameters": _parameters(name, params["Type"], params.get("Parameters") or {})}
    if params.get("Description") is not None:
        doc["Description"] = params["Description"]
    return doc


def create_data_catalog(ctx, params):
    name = params["Name"]
    _refuse_default(name)
    if store.get_data_catalog(ctx.state.db, ctx.account, ctx.region, name) is not None:
        raise errors.InvalidRequestException(f"DataCatalog {name} already exists")
    doc = _document(params, name)
    with ctx.state.db.transaction():
        store.put_data_catalog(ctx.state.db, ctx.account, ctx.region, doc)
        if params.get("Tags"):
            tagging.add_tags(ctx, tagging.data_catalog_arn(ctx, name), params["Tags"])
    return {"DataCatalog": doc}


def get_data_catalog(ctx, params):
    if _is_default(params["Name"]):
        return {"DataCatalog": _default_catalog(ctx)}
    return {"DataCatalog": _registered_or_error(ctx, params["Name"])}


def update_data_catalog(ctx, params):
    _refuse_default(params["Name"])
    current = _registered_or_error(ctx, params["Name"])
    store.put_data_catalog(ctx.state.db, ctx.account, ctx.region, _document(params, current["Name"]))
    return {}


def delete_data_catalog(ctx, params):
    _refuse_default(params["Name"])
    current = _registered_or_error(ctx, params["Name"])
    db = ctx.state.db
    with db.transaction():
        store.delete_data_catalog(db, ctx.account, ctx.region, current["Name"])
        arn = tagging.data_catalog_arn(ctx, current["Name"])
        store.delete_tags(db, ctx.account, ctx.region, arn, list(store.tags(db, ctx.account, ctx.region, arn)))
    return {"DataCatalog": current}


def list_data_catalogs(ctx, params):
    summaries = [{"CatalogName": doc["Name"], "Type": doc["Type"]}
                 for doc in [_default_catalog(ctx), *store.list_data_catalogs(ctx.state.db, ctx.account, ctx.region)]]
    return results.page(summaries, params, "DataCatalogsSummary", DEFAULT_PAGE)

