"""Trino's json_parse (and a JSON literal) writes the value it parses with the keys of
every object in order (Jackson's ORDER_MAP_ENTRIES_BY_KEYS in Trino's JsonFunctions);
json_extract keeps the document's order."""
from engine_helpers import result_line


def test_json_parse_orders_the_keys_of_every_object():
    sql = ("SELECT json_parse('{\"b\": {\"d\": 1, \"c\": [{\"y\": 1, \"x\": 2}]}, \"a\": 2}'), "
           "JSON '{\"z\": 1, \"a\": null}', json_format(json_parse('{\"b\": 1, \"a\": \"e\"}'))")
    assert result_line(sql) == ('"{""a"":2,""b"":{""c"":[{""x"":2,""y"":1}],""d"":1}}","{""a"":null,""z"":1}",'
                                '"{""a"":""e"",""b"":1}"')


def test_json_extract_keeps_the_document_order_and_try_still_answers_null():
    sql = "SELECT json_extract('{\"b\": {\"y\": 1, \"x\": 2}}', '$.b'), try(json_parse('nope'))"
    assert result_line(sql) == '"{""y"":1,""x"":2}",'
