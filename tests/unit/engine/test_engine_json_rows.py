"""json_rows: a JSON table's malformed line worded as its SerDe words it."""
import pytest

from lakebox.engine import json_rows

OPENX, HIVE = "org.openx.data.jsonserde.JsonSerDe", "org.apache.hive.hcatalog.data.JsonSerDe"


@pytest.mark.parametrize("line, words", [
    ("not json", "A JSONObject text must begin with '{' at 1 [character 2 line 1]"),
    ("[1, 2]", "A JSONObject text must begin with '{' at 1 [character 2 line 1]"),
    ("{", "A JSONObject text must end with '}' at 2 [character 3 line 1]"),
    ('{"a":1', "Expected a ',' or '}' at 7 [character 8 line 1]"),
    ('{"a" 1}', "Expected a ':' after a key at 6 [character 7 line 1]"),
    ('{"a":"x', "Unterminated string at 8 [character 9 line 1]"),
    ('{"a":[1 2}', "Expected a ',' or ']' at 10 [character 11 line 1]"),
    ('{"a":}', "Missing value at 5 [character 6 line 1]"),
    ('{"a":1,"a":2}', 'Duplicate key "a"'),
])
def test_openx_words(line, words):
    assert json_rows.openx_error(line) == words


@pytest.mark.parametrize("line", ['{"a": 1}', "  {\"a\": [1, 2], \"b\": {\"c\": null}}  ", '{a: bare}',
                                  '{"a":1} after'])
def test_what_org_json_reads(line):
    assert json_rows.openx_error(line) is None


@pytest.mark.parametrize("line, words", [
    ("{", "Unexpected end-of-input: expected close marker for OBJECT"),
    ('{"a": "x', "Unexpected end-of-input: was expecting closing quote for a string value"),
    ("nope", "Unrecognized token 'nope': was expecting (JSON String, Number, Array, Object or token 'null', "
             "'true' or 'false')"),
    ('{"a": 1 "b": 2}', "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries"),
    ("[1]", "Start token not found where expected"),
])
def test_hive_words(line, words):
    assert json_rows.hive_error(line) == words


def test_first_error_skips_blank_lines_and_names_the_serde():
    lines = ['{"a": 1}', "", "   ", "oops"]
    assert json_rows.first_error(lines, OPENX) == "Row is not a valid JSON Object - JSONException: " \
                                                  "A JSONObject text must begin with '{' at 1 [character 2 line 1]"
    assert json_rows.first_error(lines, HIVE).startswith("JsonParseException: Unrecognized token 'oops'")
    assert json_rows.first_error(lines[:3], OPENX) is None


def test_only_openx_ignores_malformed_json():
    assert json_rows.ignores_malformed(OPENX, {"ignore.malformed.json": "TRUE"})
    assert not json_rows.ignores_malformed(OPENX, {})
    assert not json_rows.ignores_malformed(HIVE, {"ignore.malformed.json": "true"})
