"""ImportTable, DescribeImport, ListImports: a table made and filled from objects in S3
(through `services/s3/public.py`), as long work on `state.work`.

An import creates the table at once (CREATING) and fills it from every object under the
prefix (DynamoDB JSON, Ion or CSV, read as InputCompressionType says). Lines that are not
items are counted as errors and skipped; an import with any error ends FAILED
(ItemValidationError) with its valid items in the table, as DynamoDB's do. A bucket that
does not exist fails the import (S3NoSuchBucket) without making the table."""
import csv
import gzip
import io
import re
import uuid

import orjson

from lakebox.services.dynamodb import backfill, lookup, sse, store, table_rules
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ImportConflictException, ResourceInUseException, ValidationException
from lakebox.services.dynamodb.exports import LIST_DEFAULT, _fail, _page, _public, _record, _records, _save, _seconds
from lakebox.services.dynamodb.ion import IonError, ion_items
from lakebox.services.dynamodb.model import Table
from lakebox.services.s3 import public as s3

_SUMMARY = ("ImportArn", "ImportStatus", "TableArn", "S3BucketSource", "CloudWatchLogGroupArn", "InputFormat",
            "StartTime", "EndTime")
_IMPORT_ARN = re.compile(r"arn:aws[\w-]*:dynamodb:[\w-]+:\d{12}:table/[\w.-]+/import/[\w-]+")


def import_table(ctx, params):
    source, creation = params["S3BucketSource"], params["TableCreationParameters"]
    fmt = params["InputFormat"]
    if (params.get("InputFormatOptions") or {}).get("Csv") is not None and fmt != "CSV":
        raise ValidationException(f"Invalid Request: Unsupported InputFormatOptions for the given input format: {fmt}.")
    earlier = _replayed(ctx, params)
    if earlier is not None:
        return {"ImportTableDescription": _public(earlier)}
    billing = creation.get("BillingMode", "PROVISIONED")
    table_rules.check_key_schema(creation["KeySchema"])
    table_rules.check_definitions(creation)
    table_rules.check_billing(creation, billing)
    table_rules.check_indexes(creation, billing)
    db = ctx.state.db
    if store.table(db, ctx.account, ctx.region, creation["TableName"]) is not None:
        raise ResourceInUseException(f"Table already exists: {creation['TableName']}")
    now = lookup.now_ms(ctx)
    if not s3.bucket_exists(ctx.state, source["S3Bucket"]):
        return {"ImportTableDescription": _public(_missing_bucket(ctx, params, now))}
    spec = {"KeySchema": creation["KeySchema"], "AttributeDefinitions": creation["AttributeDefinitions"],
            "BillingMode": billing, "billing_set": True, "ready_ms": now, "busy": "CREATING", "restoring": True,
            "backfilling": True, "importing": True}
    if billing == "PROVISIONED":
        spec["ProvisionedThroughput"] = creation["ProvisionedThroughput"]
    if creation.get("GlobalSecondaryIndexes"):
        spec["GlobalSecondaryIndexes"] = [{k: v for k, v in i.items() if k in (
            "IndexName", "KeySchema", "Projection", "ProvisionedThroughput")} for i in creation["GlobalSecondaryIndexes"]]
    if (creation.get("SSESpecification") or {}).get("Enabled"):
        spec["SSEDescription"] = sse.description(ctx, creation["SSESpecification"])
    store.insert_table(db, ctx.account, ctx.region, creation["TableName"], str(uuid.uuid4()), now, spec)
    table = lookup.find(ctx, creation["TableName"])
    arn = f"{lookup.arn_of(table)}/import/{now:014d}-{uuid.uuid4().hex[:8]}"     # 01658528578619-c4d4e311
    record = {"ImportArn": arn, "ImportStatus": "IN_PROGRESS", "TableArn": lookup.arn_of(table),
              "TableId": table.table_id, **_described_request(ctx, params), "StartTime": _seconds(now),
              "account": ctx.account, "region": ctx.region}
    record = {k: v for k, v in record.items() if v is not None}
    _save(ctx.state, record)
    files = [(f.key, f.path) for f in s3.list_objects(ctx.state, source["S3Bucket"], source.get("S3KeyPrefix", ""))
             if f.path]
    state = ctx.state
    state.work.submit("dynamodb", "ImportTable", _read_import, table, files, fmt, params.get("InputFormatOptions") or {},
                      record["InputCompressionType"],
                      commit=lambda result: _finish_import(state, record, table, result),
                      discard=lambda result: _fail(state, record, result))
    return {"ImportTableDescription": _public(record)}


def _replayed(ctx, params):
    """The import a ClientToken replay names: the same one while it runs (DynamoDB
    compares the table name only), ImportConflictException for another table name."""
    token = params.get("ClientToken")
    if not token:
        return None
    name = params["TableCreationParameters"]["TableName"]
    for record in _records(ctx, "import", None):
        if record.get("ClientToken") == token:
            if record["TableCreationParameters"]["TableName"] != name:
                raise ImportConflictException("Import conflict: Duplicate request detected with conflicting parameters")
            if record["ImportStatus"] == "IN_PROGRESS":
                return record
    return None


def _missing_bucket(ctx, params, now) -> dict:
    """An import from a bucket that does not exist is accepted and fails at its first
    read: S3NoSuchBucket, no table made (the description still names the table)."""
    name = params["TableCreationParameters"]["TableName"]
    table_arn = f"arn:aws:dynamodb:{ctx.region}:{ctx.account}:table/{name}"
    record = {"ImportArn": f"{table_arn}/import/{now:014d}-{uuid.uuid4().hex[:8]}", "ImportStatus": "IN_PROGRESS",
              "TableArn": table_arn, "TableId": str(uuid.uuid4()), **_described_request(ctx, params),
              "StartTime": _seconds(now), "account": ctx.account, "region": ctx.region}
    record = {k: v for k, v in record.items() if v is not None}
    _save(ctx.state, dict(record, ImportStatus="FAILED", EndTime=_seconds(now), FailureCode="S3NoSuchBucket",
                          ProcessedSizeBytes=0, ProcessedItemCount=0, ImportedItemCount=0, ErrorCount=0, FailureMessage=(
        f"The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket; "
        f"Request ID: {ctx.request_id}; S3 Extended Request ID: {ctx.request_id}; Proxy: null)")))
    return record


def _described_request(ctx, params) -> dict:
    """The request as DescribeImport tells it back: the bucket's owner filled in (the
    caller's account), InputCompressionType NONE when not given, InputFormatOptions only
    when given, and the log group DynamoDB writes an import's errors to (recorded replies,
    Import format quotas and validation)."""
    described = {"S3BucketSource": {"S3BucketOwner": ctx.account, **params["S3BucketSource"]},
                 "ClientToken": params.get("ClientToken"),
                 "CloudWatchLogGroupArn": f"arn:aws:logs:{ctx.region}:{ctx.account}:log-group:/aws-dynamodb/imports:*",
                 "InputFormat": params["InputFormat"], "InputFormatOptions": params.get("InputFormatOptions"),
                 "InputCompressionType": params.get("InputCompressionType", "NONE"),
                 "TableCreationParameters": params["TableCreationParameters"]}
    return {k: v for k, v in described.items() if v is not None}


def _read_import(task, table: Table, files, fmt, options, compression):
    """Worker: parse every file into checked items with their keys; count bad lines.
    Files are read as InputCompressionType says: a file that does not decompress is one
    error, and compressed bytes read as text fail line by line, as DynamoDB counts them."""
    items, errors, size = {}, 0, 0
    for _, path in files:
        with open(path, "rb") as raw:
            data = raw.read()
        if not data:
            continue
        try:
            data = _decompressed(data, compression)
        except (OSError, EOFError, ValueError):      # pyarrow's ArrowInvalid is a ValueError
            errors += 1
            continue
        size += len(data)
        if fmt == "CSV":
            lines = _csv_items(data, table, options)
        elif fmt == "ION":
            lines = _ion_items(data)
        else:
            lines = (_json_item(line) for line in data.splitlines() if line.strip())
        for item in lines:
            try:
                item = av.check_item(item)
                key = table.key_of_item(item)
            except (ValidationException, TypeError, KeyError, AttributeError, ValueError):
                errors += 1
                continue
            if av.item_size(item) > av.MAX_ITEM_BYTES:
                errors += 1
                continue
            items[key] = item
        task.check()
    return items, errors, size


def _decompressed(data: bytes, compression: str) -> bytes:
    if compression == "GZIP":
        return gzip.decompress(data)
    if compression == "ZSTD":
        import pyarrow as pa
        with pa.CompressedInputStream(pa.BufferReader(data), "zstd") as stream:
            return stream.read()
    return data


def _ion_items(data: bytes):
    """Items of an Ion file; a file that is not readable Ion counts as one error."""
    try:
        yield from ion_items(data.decode("utf-8"))
    except (IonError, ValueError, IndexError):
        yield None


def _json_item(line: bytes):
    """The item of a DynamoDB JSON line; None (an error) for a line that is not one."""
    try:
        item = orjson.loads(line)["Item"]
        store.decode_binary(item)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return item


def _csv_items(data: bytes, table, options):
    """CSV rows: every value a string, but key attributes of type N as numbers."""
    csv_options = options.get("Csv") or {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:           # not text (compressed bytes read as NONE): one error
        yield None
        return
    reader = csv.reader(io.StringIO(text), delimiter=csv_options.get("Delimiter", ","))
    header = csv_options.get("HeaderList") or next(reader, None)
    for row in reader:
        item = {}
        for name, text in zip(header, row):
            if text == "":
                continue
            kind = table.attribute_types.get(name, "S")
            item[name] = {"N": text} if kind == "N" else {"S": text}
        yield item


def _finish_import(state, record, table, result):
    items, errors, size = result
    db = state.db
    for (h, pk, sk), item in items.items():
        store.put_item(db, table.uid, h, pk, sk, av.item_size(item), item)
    spec = table.spec
    spec.pop("importing", None)
    for index in spec.get("GlobalSecondaryIndexes", []):
        backfill.start(spec, index)
    if not backfill.pending(spec):
        spec.pop("backfilling", None)
        spec.pop("restoring", None)
    store.save_spec(db, table.uid, spec)
    state.cache("dynamodb").get("tables", {}).pop((table.account, table.region, table.name), None)
    state.scheduler.poke("dynamodb")
    record.update(ImportStatus="COMPLETED", EndTime=state.clock.now(), ProcessedSizeBytes=size,
                  ProcessedItemCount=len(items) + errors, ImportedItemCount=len(items), ErrorCount=errors)
    if errors:
        # The valid items stay in the (ACTIVE) table; the import as a whole failed.
        record.update(ImportStatus="FAILED", FailureCode="ItemValidationError", FailureMessage=(
            "Some of the items failed validation checks and were not imported. Please check CloudWatch error logs "
            "for more details."))
    _save(state, record)


def describe_import(ctx, params):
    """DescribeImport; an ARN that is not an import's is 'Invalid Import ARN' (recorded
    reply; the not-found wording of an unknown import has no recorded source)."""
    if _IMPORT_ARN.fullmatch(params["ImportArn"]) is None:
        raise ValidationException("Invalid Import ARN")
    return {"ImportTableDescription": _public(_record(ctx, params["ImportArn"], "import"))}


def list_imports(ctx, params):
    found = _records(ctx, "import", params.get("TableArn"))
    page = _page(found, params.get("PageSize") or LIST_DEFAULT, params.get("NextToken"), "ImportArn")
    result = {"ImportSummaryList": [{k: r[k] for k in _SUMMARY if k in r} for r in page["items"]]}
    if "NextToken" in page:
        result["NextToken"] = page["NextToken"]
    return result
