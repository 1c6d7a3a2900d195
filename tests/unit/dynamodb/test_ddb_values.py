"""Attribute values: number normalisation and range, item sizes, and a key encoding whose
byte order is DynamoDB's order."""
import random
from decimal import Decimal

import pytest

from lakebox.services.dynamodb import values as av
from lakebox.services.dynamodb.errors import ValidationException


def test_encoded_numbers_sort_as_numbers():
    numbers = ["0", "1", "-1", "10", "9.99", "-9.99", "0.001", "-0.001", "1" + "0" * 125, "-" + "9" * 38,
               "0.0000000000000000000000000000000000000000000000000000000000001", "123.456", "123.4561", "-123.456",
               "-123.4561", "2", "-2", "1E-130", "-1E-130"]
    numbers = [av.normalize_number(n) for n in numbers]
    shuffled = numbers[:]
    random.Random(7).shuffle(shuffled)
    by_bytes = sorted(shuffled, key=av.encode_number)
    assert by_bytes == sorted(shuffled, key=Decimal)


def test_encoded_strings_sort_by_utf8_bytes():
    words = ["a", "B", "ä", "ab", "", "z", "\U0001f600", "\uffff"]
    assert sorted(words, key=lambda w: av.encode_key({"S": w})) == sorted(words, key=lambda w: w.encode())


def test_equal_numbers_encode_equally():
    assert av.encode_number(av.normalize_number("1.50")) == av.encode_number(av.normalize_number("15e-1"))


@pytest.mark.parametrize("text, size", [("0", 1), ("1", 2), ("12", 2), ("123", 3), ("-1", 3), ("1.5", 2)])
def test_number_sizes(text, size):
    assert av.number_size(text) == size


def test_item_size_counts_names_values_and_container_overhead():
    item = {"ab": {"S": "xyz"}, "l": {"L": [{"BOOL": True}, {"NULL": True}]}, "m": {"M": {"k": {"S": "v"}}}}
    assert av.item_size(item) == (2 + 3) + (1 + 3 + 2 * (1 + 1)) + (1 + 3 + (1 + 1 + 1))


def test_arithmetic_keeps_38_digits_and_refuses_more():
    assert av.add_numbers("0.1", "0.2") == "0.3"
    assert av.add_numbers("1" * 38, "0", subtract=True) == "1" * 38
    with pytest.raises(ValidationException):
        av.add_numbers("1" * 38, "0.1")


def test_nesting_is_limited_to_32_levels():
    value = {"S": "leaf"}
    for _ in range(32):
        value = {"L": [value]}
    av.check_value(value)
    with pytest.raises(ValidationException) as refused:
        av.check_value({"M": {"deeper": value}})
    assert refused.value.message == "Nesting Levels have exceeded supported limits"
