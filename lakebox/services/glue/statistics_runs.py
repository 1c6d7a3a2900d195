"""Column statistics task runs: read a table's data and compute its column statistics
(minimum, maximum, nulls, distinct values, lengths, true/false counts), as Glue's
StartColumnStatisticsTaskRun does, then store them as UpdateColumnStatisticsForTable
would. The reading runs on the worker facility; the statistics land in its commit."""
import asyncio
import logging
import uuid

from lakebox.services.glue import catalog, classify, public, statistics, store
from lakebox.services.glue.catalog import in_catalog, table_or_error
from lakebox.services.glue.errors import (
    ColumnStatisticsTaskNotRunningException, ColumnStatisticsTaskRunningException,
    InvalidInputException)
from lakebox.work import TaskCancelled

log = logging.getLogger("lakebox.glue")
KIND = "column_statistics_run"
_LONG = {"tinyint", "smallint", "int", "integer", "bigint"}
_DOUBLE = {"float", "double", "real"}
_STRING = {"string", "varchar", "char"}


def _arrow_type(kind: str):
    """The Arrow type a column is read as for its statistics kind."""
    import pyarrow as pa
    return {"LONG": pa.int64, "DOUBLE": pa.float64, "STRING": pa.string, "BOOLEAN": pa.bool_, "DATE": pa.date32,
            "BINARY": pa.binary}[kind]()


def _runs(ctx) -> list[dict]:
    return [doc for _, _, doc in store.objects(ctx.state.db, ctx.account, ctx.region, KIND, "")]


def _running(ctx, table: dict) -> dict | None:
    for doc in _runs(ctx):
        if (doc["DatabaseName"], doc["TableName"]) == (table["DatabaseName"], table["Name"]) and \
                doc["Status"] in ("STARTING", "RUNNING", "STOPPING"):
            return doc
    return None


def start_column_statistics_task_run(ctx, params):
    ctx = in_catalog(ctx, {"CatalogId": params.get("CatalogID")})     # spelled CatalogID here
    table = table_or_error(ctx, params["DatabaseName"], params["TableName"])
    if _running(ctx, table) is not None:
        raise ColumnStatisticsTaskRunningException(
            f"Column statistics task run is already running for table {table['Name']}.")
    types = {c["Name"].lower(): c["Type"] for c in (table.get("StorageDescriptor") or {}).get("Columns") or []}
    wanted = [name.lower() for name in params.get("ColumnNameList") or types]
    unknown = [name for name in wanted if name not in types]
    if unknown:
        raise InvalidInputException(f"Columns {', '.join(unknown)} not found in table {table['Name']}.")
    scan = public.plan_scan(ctx, table["DatabaseName"], table["Name"], with_files=True)
    files = [(f.path, part.format, part.serde_parameters) for part in scan.partitions for f in part.files]
    run_id = str(uuid.uuid4())
    doc = {"CustomerId": ctx.account, "ColumnStatisticsTaskRunId": run_id, "DatabaseName": table["DatabaseName"],
           "TableName": table["Name"], "ColumnNameList": wanted, "CatalogID": ctx.account, "Role": params["Role"],
           "SampleSize": params.get("SampleSize", 100.0), "WorkerType": "G.1X", "NumberOfWorkers": 1,
           "ComputationType": "FULL", "Status": "RUNNING", "CreationTime": ctx.now, "LastUpdated": ctx.now,
           "StartTime": ctx.now, "DPUSeconds": 0.0}
    store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", run_id, doc)
    state, account, region = ctx.state, ctx.account, ctx.region
    task = state.work.submit("glue", "StartColumnStatisticsTaskRun", compute, files, {n: types[n] for n in wanted},
                             table.get("Parameters") or {},
                             commit=lambda found: _commit(state, account, region, run_id, found))
    state.cache("glue").setdefault("statistics_runs", {})[run_id] = task
    asyncio.get_running_loop().create_task(_watch(state, account, region, run_id, task))
    return {"ColumnStatisticsTaskRunId": run_id}


def _commit(state, account, region, run_id, found: dict):
    doc = store.get_object(state.db, account, region, KIND, "", run_id)
    scope = f"{doc['DatabaseName']}/{doc['TableName']}"
    now = state.clock.now()
    for name, data in found.items():
        store.put_object(state.db, account, region, statistics.KIND, scope, name, {
            "ColumnName": name, "ColumnType": data.pop("_type"), "AnalyzedTime": now, "StatisticsData": data})
    _end(state, account, region, run_id, "SUCCEEDED")


def _end(state, account, region, run_id, status, error=None):
    doc = store.get_object(state.db, account, region, KIND, "", run_id)
    if doc is None:
        return
    now = state.clock.now()
    doc.update(Status=status, EndTime=now, LastUpdated=now, DPUSeconds=max(now - doc["StartTime"], 0.0))
    if error:
        doc["ErrorMessage"] = error
    store.put_object(state.db, account, region, KIND, "", run_id, doc)


def _end_quietly(state, account, region, run_id, status, error=None):
    try:
        _end(state, account, region, run_id, status, error)
    except Exception:            # a reset wiped the catalog under the run: nothing to record
        log.exception("could not record the end of column statistics run %s", run_id)


async def _watch(state, account, region, run_id, task):
    try:
        await task
    except TaskCancelled:
        _end_quietly(state, account, region, run_id, "STOPPED")
    except Exception as failed:
        log.warning("column statistics run %s failed: %s", run_id, failed)
        _end_quietly(state, account, region, run_id, "FAILED", f"{type(failed).__name__}: {failed}")
    finally:
        state.cache("glue").get("statistics_runs", {}).pop(run_id, None)


def get_column_statistics_task_run(ctx, params):
    run_id = params["ColumnStatisticsTaskRunId"]
    return {"ColumnStatisticsTaskRun": catalog.object_or_error(
        ctx, KIND, "", run_id, f"Column statistics task run {run_id} not found.")}


def get_column_statistics_task_runs(ctx, params):
    table = catalog.fold(params["TableName"])
    database = catalog.fold(params["DatabaseName"])
    runs = sorted((d for d in _runs(ctx) if (d["DatabaseName"], d["TableName"]) == (database, table)),
                  key=lambda d: d["CreationTime"], reverse=True)
    page, token = catalog.list_page(runs, params, 100)
    return {"ColumnStatisticsTaskRuns": page, "NextToken": token}


def list_column_statistics_task_runs(ctx, params):
    runs = sorted(_runs(ctx), key=lambda d: d["CreationTime"], reverse=True)
    page, token = catalog.list_page([d["ColumnStatisticsTaskRunId"] for d in runs], params, 100)
    return {"ColumnStatisticsTaskRunIds": page, "NextToken": token}


def stop_column_statistics_task_run(ctx, params):
    ctx = in_catalog(ctx, params)
    table = table_or_error(ctx, params["DatabaseName"], params["TableName"])
    running = _running(ctx, table)
    if running is None:
        raise ColumnStatisticsTaskNotRunningException(
            f"No column statistics task run is running for table {table['Name']}.")
    running["Status"] = "STOPPING"
    store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", running["ColumnStatisticsTaskRunId"], running)
    task = ctx.state.cache("glue").get("statistics_runs", {}).get(running["ColumnStatisticsTaskRunId"])
    if task is not None:
        task.cancel()
    else:                        # nothing runs it any more (a restart): it simply stops
        _end(ctx.state, ctx.account, ctx.region, running["ColumnStatisticsTaskRunId"], "STOPPED")
    return {}


# ---------------------------------------------------------------------------
# The work: reading the files, on a worker thread


def compute(task, files, types: dict, table_parameters: dict) -> dict:
    """{column: ColumnStatisticsData (with "_type": the column's type)} over all files,
    for the columns whose type has statistics (not decimals, timestamps or nested types)."""
    import pyarrow as pa

    wanted = {name: _kind(type_) for name, type_ in types.items() if _kind(type_) is not None}
    chunks = {name: [] for name in wanted}
    for path, fmt, serde_parameters in files:
        task.check()
        table = _read(path, fmt, serde_parameters, table_parameters, list(types))
        for name, kind in wanted.items():
            if name in table.column_names:
                chunks[name].extend(table.column(name).cast(_arrow_type(kind)).chunks)
    found = {}
    for name, kind in wanted.items():
        column = pa.chunked_array(chunks[name], type=_arrow_type(kind))
        found[name] = dict(_column_statistics(column, kind), _type=types[name])
    return found


def _read(path, fmt, serde_parameters, table_parameters, names):
    """One file as an Arrow table with the wanted columns (by lower-case name)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.json as pjson
    import pyarrow.orc as orc
    import pyarrow.parquet as pq

    if fmt == "parquet":
        table = pq.read_table(path)
    elif fmt == "orc":
        table = orc.read_table(path)
    else:
        with open(path, "rb") as f:
            compression = classify.sniff_compression(f.read(16))
        codec = {"gzip": "gzip", "bzip2": "bz2", "zstd": "zstd"}.get(compression)
        stream = pa.input_stream(path, compression=codec) if codec else pa.input_stream(path)
        if fmt == "json":
            table = pjson.read_json(stream)
        else:
            delimiter = serde_parameters.get("field.delim") or serde_parameters.get("separatorChar") or \
                table_parameters.get("delimiter") or ","
            skip = int(table_parameters.get("skip.header.line.count") or 0)
            table = pcsv.read_csv(stream, read_options=pcsv.ReadOptions(skip_rows=skip, autogenerate_column_names=True),
                                  parse_options=pcsv.ParseOptions(delimiter=delimiter))
            table = table.rename_columns(names[:table.num_columns] + table.column_names[len(names):])
    return table.rename_columns([c.lower() for c in table.column_names])


def _kind(hive_type: str) -> str | None:
    base = hive_type.lower().split("(")[0]
    if base in _LONG:
        return "LONG"
    if base in _DOUBLE:
        return "DOUBLE"
    if base in _STRING:
        return "STRING"
    return {"boolean": "BOOLEAN", "date": "DATE", "binary": "BINARY"}.get(base)


def _column_statistics(column, kind: str) -> dict:
    import pyarrow.compute as pc

    nulls = column.null_count
    if kind == "BOOLEAN":
        trues = pc.sum(column).as_py() or 0
        return {"Type": kind, "BooleanColumnStatisticsData": {
            "NumberOfTrues": trues, "NumberOfFalses": len(column) - nulls - trues, "NumberOfNulls": nulls}}
    if kind in ("STRING", "BINARY"):
        lengths = pc.binary_length(column)
        data = {"MaximumLength": pc.max(lengths).as_py() or 0, "AverageLength": pc.mean(lengths).as_py() or 0.0,
                "NumberOfNulls": nulls}
        if kind == "STRING":
            data["NumberOfDistinctValues"] = pc.count_distinct(column).as_py()
        return {"Type": kind, f"{kind.title()}ColumnStatisticsData": data}
    bounds = pc.min_max(column)
    data = {"NumberOfNulls": nulls, "NumberOfDistinctValues": pc.count_distinct(column).as_py()}
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if low is not None:
        if kind == "DATE":
            low, high = _midnight(low), _midnight(high)
        data.update(MinimumValue=low, MaximumValue=high)
    return {"Type": kind, f"{kind.title()}ColumnStatisticsData": data}


def _midnight(day) -> float:
    import datetime as dt
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()

