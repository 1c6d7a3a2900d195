"""Tables: create, get, list (with a name pattern), update (keeping table versions),
delete, batch delete, versions."""
import re

from lakebox.services.glue import catalog, partition_indexes, store
from lakebox.services.glue.catalog import database_or_error, fold, in_catalog, table_or_error
from lakebox.services.glue.errors import (
    AlreadyExistsException, ConcurrentModificationException, EntityNotFoundException, InvalidInputException)

GET_TABLES_MAX = 100
TABLE_VERSIONS_MAX = 100
# The table's current version cannot be deleted (recorded from Glue: radkawar/stackd
# testdata/aws/glue/catalog_verified.json, delete-version-2).
LATEST_VERSION = "VersionId cannot be equal to the latest."
_ATTRIBUTES = {"NAME": "Name", "TABLE_TYPE": "TableType"}
# What Glue fills in a table's StorageDescriptor when the input leaves it out (the
# get-tables example of the aws cli's Glue reference: tables created with Columns,
# Location and SerdeInfo only come back with these four).
STORAGE_DEFAULTS = {"Compressed": False, "NumberOfBuckets": 0, "SortColumns": [], "StoredAsSubDirectories": False}


def new_table_doc(ctx, database: str, table_input: dict, created: float, version: int, created_by: str) -> dict:
    _check_partition_keys(table_input)
    doc = {key: value for key, value in table_input.items() if key != "Name"}
    doc.update(Name=fold(table_input["Name"]), DatabaseName=database, CreateTime=catalog.whole_seconds(created),
               UpdateTime=catalog.whole_seconds(ctx.now), CreatedBy=created_by, IsRegisteredWithLakeFormation=False,
               CatalogId=ctx.account, VersionId=str(version), IsMultiDialectView=False, IsMaterializedView=False)
    doc.setdefault("Retention", 0)
    # a table given no partition keys has none in its answer (recorded from Glue:
    # radkawar/stackd testdata/aws/glue/catalog_verified.json, tables-page-one)
    if "PartitionKeys" in table_input:
        doc["PartitionKeys"] = _folded_columns(doc.get("PartitionKeys") or [])
    if isinstance(doc.get("StorageDescriptor"), dict):
        doc["StorageDescriptor"] = {**STORAGE_DEFAULTS, **doc["StorageDescriptor"]}
        if doc["StorageDescriptor"].get("Columns"):
            doc["StorageDescriptor"]["Columns"] = _folded_columns(doc["StorageDescriptor"]["Columns"])
    return doc


def _folded_columns(columns: list) -> list:
    """Glue keeps a table's column and partition-key names in lower case, as it keeps its
    name: `userId` is stored and answered as `userid` (observed against Glue itself:
    apache/flink-connector-aws#206, nasa/cumulus#3953; redpanda-data/docs#1387). Names
    that only differ by case are not refused: they become two columns of one name."""
    return [dict(column, Name=fold(column["Name"])) for column in columns]


def _check_partition_keys(table_input: dict):
    """Glue keeps no column parameters on partition keys and says so (as a client logged
    the reply: apache/incubator-xtable#697)."""
    if any(key.get("Parameters") for key in table_input.get("PartitionKeys") or ()):
        raise InvalidInputException("Parameters not supported for partition columns")


def insert_table(ctx, database_name: str, table_input: dict, index_inputs=()) -> dict:
    """A new table in an existing database (as CreateTable); returns its document."""
    database = catalog.linked_database(ctx, database_or_error(ctx, database_name))
    name = fold(table_input["Name"])
    db = ctx.state.db
    if store.get_table(db, ctx.account, ctx.region, database, name) is not None:
        raise AlreadyExistsException("Table already exists.")
    doc = new_table_doc(ctx, database, table_input, ctx.now, 0, ctx.caller_arn)
    with db.transaction():
        store.put_table(db, ctx.account, ctx.region, database, name, 0, doc)
        for index in index_inputs:
            partition_indexes.add_index(ctx, doc, index)
    return doc


def create_table(ctx, params):
    ctx = in_catalog(ctx, params)
    table_input = params.get("TableInput")
    if table_input is None:
        raise InvalidInputException("TableInput is required")
    if params.get("OpenTableFormatInput"):
        table_input = _iceberg_table_input(ctx, params["DatabaseName"], table_input, params["OpenTableFormatInput"])
    insert_table(ctx, params["DatabaseName"], table_input, params.get("PartitionIndexes") or ())
    return {}


def _iceberg_table_input(ctx, database: str, table_input: dict, open_format: dict) -> dict:
    """CreateTable with `OpenTableFormatInput.IcebergInput`: the table's first Iceberg
    metadata file is written under its location (Athena's writer) and the table is
    registered pointing at it, as Glue does (`table_type=ICEBERG`, `metadata_location`)."""
    # imported here: Athena's modules import Glue's public module in turn
    from lakebox.services.athena import public as athena
    iceberg = open_format.get("IcebergInput")
    if iceberg is None:
        raise InvalidInputException("OpenTableFormatInput requires IcebergInput")
    if iceberg.get("Version", "2") != "2":
        raise InvalidInputException(f"Unsupported Iceberg table version: {iceberg['Version']}")
    database_or_error(ctx, database)
    if store.get_table(ctx.state.db, ctx.account, ctx.region, fold(database), fold(table_input["Name"])):
        raise AlreadyExistsException("Table already exists.")
    sd = table_input.get("StorageDescriptor") or {}
    create = iceberg.get("CreateIcebergTableInput") or {}
    location = create.get("Location") or sd.get("Location")
    if not location:
        raise InvalidInputException("Location is required to create an Iceberg table")
    fields = (create.get("Schema") or {}).get("Fields")
    columns = [(field["Name"], _iceberg_field_type(field)) for field in fields] if fields else \
        [(column["Name"], column.get("Type") or "string") for column in sd.get("Columns") or []]
    partitioning = _partitioning(create.get("PartitionSpec"), fields) + [
        key["Name"] for key in table_input.get("PartitionKeys") or []]
    try:
        metadata_location, columns = athena.create_iceberg_metadata(
            ctx, location, columns, dict(create.get("Properties") or {}), partitioning)
    except athena.IcebergInputError as error:
        raise InvalidInputException(str(error)) from None
    return {**table_input, "TableType": table_input.get("TableType") or "EXTERNAL_TABLE", "PartitionKeys": [],
            "Parameters": {**(table_input.get("Parameters") or {}), "table_type": "ICEBERG",
                           "metadata_location": metadata_location},
            "StorageDescriptor": {**sd, "Location": location.rstrip("/"), "Columns": columns}}


_ICEBERG_TO_HIVE = {"long": "bigint", "int": "int", "string": "string", "double": "double", "float": "float",
                    "boolean": "boolean", "date": "date", "timestamp": "timestamp", "binary": "binary"}


def _iceberg_field_type(field: dict) -> str:
    kind = field.get("Type")
    kind = kind if isinstance(kind, str) else str(kind)
    if kind.startswith("decimal"):
        return kind
    if kind not in _ICEBERG_TO_HIVE:
        raise InvalidInputException(f"Unsupported Iceberg type: {kind}")
    return _ICEBERG_TO_HIVE[kind]


def _partitioning(spec: dict | None, fields: list | None) -> list[str]:
    """An IcebergPartitionSpec as Athena's declarations (`day(ts)`, `bucket(16, id)`)."""
    names = {field["Id"]: field["Name"] for field in fields or []}
    declared = []
    for field in (spec or {}).get("Fields") or []:
        column = names.get(field["SourceId"])
        if column is None:
            raise InvalidInputException(f"Partition source field {field['SourceId']} is not in the schema")
        match = re.fullmatch(r"(\w+)(?:\[(\d+)\])?", field["Transform"])
        if match is None:
            raise InvalidInputException(f"Invalid partition transform: {field['Transform']}")
        transform, width = match.groups()
        declared.append(column if transform == "identity" else
                        f"{transform}({width}, {column})" if width else f"{transform}({column})")
    return declared


def get_table(ctx, params):
    ctx = in_catalog(ctx, params)
    try:
        found = table_or_error(ctx, params["DatabaseName"], params["Name"], follow=False)
    except EntityNotFoundException as missing:
        if missing.message.startswith("Database "):
            raise
        # GetTable's own words for a table that is not there (recorded from Glue:
        # radkawar/stackd catalog_verified.json, get-deleted-table; a Glue Data Quality
        # log of 2025 shows the same for a name that never existed)
        raise EntityNotFoundException("Entity Not Found") from None
    if found["DatabaseName"] != fold(params["DatabaseName"]):    # through a database link: not followed further
        return {"Table": found}
    return {"Table": catalog.link_view(ctx, found)}


def name_matcher(expression: str | None):
    """GetTables' `Expression`: a pattern where `*` is any text and `|` separates
    alternatives, matched against the whole (lower-case) name."""
    if not expression:
        return lambda name: True
    pattern = re.sub(r"(?<!\.)\*", ".*", expression)
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error:
        raise InvalidInputException(f"Invalid table name expression: {expression}") from None
    return lambda name: compiled.fullmatch(name) is not None


def get_tables(ctx, params):
    ctx = in_catalog(ctx, params)
    database_doc = database_or_error(ctx, params["DatabaseName"])
    database = catalog.linked_database(ctx, database_doc)
    # a local database's table links come back with their targets' properties; the
    # table links of a linked database are not followed (Lake Formation Developer Guide,
    # "Resource link handling in AWS Glue APIs", GetTables)
    local = database == database_doc["Name"]
    matches = name_matcher(params.get("Expression"))
    after = str(catalog.decode_token(params.get("NextToken"), ""))
    limit = catalog.page_size(params, GET_TABLES_MAX, GET_TABLES_MAX)
    page, more = [], False
    while not more:
        rows = store.tables_after(ctx.state.db, ctx.account, ctx.region, database, after, 500)
        for doc in rows:
            if not matches(doc["Name"]):
                continue
            if len(page) == limit:
                more = True
                break
            page.append(catalog.link_view(ctx, doc, dangling_ok=True) if local else doc)
        if len(rows) < 500:
            break
        after = rows[-1]["Name"]
    attributes = params.get("AttributesToGet")
    if attributes:       # NAME and TABLE_TYPE: the name is always there
        wanted = {"Name"} | {_ATTRIBUTES[a] for a in attributes if a in _ATTRIBUTES}
        page = [{k: d[k] for k in wanted if k in d} for d in page]
    result = {"TableList": page}
    if more:
        result["NextToken"] = catalog.encode_token(page[-1]["Name"])
    return result


def update_table(ctx, params):
    ctx = in_catalog(ctx, params)
    table_input = params.get("TableInput")
    if table_input is None:      # optional in the model, for open-table-format updates lakebox does not keep
        raise InvalidInputException("TableInput is required")
    ctx, current = catalog.owned_table(ctx, params["DatabaseName"], table_input["Name"], f"glue:{ctx.operation}")
    if params.get("VersionId") is not None and params["VersionId"] != current["VersionId"]:
        raise ConcurrentModificationException("Update table failed due to concurrent modifications.")
    replace_table(ctx, current, table_input, skip_archive=bool(params.get("SkipArchive")))
    return {}


def replace_table(ctx, current: dict, table_input: dict, skip_archive: bool = False) -> dict:
    """The table's next version from `table_input`; the previous one stays a table
    version unless `skip_archive`."""
    version = int(current["VersionId"]) + 1
    doc = new_table_doc(ctx, current["DatabaseName"], dict(table_input, Name=current["Name"]),
                        current["CreateTime"], version, current.get("CreatedBy", ctx.caller_arn))
    db = ctx.state.db
    with db.transaction():
        store.put_table(db, ctx.account, ctx.region, current["DatabaseName"], current["Name"], version, doc)
        if skip_archive:
            store.delete_table_version(db, ctx.account, ctx.region, current["DatabaseName"], current["Name"],
                                       int(current["VersionId"]))
    return doc


def remove_table(ctx, database: str, name: str):
    store.delete_table(ctx.state.db, ctx.account, ctx.region, database, name)
    store.drop_tags(ctx.state.db, ctx.account, ctx.region, catalog.arn(ctx, "table", database, name))


def delete_table(ctx, params):
    ctx = in_catalog(ctx, params)
    current = table_or_error(ctx, params["DatabaseName"], params["Name"], follow=False)
    remove_table(ctx, current["DatabaseName"], current["Name"])
    return {}


def batch_delete_table(ctx, params):
    ctx = in_catalog(ctx, params)
    database = catalog.linked_database(ctx, database_or_error(ctx, params["DatabaseName"]))
    errors = []
    for name in params["TablesToDelete"]:
        if store.get_table(ctx.state.db, ctx.account, ctx.region, database, fold(name)) is None:
            # no full stop, unlike DeleteTable's (recorded from Glue: radkawar/stackd
            # testdata/aws/glue/catalog_verified.json, batch-delete-tables-partial)
            errors.append({"TableName": name, "ErrorDetail": {"ErrorCode": "EntityNotFoundException",
                                                               "ErrorMessage": f"Table {name} not found"}})
            continue
        remove_table(ctx, database, fold(name))
    return {"Errors": errors}


def get_table_versions(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, current = catalog.owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    versions = store.table_versions(ctx.state.db, ctx.account, ctx.region, current["DatabaseName"], current["Name"])
    page, token = catalog.list_page(versions, params, TABLE_VERSIONS_MAX,
                                    key=lambda entry: (-entry[0],))     # newest first
    return {"TableVersions": [{"Table": doc, "VersionId": str(version)} for version, doc in page], "NextToken": token}


def _version_number(text: str) -> int:
    if not text.isdigit():
        raise InvalidInputException(f"Invalid version id: {text}")
    return int(text)


def get_table_version(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, current = catalog.owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    wanted = params.get("VersionId")
    number = int(current["VersionId"]) if wanted is None else _version_number(wanted)
    for version, doc in store.table_versions(ctx.state.db, ctx.account, ctx.region, current["DatabaseName"],
                                             current["Name"]):
        if version == number:
            return {"TableVersion": {"Table": doc, "VersionId": str(version)}}
    # a version the table never reached is "Version not found.", one it had and no longer
    # keeps (deleted, or replaced with SkipArchive) "Table version not found." (recorded
    # from Glue: radkawar/stackd catalog_verified.json, get-version-missing and
    # get-version-one-after-skip)
    if number > int(current["VersionId"]):
        raise EntityNotFoundException("Version not found.")
    raise EntityNotFoundException("Table version not found.")


def delete_table_version(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, current = catalog.owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    number = _version_number(params["VersionId"])
    if number == int(current["VersionId"]):
        raise InvalidInputException(LATEST_VERSION)
    if not store.delete_table_version(ctx.state.db, ctx.account, ctx.region, current["DatabaseName"],
                                      current["Name"], number):
        raise EntityNotFoundException(f"Version {params['VersionId']} of table {params['TableName']} not found.")
    return {}


def batch_delete_table_version(ctx, params):
    ctx = in_catalog(ctx, params)
    ctx, current = catalog.owned_table(ctx, params["DatabaseName"], params["TableName"], f"glue:{ctx.operation}")
    errors = []
    for version in params["VersionIds"]:
        if version.isdigit() and int(version) == int(current["VersionId"]):
            errors.append({"TableName": params["TableName"], "VersionId": version, "ErrorDetail": {
                "ErrorCode": "InvalidInputException", "ErrorMessage": LATEST_VERSION}})
            continue
        gone = version.isdigit() and store.delete_table_version(
            ctx.state.db, ctx.account, ctx.region, current["DatabaseName"], current["Name"], int(version))
        if not gone:
            errors.append({"TableName": params["TableName"], "VersionId": version,
                           "ErrorDetail": {"ErrorCode": "EntityNotFoundException",
                                           "ErrorMessage": f"Version {version} of table {params['TableName']} "
                                                           f"not found."}})
    return {"Errors": errors}
