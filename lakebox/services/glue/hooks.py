"""Glue's hooks into the pipeline (the interface is `lakebox/aws/hooks.py`): the Data
Catalog resources a request acts on, for its caller's session policies.

"All operations performed on a Data Catalog resource require permission on the resource
and all the ancestors of that resource" (AWS Glue Developer Guide, "Specifying AWS Glue
resource ARNs"): a table's request is judged on the catalog, its database and the table,
a database's on the catalog and the database, in that order; the first refused names
the resource in the error."""
from lakebox.kit import arns

# Operations that name a database or table as `Name` or in their input structure.
_DATABASE_NAMED = {"GetDatabase": "Name", "DeleteDatabase": "Name", "UpdateDatabase": "Name"}
_TABLE_NAMED = {"GetTable": "Name", "DeleteTable": "Name"}
_TABLE_INPUT = ("CreateTable", "UpdateTable")
# Catalog operations that name no database: judged on the catalog alone.
_CATALOG_ONLY = {"GetDatabases", "SearchTables", "GetCatalogImportStatus", "ImportCatalogToGlue"}


def iam_request(ctx, params):
    """`glue:<Operation>` on the Data Catalog resources it names (a list, root first), or on
    the schema registry's registry and schema it names; requests about other Glue resources
    (crawlers, jobs, ...) leave them unchecked."""
    resources = registry_resources(ctx.operation, params, ctx.account, ctx.region)
    if resources is None:
        resources = catalog_resources(ctx.operation, params, ctx.account, ctx.region)
    return f"glue:{ctx.operation}", resources, None


def registry_resources(operation: str, params: dict, account: str, region: str) -> list[str] | None:
    """The registry and schema ARNs a schema registry request names (the Service
    Authorization Reference gives them as `registry/<name>` and `schema/<registry>/<name>`;
    CreateSchema needs both). A SchemaVersionId alone names neither: None."""
    schema_id, registry_id = params.get("SchemaId"), params.get("RegistryId")
    if operation == "CreateSchema":
        registry = (registry_id or {}).get("RegistryName") or _arn_name(
            (registry_id or {}).get("RegistryArn"), "registry/") or "default-registry"
        return [arns.build("glue", region, account, f"registry/{registry}"),
                arns.build("glue", region, account, f"schema/{registry}/{params.get('SchemaName')}")]
    if isinstance(schema_id, dict):
        if schema_id.get("SchemaArn"):
            return [schema_id["SchemaArn"]]
        registry = schema_id.get("RegistryName") or "default-registry"
        return [arns.build("glue", region, account, f"schema/{registry}/{schema_id.get('SchemaName')}")]
    if isinstance(registry_id, dict) and operation != "ListSchemas":
        return [registry_id.get("RegistryArn") or
                arns.build("glue", region, account, f"registry/{registry_id.get('RegistryName')}")]
    return None


def _arn_name(arn: str | None, prefix: str) -> str | None:
    parsed = arns.parse(arn) if arn else None
    return parsed.resource.removeprefix(prefix) if parsed and parsed.resource.startswith(prefix) else None


def catalog_resources(operation: str, params: dict, account: str, region: str) -> list[str] | None:
    """The ARNs of the catalog, database and table `operation` acts on, or None when it
    acts on no Data Catalog resource."""
    account = params.get("CatalogId") or account
    database, table = _names(operation, params)
    if database is None and operation not in _CATALOG_ONLY:
        return None
    found = [arns.build("glue", region, account, "catalog")]
    if database is not None:
        found.append(arns.build("glue", region, account, f"database/{database}"))
    if table is not None:
        found.append(arns.build("glue", region, account, f"table/{database}/{table}"))
    return found


def _names(operation: str, params: dict) -> tuple[str | None, str | None]:
    """(database, table) a Data Catalog request names, lower-cased as the catalog keeps
    them (and its ARNs name them); None for what it does not name."""
    if "Crawler" in operation:          # a crawler's DatabaseName is where it writes, not what it acts on
        return None, None
    if operation == "CreateDatabase":
        database = (params.get("DatabaseInput") or {}).get("Name")
    else:
        database = params.get("DatabaseName") or params.get(_DATABASE_NAMED.get(operation, ""))
    if operation in _TABLE_INPUT:
        table = (params.get("TableInput") or {}).get("Name")
    else:
        table = params.get("TableName") or params.get(_TABLE_NAMED.get(operation, ""))
    return (database.lower() if database else None), (table.lower() if table else None)
