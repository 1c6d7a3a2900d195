"""The Regex SerDe reader: whole-line matches, groups as text columns, NULL rows for lines
that do not match, NULL for columns past the last group, Java expressions RE2 lacks."""
import gzip

import pytest

from lakebox.engine import regex_read
from lakebox.engine.base import EngineError


def read(tmp_path, text: bytes, regex: str, columns, compression="none", **serde):
    path = tmp_path / "log"
    path.write_bytes(gzip.compress(text) if compression == "gzip" else text)
    pattern = regex_read.pattern_of({"input.regex": regex, **serde})
    return regex_read.read_table(str(path), "s3://b/log", compression, pattern, columns).to_pylist()


def test_groups_become_columns_and_unmatched_lines_are_null_rows(tmp_path):
    rows = read(tmp_path, b"GET /a 200\n#comment\r\nPOST /b 500\r\n", r"(\S+) (\S+) (\d+)", ["verb", "path", "status"])
    assert rows == [{"verb": "GET", "path": "/a", "status": "200"},
                    {"verb": None, "path": None, "status": None},
                    {"verb": "POST", "path": "/b", "status": "500"}]


def test_the_whole_line_must_match_and_extra_columns_are_null(tmp_path):
    rows = read(tmp_path, b"a b\na b c\n", r"(\S+) (\S+)", ["x", "y", "z"], compression="gzip")
    assert rows == [{"x": "a", "y": "b", "z": None}, {"x": None, "y": None, "z": None}]


def test_lookahead_and_case_insensitive_option(tmp_path):
    rows = read(tmp_path, b"#Fields: x\nok 1\nOK 2\n", r"^(?!#)(ok) (\d)", ["word", "n"],
                **{"input.regex.case.insensitive": "true"})
    assert rows == [{"word": None, "n": None}, {"word": "ok", "n": "1"}, {"word": "OK", "n": "2"}]


def test_a_table_without_an_expression_is_refused():
    with pytest.raises(EngineError) as raised:
        regex_read.pattern_of({})
    assert (raised.value.error_name, raised.value.message) == (
        "HIVE_INVALID_METADATA", 'This table does not have serde property "input.regex"!')


def test_columns_taken_from_named_groups(tmp_path):
    """A grok pattern's expansion: each column takes its field's named group."""
    path = tmp_path / "log"
    path.write_bytes(b"INFO w1 up\nbad\n")
    pattern = regex_read.pattern_of({"input.regex": r"(?P<g0>\w+) (?P<g1>w\d)(?: (up|down))"})
    rows = regex_read.read_table(str(path), "s3://b/log", "none", pattern, ["worker", "level", "extra"],
                                 ["g1", "g0", None]).to_pylist()
    assert rows == [{"worker": "w1", "level": "INFO", "extra": None}, {"worker": None, "level": None, "extra": None}]
