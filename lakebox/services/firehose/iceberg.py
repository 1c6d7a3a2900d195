"""The Iceberg destination (IcebergDestinationConfiguration): JSON records become rows of
Iceberg tables in the Glue Data Catalog, written as Athena writes them (through Athena's
`public.write_iceberg_rows`), one snapshot per table per flush.

Routing, as the guide's "Route incoming records" pages say: with a single table in
DestinationTableConfigurationList every record is inserted into it; a MetadataExtraction
query (JQ-1.6) giving `destinationDatabaseName`, `destinationTableName` and `operation`
(`insert`, `update`, `delete`), or a Lambda processor's `metadata.otfMetadata` with the
same names, routes each record, and wins over the list. `update` and
`delete` find the rows to replace or remove by the table's UniqueKeys; with `AppendOnly`
every record is inserted. Columns are matched by name, case-insensitively; a timestamp
given as a number is epoch microseconds ("For Timestamp data types, you must always send
in microseconds", the Iceberg destination's supported data types). A record that cannot
be routed, converted or written goes to the S3 error output.

lakebox's error codes for those records have no recorded AWS source: they are named in
the `<Destination>.<Reason>` form of Firehose's other error records.
"""
import datetime
import json

import pyarrow as pa

from lakebox.kit import calls
from lakebox.services.athena import public as athena
from lakebox.services.firehose import convert, processing
from lakebox.services.glue import public as glue

ERROR_TYPE = "iceberg-failed"
ROUTE_KEYS = ("destinationDatabaseName", "destinationTableName", "operation")
OPERATIONS = ("insert", "update", "delete")


def route(records, settings: dict, failures: list) -> list[tuple]:
    """[(database, table, operation, record)] of the records that name (or are given) a table."""
    tables = settings.get("DestinationTableConfigurationList") or []
    routed = []
    for record in records:
        found = {name: record.keys.get(("otfMetadata", name)) or record.keys.get(("partitionKeyFromQuery", name))
                 for name in ROUTE_KEYS}
        database, table = found["destinationDatabaseName"], found["destinationTableName"]
        if database is None or table is None:
            if len(tables) != 1:
                failures.append(processing.Failure(
                    record, ERROR_TYPE, "Iceberg.RoutingInformationMissing",
                    "The record names no destination table: give destinationDatabaseName and "
                    "destinationTableName with a MetadataExtraction query, or configure a single table."))
                continue
            database, table = tables[0]["DestinationDatabaseName"], tables[0]["DestinationTableName"]
        operation = "insert" if settings.get("AppendOnly") else (found["operation"] or "insert")
        routed.append((database, table, operation, record))
    return routed


def deliver(state, stream, settings: dict, routed: list) -> dict:
    """Write the routed records to their tables; the failures of those that could not be,
    by the error prefix of their table (its S3ErrorOutputPrefix, else None)."""
    account, region = stream["account"], stream["region"]
    catalog_arn = (settings.get("CatalogConfiguration") or {}).get("CatalogARN") or ""
    parts = catalog_arn.split(":")
    if len(parts) >= 5:
        region, account = parts[3] or region, parts[4] or account
    ctx = calls.system_context(state, "athena", "StartQueryExecution", account, region)
    configured = {(t["DestinationDatabaseName"], t["DestinationTableName"]): t
                  for t in settings.get("DestinationTableConfigurationList") or []}
    groups = {}
    for database, table, operation, record in routed:
        groups.setdefault((database, table), []).append((operation, record))
    failed = {}
    for (database, name), items in groups.items():
        table_settings = configured.get((database, name)) or {}
        failures = _to_table(ctx, database, name, table_settings.get("UniqueKeys") or [], items)
        if failures:
            failed.setdefault(table_settings.get("S3ErrorOutputPrefix") or None, []).extend(failures)
    return failed


def _failed(items, code: str, message: str) -> list:
    return [processing.Failure(record, ERROR_TYPE, code, message) for _, record in items]


def _to_table(ctx, database: str, name: str, keys: list[str], items: list) -> list:
    failures = [processing.Failure(record, ERROR_TYPE, "Iceberg.InvalidOperation",
                                   f"The operation {operation} is not one of insert, update, delete.")
                for operation, record in items if str(operation).lower() not in OPERATIONS]
    items = [(str(operation).lower(), record) for operation, record in items if str(operation).lower() in OPERATIONS]
    return failures + (_write(ctx, database, name, keys, items) if items else [])


def _write(ctx, database: str, name: str, keys: list[str], items: list) -> list:
    try:
        table = glue.get_table(ctx, database, name)
    except glue.errors.EntityNotFoundException:
        return _failed(items, "Iceberg.NoSuchTable", f"Table {database}.{name} was not found in the Glue Data Catalog.")
    if not keys and any(operation != "insert" for operation, _ in items):
        changing = [(operation, record) for operation, record in items if operation != "insert"]
        items = [(operation, record) for operation, record in items if operation == "insert"]
        failures = _failed(changing, "Iceberg.UniqueKeysMissing",
                           f"Update and delete operations need the UniqueKeys of {database}.{name} in "
                           f"DestinationTableConfigurationList.")
    else:
        failures = []
    schema = pa.schema([f.with_type(pa.timestamp("us")) if pa.types.is_timestamp(f.type) else f
                        for f in convert.schema_of(table)])
    missing = [key for key in keys if key.lower() not in schema.names]
    if missing:
        return failures + _failed(items, "Iceberg.InvalidUniqueKeys",
                                  f"The unique key {missing[0]} is not a column of {database}.{name}.")
    datas = [_micros_as_text(record.data, schema) for _, record in items]
    converted, bad = convert.convert(datas, schema, convert.Deserializer({"OpenXJsonSerDe": {}}))
    refused = dict(bad)
    failures += [processing.Failure(items[i][1], ERROR_TYPE, "Iceberg.MalformedData", message)
                 for i, message in bad]
    good = [item for i, item in enumerate(items) if i not in refused]
    rows, removed = _changes(good, converted.to_pylist(), [key.lower() for key in keys])
    arrow = pa.Table.from_pylist(rows, schema=schema)
    try:
        athena.write_iceberg_rows(ctx, database, name, arrow, [key.lower() for key in keys], removed)
    except athena.IcebergInputError as error:
        return failures + _failed(good, "Iceberg.WriteFailed", str(error))
    return failures


def _changes(items: list, rows: list[dict], keys: list[str]) -> tuple[list[dict], set]:
    """(rows to append, keys of the table's rows to remove) of the records' operations,
    applied in order: an update replaces, a delete removes, the rows with its keys,
    those already in the table and those earlier in this batch."""
    appended, removed = [], set()
    for (operation, _), row in zip(items, rows):
        if operation == "insert":
            appended.append(row)
            continue
        key = tuple(athena.iceberg_key(row[k]) for k in keys)
        removed.add(key)
        appended = [r for r in appended if tuple(athena.iceberg_key(r[k]) for k in keys) != key]
        if operation == "update":
            appended.append(row)
    return appended, removed


def _micros_as_text(data: bytes, schema: pa.Schema) -> bytes:
    """The record with timestamp columns given as epoch microseconds written as text."""
    stamps = [f.name for f in schema if pa.types.is_timestamp(f.type)]
    if not stamps:
        return data
    try:
        document = json.loads(data)
    except ValueError:
        return data
    if not isinstance(document, dict):
        return data
    for key, value in document.items():
        if key.lower() in stamps and isinstance(value, int) and not isinstance(value, bool):
            moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=value)
            document[key] = moment.isoformat(sep=" ")
    return json.dumps(document).encode()
