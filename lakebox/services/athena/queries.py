"""Query executions: StartQueryExecution, Get/BatchGet/List, StopQueryExecution,
GetQueryRuntimeStatistics.

A query is parsed when it is submitted (a syntax error is refused with
InvalidRequestException and creates nothing). DDL runs at once against the Glue
catalog; anything that reads data is planned on the loop, then run by the engine on a
worker, and committed (result objects, catalog changes, final state) on the loop.
"""
import asyncio
import json
import logging
import time

from lakebox.aws.errors import ServiceError
from lakebox.engine import EngineError, new_engine
from lakebox.engine.dialect import NotSupported, SqlSyntaxError
from lakebox.kit.calls import on_behalf
from lakebox.services.athena import cse, ddl, ddl_show, errors, execution, model, parameter_places, results, store
from lakebox.services.athena import workgroups, writes
from lakebox.services.athena import output as output_rules
from lakebox.services.athena.statements import Statement, bind_parameters, classify, placeholders, takes_parameters
from lakebox.services.s3 import public as s3
from lakebox.work import TaskCancelled

log = logging.getLogger("lakebox.athena")

DATA_KINDS = ("select", "explain", "ctas", "insert", "delete", "update", "merge", "optimize", "unload")
# The Glue operation a statement acts as, for the catalog's view of the caller
# (kit.calls.on_behalf: same caller, the callee's operation).
_GLUE_OPERATION = {"ctas": "CreateTable", "insert": "BatchCreatePartition", "delete": "UpdateTable",
                   "update": "UpdateTable", "merge": "UpdateTable", "optimize": "UpdateTable",
                   "vacuum": "UpdateTable", "create": "CreateTable", "drop": "DeleteTable",
                   "alter": "UpdateTable", "msck": "BatchCreatePartition"}


# How long GetQueryExecution of a query still under way waits for it to end before it
# answers. Athena's clients poll: pyathena, awswrangler and dbt-athena ask once right
# after submitting, then once a second, so a query that ends a few milliseconds after
# that first ask would be seen ended a second later. Waiting, the first ask sees it end.
# The answer is the state when it is sent, as AWS's (whose calls take tens of
# milliseconds) is; a query that runs longer is answered RUNNING after the wait.
STATE_WAIT_SECONDS = 1.0


def _cache(state) -> dict:
    cache = state.cache("athena")
    if "engine" not in cache:
        cache["engine"] = new_engine()
        cache["running"] = {}        # query id -> engine query, while it runs
        cache["tasks"] = {}          # query id -> worker task, while queued or running
        cache["started"] = {}        # query id -> perf_counter when submitted
        cache["ended"] = {}          # query id -> asyncio.Event set once its end is recorded
    return cache


def engine_of(state):
    """The engine Athena's queries run on (other services' reads share it: `public.plan_select`)."""
    return _cache(state)["engine"]


def start_query_execution(ctx, params):
    db = ctx.state.db
    group = workgroups.workgroup_or_error(ctx, params.get("WorkGroup") or model.PRIMARY, for_query=True)
    config = json.loads(group["configuration"])
    result_config = _result_configuration(params, config)
    if not model.valid_output_location(result_config["OutputLocation"]):   # judged before the SQL
        raise errors.InvalidRequestException(model.output_location_refusal(result_config["OutputLocation"]))
    sql, unbound, places = params["QueryString"], None, None
    if (params.get("ExecutionParameters") or "?" in sql) and takes_parameters(sql):
        try:
            sql, places = _bound(sql, params.get("ExecutionParameters") or [])
        except ValueError as error:     # Athena takes the query, which then fails
            unbound = str(error)
    try:
        statement = classify(sql)
    except SqlSyntaxError as error:
        raise errors.InvalidRequestException(str(error), AthenaErrorCode="MALFORMED_QUERY") from None
    except NotSupported as error:       # parsed, but not a statement lakebox runs: the query fails
        statement = Statement("unsupported", "DML", "UNKNOWN", args={"reason": str(error)})
    if unbound:
        statement = Statement("unbound", statement.statement_type, statement.substatement_type,
                              args={"reason": unbound})
    token = params.get("ClientRequestToken")
    existing = store.query_by_token(db, ctx.account, ctx.region, token) if token else None
    if existing is not None:
        _check_same_request(existing, params, result_config)
        return {"QueryExecutionId": existing["id"]}
    if statement.kind == "execute":
        statement, sql, places = _prepared(ctx, group["name"], statement, params.get("ExecutionParameters") or [])
    if ctx.limits_on and store.active_count(db, ctx.account, ctx.region) >= model.ACTIVE_QUERY_LIMIT:
        raise errors.TooManyRequestsException("You have exceeded the limit for the number of queries you can run "
                                              "concurrently. Please reduce the number of concurrent queries submitted "
                                              "by this account.", Reason="CONCURRENT_QUERY_LIMIT_EXCEEDED")
    _check_output_location(ctx, result_config["OutputLocation"])
    context = params.get("QueryExecutionContext") or {}
    reuse = _reusable(ctx, params, group["name"], context, statement, result_config)
    statement = ddl_show.as_view_describe(on_behalf(ctx, "glue", "GetTable"), statement, _context_database(context))
    query_id = model.new_query_id()
    request = {"Query": params["QueryString"], "QueryExecutionContext": context,     # this order: see _reusable
               "ExecutionParameters": params.get("ExecutionParameters"), "ResultConfiguration": result_config,
               "ResultReuseConfiguration": params.get("ResultReuseConfiguration"),
               "EngineVersion": config.get("EngineVersion")}
    store.insert_query(db, ctx.account, ctx.region, query_id, group["name"], token, request,
                       statement.statement_type, statement.substatement_type, "QUEUED", ctx.now)
    cache = _cache(ctx.state)
    cache["started"][query_id] = time.perf_counter()
    if places is not None:
        cache.setdefault("places", {})[query_id] = places
    database = _context_database(context)
    output = result_config["OutputLocation"]
    if reuse is not None:
        _reuse(ctx, query_id, reuse)
    elif statement.kind == "unsupported":
        _finish(ctx.state, ctx.account, ctx.region, query_id, execution.Outcome(
            "FAILED", *model.user_error("NOT_SUPPORTED", statement.args["reason"])))
    elif statement.kind == "unbound":
        _finish(ctx.state, ctx.account, ctx.region, query_id, execution.Outcome(
            "FAILED", *model.parameter_error(statement.args["reason"])))
    elif (refused := output_rules.write_failure(ctx, result_config, model.result_file(
            output, query_id, model.text_result(statement.statement_type, statement.substatement_type)))) is not None:
        _finish(ctx.state, ctx.account, ctx.region, query_id, execution.Outcome("FAILED", *refused))
    elif statement.kind in DATA_KINDS:
        _start_data_query(ctx, query_id, statement, database, result_config, config.get("BytesScannedCutoffPerQuery"))
    else:
        _run_ddl(ctx, query_id, statement, database, result_config, group["name"])
    return {"QueryExecutionId": query_id}


def _check_same_request(existing, params, result_config):
    """A ClientRequestToken names one query: sent again with another query text, catalog,
    database or result location it is refused (its ExecutionParameters and WorkGroup are
    not compared); the context is compared as sent, the result location as it applies."""
    earlier = json.loads(existing["request"])
    context, before = params.get("QueryExecutionContext") or {}, earlier["QueryExecutionContext"] or {}
    if (earlier["Query"] != params["QueryString"]
            or any(context.get(key) != before.get(key) for key in ("Catalog", "Database"))
            or earlier["ResultConfiguration"].get("OutputLocation") != result_config["OutputLocation"]):
        raise errors.InvalidRequestException("Idempotent parameters do not match",
                                             AthenaErrorCode="IDEMPOTENT_PARAMETER_MISMATCH")


def _check_output_location(ctx, output: str):
    """Athena refuses, at submission, a result location that is not an S3 location of
    this region, or whose bucket does not exist."""
    bucket = s3.parse_s3_uri(output)[0]
    if not s3.bucket_exists(ctx.state, bucket):
        raise errors.InvalidRequestException(f"Unable to verify/create output bucket {bucket}")
    if s3.bucket_region(ctx.state, bucket) != ctx.region:
        raise errors.InvalidRequestException(model.INVALID_OUTPUT_LOCATION)


def _context_database(context: dict) -> str:
    """The current database of a query. Athena takes it quoted as a Hive identifier too
    (awswrangler's describe_table and show_create_table send "`db`")."""
    database = context.get("Database") or "default"
    if len(database) > 2 and database.startswith("`") and database.endswith("`"):
        database = database[1:-1]
    return database.lower()


def _reusable(ctx, params, workgroup, context, statement, result_config):
    """The latest earlier SUCCEEDED run of the same SELECT whose results may be reused
    (ResultReuseByAgeConfiguration), or None. As the user guide's reuse page says, only
    a run with the same result configuration, whose result file is still where it was."""
    by_age = (params.get("ResultReuseConfiguration") or {}).get("ResultReuseByAgeConfiguration") or {}
    if not by_age.get("Enabled") or statement.kind != "select":
        return None
    since = ctx.now - 60 * (by_age.get("MaxAgeInMinutes") or 60)
    for earlier in store.reusable_queries(ctx.state.db, ctx.account, ctx.region, workgroup,
                                          store.request_prefix(params["QueryString"], context,
                                                               params.get("ExecutionParameters")), since):
        request = json.loads(earlier["request"])
        if request["ResultConfiguration"] == result_config and _result_kept(ctx, earlier, request):
            return earlier
    return None


def _result_kept(ctx, earlier, request) -> bool:
    figures = json.loads(earlier["figures"])
    bucket, key = s3.parse_s3_uri(figures.get("result_file") or model.result_file(
        request["ResultConfiguration"]["OutputLocation"], earlier["id"], False))
    try:
        s3.object_file(ctx.state, bucket, key)
    except ServiceError:
        return False
    return True


def _reuse(ctx, query_id, earlier):
    """End the query at once with the earlier run's results, where they are."""
    figures = json.loads(earlier["figures"])
    figures["result_file"] = figures.get("result_file") or model.result_file(
        json.loads(earlier["request"])["ResultConfiguration"]["OutputLocation"], earlier["id"], False)
    figures["reused"] = True
    figures["EngineExecutionTimeInMillis"] = figures["DataScannedInBytes"] = figures["InputRows"] = 0
    outcome = execution.Outcome("SUCCEEDED", figures=figures, columns=figures.get("columns") or [])
    _finish(ctx.state, ctx.account, ctx.region, query_id, outcome)


def _result_configuration(params, config) -> dict:
    """The request's ResultConfiguration over the work group's, or the work group's settings
    over the request's when it enforces its own (the request's fill what the group leaves
    unset)."""
    own = dict(params.get("ResultConfiguration") or {})
    group = config.get("ResultConfiguration") or {}
    chosen = {**own, **group} if config.get("EnforceWorkGroupConfiguration") else {**group, **own}
    if not chosen.get("OutputLocation"):
        raise errors.InvalidRequestException(
            "No output location provided. You did not provide an output location for  your query results. Either "
            "specify an S3 bucket location or enable Athena managed query results in your workgroup settings.")
    return chosen


def _bound(sql: str, values: list[str]) -> tuple[str, parameter_places.Places]:
    """`sql` with its `?` bound to `values`, and where they were (ValueError: not as many)."""
    bound = bind_parameters(sql, values)
    return bound, parameter_places.Places(sql, placeholders(sql), values)


def _prepared(ctx, workgroup: str, statement: Statement, parameters: list[str]) \
        -> tuple[Statement, str, parameter_places.Places | None]:
    """EXECUTE name USING ... (or EXECUTE name with ExecutionParameters): the prepared
    statement with its parameters bound, and where they were."""
    row = store.get_prepared(ctx.state.db, ctx.account, ctx.region, workgroup, statement.args["name"])
    if row is None:
        raise errors.InvalidRequestException(f"Prepared statement not found: {statement.args['name']}")
    values = _split_values(statement.args.get("using") or "") + parameters
    try:
        sql, places = _bound(row["query"], values)
    except ValueError as error:         # as with ExecutionParameters: Athena takes it, and it fails
        return Statement("unbound", statement.statement_type, statement.substatement_type,
                         args={"reason": str(error)}), row["query"], None
    try:
        return classify(sql), sql, places
    except SqlSyntaxError as error:
        raise errors.InvalidRequestException(str(error)) from None


def _split_values(text: str) -> list[str]:
    """`1, 'a,b', DATE '2024-01-01'` -> ["1", "'a,b'", "DATE '2024-01-01'"]."""
    values, current, quoted = [], "", False
    for char in text:
        if char == "'":
            quoted = not quoted
        if char == "," and not quoted:
            values.append(current.strip())
            current = ""
            continue
        current += char
    if current.strip():
        values.append(current.strip())
    return values


def _start_data_query(ctx, query_id, statement, database, result_config, cutoff):
    output = result_config["OutputLocation"]
    cache = _cache(ctx.state)
    engine = cache["engine"]
    try:
        job = writes.data_job(on_behalf(ctx, "glue", _GLUE_OPERATION.get(statement.kind, "GetTable")), engine,
                              query_id, statement, database, output)
    except (EngineError, NotSupported) as error:
        name = getattr(error, "error_name", "NOT_SUPPORTED")
        _finish(ctx.state, ctx.account, ctx.region, query_id, execution.Outcome(
            "FAILED", *model.user_error(name, getattr(error, "message", str(error)))))
        return
    except ServiceError:                # the caller's own refusal (a session policy): the request's error
        raise
    except Exception as error:
        _end_on_bug(ctx, query_id, error, "query planning")
        return
    if job is None:                      # CTAS ... IF NOT EXISTS of an existing table
        _finish(ctx.state, ctx.account, ctx.region, query_id, execution.Outcome("SUCCEEDED"))
        return
    job.cutoff = cutoff if ctx.limits_on else None
    job.put = output_rules.put_request(result_config)
    job.cse_key = output_rules.cse_key(result_config)
    account, region, state = ctx.account, ctx.region, ctx.state
    temp_path = lambda: s3.temp_path(state)        # noqa: E731
    task = state.work.submit("athena", "StartQueryExecution", execution.run, job, engine, cache["running"],
                             temp_path, commit=lambda outcome: _commit(state, account, region, query_id, outcome, job),
                             discard=lambda outcome: outcome.discard())
    cache["tasks"][query_id] = task
    cache["ended"][query_id] = asyncio.Event()
    asyncio.get_running_loop().create_task(_settle(state, account, region, query_id, task))


async def _settle(state, account, region, query_id, task):
    """After the work: a stopped query ends CANCELLED; one whose results could not be
    stored (all rolled back) ends FAILED with the reason."""
    try:
        await task
        return
    except TaskCancelled:
        outcome = execution.Outcome("CANCELLED", "Query cancelled by user")
    except results.OutputError as error:
        outcome = execution.Outcome("FAILED", error.reason, model.athena_error(
            model.USER, model.ERROR_TYPES["WRITE"], error.reason))
    except EngineError as error:
        outcome = execution.Outcome("FAILED", *model.user_error(error.error_name, error.message))
    except Exception as error:          # the commit failed: nothing of it landed
        outcome = execution.Outcome("FAILED", *model.system_error(f"{type(error).__name__}: {error}"))
    try:
        _finish(state, account, region, query_id, outcome)
    except Exception:                   # e.g. a reset wiped the state while the query ran
        log.exception("athena query %s ended but its end could not be recorded", query_id)


def _end_on_bug(ctx, query_id, error, what: str):
    """A lakebox bug: the query ends FAILED, not QUEUED for ever."""
    log.exception("athena %s of %s failed", what, query_id)
    _finish(ctx.state, ctx.account, ctx.region, query_id, execution.Outcome(
        "FAILED", *model.system_error(f"{type(error).__name__}: {error}")))


def _run_ddl(ctx, query_id, statement, database, result_config, workgroup):
    statement.args["workgroup"] = workgroup
    output = result_config["OutputLocation"]
    try:
        catalog_ctx = on_behalf(ctx, "glue", _GLUE_OPERATION.get(statement.kind.split("_")[0], "GetTable"))
        lines = ddl.run(catalog_ctx, statement, database, _cache(ctx.state)["engine"])
    except ddl.DdlFailure as failure:
        _failed_ddl(ctx, query_id, failure, result_config)
        return
    except ServiceError:                # the caller's own refusal (a session policy): the request's error
        raise
    except Exception as error:
        _end_on_bug(ctx, query_id, error, "DDL")
        return
    outcome = execution.Outcome("SUCCEEDED")
    path = s3.temp_path(ctx.state)
    with open(path, "w") as f:         # the lines, one per row, and no newline after the last
        f.write("\n".join(lines))
    result = model.result_file(output, query_id, text=True)
    outcome.objects.append((result, path, "text/plain"))
    outcome.figures["rows"] = len(lines)
    # A DDL statement that answers nothing (CREATE, DROP, ALTER) leaves an empty `.txt`
    # and no `.txt.metadata`: there are no columns to describe. MSCK REPAIR TABLE's lines
    # come back without columns (and without UpdateCount) too.
    outcome.columns = [] if statement.statement_type == "DDL" and (not lines or statement.kind == "msck") \
        else ddl_show.text_columns(statement.kind)
    if outcome.columns:
        metadata = s3.temp_path(ctx.state)
        with open(metadata, "wb") as f:
            f.write(results.metadata_bytes(outcome.columns))
        outcome.objects.append((result + ".metadata", metadata, "application/octet-stream"))
    try:
        with ctx.state.db.transaction():
            _store_objects(ctx.state, ctx.account, ctx.region, outcome, output_rules.put_request(result_config),
                           output_rules.cse_key(result_config))
            _finish(ctx.state, ctx.account, ctx.region, query_id, outcome)
    except results.OutputError as error:
        outcome.discard()
        refused = model.athena_error(model.USER, model.ERROR_TYPES["WRITE"], error.reason)
        _finish(ctx.state, ctx.account, ctx.region, query_id, execution.Outcome("FAILED", error.reason, refused))


def _failed_ddl(ctx, query_id, failure, result_config):
    """A DDL statement that failed. When Hive's words say why (`FAILED: ...`), Athena writes
    them to `<id>.txt` too (no `.metadata`), and GetQueryResults answers an empty result."""
    outcome = execution.Outcome("FAILED", *model.user_error(failure.error_name, failure.message))
    if failure.message.startswith("FAILED: "):
        path = s3.temp_path(ctx.state)
        with open(path, "w") as f:
            f.write(failure.message)
        outcome.objects.append((model.result_file(result_config["OutputLocation"], query_id, text=True), path,
                                "application/octet-stream"))
        outcome.figures["hive_failure"] = True
    try:
        with ctx.state.db.transaction():
            _store_objects(ctx.state, ctx.account, ctx.region, outcome, output_rules.put_request(result_config),
                           output_rules.cse_key(result_config))
            _finish(ctx.state, ctx.account, ctx.region, query_id, outcome)
    except results.OutputError:
        outcome.discard()
        outcome.objects, outcome.figures = [], {}
        _finish(ctx.state, ctx.account, ctx.region, query_id, outcome)


def _commit(state, account, region, query_id, outcome, job):
    """On the loop, in one transaction: the result objects, the catalog change, the end."""
    if outcome.state == "SUCCEEDED":
        _store_objects(state, account, region, outcome, job.put, job.cse_key)
        if job.write.get("on_commit"):
            job.write["on_commit"](outcome)
    _finish(state, account, region, query_id, outcome)


def _finish(state, account, region, query_id, outcome):
    """Record how the query ended, with its figures."""
    cache = _cache(state)
    cache["tasks"].pop(query_id, None)
    started = cache["started"].pop(query_id, None)
    ended = cache["ended"].pop(query_id, None)
    figures = dict(outcome.figures)
    total = int((time.perf_counter() - started) * 1000) if started is not None else 0
    figures["TotalExecutionTimeInMillis"] = max(total, figures.get("EngineExecutionTimeInMillis", 0))
    figures["QueryQueueTimeInMillis"] = max(0, figures["TotalExecutionTimeInMillis"]
                                            - figures.get("EngineExecutionTimeInMillis", 0))
    figures["columns"] = outcome.columns
    places = cache.get("places", {}).pop(query_id, None)
    if places is not None and outcome.state == "FAILED":      # the places of the text with `?`
        outcome.reason = places.original(outcome.reason)
        if outcome.error:
            outcome.error = {**outcome.error, "ErrorMessage": places.original(outcome.error.get("ErrorMessage"))}
    row = store.get_query(state.db, account, region, query_id)
    completed = (row["submitted"] if row else state.clock.now()) + figures["TotalExecutionTimeInMillis"] / 1000
    store.finish_query(state.db, account, region, query_id, outcome.state, completed, outcome.reason,
                       outcome.error, figures)
    if ended is not None:
        ended.set()


def _store_objects(state, account, region, outcome, put: dict, cse_key: str | None):
    """Put the result files into S3 (each file is moved, not copied) with the query's
    encryption and ACL (`output.put_request`), each encrypted on the client side first
    when the query asks for CSE_KMS (`cse.py`; on the loop: results are small, and the
    data keys come from KMS through the writer)."""
    for number, (uri, path, content_type) in enumerate(outcome.objects):
        bucket, key = s3.parse_s3_uri(uri)
        if not s3.bucket_exists(state, bucket):
            raise results.OutputError(f"Unable to verify/create output bucket {bucket}")
        metadata = None
        if cse_key:
            try:
                path, metadata = cse.seal_file(state, account, region, cse_key, path, lambda: s3.temp_path(state))
            except cse.KmsFailure:
                raise results.OutputError(output_rules.denied_reason(uri)) from None
            outcome.objects[number] = (uri, path, content_type)       # discarded from there if this fails
        s3.put_file(state, bucket, key, path, content_type, metadata, request=put)
    outcome.objects = []


# ---------------------------------------------------------------------------
# Reading executions


def _row_or_error(ctx, query_id):
    row = store.get_query(ctx.state.db, ctx.account, ctx.region, query_id)
    if row is None:
        raise errors.InvalidRequestException(f"QueryExecution {query_id} was not found",
                                             AthenaErrorCode="QUERY_EXECUTION_NOT_FOUND")
    return row


def _live_state(state, row) -> str:
    task = _cache(state)["tasks"].get(row["id"])
    if row["state"] == "QUEUED" and task is not None and task.state == "RUNNING":
        return "RUNNING"
    return row["state"]


def query_execution(state, row) -> dict:
    request = json.loads(row["request"])
    figures = json.loads(row["figures"] or "{}")
    status = {"State": _live_state(state, row), "SubmissionDateTime": row["submitted"]}
    if row["completed"] is not None:
        status["CompletionDateTime"] = row["completed"]
    if row["reason"]:
        status["StateChangeReason"] = row["reason"]
    if row["error"]:
        status["AthenaError"] = json.loads(row["error"])
    result_config = dict(request["ResultConfiguration"])
    text = model.text_result(row["statement_type"], row["substatement_type"])
    result_config["OutputLocation"] = figures.get("result_file") or model.written_result(
        result_config["OutputLocation"], row["id"], row["substatement_type"]) or model.result_file(
        result_config["OutputLocation"], row["id"], text)
    statistics = {key: figures[key] for key in ("EngineExecutionTimeInMillis", "DataScannedInBytes",
                                                "TotalExecutionTimeInMillis", "QueryQueueTimeInMillis",
                                                "DataManifestLocation") if key in figures}
    if row["completed"] is not None:
        statistics.setdefault("DataScannedInBytes", 0)
        statistics.setdefault("EngineExecutionTimeInMillis", 0)
        statistics["ServicePreProcessingTimeInMillis"] = 0
        if row["state"] == "SUCCEEDED":        # one cancelled at once or failing analysis was never planned
            statistics["QueryPlanningTimeInMillis"] = 0
        statistics["ServiceProcessingTimeInMillis"] = 0
        statistics["ResultReuseInformation"] = {"ReusedPreviousResult": bool(figures.get("reused"))}
    context = dict(request["QueryExecutionContext"])
    if context.get("Catalog"):          # shown in lower case, whatever case it was sent in
        context["Catalog"] = context["Catalog"].lower()
    execution_doc = {
        "QueryExecutionId": row["id"], "Query": request["Query"], "StatementType": row["statement_type"],
        "ResultConfiguration": result_config, "QueryExecutionContext": context,
        "Status": status, "Statistics": statistics, "WorkGroup": row["workgroup"],
        "EngineVersion": model.engine_version(request.get("EngineVersion")), "SubstatementType": row["substatement_type"],
        "ResultReuseConfiguration": request.get("ResultReuseConfiguration") or
        {"ResultReuseByAgeConfiguration": {"Enabled": False}}}
    if request.get("ExecutionParameters"):
        execution_doc["ExecutionParameters"] = request["ExecutionParameters"]
    return execution_doc


def get_query_execution(ctx, params):
    row = _row_or_error(ctx, params["QueryExecutionId"])
    ended = _cache(ctx.state)["ended"].get(row["id"]) if row["state"] in store.ACTIVE else None
    if ended is None:
        return {"QueryExecution": query_execution(ctx.state, row)}
    return _when_ended(ctx, row["id"], ended)


async def _when_ended(ctx, query_id: str, ended: asyncio.Event) -> dict:
    """The query's execution once it has ended, or after STATE_WAIT_SECONDS."""
    try:
        await asyncio.wait_for(ended.wait(), STATE_WAIT_SECONDS)
    except asyncio.TimeoutError:
        pass
    return {"QueryExecution": query_execution(ctx.state, _row_or_error(ctx, query_id))}


def batch_get_query_execution(ctx, params):
    found, missing = [], []
    for query_id in params["QueryExecutionIds"]:
        row = store.get_query(ctx.state.db, ctx.account, ctx.region, query_id)
        if row is None:
            missing.append({"QueryExecutionId": query_id, "ErrorCode": "INVALID_INPUT",
                            "ErrorMessage": f"QueryExecution {query_id} was not found"})
        else:
            found.append(query_execution(ctx.state, row))
    return {"QueryExecutions": found, "UnprocessedQueryExecutionIds": missing}


def list_query_executions(ctx, params):
    group = workgroups.workgroup_or_error(ctx, params.get("WorkGroup") or model.PRIMARY)
    limit = params.get("MaxResults") or 50
    before = results.decode_token(params.get("NextToken"), default=1 << 62)
    rows = store.list_queries(ctx.state.db, ctx.account, ctx.region, group["name"], before, limit + 1)
    answer = {"QueryExecutionIds": [row["id"] for row in rows[:limit]]}
    if len(rows) > limit:
        answer["NextToken"] = results.encode_token(rows[limit - 1]["seq"])
    return answer


def stop_query_execution(ctx, params):
    """Interrupts a running query (DuckDB stops at once); a queued one never starts."""
    row = _row_or_error(ctx, params["QueryExecutionId"])
    if row["state"] not in store.ACTIVE:
        return {}
    cache = _cache(ctx.state)
    task = cache["tasks"].get(row["id"])
    if task is not None:
        task.cancel()
    query = cache["running"].get(row["id"])
    if query is not None:
        query.cancel()
    return {}


def get_query_runtime_statistics(ctx, params):
    row = _row_or_error(ctx, params["QueryExecutionId"])
    figures = json.loads(row["figures"] or "{}")
    timeline = {"QueryQueueTimeInMillis": figures.get("QueryQueueTimeInMillis", 0),
                "EngineExecutionTimeInMillis": figures.get("EngineExecutionTimeInMillis", 0),
                "TotalExecutionTimeInMillis": figures.get("TotalExecutionTimeInMillis", 0),
                "QueryPlanningTimeInMillis": 0, "ServicePreProcessingTimeInMillis": 0,
                "ServiceProcessingTimeInMillis": 0}
    rows = {"InputRows": figures.get("InputRows", 0), "InputBytes": figures.get("DataScannedInBytes", 0),
            "OutputRows": figures.get("rows", 0),
            "OutputBytes": figures.get("OutputBytes", 0)}
    return {"QueryRuntimeStatistics": {"Timeline": timeline, "Rows": rows}}
