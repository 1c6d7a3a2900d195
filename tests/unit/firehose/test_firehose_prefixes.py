"""Prefix expressions, Java DateTimeFormatter patterns and object names."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from lakebox.services.firehose import prefixes

MOMENT_MS = int(datetime(2024, 3, 7, 5, 9, 2, 123000, tzinfo=timezone.utc).timestamp() * 1000)


@pytest.mark.parametrize("pattern, expected", [
    ("yyyy/MM/dd/HH/", "2024/03/07/05/"), ("yy-M-d", "24-3-7"), ("'year='yyyy", "year=2024"),
    ("HH:mm:ss.SSS", "05:09:02.123"), ("MMM", "Mar"), ("DDD", "067"), ("'it''s'", "it's"), ("''yyyy''", "'2024'")])
def test_java_format(pattern, expected):
    moment = datetime.fromtimestamp(MOMENT_MS / 1000, tz=timezone.utc)
    assert prefixes.java_format(moment, pattern) == expected


@pytest.mark.parametrize("pattern, expected", [
    ("YYYY/MM/dd", "2024/03/07"), ("Q", "1"), ("QQQ", "Q1"), ("G", "AD"), ("Z", "+0000"), ("xxx", "+00:00"),
    ("XXX", "Z"), ("x", "+00"), ("ZZZZZ", "Z")])
def test_java_format_letters_users_reach_for(pattern, expected):
    """DateTimeFormatter accepts these, so AWS takes a prefix holding them (YYYY, the
    week-based year, is the classic slip for yyyy)."""
    moment = datetime.fromtimestamp(MOMENT_MS / 1000, tz=timezone.utc)
    assert prefixes.java_format(moment, pattern) == expected


@pytest.mark.parametrize("day, expected", [
    ((2020, 12, 31), "2021-w1"), ((2021, 1, 2), "2021-w1"), ((2021, 1, 3), "2021-w2"),
    ((2026, 12, 26), "2026-w52"), ((2026, 12, 27), "2027-w1"), ((2024, 3, 7), "2024-w10"),
    ((2023, 1, 1), "2023-w1"), ((2022, 12, 31), "2022-w53")])
def test_week_based_year_and_week_count_weeks_from_sunday(day, expected):
    """Y and w are the en_US week fields of DateTimeFormatter (weeks from Sunday, week 1
    holds January 1st), not ISO's: 2020-12-31 is ISO's 2020-W53 but Java's 2021, week 1."""
    moment = datetime(*day, 12, tzinfo=timezone.utc)
    assert prefixes.java_format(moment, "YYYY-'w'w") == expected


def test_offsets_in_another_zone():
    moment = datetime.fromtimestamp(MOMENT_MS / 1000, tz=ZoneInfo("Asia/Kolkata"))
    assert [prefixes.java_format(moment, p) for p in ("Z", "x", "xxx", "XXX", "ZZZZ")] == [
        "+0530", "+0530", "+05:30", "+05:30", "GMT+05:30"]


@pytest.mark.parametrize("pattern, expected", [
    ("MMMMM", "M"), ("LLLLL", "M"), ("EEEEE", "T"), ("EEEE", "Thursday"), ("QQQQQ", "1"), ("GGGGG", "A"),
    ("SSSSSSSSS", "123000000")])
def test_five_letters_of_text_are_its_narrow_form(pattern, expected):
    """DateTimeFormatter: "Exactly 5 pattern letters will use the narrow form" (the
    month's or day's initial, the quarter's number, the era's letter)."""
    moment = datetime.fromtimestamp(MOMENT_MS / 1000, tz=timezone.utc)
    assert prefixes.java_format(moment, pattern) == expected


@pytest.mark.parametrize("pattern", ["yyyy'", "HHHH", "b", "yyyy#", "MMMMMM", "EEEEEE", "QQQQQQ", "GGGGGG", "aa",
                                     "SSSSSSSSSS"])
def test_java_format_refuses_bad_patterns(pattern):
    with pytest.raises(ValueError):
        prefixes.java_format(datetime.now(timezone.utc), pattern)


def test_default_prefix_and_error_prefix():
    assert prefixes.evaluate(None, MOMENT_MS, timezone.utc) == "2024/03/07/05/"
    assert prefixes.evaluate("", MOMENT_MS, timezone.utc, error_type="processing-failed") == \
        "processing-failed/2024/03/07/05/"


def test_a_plain_prefix_is_followed_by_the_time_layout_as_written():
    assert prefixes.evaluate("raw/", MOMENT_MS, timezone.utc) == "raw/2024/03/07/05/"
    assert prefixes.evaluate("legacy", MOMENT_MS, timezone.utc) == "legacy2024/03/07/05/"
    assert prefixes.evaluate("raw/!{firehose:random-string}/", MOMENT_MS, timezone.utc).count("/") == 2


def test_custom_time_zone_moves_the_prefix_not_the_name():
    tokyo = prefixes.time_zone("Asia/Tokyo")
    assert prefixes.evaluate(None, MOMENT_MS, tokyo) == "2024/03/07/14/"
    assert prefixes.object_name("s", 3, MOMENT_MS, ".gz").startswith("s-3-2024-03-07-05-09-02-")
    tokyo = prefixes.time_zone("Asia/Tokyo")
    assert prefixes.object_name("s", 3, MOMENT_MS, ".gz", tokyo).startswith("s-3-2024-03-07-14-09-02-")


def test_expressions_are_evaluated():
    text = prefixes.evaluate("c=!{partitionKeyFromQuery:customer}/!{timestamp:yyyy}/!{firehose:random-string}/",
                             MOMENT_MS, timezone.utc, partition_keys={("partitionKeyFromQuery", "customer"): "7"})
    head, year, random, tail = text.split("/")
    assert (head, year, len(random), tail) == ("c=7", "2024", 11, "")
    assert prefixes.evaluate("e/!{firehose:error-output-type}/", MOMENT_MS, timezone.utc,
                             error_type="format-conversion-failed") == "e/format-conversion-failed/"


@pytest.mark.parametrize("prefix, error_prefix, dynamic", [
    ("!{timestamp:yyyy}/", None, False),
    (None, "!{timestamp:yyyy}/", False),
    ("!{firehose:error-output-type}/", "e/", False),
    ("!{firehose:other}/", "e/", False),
    ("!{timestamp:yyyy/", "e/", False),
    ("k=!{partitionKeyFromQuery:k}/", "e/", False),
    ("a/", "e/", True),
    ("k=!{partitionKeyFromQuery:k}/", "e/!{partitionKeyFromQuery:k}/", True),
    ("!{timestamp:yyyy}/", "e/!{timestamp:yyyy}/", False),
])
def test_rules_refuse(prefix, error_prefix, dynamic):
    with pytest.raises(prefixes.PrefixError):
        prefixes.check_prefixes(prefix, error_prefix, dynamic)


@pytest.mark.parametrize("prefix, error_prefix, dynamic", [
    (None, None, False), ("plain/", None, False), ("!{timestamp:yyyy}/", "e/!{firehose:error-output-type}/", False),
    ("k=!{partitionKeyFromQuery:k}/", "e/", True)])
def test_rules_accept(prefix, error_prefix, dynamic):
    prefixes.check_prefixes(prefix, error_prefix, dynamic)


def test_failed_records_follow_a_plain_prefix_when_no_error_prefix_is_set():
    assert prefixes.error_prefix("app/", None, MOMENT_MS, timezone.utc, "processing-failed") == \
        "app/processing-failed/2024/03/07/05/"
    assert prefixes.error_prefix(None, None, MOMENT_MS, timezone.utc, "processing-failed") == \
        "processing-failed/2024/03/07/05/"
    assert prefixes.error_prefix("app/", "e/!{firehose:error-output-type}/", MOMENT_MS, timezone.utc,
                                 "processing-failed") == "e/processing-failed/"
