"""ExportTableToPointInTime and ImportTable: tables to and from S3 (through
`services/s3/public.py`), as long work on `state.work`.

An export writes, under `<prefix>/AWSDynamoDB/<export id>/`, gzip data files of one item
a line (DynamoDB JSON `{"Item": {...}}`, or Amazon Ion text), then `manifest-files.json`
and `manifest-summary.json`, each with its `.md5` (the base64 MD5 of its bytes), as
DynamoDB lays them out; the empty `_started` marker is written there when the export
begins. It reads the table as it was at
the export time from the point-in-time history. An import creates the table at once
(CREATING) and fills it from every object under the prefix (DynamoDB JSON, Ion or CSV, gzip or
not); lines that are not items are counted as errors and skipped."""
import csv
import base64
import gzip
import hashlib
import io
import os
import uuid

import orjson

from lakebox.services.dynamodb import backfill, export_rules, lookup, sse, store, table_rules
from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import (
    ExportNotFoundException, ImportNotFoundException, ResourceInUseException, ValidationException)
from lakebox.services.dynamodb.ion import IonError, ion_change_line, ion_items, ion_line
from lakebox.services.dynamodb.model import Table
from lakebox.services.s3 import public as s3

READ_SLICE = 5000


def _save(state, record):
    store.save_transfer(state.db, record["account"], record["region"], record.get("ExportArn") or record["ImportArn"],
                        "export" if "ExportArn" in record else "import", orjson.dumps(record).decode())


def _seconds(ms) -> float:
    return ms / 1000


# --- export -----------------------------------------------------------------------------------

def export_table_to_point_in_time(ctx, params):
    table = export_rules.table_of(ctx, params["TableArn"])
    export_rules.check_request(params)
    now = lookup.now_ms(ctx)
    incremental = params.get("ExportType") == export_rules.INCREMENTAL
    if incremental:
        window = export_rules.incremental_window(table, params, now)
    else:
        window = export_rules.full_export_time(table, params, now)
    earlier = export_rules.replayed(_records(ctx, "export", None), params)
    if earlier is not None:
        return {"ExportDescription": _public(earlier)}
    bucket, prefix = params["S3Bucket"], params.get("S3Prefix")
    export_id = f"{now:014d}-{uuid.uuid4().hex[:8]}"      # 01645072900758-ee1232a3
    fmt = params.get("ExportFormat", "DYNAMODB_JSON")
    # ExportType is described only when the request named it, as DynamoDB describes it.
    record = {"ExportArn": f"{lookup.arn_of(table)}/export/{export_id}", "ExportStatus": "IN_PROGRESS",
              "StartTime": _seconds(now), "TableArn": lookup.arn_of(table), "TableId": table.table_id,
              "S3Bucket": bucket, "S3Prefix": prefix, "S3SseAlgorithm": params.get("S3SseAlgorithm", "AES256"),
              "ExportFormat": fmt, "ExportType": params.get("ExportType"), "ClientToken": params.get("ClientToken", ""),
              "S3SseKmsKeyId": params.get("S3SseKmsKeyId"), "S3BucketOwner": params.get("S3BucketOwner"),
              "account": ctx.account, "region": ctx.region, "request": export_rules.request_of(params)}
    if incremental:
        record["IncrementalExportSpecification"] = {
            "ExportFromTime": _seconds(window[0]), "ExportToTime": _seconds(window[1]),
            "ExportViewType": params["IncrementalExportSpecification"].get("ExportViewType", "NEW_AND_OLD_IMAGES")}
    else:
        record["ExportTime"] = _seconds(window)
    record = {k: v for k, v in record.items() if v is not None}
    base = f"{prefix.rstrip('/') + '/' if prefix else ''}AWSDynamoDB/{export_id}"
    state = ctx.state
    if not s3.bucket_exists(state, bucket):
        # Accepted, then failed as S3 refused the first write.
        _save(state, dict(record, ExportStatus="FAILED", FailureCode="S3NoSuchBucket", FailureMessage=(
            f"The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket; "
            f"Request ID: {ctx.request_id}; S3 Extended Request ID: {ctx.request_id}; Proxy: null)")))
        return {"ExportDescription": _public(record)}
    _save(state, record)
    # DynamoDB's first write: an empty marker that proves the bucket writable.
    _put_bytes(state, bucket, f"{base}/_started", b"", _export_encryption(record))
    if incremental:
        view = record["IncrementalExportSpecification"]["ExportViewType"]
        keys = [k.name for k in (table.hash_key, table.range_key) if k is not None]
        work = (_write_changes, table.uid, keys, window, view, fmt)
    else:
        work = (_write_export, table.uid, window, fmt)
    state.work.submit("dynamodb", "ExportTableToPointInTime", *work, s3.temp_path(state),
                      commit=lambda result: _finish_export(state, record, base, result),
                      discard=lambda result: _fail(state, record, result))
    return {"ExportDescription": _public(record)}


def _write_export(task, table_uid, at_ms, fmt, path):
    """Worker: the table's items as they were at at_ms, one a line, into a gzip file."""
    count = size = 0
    with gzip.open(path, "wb") as out:
        rows = task.reader.execute(
            "SELECT size, item FROM ddb_history v WHERE table_uid=? AND at_ms = (SELECT MAX(at_ms) FROM "
            "ddb_history w WHERE w.table_uid=v.table_uid AND w.h=v.h AND w.pk=v.pk AND w.sk=v.sk AND w.at_ms<=?) "
            "AND item IS NOT NULL", (table_uid, at_ms))
        for row in rows:
            item = store.load_item(row["item"])
            out.write(ion_line(item) if fmt == "ION" else orjson.dumps({"Item": item}, default=store.binary_as_text) + b"\n")
            count += 1
            size += row["size"]
            if count % READ_SLICE == 0:
                task.check()
    return path, count, size


def _write_changes(task, table_uid, keys, window, view, fmt, path):
    """Worker for an incremental export: each item written in [from, to), once, with its
    key, the image it had at `to` (none if deleted) and, under NEW_AND_OLD_IMAGES, the
    image it had at `from` (none if new); an item both made and deleted inside the window
    leaves no line."""
    from_ms, to_ms = window
    since = task.reader.execute("SELECT MIN(at_ms) FROM ddb_history WHERE table_uid=?", (table_uid,)).fetchone()[0]
    before = max(from_ms - 1, since or 0)            # the state the window starts from (recovery's snapshot included)
    count = size = 0
    with gzip.open(path, "wb") as out:
        changed = task.reader.execute(
            "SELECT h, pk, sk, MAX(at_ms) AS last FROM ddb_history WHERE table_uid=? AND at_ms>? AND at_ms<? "
            "GROUP BY h, pk, sk", (table_uid, before, to_ms)).fetchall()
        for row in changed:
            old, new = (_image_at(task.reader, table_uid, row, cut) for cut in (before, to_ms - 1))
            if old is None and new is None:
                continue
            image = new if new is not None else old
            line = {"Metadata": {"WriteTimestampMicros": {"N": str(row["last"] * 1000)}},
                    "Keys": {k: image[k] for k in keys}}
            if new is not None:
                line["NewImage"] = new
            if old is not None and view == "NEW_AND_OLD_IMAGES":
                line["OldImage"] = old
            out.write(ion_change_line(line) if fmt == "ION" else orjson.dumps(line, default=store.binary_as_text) + b"\n")
            count += 1
            size += len(orjson.dumps(image, default=store.binary_as_text))
            if count % READ_SLICE == 0:
                task.check()
    return path, count, size


def _image_at(reader, table_uid, row, cut_ms):
    found = reader.execute("SELECT item FROM ddb_history WHERE table_uid=? AND h=? AND pk=? AND sk=? AND at_ms<=? "
                           "ORDER BY at_ms DESC LIMIT 1", (table_uid, row["h"], row["pk"], row["sk"], cut_ms)).fetchone()
    return store.load_item(found["item"]) if found is not None and found["item"] is not None else None


def _finish_export(state, record, base, result):
    path, count, size = result
    extension = "ion.gz" if record["ExportFormat"] == "ION" else "json.gz"
    # 26 lowercase base32 characters, as DynamoDB names them: data/x24s4lbil47rdhma34ilkmrmba.json.gz
    data_key = f"{base}/data/{base64.b32encode(uuid.uuid4().bytes).decode().lower().rstrip('=')}.{extension}"
    with open(path, "rb") as data:
        md5 = _md5(data.read())
    encrypted = _export_encryption(record)
    etag = s3.put_file(state, record["S3Bucket"], data_key, path, request=encrypted)["ETag"].strip('"')
    files_key = f"{base}/manifest-files.json"
    _put_manifest(state, record["S3Bucket"], files_key, orjson.dumps(
        {"itemCount": count, "md5Checksum": md5, "etag": etag, "dataFileS3Key": data_key}) + b"\n", encrypted)
    end = state.clock.now()
    record.update(ExportStatus="COMPLETED", EndTime=end, ItemCount=count, BilledSizeBytes=size,
                  ExportManifest=f"{base}/manifest-summary.json")
    _save(state, record)
    incremental = record.get("IncrementalExportSpecification")
    summary = {"version": "2023-08-01" if incremental else "2020-06-30", "exportArn": record["ExportArn"],
               "startTime": _iso(record["StartTime"]), "endTime": _iso(end), "tableArn": record["TableArn"],
               "tableId": record["TableId"]}
    if incremental:
        summary.update(exportFromTime=_iso(incremental["ExportFromTime"]), exportToTime=_iso(incremental["ExportToTime"]))
    else:
        summary["exportTime"] = _iso(record["ExportTime"])
    summary.update(s3Bucket=record["S3Bucket"], s3Prefix=record.get("S3Prefix"), s3SseAlgorithm=record["S3SseAlgorithm"],
                   s3SseKmsKeyId=record.get("S3SseKmsKeyId"), manifestFilesS3Key=files_key, billedSizeBytes=size,
                   itemCount=count, outputFormat=record["ExportFormat"])
    if incremental:
        summary["outputView"] = incremental["ExportViewType"]
    summary["exportType"] = "INCREMENTAL_EXPORT" if incremental else "FULL_EXPORT"
    _put_manifest(state, record["S3Bucket"], record["ExportManifest"], orjson.dumps(summary), encrypted)


def _md5(data: bytes) -> str:
    """An export's checksums: the base64 MD5 of the bytes, as in S3's Content-MD5."""
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def _put_manifest(state, bucket, key, data: bytes, request):
    """A manifest and, beside it, `<name>.md5` holding its checksum."""
    _put_bytes(state, bucket, key, data, request)
    _put_bytes(state, bucket, key.removesuffix(".json") + ".md5", _md5(data).encode(), request)


def _export_encryption(record) -> dict | None:
    """The PutObject encryption an export's files are written with: SSE-KMS under
    S3SseKmsKeyId (S3's AWS managed key when it names none) when S3SseAlgorithm is KMS,
    else the bucket's default encryption."""
    if record["S3SseAlgorithm"] != "KMS":
        return None
    request = {"ServerSideEncryption": "aws:kms"}
    if record.get("S3SseKmsKeyId"):
        request["SSEKMSKeyId"] = record["S3SseKmsKeyId"]
    return request


def _put_bytes(state, bucket, key, data: bytes, request):
    path = s3.temp_path(state)
    with open(path, "wb") as out:
        out.write(data)
    s3.put_file(state, bucket, key, path, request=request)


def _iso(seconds) -> str:
    """A manifest's time, to the millisecond in UTC: 2020-11-04T07:28:34.028Z."""
    ms = round(seconds * 1000)
    return lookup.timestamp(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _fail(state, record, result):
    status = "ExportStatus" if "ExportArn" in record else "ImportStatus"
    record.update({status: "FAILED", "FailureCode": "InternalFailure",
                   "FailureMessage": "The work could not be completed"})
    _save(state, record)
    if isinstance(result, tuple) and isinstance(result[0], str) and os.path.exists(result[0]):
        os.unlink(result[0])



def _public(record) -> dict:
    return {k: v for k, v in record.items() if k[0].isupper()}


def _record(ctx, arn, kind):
    row = store.transfer(ctx.state.db, ctx.account, ctx.region, arn, kind)
    if row is None:
        raise (ExportNotFoundException if kind == "export" else ImportNotFoundException)(
            f"{kind.capitalize()} not found: {arn}")
    return orjson.loads(row["document"])


def _records(ctx, kind, table_arn):
    found = [orjson.loads(r["document"]) for r in store.transfers(ctx.state.db, ctx.account, ctx.region, kind)]
    return [r for r in found if table_arn in (None, r["TableArn"])]


def describe_export(ctx, params):
    return {"ExportDescription": _public(_record(ctx, params["ExportArn"], "export"))}


def _page(found, size, token, member):
    """One page of records in ARN order, NextToken being the last ARN given."""
    if token:
        found = [r for r in found if r[member] > token]
    page = {"items": found[:size]}
    if len(found) > size:
        page["NextToken"] = found[size - 1][member]
    return page


def list_exports(ctx, params):
    found = _records(ctx, "export", params.get("TableArn"))
    page = _page(found, params.get("MaxResults") or 25, params.get("NextToken"), "ExportArn")
    result = {"ExportSummaries": [{"ExportArn": r["ExportArn"], "ExportStatus": r["ExportStatus"],
                                   "ExportType": r.get("ExportType", "FULL_EXPORT")} for r in page["items"]]}
    if "NextToken" in page:
        result["NextToken"] = page["NextToken"]
    return result


# --- import -----------------------------------------------------------------------------------

def import_table(ctx, params):
    source, creation = params["S3BucketSource"], params["TableCreationParameters"]
    fmt = params["InputFormat"]
    if not s3.bucket_exists(ctx.state, source["S3Bucket"]):
        raise ValidationException(f"S3 bucket does not exist: {source['S3Bucket']}")
    billing = creation.get("BillingMode", "PROVISIONED")
    table_rules.check_key_schema(creation["KeySchema"])
    table_rules.check_definitions(creation)
    table_rules.check_billing(creation, billing)
    table_rules.check_indexes(creation, billing)
    db = ctx.state.db
    if store.table(db, ctx.account, ctx.region, creation["TableName"]) is not None:
        raise ResourceInUseException(f"Table already exists: {creation['TableName']}")
    now = lookup.now_ms(ctx)
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
              "TableId": table.table_id, "S3BucketSource": source, "InputFormat": fmt,
              "InputCompressionType": params.get("InputCompressionType", "NONE"),
              "TableCreationParameters": creation, "StartTime": _seconds(now),
              "account": ctx.account, "region": ctx.region}
    _save(ctx.state, record)
    files = [(f.key, f.path) for f in s3.list_objects(ctx.state, source["S3Bucket"], source.get("S3KeyPrefix", ""))
             if f.path]
    state = ctx.state
    state.work.submit("dynamodb", "ImportTable", _read_import, table, files, fmt, params.get("InputFormatOptions") or {},
                      commit=lambda result: _finish_import(state, record, table, result),
                      discard=lambda result: _fail(state, record, result))
    return {"ImportTableDescription": _public(record)}


def _read_import(task, table: Table, files, fmt, options):
    """Worker: parse every file into checked items with their keys; count bad lines."""
    items, errors, size = {}, 0, 0
    for _, path in files:
        with open(path, "rb") as raw:
            data = raw.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
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


def _ion_items(data: bytes):
    """Items of an Ion file; a file that is not readable Ion counts as one error."""
    try:
        yield from ion_items(data.decode("utf-8"))
    except (IonError, ValueError, IndexError):
        yield None


def _json_item(line: bytes):
    document = orjson.loads(line)
    item = document["Item"]
    store.decode_binary(item)
    return item


def _csv_items(data: bytes, table, options):
    """CSV rows: every value a string, but key attributes of type N as numbers."""
    csv_options = options.get("Csv") or {}
    reader = csv.reader(io.StringIO(data.decode("utf-8")), delimiter=csv_options.get("Delimiter", ","))
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
    _save(state, record)


def describe_import(ctx, params):
    return {"ImportTableDescription": _public(_record(ctx, params["ImportArn"], "import"))}


def list_imports(ctx, params):
    found = _records(ctx, "import", params.get("TableArn"))
    page = _page(found, params.get("PageSize") or 25, params.get("NextToken"), "ImportArn")
    result = {"ImportSummaryList": [{"ImportArn": r["ImportArn"], "ImportStatus": r["ImportStatus"],
                                     "TableArn": r["TableArn"], "InputFormat": r["InputFormat"],
                                     "S3BucketSource": r["S3BucketSource"], "StartTime": r["StartTime"]}
                                    for r in page["items"]]}
    if "NextToken" in page:
        result["NextToken"] = page["NextToken"]
    return result
