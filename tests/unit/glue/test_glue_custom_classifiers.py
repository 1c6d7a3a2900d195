"""Custom classifiers on samples: JSON paths, XML row tags, Grok patterns and CSV settings."""
import pytest

from lakebox.services.glue import custom_classifiers as custom
from lakebox.services.glue import infer


def run(builder, spec, text: str):
    data = text.encode()
    return builder(spec)(data, [line for line in text.splitlines() if line.strip()])


@pytest.mark.parametrize("path, expected", [
    ("$[*]", [1, 2]), ("$.items[*].id", [7]), ("$.items[0]", [{"id": 7}]), ("$['items'][*]", [{"id": 7}]),
    ("$.nope", []), ("$.*", [[{"id": 7}]])])
def test_json_paths(path, expected):
    document = [1, 2] if path == "$[*]" else {"items": [{"id": 7}]}
    assert custom.select(document, path) == expected


def test_json_path_classifier_reads_array_items():
    certainty, found = run(custom._json_path, {"Name": "j", "JsonPath": "$.records[*]"},
                           '{"records": [{"a": 1}, {"a": 2.5, "b": "x"}]}')
    assert certainty == 1.0
    assert [(n, infer.hive(t)) for n, t in found.columns] == [("a", "double"), ("b", "string")]
    assert found.details == {"jsonPath": "$.records[*]"}
    assert run(custom._json_path, {"Name": "j", "JsonPath": "$.other[*]"}, '{"records": []}') == (0.0, None)


def test_xml_classifier_uses_its_row_tag():
    certainty, found = run(custom._xml, {"Name": "x", "Classification": "orders", "RowTag": "row"},
                           "<doc><row a='1'><v>x</v></row><row a='2'/><other/></doc>")
    assert certainty == 1.0 and found.classification == "orders" and found.records == 2
    assert [(n, infer.hive(t)) for n, t in found.columns] == [("a", "bigint"), ("v", "string")]
    assert run(custom._xml, {"Name": "x", "Classification": "c", "RowTag": "none"}, "<doc/>") == (0.0, None)


def test_grok_classifier_needs_every_line_to_match():
    spec = {"Name": "g", "Classification": "kv", "GrokPattern": "%{WORD:key}=%{NUMBER:value:int}"}
    certainty, found = run(custom._grok, spec, "a=1\nb=2\n")
    assert certainty == 1.0 and found.columns == [("key", "string"), ("value", "int")]
    assert run(custom._grok, spec, "a=1\nnot it\n") == (0.0, None)


def test_csv_classifier_settings():
    certainty, found = run(custom._csv, {"Name": "c", "Delimiter": ";", "ContainsHeader": "PRESENT"},
                           "x;y\n1;2\n")
    assert certainty == 1.0 and found.columns == [("x", "bigint"), ("y", "bigint")]
    assert found.details["header"] is True
    _, named = run(custom._csv, {"Name": "c", "Delimiter": ";", "Header": ["p", "q"], "ContainsHeader": "ABSENT"},
                   "1;a\n2;b\n")
    assert named.columns == [("p", "bigint"), ("q", "string")] and named.records == 2
    assert run(custom._csv, {"Name": "c", "Delimiter": "|"}, "no pipes here\n")[0] == 0.0
