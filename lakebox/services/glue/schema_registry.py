"""Schema registry: registries and schemas (schema sets). Their versions are in
`schema_versions.py`, the judging of definitions in `schema_compat.py`.

Registries and schemas are `glue_objects` (kinds "registry", scope ""; "schema", scope the
registry's name) keyed by their names as given. A schema created without a RegistryId goes
to the "default-registry", created on first use (API reference, CreateSchema). Times are
ISO-8601 strings, as the model types CreatedTime and UpdatedTime."""
import datetime
import uuid

from lakebox.kit import arns
from lakebox.services.glue import catalog, schema_compat, store, tagging
from lakebox.services.glue.errors import AlreadyExistsException, EntityNotFoundException, InvalidInputException

REGISTRY, SCHEMA = "registry", "schema"
DEFAULT_REGISTRY = "default-registry"
LIST_DEFAULT = 25                    # ListRegistries/ListSchemas/ListSchemaVersions without MaxResults
LIST_MAX = 100


def iso(epoch: float) -> str:
    moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def page(items: list, params, default: int = LIST_DEFAULT, key=None) -> tuple[list, str | None]:
    """A page of `items`; with `key` (their order), one whose token names the last item
    given (catalog.list_page), so that deleting between pages skips none."""
    if key is not None:
        return catalog.list_page(items, params, LIST_MAX, key=key, default=default)
    start = catalog.decode_token(params.get("NextToken"), 0)
    if not isinstance(start, int):
        raise InvalidInputException("Invalid pagination token")
    limit = catalog.page_size(params, default, LIST_MAX)
    token = catalog.encode_token(start + limit) if start + limit < len(items) else None
    return items[start:start + limit], token


# ---------------------------------------------------------------------------
# Finding registries and schemas from RegistryId / SchemaId


def _arn_path(ctx, arn: str, kind: str, parts: int) -> list[str]:
    parsed = arns.parse(arn)
    resource_kind, _, path = parsed.resource.partition("/") if parsed else ("", "", "")
    names = path.split("/") if path else []
    if parsed is None or parsed.service != "glue" or resource_kind != kind or len(names) != parts \
            or not all(names):
        raise InvalidInputException(f"Invalid {'Registry' if kind == REGISTRY else 'Schema'} ARN: {arn}")
    if (parsed.region, parsed.account) != (ctx.region, ctx.account):
        raise EntityNotFoundException("Registry is not found." if kind == REGISTRY else "Schema is not found.")
    return names


def registry_name(ctx, registry_id: dict | None, default: str | None = None) -> str | None:
    """The registry a RegistryId names (by name or ARN, not both), or `default` without one."""
    if not registry_id:
        return default
    name, arn = registry_id.get("RegistryName"), registry_id.get("RegistryArn")
    if bool(name) == bool(arn):
        raise InvalidInputException("One of RegistryName or RegistryArn has to be provided, both cannot be provided.")
    return name if name else _arn_path(ctx, arn, REGISTRY, 1)[0]


def registry_or_error(ctx, name: str, registry_id: dict | None = None) -> dict:
    """The registry, or Glue's not-found words: naming the RegistryId's name and ARN (null
    for the one not given) when the call names a registry, only its name when the registry
    is a schema's (as recorded: radkawar/stackd testdata/aws/glue/registry_complete.json)."""
    if registry_id is None:
        message = f"Registry is not found. RegistryName: {name}"
    else:
        message = (f"Registry is not found. RegistryName: {registry_id.get('RegistryName') or 'null'}, "
                   f"RegistryArn: {registry_id.get('RegistryArn') or 'null'}")
    return catalog.object_or_error(ctx, REGISTRY, "", name, message)


def schema_key(ctx, schema_id: dict | None) -> tuple[str, str]:
    """(registry, schema) a SchemaId names: its SchemaArn, or its SchemaName in its
    RegistryName (the default registry when that is left out)."""
    schema_id = schema_id or {}
    arn, name = schema_id.get("SchemaArn"), schema_id.get("SchemaName")
    if arn and (name or schema_id.get("RegistryName")):
        raise InvalidInputException("One of SchemaArn or SchemaName has to be provided, both cannot be provided.")
    if arn:
        registry, schema = _arn_path(ctx, arn, SCHEMA, 2)
        return registry, schema
    if not name:
        raise InvalidInputException("At least one of SchemaArn or SchemaName has to be provided.")
    return schema_id.get("RegistryName") or DEFAULT_REGISTRY, name


def schema_or_error(ctx, schema_id: dict | None) -> dict:
    """The schema, its registry looked up first; the not-found words name the SchemaId's
    parts (null for those not given)."""
    registry, name = schema_key(ctx, schema_id)
    schema_id = schema_id or {}
    if not schema_id.get("SchemaArn"):
        registry_or_error(ctx, registry)
    message = (f"Schema is not found. RegistryName: {schema_id.get('RegistryName') or 'null'}, "
               f"SchemaName: {schema_id.get('SchemaName') or 'null'}, SchemaArn: {schema_id.get('SchemaArn') or 'null'}")
    return catalog.object_or_error(ctx, SCHEMA, registry, name, message)


def put_schema(ctx, doc: dict):
    store.put_object(ctx.state.db, ctx.account, ctx.region, SCHEMA, doc["RegistryName"], doc["SchemaName"], doc)


# ---------------------------------------------------------------------------
# Registries


def _new_registry(ctx, name: str, description: str | None, tags: dict | None) -> dict:
    doc = {"RegistryName": name, "RegistryArn": catalog.arn(ctx, REGISTRY, name), "Status": "AVAILABLE",
           "CreatedTime": iso(ctx.now), "UpdatedTime": iso(ctx.now)}
    if description is not None:
        doc["Description"] = description
    store.put_object(ctx.state.db, ctx.account, ctx.region, REGISTRY, "", name, doc)
    tagging.tag_new(ctx, doc["RegistryArn"], tags)
    return doc


def create_registry(ctx, params):
    name = params["RegistryName"]
    if store.get_object(ctx.state.db, ctx.account, ctx.region, REGISTRY, "", name) is not None:
        raise AlreadyExistsException(f"Registry already exists. RegistryName: {name}")
    tagging.check_tags(params.get("Tags") or {})
    with ctx.state.db.transaction():
        doc = _new_registry(ctx, name, params.get("Description"), params.get("Tags"))
    return {"RegistryArn": doc["RegistryArn"], "RegistryName": name, "Description": doc.get("Description"),
            "Tags": params.get("Tags") or None}


def get_registry(ctx, params):
    return registry_or_error(ctx, registry_name(ctx, params["RegistryId"]), params["RegistryId"])


def list_registries(ctx, params):
    docs = [doc for _, _, doc in store.objects(ctx.state.db, ctx.account, ctx.region, REGISTRY, "")]
    registries, token = page(docs, params, key=lambda doc: doc["RegistryName"])
    return {"Registries": registries, "NextToken": token}


def update_registry(ctx, params):
    doc = registry_or_error(ctx, registry_name(ctx, params["RegistryId"]), params["RegistryId"])
    doc.update(Description=params["Description"], UpdatedTime=iso(ctx.now))
    store.put_object(ctx.state.db, ctx.account, ctx.region, REGISTRY, "", doc["RegistryName"], doc)
    return {"RegistryName": doc["RegistryName"], "RegistryArn": doc["RegistryArn"]}


def delete_registry(ctx, params):
    """The registry goes with its schemas, their versions and tags (Glue answers DELETING and
    finishes in the background; here it is done before the answer)."""
    doc = registry_or_error(ctx, registry_name(ctx, params["RegistryId"]), params["RegistryId"])
    db = ctx.state.db
    with db.transaction():
        for _, _, schema in store.objects(db, ctx.account, ctx.region, SCHEMA, doc["RegistryName"]):
            _drop_schema(ctx, schema)
        store.delete_object(db, ctx.account, ctx.region, REGISTRY, "", doc["RegistryName"])
        store.drop_tags(db, ctx.account, ctx.region, doc["RegistryArn"])
    return {"RegistryName": doc["RegistryName"], "RegistryArn": doc["RegistryArn"], "Status": "DELETING"}


# ---------------------------------------------------------------------------
# Schemas


def create_schema(ctx, params):
    """Compatibility and SchemaDefinition must be given, whatever the model says (Glue
    refused both left out: radkawar/stackd testdata/aws/glue/registry_complete.json)."""
    if params.get("Compatibility") is None:
        raise InvalidInputException("Compatibility is not valid.")
    definition = params.get("SchemaDefinition")
    if not definition:
        raise InvalidInputException("The resource name contains too many or too few characters. "
                                    "Parameter Name: schemaDefinition")
    registry = registry_name(ctx, params.get("RegistryId"))
    db = ctx.state.db
    if registry is not None:
        registry_doc = registry_or_error(ctx, registry, params["RegistryId"])
    else:
        registry = DEFAULT_REGISTRY
        registry_doc = store.get_object(db, ctx.account, ctx.region, REGISTRY, "", registry)
    name, data_format = params["SchemaName"], params["DataFormat"]
    if store.get_object(db, ctx.account, ctx.region, SCHEMA, registry, name) is not None:
        raise AlreadyExistsException(f"Schema already exists. SchemaName: {name}")
    tagging.check_tags(params.get("Tags") or {})
    try:
        schema_compat.parse(data_format, definition)
    except schema_compat.InvalidDefinition as error:
        raise InvalidInputException(str(error)) from None
    with db.transaction():
        if registry_doc is None:
            registry_doc = _new_registry(ctx, registry, None, None)
        arn = catalog.arn(ctx, SCHEMA, registry, name)
        doc = {"RegistryName": registry, "RegistryArn": registry_doc["RegistryArn"], "SchemaName": name,
               "SchemaArn": arn, "DataFormat": data_format,
               "Compatibility": params["Compatibility"],
               "SchemaCheckpoint": 1, "LatestSchemaVersion": 1,
               "NextSchemaVersion": 2, "SchemaStatus": "AVAILABLE",
               "CreatedTime": iso(ctx.now), "UpdatedTime": iso(ctx.now)}
        if params.get("Description") is not None:
            doc["Description"] = params["Description"]
        put_schema(ctx, doc)
        tagging.tag_new(ctx, arn, params.get("Tags"))
        version = add_version(ctx, doc, 1, definition, "AVAILABLE")
    out = {k: v for k, v in doc.items() if k not in ("CreatedTime", "UpdatedTime")}
    out["Tags"] = params.get("Tags") or None
    out.update(SchemaVersionId=version["SchemaVersionId"], SchemaVersionStatus=version["Status"])
    return out


def get_schema(ctx, params):
    return schema_or_error(ctx, params["SchemaId"])


def list_schemas(ctx, params):
    registry = registry_name(ctx, params.get("RegistryId"))
    if registry is not None:
        registry_or_error(ctx, registry, params["RegistryId"])
    keep = ("RegistryName", "SchemaName", "SchemaArn", "Description", "SchemaStatus", "CreatedTime", "UpdatedTime")
    docs = [{k: doc[k] for k in keep if k in doc}
            for _, _, doc in store.objects(ctx.state.db, ctx.account, ctx.region, SCHEMA, registry)]
    schemas, token = page(docs, params, key=lambda doc: (doc["RegistryName"], doc["SchemaName"]))
    return {"Schemas": schemas, "NextToken": token}


def update_schema(ctx, params):
    """A new description, or a new compatibility at a checkpoint (VersionNumber needed with
    Compatibility; a checkpoint never goes back). Earlier versions are not judged again."""
    doc = schema_or_error(ctx, params["SchemaId"])
    compatibility, number, description = (params.get("Compatibility"), params.get("SchemaVersionNumber"),
                                          params.get("Description"))
    if compatibility is None and number is None and description is None:
        raise InvalidInputException("At least one of Compatibility, SchemaVersionNumber or Description "
                                    "has to be provided.")
    if compatibility is not None and number is None:
        raise InvalidInputException("Schema version checkpoint is missing.")
    if number is not None:
        version = number_or_error(ctx, doc, number)
        if compatibility is not None and compatibility == doc["Compatibility"]:
            raise InvalidInputException(f"Compatibility is already set to {compatibility}.")
        if version["VersionNumber"] < doc["SchemaCheckpoint"]:
            raise InvalidInputException("The new checkpoint version must be greater than or equal to the "
                                        f"current checkpoint version {doc['SchemaCheckpoint']}.")
        if version["Status"] != "AVAILABLE":
            raise InvalidInputException("The checkpoint version must be in AVAILABLE status.")
        doc["SchemaCheckpoint"] = version["VersionNumber"]
        if compatibility is not None:
            doc["Compatibility"] = compatibility
    if description is not None:
        doc["Description"] = description
    doc["UpdatedTime"] = iso(ctx.now)
    put_schema(ctx, doc)
    return {"SchemaArn": doc["SchemaArn"], "SchemaName": doc["SchemaName"], "RegistryName": doc["RegistryName"]}


def _drop_schema(ctx, doc: dict):
    db = ctx.state.db
    store.delete_schema_versions(db, ctx.account, ctx.region, doc["SchemaArn"])
    store.delete_object(db, ctx.account, ctx.region, SCHEMA, doc["RegistryName"], doc["SchemaName"])
    store.drop_tags(db, ctx.account, ctx.region, doc["SchemaArn"])


def delete_schema(ctx, params):
    doc = schema_or_error(ctx, params["SchemaId"])
    with ctx.state.db.transaction():
        _drop_schema(ctx, doc)
    return {"SchemaArn": doc["SchemaArn"], "SchemaName": doc["SchemaName"], "Status": "DELETING"}


# ---------------------------------------------------------------------------
# Versions, as schemas and their versions both need them


def add_version(ctx, schema: dict, number: int, definition: str, status: str) -> dict:
    """Store version `number` of the schema (call inside a transaction)."""
    doc = {"SchemaVersionId": str(uuid.uuid4()), "SchemaDefinition": definition,
           "DataFormat": schema["DataFormat"], "SchemaArn": schema["SchemaArn"], "VersionNumber": number,
           "Status": status, "CreatedTime": iso(ctx.now), "Metadata": {}}
    store.put_schema_version(ctx.state.db, ctx.account, ctx.region, doc,
                             schema_compat.canonical(schema["DataFormat"], definition))
    return doc


def number_or_error(ctx, schema: dict, number: dict) -> dict:
    """The version a SchemaVersionNumber names (LatestVersion or VersionNumber, not both)."""
    latest, version = number.get("LatestVersion"), number.get("VersionNumber")
    if bool(latest) == (version is not None):
        raise InvalidInputException("One of LatestVersion or VersionNumber has to be provided, "
                                    "both cannot be provided.")
    if latest:
        available = [v["VersionNumber"] for v in store.schema_versions(ctx.state.db, ctx.account, ctx.region,
                                                                         schema["SchemaArn"])
                     if v["Status"] == "AVAILABLE"]
        version = max(available, default=None)
    found = None if version is None else store.schema_version(
        ctx.state.db, ctx.account, ctx.region, schema["SchemaArn"], version)
    if found is None:
        raise EntityNotFoundException("Schema version is not found.")
    return found
