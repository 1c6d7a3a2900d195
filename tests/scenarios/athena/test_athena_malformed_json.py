"""JSON tables over a file with a line that is not a JSON object: the query fails with
HIVE_CURSOR_ERROR in the SerDe's words, unless an OpenX SerDe table says
`'ignore.malformed.json' = 'true'`, when the line is a row of NULLs
(https://repost.aws/knowledge-center/athena-hive-cursor-error; the property is the OpenX
SerDe's alone: https://github.com/awsdocs/amazon-athena-user-guide/issues/22). The
OpenX words are org.json's, recorded in public Athena replies ("A JSONObject text must
end with '}' at 2 [character 3 line 1]", "Expected a ',' or ']' at 4 [character 5 line
1]"); the Hive SerDe's are Jackson's (the Athena JSON SerDe page quotes "Unexpected
end-of-input: expected close marker for OBJECT")."""
import gzip

import pytest

OPENX = "org.openx.data.jsonserde.JsonSerDe"
HIVE = "org.apache.hive.hcatalog.data.JsonSerDe"


@pytest.fixture
def json_table(query, s3, bucket):
    """json_table(name, serde, body, properties='', key='part-0.json'): a table over one file."""
    def make(name, serde, body, properties="", key="part-0.json"):
        s3.put_object(Bucket=bucket, Key=f"{name}/{key}", Body=body)
        with_properties = f" WITH SERDEPROPERTIES ({properties})" if properties else ""
        query(f"CREATE EXTERNAL TABLE {name} (id int, name string) ROW FORMAT SERDE '{serde}'{with_properties} "
              f"LOCATION 's3://{bucket}/{name}/'")
    return make


_BODY = b'{"id": 1, "name": "ann"}\nnot json\n\n{"id": 2, "name": "bob"}\n'


def _failure(query, sql):
    execution, _, _ = query(sql, expect="FAILED")
    status = execution["Status"]
    assert status["AthenaError"]["ErrorCategory"] == 2
    return status["StateChangeReason"]


def test_openx_fails_on_a_line_that_is_not_json(query, json_table):
    json_table("openx_strict", OPENX, _BODY)
    assert _failure(query, "SELECT * FROM openx_strict") == \
        "HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: A JSONObject text must begin with " \
        "'{' at 1 [character 2 line 1]"


@pytest.mark.parametrize("line, words", [
    (b"{", "A JSONObject text must end with '}' at 2 [character 3 line 1]"),
    (b'{"id": 3, "name": "x"', "Expected a ',' or '}' at 22 [character 23 line 1]"),
    (b'{"id": 3, "name": "x', "Unterminated string at 21 [character 22 line 1]"),
    (b'{"id": [1, 2}', "Expected a ',' or ']' at 13 [character 14 line 1]"),
])
def test_openx_words_name_the_character(query, json_table, line, words):
    json_table("openx_words", OPENX, b'{"id": 1, "name": "ann"}\n' + line + b"\n")
    assert _failure(query, "SELECT count(*) FROM openx_words") == \
        f"HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: {words}"


def test_openx_ignoring_malformed_json_reads_a_row_of_nulls(query, json_table):
    json_table("openx_lenient", OPENX, _BODY, "'ignore.malformed.json' = 'true'")
    _, rows, _ = query("SELECT id, name FROM openx_lenient ORDER BY id NULLS LAST")
    assert rows == [["id", "name"], ["1", "ann"], ["2", "bob"], [None, None]]


def test_a_gzipped_file_is_checked_too(query, json_table):
    json_table("openx_gzip", OPENX, gzip.compress(b'{"id": 1}\n[1, 2]\n'), key="part-0.json.gz")
    assert _failure(query, "SELECT * FROM openx_gzip") == \
        "HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: A JSONObject text must begin with " \
        "'{' at 1 [character 2 line 1]"


def test_hive_serde_fails_on_a_line_that_is_not_json(query, json_table):
    json_table("hive_strict", HIVE, _BODY)
    assert _failure(query, "SELECT * FROM hive_strict") == \
        "HIVE_CURSOR_ERROR: JsonParseException: Unrecognized token 'not': was expecting (JSON String, Number, " \
        "Array, Object or token 'null', 'true' or 'false')"


def test_hive_serde_fails_on_a_line_cut_short(query, json_table):
    json_table("hive_cut", HIVE, b'{"id": 1, "name": "ann"}\n{"id": 2,\n')
    assert _failure(query, "SELECT * FROM hive_cut") == \
        "HIVE_CURSOR_ERROR: JsonParseException: Unexpected end-of-input: expected close marker for OBJECT"


def test_hive_serde_ignores_no_malformed_json(query, json_table):
    """ignore.malformed.json is an OpenX SerDe property: the Hive SerDe still fails."""
    json_table("hive_lenient", HIVE, b'{"id": 1}\n{"id": 2,\n', "'ignore.malformed.json' = 'true'")
    assert _failure(query, "SELECT * FROM hive_lenient") == \
        "HIVE_CURSOR_ERROR: JsonParseException: Unexpected end-of-input: expected close marker for OBJECT"


@pytest.mark.parametrize("serde", [OPENX, HIVE])
def test_well_formed_lines_read_as_before(query, json_table, serde):
    json_table("well_formed", serde, b'{"id": 1, "name": "ann"}\n\n{"id": 2, "name": "bob"}\n')
    for _ in range(2):          # the second query reads the file already found whole
        _, rows, _ = query("SELECT id, name FROM well_formed ORDER BY id")
        assert rows == [["id", "name"], ["1", "ann"], ["2", "bob"]]
