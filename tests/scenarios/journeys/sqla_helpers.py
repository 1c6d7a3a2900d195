"""Helpers of the trip12 Athena SQL journeys: a statement's result as Athena's
GetQueryResults gives it (column names and types, then the rows as text), and the
reason of a statement that fails."""
from trip_helpers import athena_execution, athena_failure


def typed_rows(athena, sql, database, output) -> tuple[list, list]:
    """([(column name, type), ...], [[cell text or None, ...], ...]) of a SELECT."""
    execution = athena_execution(athena, sql, database, output)
    pages = list(athena.get_paginator("get_query_results").paginate(
        QueryExecutionId=execution["QueryExecutionId"]))
    columns = [(column["Name"], column["Type"]) for column in pages[0]["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
    rows = [[cell.get("VarCharValue") for cell in row["Data"]] for page in pages for row in page["ResultSet"]["Rows"]]
    return columns, rows[1:]


def refusal(athena, sql, database, output) -> str:
    """The StateChangeReason of a statement that fails."""
    return athena_failure(athena, sql, database, output)


def loaded_table(client, bucket, database, key, body: bytes, ddl: str) -> tuple:
    """Puts `body` at `key` of the bucket and runs `ddl` (a CREATE statement); returns the
    journey's two calls: `rows(sql)` (typed_rows) and `refused(sql)` (refusal)."""
    client("s3").put_object(Bucket=bucket, Key=key, Body=body)
    athena, output = client("athena"), f"s3://{bucket}/results/"
    typed_rows(athena, ddl, database, output)
    return (lambda sql: typed_rows(athena, sql, database, output)), \
        (lambda sql: refusal(athena, sql, database, output))
