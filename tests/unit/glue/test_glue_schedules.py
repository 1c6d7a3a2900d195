"""Crawler cron schedules: parsing, the 5-minute minimum, next firing times (UTC)."""
import datetime as dt

import pytest

from lakebox.services.glue import schedules
from lakebox.services.glue.errors import InvalidInputException


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp()


@pytest.mark.parametrize("expression, after, expected", [
    ("cron(0 2 * * ? *)", "2024-01-01T03:00", "2024-01-02T02:00"),
    ("cron(15 10 ? * MON-FRI *)", "2024-01-05T11:00", "2024-01-08T10:15"),     # Friday -> Monday
    ("cron(0/15 * * * ? *)", "2024-01-01T00:07", "2024-01-01T00:15"),
    ("cron(0 0 L * ? *)", "2024-02-10T00:00", "2024-02-29T00:00"),
    ("cron(30 6 1 JAN,JUL ? *)", "2024-02-01T00:00", "2024-07-01T06:30"),
])
def test_next_fire(expression, after, expected):
    assert schedules.next_fire(expression, at(after)) == at(expected)


def test_a_past_year_never_fires():
    assert schedules.next_fire("cron(0 0 1 1 ? 2020)", at("2024-01-01T00:00")) is None


@pytest.mark.parametrize("expression", [
    "cron(* * * * ? *)", "cron(0/4 * * * ? *)", "cron(0,3 * * * ? *)", "cron(0 2 * * * *)", "cron(0 2 ? * ? *)",
    "rate(1 hour)", "cron(61 * * * ? *)", "cron(0 2 * *)"])
def test_refused(expression):
    with pytest.raises(InvalidInputException):
        schedules.parse(expression)
