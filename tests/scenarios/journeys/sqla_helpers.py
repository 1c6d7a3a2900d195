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
