"""Avro compatibility as Glue judges it: the outcomes Glue recorded for these schemas in
a public test suite validated against AWS (a version that breaks the mode is FAILURE;
FAILURE versions are not compared against afterwards), and what each format refuses."""
import json

import pytest

from lakebox.services.glue import schema_compat

NAME = {"name": "Name", "type": "string"}
AGE = {"name": "Age", "type": "int"}
SALARY = {"name": "Salary", "type": ["null", "int"], "default": None}


def person(*fields):
    return json.dumps({"type": "record", "namespace": "Test", "name": "Person", "fields": [NAME, *fields]})


P, PA, PS, PAS = person(), person(AGE), person(SALARY), person(AGE, SALARY)


def statuses(mode, definitions):
    """The status each version would get, registering them in turn."""
    kept, out = [], []
    for definition in definitions:
        parsed = schema_compat.parse("AVRO", definition)
        failed = kept and schema_compat.incompatibility("AVRO", mode, parsed, kept)
        out.append("FAILURE" if failed else "AVAILABLE")
        if not failed:
            kept.append(parsed)
    return out[-1]


@pytest.mark.parametrize("mode, versions, expected", [
    ("NONE", [PA, P], "AVAILABLE"), ("NONE", [P, PA], "AVAILABLE"),
    ("BACKWARD", [PA, P], "AVAILABLE"), ("BACKWARD", [P, PA], "FAILURE"),
    ("FORWARD", [P, PA], "AVAILABLE"), ("FORWARD", [PA, P], "FAILURE"),
    ("FULL", [P, PA], "FAILURE"), ("FULL", [PA, P], "FAILURE"),
    ("FULL", [P, PS], "AVAILABLE"), ("FULL", [PS, P], "AVAILABLE"),
    ("BACKWARD_ALL", [PAS, PA, P], "AVAILABLE"), ("BACKWARD_ALL", [PAS, P, PA], "FAILURE"),
    ("FORWARD_ALL", [P, PAS, PA], "AVAILABLE"), ("FORWARD_ALL", [PA, PAS, P], "FAILURE"),
    ("FULL_ALL", [P, PAS, PS], "AVAILABLE"), ("FULL_ALL", [P, PS, PAS], "FAILURE"),
])
def test_avro_modes(mode, versions, expected):
    assert statuses(mode, versions) == expected


def test_avro_resolution_rules():
    def reads(reader, writer):
        return schema_compat.avro_reads(schema_compat.parse("AVRO", json.dumps(reader)),
                                        schema_compat.parse("AVRO", json.dumps(writer)))
    assert reads("long", "int") is None and reads("double", "float") is None and reads("int", "long")
    assert reads(["null", "string"], "string") is None and reads("string", ["null", "string"])
    enum = {"type": "enum", "name": "E", "symbols": ["A", "B"]}
    assert reads(enum, dict(enum, symbols=["A"])) is None and reads(dict(enum, symbols=["A"]), enum)
    assert reads(dict(enum, symbols=["A"], default="A"), enum) is None
    node = {"type": "record", "name": "Node", "fields": [
        {"name": "next", "type": ["null", "Node"], "default": None}]}
    assert reads(node, node) is None
    assert reads({"type": "array", "items": "long"}, {"type": "array", "items": "int"}) is None


@pytest.mark.parametrize("data_format, definition", [
    ("AVRO", "not json"), ("AVRO", '{"type": "record", "name": "R"}'),
    ("AVRO", '{"type": "record", "name": "R", "fields": [{"name": "a", "type": "strng"}]}'),
    ("AVRO", '["int", "int"]'), ("AVRO", '["null", ["int"]]'),
    ("AVRO", '{"type": "record", "name": "1R", "fields": []}'),
    ("AVRO", '{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "a", "type": "int"}]}'),
    ("AVRO", '{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "default": "x"}]}'),
    ("JSON", "[1]"), ("JSON", '{"type": "text"}'),
    ("PROTOBUF", 'syntax = "proto3";'), ("PROTOBUF", "message A { string a = 1;"),
    ("PROTOBUF", 'syntax = "proto4";\nmessage A { string a = 1; }'),
])
def test_invalid_definitions(data_format, definition):
    with pytest.raises(schema_compat.InvalidDefinition):
        schema_compat.parse(data_format, definition)


def test_canonical_form_ignores_spacing():
    assert schema_compat.canonical("AVRO", P) == schema_compat.canonical("AVRO", json.dumps(json.loads(P), indent=2))
    assert schema_compat.canonical("PROTOBUF", "message A {\n  string a = 1;\n}") == \
        schema_compat.canonical("PROTOBUF", "message A { string a = 1; }")


def test_protobuf_field_number_keeps_its_type():
    old = schema_compat.parse("PROTOBUF", "message A { string a = 1; int32 b = 2; }")
    assert schema_compat.proto_reads(schema_compat.parse("PROTOBUF", "message A { string a = 1; }"), old) is None
    assert schema_compat.proto_reads(schema_compat.parse("PROTOBUF", "message A { bytes a = 1; }"), old)


def test_json_schema_reader_accepts_what_the_writer_allows():
    address = {"type": "object", "properties": {"zip": {"type": "string"}}}
    base = {"type": "object", "required": ["id"], "definitions": {"A": address},
            "properties": {"id": {"type": "string"}, "addr": {"$ref": "#/definitions/A"}}}

    def variant(**changes):
        return json.loads(json.dumps(dict(base, **changes)))
    reads = schema_compat.json_reads
    assert reads(base, base) is None
    tighter = variant(properties={"id": {"type": "string", "maxLength": 5}, "addr": {"$ref": "#/definitions/A"}})
    assert reads(tighter, base) and reads(base, tighter) is None
    retyped = variant(definitions={"A": {"type": "object", "properties": {"zip": {"type": "integer"}}}})
    assert "zip" in reads(retyped, base)
    either = variant(properties={"id": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                                 "addr": {"$ref": "#/definitions/A"}})
    assert reads(either, base) is None and reads(base, either)
    closed = variant(additionalProperties=False, properties={"id": {"type": "string"}})
    assert reads(closed, base)
    number = {"type": "number"}
    assert reads(number, {"type": "integer"}) is None and reads({"type": "integer"}, number)
    recursive = {"type": "object", "properties": {"next": {"$ref": "#"}}}
    assert reads(recursive, recursive) is None


def test_protobuf_fields_of_a_real_file():
    proto = """syntax = "proto3";
package com.example;
import "google/protobuf/timestamp.proto";
option java_package = "com.example";
message Reading {
  string sensor = 1;
  double value = 2 [deprecated = true];
  map<string, int32> tags = 3;
  repeated string notes = 4;
  google.protobuf.Timestamp at = 5;
  oneof where { string site = 6; int64 zone = 7; }
  enum Kind { KIND_UNKNOWN = 0; KIND_TEMP = 1; }
  Kind kind = 8;
  reserved 9, 10 to 12;
  optional int32 level = 13 [json_name = "lvl"];
  message Inner { bool ok = 1; }
}
service Readings { rpc Get (Reading) returns (Reading); }
"""
    fields = schema_compat.parse("PROTOBUF", proto)
    assert {n: t for n, (t, _) in fields["Reading"].items()} == {
        1: "string", 2: "double", 3: "map<string,int32>", 4: "repeated string", 5: "google.protobuf.Timestamp",
        6: "string", 7: "int64", 8: "Kind", 13: "optional int32"}
    assert fields["Reading.Inner"] == {1: ("bool", "ok")}
    single = schema_compat.parse("PROTOBUF", "message A { string a = 1; }")
    assert schema_compat.proto_reads(schema_compat.parse("PROTOBUF", "message A { repeated string a = 1; }"), single)
    assert schema_compat.proto_reads(schema_compat.parse("PROTOBUF", "message A { optional string a = 1; }"),
                                     single) is None
