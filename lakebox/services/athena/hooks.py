"""Athena's hooks into the pipeline (the interface is `lakebox/aws/hooks.py`): input that
breaks the model's constraints is an InvalidRequestException with AthenaErrorCode
INVALID_INPUT, worded as every Coral service words it ("1 validation error detected: Value
null at 'queryExecutionId' failed to satisfy constraint: Member must not be null", as
measured against Athena), except GetQueryResults' page size, which Athena checks first in
words of its own (recorded: MaxResults 5000)."""
from lakebox.services.athena.errors import InvalidRequestException

MAX_RESULTS_PAGE = 1000


def validation_error(operation, params, message):
    if operation == "GetQueryResults" and (params.get("MaxResults") or 0) > MAX_RESULTS_PAGE:
        message = f"MaxResults is more than maximum allowed length {MAX_RESULTS_PAGE}"
    return InvalidRequestException(message)
