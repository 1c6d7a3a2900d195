"""Switching TTL on and off as deployment tools do: DynamoDB takes one change per table
in an interval ("Any additional UpdateTimeToLive calls for the same table during this
one hour duration result in a ValidationException", the API reference; the words as
deployment tools quote the reply), so a disable right after an enable is refused until
the hour has passed, while asking for the state TTL is already in says so first."""
import pytest
from ddb_helpers import error_of

TOO_SOON = ("ValidationException", "Time to live has been modified multiple times within a fixed interval")


def _ttl(ddb, table, enabled, attribute="expires_at"):
    return ddb.update_time_to_live(TableName=table, TimeToLiveSpecification={
        "Enabled": enabled, "AttributeName": attribute})["TimeToLiveSpecification"]


def test_a_second_change_within_the_hour_is_refused(ddb, make_table):
    name = make_table()
    assert _ttl(ddb, name, True) == {"Enabled": True, "AttributeName": "expires_at"}
    assert error_of(ddb.update_time_to_live, TableName=name,
                    TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires_at"}) == TOO_SOON
    assert error_of(ddb.update_time_to_live, TableName=name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}) == (
        "ValidationException", "TimeToLive is already enabled")
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


@pytest.mark.local_only
def test_the_next_change_once_the_hour_has_passed(ddb, make_table, clock):
    name = make_table()
    _ttl(ddb, name, True)
    clock(3601)
    assert _ttl(ddb, name, False) == {"Enabled": False, "AttributeName": "expires_at"}
    assert error_of(ddb.update_time_to_live, TableName=name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": "valid_until"}) == TOO_SOON
    clock(3601)
    assert _ttl(ddb, name, True, "valid_until") == {"Enabled": True, "AttributeName": "valid_until"}
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "valid_until"}
