"""from_iso8601_date as Joda-Time's ISO 8601 date element parser reads a text."""
import datetime

import pytest

from lakebox.engine import dialect
from lakebox.engine.iso8601_dates import from_iso8601_date, iso8601_timestamp_text
from lakebox.engine.strict import FAILURE_PREFIX


@pytest.mark.parametrize("text, day", [
    ("2024-03-05", (2024, 3, 5)), ("2024-W10-2", (2024, 3, 5)), ("2024-065", (2024, 3, 5)),
    ("2024-W10", (2024, 3, 4)), ("2020-W53-5", (2021, 1, 1)), ("2024-03", (2024, 3, 1)), ("2024", (2024, 1, 1)),
])
def test_calendar_week_and_ordinal_dates(text, day):
    assert from_iso8601_date(text) == datetime.date(*day)


@pytest.mark.parametrize("read, text, words", [
    (from_iso8601_date, "2024-13-01",
     'Cannot parse "2024-13-01": Value 13 for monthOfYear must be in the range [1,12]'),
    (from_iso8601_date, "2023-02-29", 'Cannot parse "2023-02-29": Value 29 for dayOfMonth must be in the range [1,28]'),
    (from_iso8601_date, "2024-W53-1",
     'Cannot parse "2024-W53-1": Value 53 for weekOfWeekyear must be in the range [1,52]'),
    (from_iso8601_date, "2024/03/05", 'Invalid format: "2024/03/05" is malformed at "/03/05"'),
    (from_iso8601_date, "soon", 'Invalid format: "soon"'),
    (iso8601_timestamp_text, "2024-03-05T24:00",
     'Cannot parse "2024-03-05T24:00": Value 24 for hourOfDay must be in the range [0,23]'),
    (iso8601_timestamp_text, "2024-03-05 07:08", 'Invalid format: "2024-03-05 07:08" is malformed at " 07:08"'),
    (iso8601_timestamp_text, "later", 'Invalid format: "later"'),
])
def test_unreadable_texts_in_jodas_words(read, text, words):
    with pytest.raises(ValueError) as failed:
        read(text)
    assert str(failed.value) == f"{FAILURE_PREFIX}INVALID_FUNCTION_ARGUMENT:{words}"


def test_the_call_is_the_engines_and_typed_a_date():
    sql = dialect.translate(dialect.parse("SELECT date_trunc('week', from_iso8601_date(s)) FROM t"))
    assert "CAST(LAKEBOX_FROM_ISO8601_DATE(CAST(s AS TEXT)) AS DATE)" in sql


@pytest.mark.parametrize("text, read", [
    ("2024-03-05T07:08:09.123456Z", "2024-03-05T07:08:09.123+00:00"),
    ("2024-03-05T07:08:09-0530", "2024-03-05T07:08:09.000-05:30"),
    ("2024-03-05", "2024-03-05T00:00:00.000+00:00"), ("2024-065T10:30", "2024-03-05T10:30:00.000+00:00"),
])
def test_timestamp_texts_in_the_form_duckdb_reads(text, read):
    assert iso8601_timestamp_text(text) == read

