"""Athena's pure rules: ids, defaults, the shape of a QueryExecution, error categories."""
import re
import uuid

PRIMARY = "primary"
DATA_CATALOG = "AwsDataCatalog"
ENGINE_VERSION = {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"}
# Active (queued or running) queries an account may have in a region before
# StartQueryExecution answers TooManyRequestsException (Athena's default DML quota).
ACTIVE_QUERY_LIMIT = 150
CUTOFF_REASON = "Query cancelled! Bytes scanned limit was exceeded"
INVALID_OUTPUT_LOCATION = ("The S3 location provided to save your query results is invalid. Please check your S3 "
                           "location is correct and is in the same region and try again. If you continue to see the "
                           "issue, contact customer support for further assistance.")

# AthenaError: category 1 SYSTEM, 2 USER; the error types of Athena's error catalog.
USER, SYSTEM = 1 + 1, 1
ERROR_TYPES = {"SYNTAX_ERROR": 1006, "DDL": 1003, "USER": 1000, "SYSTEM": 200, "WRITE": 401, "ICEBERG_DDL": 1200}
# The analyzer's errors that Athena reports as type 1006, as it does syntax errors (a
# capture of real Athena: radkawar/stackd testdata/aws/athena/application_verified.json).
ANALYSIS_ERRORS = ("COLUMN_NOT_FOUND",)


def new_query_id() -> str:
    return str(uuid.uuid4())


def athena_error(category: int, error_type: int, message: str, retryable: bool = False) -> dict:
    return {"ErrorCategory": category, "ErrorType": error_type, "Retryable": retryable, "ErrorMessage": message}


def user_error(error_name: str, message: str) -> tuple[str, dict]:
    """(StateChangeReason, AthenaError) of a query the user's input made fail. Athena's
    own checks of Iceberg DDL (`ICEBERG_DDL`) give their message bare, as error type 1200,
    and so do Hive's (`FAILED: ...`, the very bytes Athena writes to `<id>.txt`)."""
    bare = error_name == "ICEBERG_DDL" or (error_name == "DDL" and message.startswith("FAILED: "))
    reason = message if bare else f"{error_name}: {message}"
    kind = error_name if error_name in ("DDL", "ICEBERG_DDL") else \
        "SYNTAX_ERROR" if error_name in ANALYSIS_ERRORS else "USER"
    return reason, athena_error(USER, ERROR_TYPES[kind], reason)


def parameter_error(message: str) -> tuple[str, dict]:
    """(StateChangeReason, AthenaError) of a query whose ExecutionParameters do not match
    its `?` placeholders: Athena gives the message bare, as error type 1006."""
    return message, athena_error(USER, ERROR_TYPES["SYNTAX_ERROR"], message)


def system_error(message: str) -> tuple[str, dict]:
    reason = f"GENERIC_INTERNAL_ERROR: {message}"
    return reason, athena_error(SYSTEM, ERROR_TYPES["SYSTEM"], reason, retryable=True)


def text_result(statement_type: str, substatement_type: str) -> bool:
    """DDL, the utilities (SHOW, DESCRIBE, PREPARE, DEALLOCATE) and EXPLAIN (a DML
    statement) answer in a `.txt` file (but a CTAS is answered as a query)."""
    if statement_type == "UTILITY" or substatement_type == "EXPLAIN":
        return True
    return statement_type == "DDL" and substatement_type != "CREATE_TABLE_AS_SELECT"


def result_file(output_location: str, query_id: str, text: bool) -> str:
    """`<OutputLocation>/<QueryExecutionId>.csv` (or `.txt` for DDL)."""
    return f"{output_location.rstrip('/')}/{query_id}.{'txt' if text else 'csv'}"


def written_result(output_location: str, query_id: str, substatement_type: str) -> str | None:
    """Where a CTAS or INSERT INTO says its result is (`tables/<id>`, `<id>`: no such
    object is written, only its `.metadata` and manifest beside it); None for others."""
    base = output_location.rstrip('/')
    return {"CREATE_TABLE_AS_SELECT": f"{base}/tables/{query_id}", "INSERT": f"{base}/{query_id}"}.get(
        substatement_type)


def manifest_file(output_location: str, query_id: str, substatement_type: str) -> str:
    """The manifest of the files a CTAS (under `tables/`) or INSERT INTO wrote."""
    return (written_result(output_location, query_id, substatement_type)
            or f"{output_location.rstrip('/')}/{query_id}") + "-manifest.csv"


def valid_output_location(location: str) -> bool:
    return bool(re.match(r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](/.*)?$", location or ""))


def output_location_refusal(location: str) -> str:
    """Why a result location is refused: one that is no S3 path at all (`results`,
    `s3://`) in the words Athena's input check uses, else the bucket's name."""
    if not re.match(r"^s3://[^/]+", location or ""):
        return "outputLocation is not a valid S3 path."
    return INVALID_OUTPUT_LOCATION


def default_workgroup_configuration() -> dict:
    """The primary work group's configuration."""
    return {"ResultConfiguration": {}, "EnforceWorkGroupConfiguration": False, "PublishCloudWatchMetricsEnabled": False,
            "RequesterPaysEnabled": False, "EngineVersion": dict(ENGINE_VERSION)}


def new_workgroup_configuration(given: dict) -> dict:
    """A created work group's configuration: what CreateWorkGroup left out is Athena's
    default, configuration enforced and CloudWatch metrics published, and no
    ResultConfiguration at all; a chosen engine version is the effective one (a capture of
    real Athena: radkawar/stackd testdata/aws/athena/application_verified.json)."""
    config = {"EnforceWorkGroupConfiguration": True, "PublishCloudWatchMetricsEnabled": True,
              "RequesterPaysEnabled": False, **given}
    config["EngineVersion"] = engine_version(given.get("EngineVersion"))
    return config


def engine_version(given: dict | None) -> dict:
    chosen = (given or {}).get("SelectedEngineVersion") or "AUTO"
    return {"SelectedEngineVersion": chosen,
            "EffectiveEngineVersion": ENGINE_VERSION["EffectiveEngineVersion"] if chosen == "AUTO" else chosen}
