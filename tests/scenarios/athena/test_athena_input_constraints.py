"""Input that breaks the API's constraints, as Athena answers it (measured against Athena
and published by athena-local, docs/dev/measurements): not the ValidationException of
other JSON services but InvalidRequestException with AthenaErrorCode INVALID_INPUT, in the
usual "1 validation error detected" words; GetQueryResults judges its page size first, in
words of its own. The client here skips botocore's own checks, as a client in another
language (or an older SDK) would."""
import pytest
from botocore.config import Config


@pytest.fixture
def unchecked(lakebox_server):
    return lakebox_server.client("athena", config=Config(parameter_validation=False,
                                                         retries={"total_max_attempts": 1}))


def _refusal(call, **params):
    with pytest.raises(Exception) as caught:
        call(**params)
    response = caught.value.response
    return response["Error"]["Code"], response.get("AthenaErrorCode"), response["Error"]["Message"]


def test_a_missing_required_member_is_an_invalid_request(unchecked):
    assert _refusal(unchecked.get_query_results) == (
        "InvalidRequestException", "INVALID_INPUT",
        "1 validation error detected: Value null at 'queryExecutionId' failed to satisfy constraint: "
        "Member must not be null")


def test_a_listing_past_its_largest_page_is_an_invalid_request(unchecked):
    assert _refusal(unchecked.list_work_groups, MaxResults=51) == (
        "InvalidRequestException", "INVALID_INPUT",
        "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 50")


def test_a_result_page_past_1000_rows_is_refused_in_athenas_words(unchecked):
    code, athena_code, message = _refusal(unchecked.get_query_results,
                                          QueryExecutionId="5f7ab0a6-0f5c-4b5e-9a8c-0a1b2c3d4e5f",
                                          MaxResults=5000)
    assert (code, athena_code, message) == ("InvalidRequestException", "INVALID_INPUT",
                                            "MaxResults is more than maximum allowed length 1000")
