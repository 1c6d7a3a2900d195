"""What every DDL module shares: the failure DDL reports, and how statements name tables
and properties."""
import re

from lakebox.services.athena.statements import split_name


class DdlFailure(Exception):
    """A DDL statement that failed: `error_name` and `message` as Athena reports them."""

    def __init__(self, message: str, error_name: str = "DDL"):
        super().__init__(message)
        self.message = message
        self.error_name = error_name


def table_name(statement, database):
    return split_name(statement.args["table"], statement.args.get("db") or database)


def properties(text: str) -> dict:
    """`'k' = 'v', ...` (DBPROPERTIES, TBLPROPERTIES) as a dict."""
    return dict(re.findall(r"'([^']*)'\s*=\s*'([^']*)'", text))
