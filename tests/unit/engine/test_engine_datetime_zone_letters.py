"""A Joda pattern names a zone where a z or Z stands outside its quoted text."""
import pytest

from lakebox.engine.datetime_patterns import names_a_zone


@pytest.mark.parametrize("pattern, named", [
    ("yyyy-MM-dd HH:mm Z", True), ("zzzz", True), ("yyyy-MM-dd'T'HH:mm:ss'Z'", False),
    ("HH 'o''clock' z", True), ("HH 'o''clock z'", False), ("yyyy-MM-dd", False),
])
def test_zone_letters_outside_quotes(pattern, named):
    assert names_a_zone(pattern) is named
