"""ExportTableToPointInTime, DescribeExport, ListExports: a table to S3 (through
`services/s3/public.py`), as long work on `state.work`; the records of exports and imports
(`imports.py`) and their listing, newest first, ten to a page by default.

An export writes, under `<prefix>/AWSDynamoDB/<export id>/`, gzip data files of one item
a line (DynamoDB JSON `{"Item": {...}}`, or Amazon Ion text), then `manifest-files.json`
and `manifest-summary.json`, each with its `.md5` (the base64 MD5 of its bytes), as
DynamoDB lays them out; the empty `_started` marker is written there when the export
begins. A full export reads the table as it was at the export time from the
point-in-time history; an incremental one, the items written in its window."""
import base64
import gzip
import hashlib
import os
import re
import uuid

import orjson

from lakebox.services.dynamodb import export_rules, lookup, store
from lakebox.services.dynamodb.errors import ExportNotFoundException, ImportNotFoundException, ValidationException
from lakebox.services.dynamodb.ion import ion_change_line, ion_line
from lakebox.services.s3 import public as s3

READ_SLICE = 5000
_EXPORT_ARN = re.compile(r"arn:aws[\w-]*:dynamodb:([\w-]+):\d{12}:table/[\w.-]+/export/[\w-]+")
LIST_DEFAULT = 10           # ListExports/ListImports page without MaxResults/PageSize
TOKEN_MIN_DIGITS = 112      # botocore's ImportNextToken: ([0-9a-f]{16})+, 112 to 1024 characters


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
    """The account's exports or imports (of one table), newest first."""
    found = [orjson.loads(r["document"]) for r in store.transfers(ctx.state.db, ctx.account, ctx.region, kind)]
    member = "ExportArn" if kind == "export" else "ImportArn"
    found.sort(key=lambda r: (r["StartTime"], r[member]), reverse=True)
    return [r for r in found if table_arn in (None, r["TableArn"])]


def describe_export(ctx, params):
    """DescribeExport, refusing as DynamoDB does (recorded replies): an ARN that is not an
    export's is 'Invalid Export ARN', another region's export 'Invalid export arn', and an
    unknown one names itself twice."""
    arn = params["ExportArn"]
    shape = _EXPORT_ARN.fullmatch(arn)
    if shape is None:
        raise ValidationException("Invalid Export ARN")
    if shape.group(1) != ctx.region:
        raise ExportNotFoundException("Export not found: Invalid export arn")
    if store.transfer(ctx.state.db, ctx.account, ctx.region, arn, "export") is None:
        raise ExportNotFoundException(f"Export not found: Export not found: {arn}")
    return {"ExportDescription": _public(_record(ctx, arn, "export"))}


def _page(found, size, token, member):
    """One page of records in their order. NextToken is the last ARN given, written as
    DynamoDB writes its tokens (lower-case hex, in 16-digit groups, at least 112 digits:
    the pattern botocore checks ListImports' token against); a token that is not one of
    this listing's kind is 'Provided nextToken is invalid' (recorded reply), one of another
    table's listing gives an empty page."""
    if token:
        arn = _token_arn(token, "/export/" if member == "ExportArn" else "/import/")
        given = [r[member] for r in found]
        found = found[given.index(arn) + 1:] if arn in given else []
    page = {"items": found[:size]}
    if len(found) > size:
        page["NextToken"] = _token_of(found[size - 1][member])
    return page


def _token_of(arn: str) -> str:
    digits = arn.encode().hex()
    return digits.ljust(max(TOKEN_MIN_DIGITS, -(-len(digits) // 16) * 16), "0")


def _token_arn(token: str, kind: str) -> str:
    try:
        arn = bytes.fromhex(token).rstrip(b"\0").decode()
    except (ValueError, UnicodeDecodeError):
        arn = ""
    if kind not in arn:
        raise ValidationException(f"Invalid Request: Provided nextToken is invalid: {token}")
    return arn


def list_exports(ctx, params):
    found = _records(ctx, "export", params.get("TableArn"))
    page = _page(found, params.get("MaxResults") or LIST_DEFAULT, params.get("NextToken"), "ExportArn")
    result = {"ExportSummaries": [{"ExportArn": r["ExportArn"], "ExportStatus": r["ExportStatus"],
                                   "ExportType": r.get("ExportType", "FULL_EXPORT")} for r in page["items"]]}
    if "NextToken" in page:
        result["NextToken"] = page["NextToken"]
    return result
