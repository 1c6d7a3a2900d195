"""Helpers of the trip10 Athena operations journeys: an Athena refusal as the client sees
it (its code, AthenaErrorCode and message), and an execution waited for to its end."""
import pytest
from botocore.exceptions import ClientError

from trip_helpers import wait_for


def athena_refusal(call, **kwargs) -> tuple:
    """(error code, AthenaErrorCode or None, message) of a call that must fail."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return response["Error"]["Code"], response.get("AthenaErrorCode"), response["Error"]["Message"]


def ended(athena, query_id) -> dict:
    """The QueryExecution of `query_id` once it is SUCCEEDED, FAILED or CANCELLED."""
    def done():
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        return execution if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED") else None
    return wait_for(done)
