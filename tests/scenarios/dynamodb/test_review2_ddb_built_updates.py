"""An UpdateExpression built from a dict of changes, as application code builds one:
every attribute goes through a name placeholder, so names with dots, dashes or reserved
words work; a blank field name is refused in DynamoDB's words (quoted in public
application code that handles that very reply), and so are the placeholders a
builder forgets to use."""
import pytest
from ddb_helpers import error_of


def _update_from(changes: dict) -> dict:
    """A builder's update_item arguments: SET #n0 = :v0, #n1 = :v1 ..."""
    names = {f"#n{i}": name for i, name in enumerate(changes)}
    values = {f":v{i}": value for i, value in enumerate(changes.values())}
    expression = "SET " + ", ".join(f"#n{i} = :v{i}" for i in range(len(changes)))
    return {"UpdateExpression": expression, "ExpressionAttributeNames": names, "ExpressionAttributeValues": values,
            "ReturnValues": "ALL_NEW"}


@pytest.fixture
def profiles(make_table, resource):
    table = resource.Table(make_table(hash=("user", "S")))
    table.put_item(Item={"user": "ana", "plan": "free"})
    return table


def test_names_with_dots_dashes_and_reserved_words(profiles):
    answer = profiles.update_item(Key={"user": "ana"}, **_update_from(
        {"address.city": "Oslo", "last-login": 1700000000, "status": "active", "plan": "pro"}))
    assert answer["Attributes"] == {"user": "ana", "address.city": "Oslo", "last-login": 1700000000,
                                    "status": "active", "plan": "pro"}
    got = profiles.get_item(Key={"user": "ana"}, ProjectionExpression="#c, #s",
                            ExpressionAttributeNames={"#c": "address.city", "#s": "status"})["Item"]
    assert got == {"address.city": "Oslo", "status": "active"}


def test_a_blank_field_name_is_refused(profiles):
    assert error_of(profiles.update_item, Key={"user": "ana"}, **_update_from({"plan": "pro", "": "oops"})) == (
        "ValidationException", "ExpressionAttributeNames contains invalid value: Empty attribute name for key #n1")
    assert profiles.get_item(Key={"user": "ana"})["Item"] == {"user": "ana", "plan": "free"}


def test_placeholders_the_builder_forgot_to_use(profiles):
    built = _update_from({"plan": "pro"})
    built["ExpressionAttributeNames"]["#extra"] = "note"
    assert error_of(profiles.update_item, Key={"user": "ana"}, **built) == (
        "ValidationException", "Value provided in ExpressionAttributeNames unused in expressions: keys: {#extra}")
    built = _update_from({"plan": "pro"})
    built["ExpressionAttributeValues"][":stale"] = 1
    assert error_of(profiles.update_item, Key={"user": "ana"}, **built) == (
        "ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:stale}")


def test_a_bare_name_that_needs_a_placeholder(profiles):
    assert error_of(profiles.update_item, Key={"user": "ana"}, UpdateExpression="SET signup-date = :t",
                    ExpressionAttributeValues={":t": 1}) == (
        "ValidationException", 'Invalid UpdateExpression: Syntax error; token: "-", near: "signup-date"')
    assert error_of(profiles.update_item, Key={"user": "ana"}, UpdateExpression="SET status = :s",
                    ExpressionAttributeValues={":s": "x"}) == (
        "ValidationException", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: "
                               "status")
