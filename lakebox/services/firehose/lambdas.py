"""The `Lambda` processor: a function ARN names a local Python handler in the functions
directory (`lakebox serve --functions DIR`): `DIR/<function name>.py` defining
`lambda_handler(event, context)`. It is called as Firehose calls a transformation
function (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html):

- the event is {"invocationId", "deliveryStreamArn", "region", "records": [{"recordId",
  "approximateArrivalTimestamp", "data" (base64)}]}, in batches of at most
  `BufferSizeInMBs` (default 1 MiB) of record data; a stream reading a Kinesis stream
  adds "sourceKinesisStreamArn" and, per record, "kinesisRecordMetadata" (shard id,
  partition key, sequence and subsequence numbers, arrival), which re-ingesting
  functions (AWS's own blueprints) read the partition key from;
- Firehose buffers for the function before it buffers for the destination, so records
  reach S3 once the function's buffer released them (`BufferSizeInMBs` gathered, or
  `BufferIntervalInSeconds`, default 60, passed) and then the destination's buffering
  hints were met: the flush job waits for both (`buffer.due_ms`);
- the answer is {"records": [{"recordId", "result": "Ok" | "Dropped" | "ProcessingFailed",
  "data" (base64), "metadata": {"partitionKeys": {...}}}]}: Ok records go on with the
  new data (and their partition keys, for `!{partitionKeyFromLambda:...}`, or an Iceberg
  destination's routing in "otfMetadata"), Dropped ones
  are gone, ProcessingFailed ones go to error output;
- a handler that raises is called again up to `NumberOfRetries` (default 3) more times,
  then the batch goes to error output (Lambda.FunctionError); an answer that leaves a
  record out fails that record (Lambda.MissingRecordId), one that names a record twice
  the batch (Lambda.DuplicatedRecordId), without calling again.

Handlers run on the worker facility, never on the event loop.
"""
import base64
import importlib.util
import logging
import os
import re
import uuid

from lakebox.services.firehose import config, processing

ARN = re.compile(r"^arn:[\w-]+:lambda:([\w-]+):(\d{12}):function:([\w-]+)(?::[\w$-]+)?$")
RESULTS = ("Ok", "Dropped", "ProcessingFailed")
# Firehose's words in the error record of a function that raised (a recorded error record)
FUNCTION_ERROR = "The Lambda function was successfully invoked but it returned an error result."
# and of an answer that names a record twice, or leaves one out: not called again, the
# whole batch (a record named twice) or the records left out go to error output
DUPLICATED = ("Multiple records were returned with the same record Id. Ensure that the Lambda function returns "
              "a unique record Id for each record.")
MISSING = "One or more record Ids were not returned. Ensure that the Lambda function returns all received record Ids."
log = logging.getLogger("lakebox.firehose")


class _Context:
    """What a handler's `context` argument offers (the parts transformation code uses)."""

    def __init__(self, arn: str, name: str):
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "lakebox"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 60_000


def transform(records: list, params: dict, failures: list, env) -> list:
    arn = params["LambdaArn"]
    retries = int(config.lambda_number(params, "NumberOfRetries"))
    handler, problem = _handler(env.functions_dir, arn)
    out = []
    for batch in _batches(records, config.lambda_number(params, "BufferSizeInMBs")):
        if handler is None:
            failures.extend(_failed(r, "Lambda.FunctionNotFound", problem, arn, 1) for r in batch)
            continue
        out.extend(_invoke(handler, arn, batch, retries, failures, env))
    return out


def _handler(functions_dir: str | None, arn: str):
    match = ARN.match(arn)
    if match is None:
        return None, f"{arn} is not a Lambda function ARN."
    name = match.group(3)
    if not functions_dir:
        return None, f"Function {name} cannot be called: lakebox serves Lambda handlers from --functions DIR."
    path = os.path.join(functions_dir, f"{name}.py")
    if not os.path.isfile(path):
        return None, f"Function not found: {arn} (no {path})."
    spec = importlib.util.spec_from_file_location(f"lakebox_function_{name}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:                     # the user's module: any error is theirs
        return None, f"Function {name} could not be loaded: {error!r}"
    handler = getattr(module, "lambda_handler", None)
    if not callable(handler):
        return None, f"Function {name} has no lambda_handler."
    return handler, None


def _batches(records, mib: float):
    limit, batch, size = max(int(mib * 1024 * 1024), 1), [], 0
    for record in records:
        if batch and size + len(record.data) > limit:
            yield batch
            batch, size = [], 0
        batch.append(record)
        size += len(record.data)
    if batch:
        yield batch


def _event(ids, env) -> dict:
    """The transformation event; a stream reading Kinesis also names the source stream and
    gives each record's Kinesis metadata (as the events Firehose sends then show)."""
    event = {"invocationId": str(uuid.uuid4())}
    if env.source_arn:
        event["sourceKinesisStreamArn"] = env.source_arn
    event.update(deliveryStreamArn=env.stream_arn, region=env.region, records=[])
    for rid, record in ids.items():
        item = {"recordId": rid, "approximateArrivalTimestamp": record.arrival_ms,
                "data": base64.b64encode(record.data).decode()}
        if record.kinesis:
            shard, sequence, partition_key, subsequence = record.kinesis
            item["kinesisRecordMetadata"] = {"sequenceNumber": sequence, "subsequenceNumber": subsequence,
                                             "partitionKey": partition_key, "shardId": shard,
                                             "approximateArrivalTimestamp": record.arrival_ms}
        event["records"].append(item)
    return event


def _invoke(handler, arn, batch, retries, failures, env):
    ids = {f"{index:08d}": record for index, record in enumerate(batch)}
    event = _event(ids, env)
    name = ARN.match(arn).group(3)
    error = None
    for attempt in range(1, retries + 2):
        try:
            answer = handler(event, _Context(arn, name))
            return _results(answer, ids, arn, attempt, failures)
        except Exception as raised:                # the user's code: any error is a failed call
            error = raised
    log.warning("Lambda function %s failed %d times: %r", arn, retries + 1, error)
    failures.extend(_failed(r, "Lambda.FunctionError", FUNCTION_ERROR, arn, retries + 1) for r in batch)
    return []


def _results(answer, ids, arn, attempt, failures):
    found, duplicated = {}, False
    for item in (answer or {}).get("records") or []:
        if isinstance(item, dict) and item.get("recordId") in ids:
            duplicated = duplicated or item["recordId"] in found
            found[item["recordId"]] = item
    if duplicated:
        failures.extend(_failed(r, "Lambda.DuplicatedRecordId", DUPLICATED, arn, attempt) for r in ids.values())
        return []
    out, missing = [], []
    for rid, record in ids.items():
        item = found.get(rid)
        if item is None:
            missing.append(_failed(record, "Lambda.MissingRecordId", MISSING, arn, attempt))
            continue
        result = item.get("result")
        if result not in RESULTS:
            raise ValueError(f"record {rid} has result {result!r}, not one of {', '.join(RESULTS)}")
        if result == "Dropped":
            continue
        if result == "ProcessingFailed":
            failures.append(_failed(record, "Lambda.ProcessingFailedStatus",
                                    "The Lambda function returned ProcessingFailed for this record.", arn, attempt))
            continue
        keys = dict(record.keys)
        for key, value in ((item.get("metadata") or {}).get("partitionKeys") or {}).items():
            keys[("partitionKeyFromLambda", key)] = str(value)
        # an Iceberg destination's routing ("otfMetadata": destinationDatabaseName,
        # destinationTableName, operation; the guide's Iceberg routing page)
        for key, value in ((item.get("metadata") or {}).get("otfMetadata") or {}).items():
            keys[("otfMetadata", key)] = str(value)
        out.append(record.derived(base64.b64decode(item.get("data") or "", validate=True), keys))
    failures.extend(missing)
    return out


def _failed(record, code, message, arn, attempts):
    # `lambdaARN`, spelled as in error records Firehose wrote (the guide's sample says lambdaArn)
    return processing.Failure(record, "processing-failed", code, message, {"lambdaARN": arn, "attemptsMade": attempts})
