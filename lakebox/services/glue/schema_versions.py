"""Schema registry: versions of a schema, their lookups and their metadata.

A definition registered again (spaced differently or not) answers the version that holds
it. A new version is judged against the schema's compatibility and earlier AVAILABLE
versions from the checkpoint on: the last one (BACKWARD, FORWARD, FULL) or all of them
(*_ALL); one that breaks it is kept with Status FAILURE, as Glue keeps it: its id and number
are answered, it is never compared against afterwards, and while the schema's
LatestSchemaVersion and NextSchemaVersion count it, a LatestVersion lookup names the last
AVAILABLE version (radkawar/stackd testdata/aws/glue/registry_complete.json,
registry_boundaries.json).
DISABLED refuses any version after the first. A lookup by definition finds a version
whatever its status."""
import difflib
import json

from lakebox.services.glue import schema_compat, schema_patch, store
from lakebox.services.glue.errors import (
    AlreadyExistsException, EntityNotFoundException, InvalidInputException, ResourceNumberLimitExceededException)
from lakebox.services.glue.schema_registry import (
    add_version, iso, number_or_error, page, put_schema, schema_or_error)

METADATA_KEYS_MAX = 10               # metadata key-value pairs per schema version (Glue quotas)
_VERSION_FIELDS = ("SchemaVersionId", "SchemaDefinition", "DataFormat", "SchemaArn", "VersionNumber", "Status",
                   "CreatedTime")


def _parsed(data_format: str, definition: str):
    try:
        return schema_compat.parse(data_format, definition)
    except schema_compat.InvalidDefinition as error:
        raise InvalidInputException(str(error)) from None


def register_schema_version(ctx, params):
    schema = schema_or_error(ctx, params["SchemaId"])
    definition, data_format = params["SchemaDefinition"], schema["DataFormat"]
    new = _parsed(data_format, definition)
    db = ctx.state.db
    existing = store.schema_version_by_fingerprint(db, ctx.account, ctx.region, schema["SchemaArn"],
                                                   schema_compat.canonical(data_format, definition))
    if existing is not None:
        return {"SchemaVersionId": existing["SchemaVersionId"], "VersionNumber": existing["VersionNumber"],
                "Status": existing["Status"]}
    versions = store.schema_versions(db, ctx.account, ctx.region, schema["SchemaArn"])
    if schema["Compatibility"] == "DISABLED" and versions:
        raise InvalidInputException(f"Schema {schema['SchemaName']} has Compatibility DISABLED: "
                                    "it takes no version after its first.")
    olders = [_parsed(data_format, v["SchemaDefinition"]) for v in versions
              if v["Status"] == "AVAILABLE" and v["VersionNumber"] >= schema["SchemaCheckpoint"]]
    problem = schema_compat.incompatibility(data_format, schema["Compatibility"], new, olders)
    number = max([schema["NextSchemaVersion"] - 1] + [v["VersionNumber"] for v in versions]) + 1
    with db.transaction():
        version = add_version(ctx, schema, number, definition, "FAILURE" if problem else "AVAILABLE")
        schema.update(LatestSchemaVersion=number, NextSchemaVersion=number + 1, UpdatedTime=iso(ctx.now))
        put_schema(ctx, schema)
    # judging against every version since the checkpoint is Glue's background work: the
    # new version is answered PENDING (radkawar/stackd testdata/aws/glue/registry_boundaries.json)
    status = "PENDING" if schema["Compatibility"].endswith("_ALL") else version["Status"]
    return {"SchemaVersionId": version["SchemaVersionId"], "VersionNumber": number, "Status": status}


def _version_or_error(ctx, params) -> tuple[dict, dict | None]:
    """(version, its schema when named by SchemaId) from SchemaVersionId, or SchemaId with
    SchemaVersionNumber."""
    version_id, number = params.get("SchemaVersionId"), params.get("SchemaVersionNumber")
    if version_id and (params.get("SchemaId") or number):
        raise InvalidInputException("SchemaVersionId and SchemaId cannot both be provided.")
    if version_id:
        found = store.schema_version_by_id(ctx.state.db, ctx.account, ctx.region, version_id)
        if found is None:
            raise EntityNotFoundException("Schema version is not found.")
        return found, None
    if not params.get("SchemaId") or number is None:
        raise InvalidInputException("Either SchemaVersionId or SchemaId with SchemaVersionNumber has to be "
                                    "provided.")
    schema = schema_or_error(ctx, params["SchemaId"])
    return number_or_error(ctx, schema, number), schema


def get_schema_version(ctx, params):
    version, _ = _version_or_error(ctx, params)
    return {k: version[k] for k in _VERSION_FIELDS}


def list_schema_versions(ctx, params):
    schema = schema_or_error(ctx, params["SchemaId"])
    keep = ("SchemaArn", "SchemaVersionId", "VersionNumber", "Status", "CreatedTime")
    docs = [{k: v[k] for k in keep}
            for v in store.schema_versions(ctx.state.db, ctx.account, ctx.region, schema["SchemaArn"])]
    versions, token = page(docs, params, key=lambda doc: (doc["VersionNumber"],))
    return {"Schemas": versions, "NextToken": token}


def get_schema_by_definition(ctx, params):
    schema = schema_or_error(ctx, params["SchemaId"])
    found = store.schema_version_by_fingerprint(
        ctx.state.db, ctx.account, ctx.region, schema["SchemaArn"],
        schema_compat.canonical(schema["DataFormat"], params["SchemaDefinition"]))
    if found is None:
        raise EntityNotFoundException("Schema version is not found.")
    return {k: found[k] for k in ("SchemaVersionId", "SchemaArn", "DataFormat", "Status", "CreatedTime")}


def get_schema_versions_diff(ctx, params):
    """SYNTAX_DIFF: for AVRO and JSON, the JSON Patch (RFC 6902) turning the first definition
    into the second, written compactly, as Glue answered
    (radkawar/stackd testdata/aws/glue/registry_complete.json schema-diff); for PROTOBUF
    (unrecorded) a unified diff of the two texts."""
    schema = schema_or_error(ctx, params["SchemaId"])
    first = number_or_error(ctx, schema, params["FirstSchemaVersionNumber"])
    second = number_or_error(ctx, schema, params["SecondSchemaVersionNumber"])
    if schema["DataFormat"] in ("AVRO", "JSON"):
        patch = schema_patch.diff(json.loads(first["SchemaDefinition"]), json.loads(second["SchemaDefinition"]))
        return {"Diff": json.dumps(patch, separators=(",", ":"), ensure_ascii=False)}
    lines = difflib.unified_diff(first["SchemaDefinition"].splitlines(), second["SchemaDefinition"].splitlines(),
                                 f"version {first['VersionNumber']}", f"version {second['VersionNumber']}",
                                 lineterm="")
    return {"Diff": "\n".join(lines) or None}


def check_schema_version_validity(ctx, params):
    try:
        schema_compat.parse(params["DataFormat"], params["SchemaDefinition"])
    except schema_compat.InvalidDefinition as error:
        return {"Valid": False, "Error": str(error)[:5000]}
    return {"Valid": True}


def _version_numbers(text: str) -> list[int]:
    first, _, last = text.partition("-")
    low, high = int(first), int(last or first)
    if low > high:
        raise InvalidInputException(f"Invalid version range: {text}")
    return list(range(low, high + 1))


def delete_schema_versions(ctx, params):
    """Versions "n" or "n-m": a range holding the checkpoint (or the first version, which only
    DeleteSchema removes) is refused whole; a number with no version is reported in
    SchemaVersionErrors; the others go, with their metadata."""
    schema = schema_or_error(ctx, params["SchemaId"])
    numbers = _version_numbers(params["Versions"])
    if schema["SchemaCheckpoint"] in numbers:
        raise InvalidInputException("Cannot delete checkpoint version.")
    if 1 in numbers:
        raise InvalidInputException("The first schema version can only be deleted by DeleteSchema.")
    db = ctx.state.db
    present = {v["VersionNumber"] for v in store.schema_versions(db, ctx.account, ctx.region, schema["SchemaArn"])}
    errors = [{"VersionNumber": n, "ErrorDetails": {"ErrorCode": "ResourceNotFoundException",
                                                     "ErrorMessage": "Version number not found"}}
              for n in numbers if n not in present]
    doomed = [n for n in numbers if n in present]
    with db.transaction():
        store.delete_schema_versions(db, ctx.account, ctx.region, schema["SchemaArn"], doomed)
        kept = [v["VersionNumber"] for v in store.schema_versions(db, ctx.account, ctx.region, schema["SchemaArn"])]
        schema.update(LatestSchemaVersion=max(kept, default=None), UpdatedTime=iso(ctx.now))
        put_schema(ctx, schema)
    return {"SchemaVersionErrors": errors}


# ---------------------------------------------------------------------------
# Metadata: per version, per key, one or more values (the newest first when read)


def _metadata_target(ctx, params) -> tuple[dict, dict]:
    version, schema = _version_or_error(ctx, params)
    if schema is None:
        registry, _, name = version["SchemaArn"].partition(":schema/")[2].partition("/")
        schema = schema_or_error(ctx, {"SchemaName": name, "RegistryName": registry})
    return version, schema


def _metadata_answer(params, version, schema, key, value) -> dict:
    """Named by SchemaVersionId, Glue answers the version's id with VersionNumber 0 and
    LatestVersion false, naming no schema (radkawar/stackd testdata/aws/glue/registry_complete.json
    put-metadata, remove-metadata-value)."""
    if params.get("SchemaVersionId"):
        return {"LatestVersion": False, "VersionNumber": 0, "SchemaVersionId": version["SchemaVersionId"],
                "MetadataKey": key, "MetadataValue": value}
    return {"SchemaArn": schema["SchemaArn"], "SchemaName": schema["SchemaName"],
            "RegistryName": schema["RegistryName"],
            "LatestVersion": version["VersionNumber"] == schema.get("LatestSchemaVersion"),
            "VersionNumber": version["VersionNumber"], "SchemaVersionId": version["SchemaVersionId"],
            "MetadataKey": key, "MetadataValue": value}


def _save(ctx, version, schema):
    store.put_schema_version(ctx.state.db, ctx.account, ctx.region, version,
                             schema_compat.canonical(schema["DataFormat"], version["SchemaDefinition"]))


def put_schema_version_metadata(ctx, params):
    version, schema = _metadata_target(ctx, params)
    pair = params["MetadataKeyValue"]
    key, value = pair.get("MetadataKey"), pair.get("MetadataValue")
    if not key or not value:
        raise InvalidInputException("MetadataKey and MetadataValue have to be provided.")
    metadata = version.setdefault("Metadata", {})
    values = metadata.get(key, [])
    if any(v["MetadataValue"] == value for v in values):
        raise AlreadyExistsException(f"Resource already exist for schema version id: {version['SchemaVersionId']}, "
                                     f"metadata key: {key}, metadata value: {value}")
    if sum(len(vs) for vs in metadata.values()) >= METADATA_KEYS_MAX:
        raise ResourceNumberLimitExceededException("Number of metadata key-value pairs exceeds the limit of "
                                                   f"{METADATA_KEYS_MAX}.")
    metadata[key] = [{"MetadataValue": value, "CreatedTime": iso(ctx.now)}, *values]
    _save(ctx, version, schema)
    return _metadata_answer(params, version, schema, key, value)


def query_schema_version_metadata(ctx, params):
    version, _ = _version_or_error(ctx, params)
    wanted = params.get("MetadataList") or []
    info = {}
    for key, values in sorted((version.get("Metadata") or {}).items()):
        if wanted and not any(w.get("MetadataKey") == key and (
                not w.get("MetadataValue") or any(v["MetadataValue"] == w["MetadataValue"] for v in values))
                for w in wanted):
            continue
        newest, *others = values
        info[key] = {"MetadataValue": newest["MetadataValue"], "CreatedTime": newest["CreatedTime"],
                     "OtherMetadataValueList": others}
    keys = list(info)
    shown, token = page(keys, params, default=50)
    return {"MetadataInfoMap": {k: info[k] for k in shown}, "SchemaVersionId": version["SchemaVersionId"],
            "NextToken": token}


def remove_schema_version_metadata(ctx, params):
    version, schema = _metadata_target(ctx, params)
    pair = params["MetadataKeyValue"]
    key, value = pair.get("MetadataKey"), pair.get("MetadataValue")
    values = (version.get("Metadata") or {}).get(key, [])
    kept = [v for v in values if v["MetadataValue"] != value]
    if len(kept) == len(values):
        raise EntityNotFoundException("Metadata is not found for the schema version. "
                                      f"SchemaVersionId: {version['SchemaVersionId']} ")
    if kept:
        version["Metadata"][key] = kept
    else:
        del version["Metadata"][key]
    _save(ctx, version, schema)
    return _metadata_answer(params, version, schema, key, value)
