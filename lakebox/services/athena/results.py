"""GetQueryResults: the rows of a result file, read back from S3 as Athena does, with
the typed column metadata; page tokens."""
import base64
import json

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


def parse_athena_csv(text: str) -> list[list[str | None]]:
    """Rows of an Athena result file: every value quoted, NULL as nothing (so an empty
    string `""` and a NULL stay apart, which the csv module cannot tell)."""
    rows, row, i, size = [], [], 0, len(text)
    while i < size:
        if text[i] == '"':
            end, parts = i + 1, []
            while True:
                close = text.index('"', end)
                parts.append(text[end:close])
                if close + 1 < size and text[close + 1] == '"':
                    parts.append('"')
                    end = close + 2
                    continue
                i = close + 1
                break
            row.append("".join(parts))
        else:
            row.append(None)
        if i >= size or text[i] == "\n":
            rows.append(row)
            row = []
        i += 1
    return rows


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
    if writes:                          # no result file: the count of rows written
        columns, table_rows = [("rows", "BIGINT")], [["rows"], [str(figures.get("rows", 0))]]
    elif figures.get("rows") is None:   # nothing was written (CREATE TABLE ... IF NOT EXISTS of an existing one)
        table_rows = []
    else:
        location = model.result_file(request["ResultConfiguration"]["OutputLocation"], row["id"], text)
        table_rows = _read_rows(ctx, location, text)
    start = decode_token(params.get("NextToken"))
    limit = params.get("MaxResults") or 1000
    page = table_rows[start:start + limit]
    answer = {"UpdateCount": figures.get("rows", 0) if writes else 0,
              "ResultSet": {"Rows": [{"Data": [{} if value is None else {"VarCharValue": value} for value in cells]}
                                     for cells in page],
                            "ResultSetMetadata": {"ColumnInfo": [column_info(name, kind) for name, kind in columns]}}}
    if start + limit < len(table_rows):
        answer["NextToken"] = encode_token(start + limit)
    return answer


def _read_rows(ctx, uri: str, text: bool) -> list[list[str | None]]:
    bucket, key = s3.parse_s3_uri(uri)
    try:
        body = s3.get_object(ctx.state, bucket, key).decode("utf-8")
    except Exception as error:
        if type(error).__name__ in ("NoSuchKey", "NoSuchBucket"):
            raise errors.InvalidRequestException(f"The query results at {uri} are no longer available",
                                                 AthenaErrorCode="INVALID_INPUT") from None
        raise
    if text:
        return [line.split("\t") for line in body.splitlines()]
    return parse_athena_csv(body)
