"""What ExportTableToPointInTime checks before an export starts, in DynamoDB's words
(recorded from DynamoDB's replies: the ExportType / IncrementalExportSpecification
couplings, the KMS key without KMS, the export time and the incremental window), and the
ClientToken replay rule: the same token with the same request is the same export, with
another request ExportConflictException."""
from datetime import datetime, timezone

from lakebox.services.dynamodb import lookup
from lakebox.services.dynamodb.backups import LATEST_LAG_MS
from lakebox.services.dynamodb.errors import (
    ExportConflictException, InvalidExportTimeException, PointInTimeRecoveryUnavailableException, ResourceNotFoundException,
    TableNotFoundException, ValidationException)

MINUTE_MS = 60_000
MIN_WINDOW_MS, MAX_WINDOW_MS = 15 * MINUTE_MS, 24 * 60 * MINUTE_MS
DAY_MS = 24 * 60 * MINUTE_MS
INCREMENTAL = "INCREMENTAL_EXPORT"
# What a ClientToken replay must repeat to be the same export.
REQUEST_MEMBERS = ("TableArn", "ExportTime", "S3Bucket", "S3BucketOwner", "S3Prefix", "S3SseAlgorithm", "S3SseKmsKeyId",
                   "ExportFormat", "ExportType", "IncrementalExportSpecification")


def table_of(ctx, arn: str):
    if not arn.startswith("arn:"):
        raise ValidationException("One or more parameter values were invalid: tableArn is not a valid ARN")
    try:
        return lookup.find(ctx, arn)
    except ResourceNotFoundException:             # the table's own not-found, in the export's words
        raise TableNotFoundException(f"Table not found: {arn}") from None


def check_request(params):
    """The couplings DynamoDB refuses with ValidationException, before any time check."""
    spec, kind = params.get("IncrementalExportSpecification"), params.get("ExportType")
    if spec is not None and kind is None:
        raise ValidationException("Invalid Request: Export Type expected to be Incremental Export when incremental "
                                  "export specification is provided")
    if spec is not None and kind == "FULL_EXPORT":
        raise ValidationException("Invalid Request: When Export Type is Full Export , Incremental Export "
                                  "Specification should not be provided")
    if kind == INCREMENTAL and spec is None:
        raise ValidationException("Invalid Request: Incremental Export Specification expected when export type is "
                                  "set as Incremental Export")
    if kind == INCREMENTAL and "ExportFromTime" not in spec:
        raise ValidationException("Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification")
    if params.get("S3SseKmsKeyId") and params.get("S3SseAlgorithm") != "KMS":
        raise ValidationException("Invalid Request: KMS Key Id is not supported for this encryption type")


def _earliest(pitr, now_ms) -> float:
    """The start of the recovery window; nothing when recovery is off."""
    if not pitr.get("enabled"):
        return float("inf")
    return max(pitr["since_ms"], now_ms - pitr["days"] * DAY_MS)


def full_export_time(table, params, now_ms) -> int:
    pitr = table.spec.get("PITR") or {}
    if not pitr.get("enabled"):
        raise PointInTimeRecoveryUnavailableException(f"Point in time recovery is not enabled for table "
                                                      f"'{table.name}'")
    if "ExportTime" not in params:
        return now_ms
    at_ms = _ms(params["ExportTime"])
    if at_ms // 1000 < _earliest(pitr, now_ms) // 1000 or at_ms > now_ms:
        raise InvalidExportTimeException("Export Time is invalid")
    if at_ms // 1000 > max(_earliest(pitr, now_ms), now_ms - LATEST_LAG_MS) // 1000:
        # Past the latest restorable time (DescribeContinuousBackups' LatestRestorableDateTime).
        raise InvalidExportTimeException("Point in Time Recovery is not available for specified export time")
    return at_ms


def incremental_window(table, params, now_ms) -> tuple[int, int]:
    """(from, to) in ms: from inclusive, to exclusive; `to` defaults to now."""
    spec = params["IncrementalExportSpecification"]
    from_ms = _ms(spec["ExportFromTime"])
    to_ms = _ms(spec["ExportToTime"]) if "ExportToTime" in spec else now_ms
    # Whole seconds, as the SDKs send these times: EarliestRestorableDateTime itself is a valid start.
    # A table without recovery has no start at all: every window begins too early (recorded reply).
    earliest = _earliest(table.spec.get("PITR") or {}, now_ms)
    if earliest == float("inf") or from_ms // 1000 < earliest // 1000 or from_ms > to_ms:
        raise InvalidExportTimeException("Incremental export period from time cannot be less than the table "
                                         f"creation time : {_second_text(from_ms)}")
    if to_ms > now_ms:
        raise InvalidExportTimeException("Incremental export period to time cannot be greater than the current "
                                         f"time : {_second_text(to_ms)}")
    if to_ms - from_ms < MIN_WINDOW_MS:
        raise InvalidExportTimeException("Difference between export period from time and export period to time is "
                                         "less than 15 minutes")
    if to_ms - from_ms > MAX_WINDOW_MS:
        # No recorded reply for this one: worded as its 15-minute sibling.
        raise InvalidExportTimeException("Difference between export period from time and export period to time is "
                                         "greater than 24 hours")
    return from_ms, to_ms


def request_of(params) -> dict:
    """The members a ClientToken replay is compared on, as JSON-safe values."""
    return {k: _plain(params[k]) for k in REQUEST_MEMBERS if k in params}


def replayed(records, params):
    """The export a ClientToken replay names (None for a new token), or ExportConflictException."""
    token = params.get("ClientToken")
    for record in records:
        if token and record.get("ClientToken") == token:
            if record.get("request") != request_of(params):
                raise ExportConflictException("Export conflict: Duplicate request detected with conflicting "
                                              "parameters")
            return record
    return None


def _plain(value):
    if isinstance(value, datetime):
        return _ms(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _ms(when: datetime) -> int:
    return round(when.timestamp() * 1000)


def _second_text(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
