"""GetQueryResults: the rows of a result file, read back from S3 as Athena does, with
the typed column metadata; page tokens."""
import base64
import io
import json
import os
import re

from lakebox.aws.serialize import JsonFragment
from lakebox.engine.types import column_info
from lakebox.services.athena import cse, errors, model, result_pages, store
from lakebox.services.s3 import public as s3


class OutputError(Exception):
    """The result location cannot be written."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# The result of a statement that writes data (CTAS, INSERT, UNLOAD, ...): the rows written.
WRITE_COLUMNS = [("rows", "BIGINT")]


# `<id>.csv.metadata`: the result's ColumnInfo as Athena writes it, a protobuf message whose
# field 4 repeats one message per column: 1 catalog, 2 schema, 3 table, 4 name, 5 label,
# 6 type, 7 precision, 8 scale, 9 nullability (1 NOT_NULL, 2 NULLABLE, 3 UNKNOWN),
# 10 case sensitive. (Field numbers as the JDBC drivers that read the file decode them.)
_NULLABILITY = {"NOT_NULL": 1, "NULLABLE": 2, "UNKNOWN": 3}


def metadata_bytes(columns: list[tuple[str, str]]) -> bytes:
    """The `.csv.metadata` file of a result with these (name, DuckDB type) columns."""
    out = bytearray()
    for name, kind in columns:
        info = column_info(name, kind)
        column = (_text(1, info["CatalogName"]) + _text(2, info["SchemaName"]) + _text(3, info["TableName"])
                  + _text(4, info["Name"]) + _text(5, info["Label"]) + _text(6, info["Type"])
                  + _number(7, info["Precision"]) + _number(8, info["Scale"])
                  + _number(9, _NULLABILITY[info["Nullable"]]) + _number(10, int(info["CaseSensitive"])))
        out += _tag(4, 2) + _varint(len(column)) + column
    return bytes(out)


def _tag(number: int, wire_type: int) -> bytes:
    return _varint(number << 3 | wire_type)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _text(number: int, value: str) -> bytes:
    data = value.encode("utf-8")
    return _tag(number, 2) + _varint(len(data)) + data if data else b""


def _number(number: int, value: int) -> bytes:
    return _tag(number, 0) + _varint(value)


def encode_token(value: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"at": value}).encode()).decode()


INVALID_TOKEN = "The NextToken provided is invalid."


def decode_token(token: str | None, default: int = 0, malformed: str = INVALID_TOKEN) -> int:
    """The position a NextToken stands for; `malformed` words the refusal of one this
    listing never gave (`{token}`: the token as sent)."""
    if not token:
        return default
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["at"])
    except (ValueError, KeyError, TypeError):
        raise errors.InvalidRequestException(malformed.format(token=token)) from None


def keyed_page(items: list, params: dict, member: str, key, shown, default: int = 50) -> dict:
    """A listing's page of `items` (in the order of the int `key(item)`), each `shown`
    under `member`, whose NextToken names the last item given rather than a position:
    items deleted between pages (the clean-up loop) move none of those that follow."""
    token = params.get("NextToken")
    if token:
        try:
            after = int(json.loads(base64.urlsafe_b64decode(token.encode()))["after"])
        except (ValueError, KeyError, TypeError):
            raise errors.InvalidRequestException(INVALID_TOKEN) from None
        items = [item for item in items if key(item) > after]
    limit = params.get("MaxResults") or default
    answer = {member: [shown(item) for item in items[:limit]]}
    if len(items) > limit:
        answer["NextToken"] = base64.urlsafe_b64encode(json.dumps({"after": key(items[limit - 1])}).encode()).decode()
    return answer


def page(items: list, params: dict, member: str, default: int = 50, malformed: str = INVALID_TOKEN) -> dict:
    """A listing's page of `items` by MaxResults and NextToken, under `member`."""
    start = decode_token(params.get("NextToken"), malformed=malformed)
    limit = params.get("MaxResults") or default
    answer = {member: items[start:start + limit]}
    if start + limit < len(items):
        answer["NextToken"] = encode_token(start + limit)
    return answer


# One field of an Athena result file and what ends it: every value is quoted, so an
# unquoted empty field is a NULL (which an empty string `""` is not).
_FIELD = re.compile(rb'(?:"((?:[^"]|"")*)"|)(,|\n|\Z)')
_WINDOW = 1 << 20
_ROW_BYTES = 128        # a first guess at a row's size, for the window of a page


def parse_athena_csv(data: bytes, limit: int, at_end: bool) -> tuple[list, int, bool]:
    """Up to `limit` whole rows from the start of `data` (a window of a result file):
    (rows, bytes they took, whether that is all the page needs). A row the window cuts
    off is left for a larger window, unless `at_end` says the file ends there."""
    rows, row, position, taken, size = [], [], 0, 0, len(data)
    while len(rows) < limit and position < size:
        match = _FIELD.match(data, position)
        if match is None or (match.group(2) == b"" and not at_end):
            return rows, taken, False
        value = match.group(1)
        row.append(None if value is None else value.replace(b'""', b'"').decode("utf-8"))
        position = match.end()
        if match.group(2) != b",":
            rows.append(row)
            row, taken = [], position
    return rows, taken, len(rows) >= limit or (at_end and position >= size)


def read_page(path: str | None, offset: int, limit: int) -> tuple[list, int | None]:
    """A page of rows of the result file at `path` from byte `offset`, and where the next
    page starts (None at the end). Reads only a window around the page."""
    if path is None:
        return [], None
    size, window = os.path.getsize(path), _WINDOW
    while True:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read(window)
        at_end = offset + len(data) >= size
        rows, taken, done = parse_athena_csv(data, limit, at_end)
        if done or at_end:
            following = offset + taken
            return rows, (following if following < size else None)
        window *= 4


def read_rows(path: str | None, offset: int, limit: int) -> tuple[JsonFragment, int, int | None]:
    """A page of rows of the result file at `path` from byte `offset` as the `Rows`
    member's JSON (`result_pages`), how many rows it holds, and where the next page starts
    (None at the end)."""
    if path is None:
        return result_pages.rows_fragment([]), 0, None
    size, window = os.path.getsize(path), min(_WINDOW, limit * _ROW_BYTES)
    while True:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read(window)
        at_end = offset + len(data) >= size
        end = result_pages.end_of_rows(data, limit)
        if end is not None or at_end:
            break
        window *= 4
    page = data if end is None else data[:end]
    plain = result_pages.plain_rows(page)
    if plain is None:
        rows, following = read_page(path, offset, limit)
        return result_pages.rows_fragment(rows), len(rows), following
    following = offset + len(page)
    return JsonFragment(plain), page.count(b"\n"), (following if following < size else None)


def get_query_results(ctx, params):
    # Athena's order: the execution must exist, then the page size be allowed, then the
    # query have succeeded, and only then is the NextToken read.
    row = store.get_query(ctx.state.db, ctx.account, ctx.region, params["QueryExecutionId"])
    if row is None:
        raise errors.InvalidRequestException(f"QueryExecution {params['QueryExecutionId']} was not found",
                                             AthenaErrorCode="QUERY_EXECUTION_NOT_FOUND")
    if row["state"] != "SUCCEEDED":
        state = "RUNNING" if row["state"] == "QUEUED" else row["state"]
        if row["state"] in store.ACTIVE:
            raise errors.InvalidRequestException(f"Query has not yet finished. Current state: {state}")
        if json.loads(row["figures"] or "{}").get("hive_failure"):   # a Hive DDL's failure: an empty result
            return {"ResultSet": {"Rows": []}}
        if state == "CANCELLED":     # a cancelled query wrote no results (a capture of real Athena)
            raise errors.InvalidRequestException("Could not find results", AthenaErrorCode="RESULT_NOT_FOUND",
                                                 ErrorCode="RESULT_NOT_FOUND")
        raise errors.InvalidRequestException(f"Query did not finish successfully. Final query state: {state}",
                                             AthenaErrorCode="INVALID_QUERY_EXECUTION_STATE")
    figures = json.loads(row["figures"] or "{}")
    request = json.loads(row["request"])
    columns = figures.get("columns") or []
    text = model.text_result(row["statement_type"], row["substatement_type"])
    writes = row["substatement_type"] in ("CREATE_TABLE_AS_SELECT", "INSERT", "DELETE", "UPDATE", "MERGE",
                                          "OPTIMIZE", "UNLOAD")
    limit = params.get("MaxResults") or 1000
    served, offset = _position(params.get("NextToken"))
    if writes:                          # no result file: the count of rows written
        columns, offset = WRITE_COLUMNS, None
        rows, count = _listed([["rows"], [str(figures.get("rows", 0))]][served:])
    elif figures.get("rows") is None or offset == _END:   # nothing was written (CREATE TABLE ... IF NOT
        (rows, count), offset = _listed([]), None          # EXISTS of an existing one), or nothing is left
    else:
        location = figures.get("result_file") or model.result_file(
            request["ResultConfiguration"]["OutputLocation"], row["id"], text)
        found = _result_object(ctx, location)
        path = cse.result_path(ctx, found, location)      # decrypted when written with CSE_KMS
        if text:
            with open(path, encoding="utf-8") if path else io.StringIO() as f:
                lines = [line.split("\t") for line in f.read().splitlines()]
            if row["substatement_type"] == "EXPLAIN":      # a DML statement: its heading row first
                lines = [[name for name, _ in columns]] + lines
            (rows, count), offset = (_listed(lines[served:served + limit]),
                                     served + limit if served + limit < len(lines) else None)
        else:
            rows, count, offset = read_rows(path, offset, limit)
    answer = {"ResultSet": {"Rows": rows,
                            "ResultSetMetadata": {"ColumnInfo": [column_info(name, kind) for name, kind in columns]}}}
    explained = row["substatement_type"] == "EXPLAIN"     # no UpdateCount for EXPLAIN either
    if (columns or figures.get("rows") is None) and not explained:   # nor for a DDL statement that answered nothing
        answer["UpdateCount"] = figures.get("rows", 0) if writes else 0
    if offset is None and count == limit and not writes:
        offset = _END          # a full page always names a next one, which may be empty
    if offset is not None:
        answer["NextToken"] = base64.urlsafe_b64encode(
            json.dumps({"served": served + count, "offset": offset}).encode()).decode()
    return answer


def _listed(page: list) -> tuple[JsonFragment, int]:
    """(the `Rows` member's JSON, how many rows) of rows given as lists of values."""
    return result_pages.rows_fragment(page), len(page)


_END = -1      # the offset of a page after the last row


def _position(token: str | None) -> tuple[int, int]:
    """(rows served before this page, where the page starts in the result file)."""
    if not token:
        return 0, 0
    try:
        found = json.loads(base64.urlsafe_b64decode(token.encode()))
        return int(found["served"]), int(found["offset"])
    except (ValueError, KeyError, TypeError):
        raise errors.InvalidRequestException(f"Malformed nextPageToken {token}") from None


def _result_object(ctx, uri: str):
    bucket, key = s3.parse_s3_uri(uri)
    try:
        return s3.object_file(ctx.state, bucket, key)
    except Exception as error:
        if type(error).__name__ in ("NoSuchKey", "NoSuchBucket"):
            raise errors.InvalidRequestException(f"The query results at {uri} are no longer available",
                                                 AthenaErrorCode="INVALID_INPUT") from None
        raise
