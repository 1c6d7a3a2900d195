"""SelectObjectContent: S3 Select's SQL over one object, answered as an event stream.

The object is read as GetObject reads it (its checks, its SSE-S3, SSE-KMS or SSE-C
decryption: `objects.get_object`), decompressed, cut to its ScanRange, made a DuckDB
relation (`select_input`), and queried with the statement translated to DuckDB's SQL
(`engine/s3select.py`). The whole answer is worked out before it is sent, so a bad
file or a failing CAST is an S3 error with its status, never half a stream; then
come Records events (`select_output`), Progress when asked for, Stats and End (API
reference, SelectObjectContent; User Guide, "Filtering and retrieving data using
Amazon S3 Select"). Over 8 MiB the work runs on a worker (`concurrency.run`).
"""
import contextlib
import io

from lakebox.aws.body import FileRange
from lakebox.engine import s3select
from lakebox.services.s3 import concurrency, errors, objects, select_csv, select_input, select_output
from lakebox.services.s3.select_errors import error

READ_PARAMS = ("Bucket", "Key", "SSECustomerAlgorithm", "SSECustomerKey", "SSECustomerKeyMD5", "ExpectedBucketOwner")
COMPRESSIONS = ("NONE", "GZIP", "BZIP2")


async def select_object_content(ctx, params):
    if ctx.anonymous:       # "Amazon S3 Select does not support anonymous access."
        raise errors.error("AccessDenied")
    # The caller's right to read the object is judged first, as for a GET.
    found = objects.get_object(ctx, {name: params[name] for name in READ_PARAMS if params.get(name) is not None})
    body = found["Body"]
    try:
        request = _request(params)
        query = _parsed(params["Expression"])
    except Exception:
        if isinstance(body, FileRange):
            body.file.close()
        raise
    chunks, stats = await concurrency.run(ctx, found["ContentLength"], _run, _database(ctx.state), body,
                                          found["ContentLength"], request, query, ctx.now)
    progress = bool((params.get("RequestProgress") or {}).get("Enabled"))
    return {"Payload": _events(chunks, stats, progress)}


def _events(chunks, stats, progress):
    for chunk in chunks:
        yield {"Records": {"Payload": chunk}}
    if progress:
        yield {"Progress": {"Details": stats}}
    yield {"Stats": {"Details": stats}}
    yield {"End": {}}


def _request(params) -> dict:
    """The request's settings once S3 would take them: one input and one output format,
    known compression, header and JSON types, a ScanRange where S3 scans ranges."""
    if params.get("ExpressionType") != "SQL":
        raise error("InvalidExpressionType")
    if not (params.get("Expression") or "").strip():
        raise error("MissingRequiredParameter")
    given = params.get("InputSerialization") or {}
    inputs = [name for name in ("CSV", "JSON", "Parquet") if name in given]
    outputs = [name for name in ("CSV", "JSON") if name in (params.get("OutputSerialization") or {})]
    if not inputs or not outputs:
        raise error("MissingRequiredParameter")
    if len(inputs) > 1 or len(outputs) > 1:
        raise error("ObjectSerializationConflict")
    compression = (given.get("CompressionType") or "NONE").upper()
    if compression not in COMPRESSIONS or (inputs[0] == "Parquet" and compression != "NONE"):
        raise error("InvalidCompressionFormat")
    settings = given[inputs[0]] or {}
    request = {"format": inputs[0], "settings": settings, "compression": compression,
               "output": params["OutputSerialization"], "scan_range": params.get("ScanRange")}
    if inputs[0] == "CSV":
        request["header"] = (settings.get("FileHeaderInfo") or "NONE").upper()
        if request["header"] not in ("USE", "IGNORE", "NONE"):
            raise error("InvalidFileHeaderInfo")
    if inputs[0] == "JSON":
        request["json_type"] = (settings.get("Type") or "DOCUMENT").upper()
        if request["json_type"] not in ("DOCUMENT", "LINES"):
            raise error("InvalidJsonType")
    quote_fields = ((params["OutputSerialization"].get("CSV") or {}).get("QuoteFields") or "ASNEEDED").upper()
    if quote_fields not in ("ALWAYS", "ASNEEDED"):
        raise error("InvalidQuoteFields")
    if outputs[0] == "CSV":
        request["output"] = {"CSV": {**params["OutputSerialization"]["CSV"], "QuoteFields": quote_fields}}
    _check_scan_range(request)
    return request


def _check_scan_range(request: dict):
    scan_range = request["scan_range"]
    if scan_range is None:
        return
    start, end = scan_range.get("Start"), scan_range.get("End")
    if (start is None and end is None) or (start or 0) < 0 or (end or 0) < 0 or \
            (start is not None and end is not None and start > end):
        raise error("InvalidRequestParameter")
    if request["compression"] != "NONE" or request.get("json_type") == "DOCUMENT" or \
            (request["format"] == "CSV" and request["settings"].get("AllowQuotedRecordDelimiter")):
        raise error("UnsupportedScanRangeInput")


def _parsed(expression: str):
    try:
        return s3select.parse(expression)
    except s3select.SelectSqlError as failed:
        raise error(failed.code) from None


def _database(state):
    """The server's database for S3 Select (a cursor of its own per request), made on first use."""
    cache = state.cache("s3")
    found = cache.get("select_database")
    if found is None:
        found = cache["select_database"] = s3select.database()
    return found


def _run(database, body, size: int, request: dict, query, now: float) -> tuple[list, dict]:
    """(Records payloads, Stats details): the query over the object's bytes."""
    bounds = select_input.scan_bounds(request["scan_range"], size) if request["scan_range"] else None
    cursor = database.cursor()
    try:
        loaded = _load(cursor, body, request, query, bounds)
        try:
            sql, names, raw = s3select.translate(query, loaded.resolved, loaded.star_columns, now)
        except s3select.SelectSqlError as failed:
            raise error(failed.code) from None
        whole_records = query.star and loaded.json_records
        write = select_output.writer(request["output"], names, raw, whole_records)
        cursor.execute(sql)
        chunks = list(select_output.chunks(cursor, write))
    except s3select.EngineFailure as failed:
        raise error(s3select.failure_code(failed)) from None
    finally:
        cursor.close()
    returned = sum(len(chunk) for chunk in chunks)
    scanned = size if bounds is None else loaded.scanned
    return chunks, {"BytesScanned": scanned, "BytesProcessed": loaded.processed, "BytesReturned": returned}


def _load(cursor, body, request: dict, query, bounds):
    """The object as the relation `s3object`. Parquet is read through its file: its
    footer, then only the row groups and columns the query needs; CSV and JSON whole."""
    kind = request["format"]
    if kind == "Parquet":
        with _opened(body) as source:
            return select_input.load_parquet(cursor, source, query, bounds)
    data = select_input.decompress(_bytes(body), request["compression"])
    if kind == "CSV":
        loaded = select_csv.load_csv(cursor, data, request["settings"], request["header"], query, bounds)
    else:
        loaded = select_input.load_json(cursor, data, request["json_type"], query, bounds)
    if request["compression"] != "NONE":
        loaded.processed = len(data)
    return loaded


@contextlib.contextmanager
def _opened(body):
    """The object's bytes as a seekable binary file (GetObject's open blob, or its bytes)."""
    if not isinstance(body, FileRange):
        yield io.BytesIO(bytes(body))
        return
    try:
        yield body.file
    finally:
        body.file.close()


def _bytes(body) -> bytes:
    with _opened(body) as source:
        return source.read()
