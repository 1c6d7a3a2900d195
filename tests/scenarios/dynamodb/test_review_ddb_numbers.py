"""Numbers far outside DynamoDB's range are refused in its words and change nothing:
a number written by hand or by a buggy serializer must never make the server fail."""
import pytest
from ddb_helpers import error_of

DIGITS = "Attempting to store more than 38 significant digits in a Number"
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"


@pytest.mark.parametrize("number, message", [
    ("1" * 5000, DIGITS), ("1e999999999999", OVERFLOW), ("-7E+400", OVERFLOW), ("1e-999999999999", UNDERFLOW),
    ("0." + "0" * 300 + "1", UNDERFLOW),
])
def test_far_out_of_range_numbers(ddb, make_table, number, message):
    name = make_table()
    for attribute in ({"N": number}, {"NS": ["1", number]}, {"L": [{"N": number}]}):
        assert error_of(ddb.put_item, TableName=name, Item={"pk": {"S": "k"}, "v": attribute}) == (
            "ValidationException", message)
    assert error_of(ddb.update_item, TableName=name, Key={"pk": {"S": "k"}}, UpdateExpression="ADD v :n",
                    ExpressionAttributeValues={":n": {"N": number}}) == (
        "ValidationException", f"ExpressionAttributeValues contains invalid value: {message} for key :n")
    assert ddb.scan(TableName=name)["Items"] == []


def test_edges_of_the_range_are_kept(ddb, make_table):
    name = make_table()
    largest = "9.9999999999999999999999999999999999999E+125"
    ddb.put_item(TableName=name, Item={"pk": {"S": "k"}, "big": {"N": largest}, "small": {"N": "-1E-130"}})
    item = ddb.get_item(TableName=name, Key={"pk": {"S": "k"}})["Item"]
    assert item["big"] == {"N": "99999999999999999999999999999999999999" + "0" * 88}
    assert item["small"] == {"N": "-0." + "0" * 129 + "1"}
