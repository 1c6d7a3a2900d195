"""GetQueryResults: the rows of a result file, read back from S3 as Athena does, with
the typed column metadata; page tokens."""
import base64
import json
import re

from lakebox.engine.types import column_info
from lakebox.services.athena import errors, model, store
from lakebox.services.s3 import public as s3


class OutputError(Exception):
    """The result location cannot be written."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def encode_token(value: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"at": value}).encode()).decode()


def decode_token(token: str | None, default: int = 0) -> int:
    if not token:
        return default
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["at"])
    except (ValueError, KeyError, TypeError):
        raise errors.InvalidRequestException("The NextToken provided is invalid.") from None


# One field of an Athena result file and what ends it: every value is quoted, so an
# unquoted empty field is a NULL (which an empty string `""` is not).
_FIELD = re.compile(r'(?:"((?:[^"]|"")*)"|)(,|\n|$)')


def parse_athena_csv(text: str, start: int = 0, limit: int | None = None) -> tuple[list, int | None]:
    """Up to `limit` rows of an Athena result file from character `start`, and where
    the next row begins (None at the end)."""
    rows, row, position, size = [], [], start, len(text)
    while position < size and (limit is None or len(rows) < limit):
        match = _FIELD.match(text, position)
        value = match.group(1)
        row.append(None if value is None else value.replace('""', '"'))
        position = match.end()
        if match.group(2) != ",":
            rows.append(row)
            row = []
    return rows, (position if position < size else None)


def get_query_results(ctx, params):
    row = store.get_query(ctx.state.db, ctx.account, ctx.region, params["QueryExecutionId"])
    if row is None:
        raise errors.InvalidRequestException(f"QueryExecution {params['QueryExecutionId']} was not found",
                                             AthenaErrorCode="INVALID_INPUT")
    if row["state"] != "SUCCEEDED":
        state = "RUNNING" if row["state"] == "QUEUED" else row["state"]
        if row["state"] in store.ACTIVE:
            raise errors.InvalidRequestException(f"Query has not yet finished. Current state: {state}",
                                                 AthenaErrorCode="INVALID_INPUT")
        raise errors.InvalidRequestException(row["reason"] or f"Query did not finish successfully. "
                                             f"Final query state: {state}", AthenaErrorCode="INVALID_INPUT")
    figures = json.loads(row["figures"] or "{}")
    request = json.loads(row["request"])
    columns = figures.get("columns") or []
    text = row["statement_type"] == "DDL" and row["substatement_type"] != "CREATE_TABLE_AS_SELECT"
    writes = row["substatement_type"] in ("CREATE_TABLE_AS_SELECT", "INSERT", "UNLOAD")
    limit = params.get("MaxResults") or 1000
    served, offset = _position(params.get("NextToken"))
    if writes:                          # no result file: the count of rows written
        columns, page, offset = [("rows", "BIGINT")], [["rows"], [str(figures.get("rows", 0))]][served:], None
    elif figures.get("rows") is None:   # nothing was written (CREATE TABLE ... IF NOT EXISTS of an existing one)
        page, offset = [], None
    else:
        location = figures.get("result_file") or model.result_file(
            request["ResultConfiguration"]["OutputLocation"], row["id"], text)
        body = _read_body(ctx, location)
        if text:
            lines = [line.split("\t") for line in body.splitlines()]
            page, offset = lines[served:served + limit], (served + limit if served + limit < len(lines) else None)
        else:
            page, offset = parse_athena_csv(body, offset, limit)
    answer = {"UpdateCount": figures.get("rows", 0) if writes else 0,
              "ResultSet": {"Rows": [{"Data": [{} if value is None else {"VarCharValue": value} for value in cells]}
                                     for cells in page],
                            "ResultSetMetadata": {"ColumnInfo": [column_info(name, kind) for name, kind in columns]}}}
    if offset is not None:
        answer["NextToken"] = base64.urlsafe_b64encode(
            json.dumps({"served": served + len(page), "offset": offset}).encode()).decode()
    return answer


def _position(token: str | None) -> tuple[int, int]:
    """(rows served before this page, where the page starts in the result file)."""
    if not token:
        return 0, 0
    try:
        found = json.loads(base64.urlsafe_b64decode(token.encode()))
        return int(found["served"]), int(found["offset"])
    except (ValueError, KeyError, TypeError):
        raise errors.InvalidRequestException("The NextToken provided is invalid.") from None


def _read_body(ctx, uri: str) -> str:
    bucket, key = s3.parse_s3_uri(uri)
    try:
        return s3.get_object(ctx.state, bucket, key).decode("utf-8")
    except Exception as error:
        if type(error).__name__ in ("NoSuchKey", "NoSuchBucket"):
            raise errors.InvalidRequestException(f"The query results at {uri} are no longer available",
                                                 AthenaErrorCode="INVALID_INPUT") from None
        raise
