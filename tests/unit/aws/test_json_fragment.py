"""A member returned as a `JsonFragment` (JSON already in its wire form) is written into
the body as it is: the same bytes as the value itself on the JSON protocols, and read
back into values on the CBOR wire."""
import json

import cbor2

from lakebox.aws.routing import Route
from lakebox.aws.serialize import JsonFragment, json_bytes, serialize
from lakebox.aws.specs import spec_for

ROWS = [{"Data": [{"VarCharValue": "a\"b\n"}, {}]}, {"Data": [{"VarCharValue": "é"}]}]


def _answer(rows) -> dict:
    return {"ResultSet": {"Rows": rows, "ResultSetMetadata": {"ColumnInfo": []}}, "NextToken": "t"}


def _route(wire: str) -> Route:
    spec = spec_for("athena")
    return Route(spec, spec.operation("GetQueryResults"), {}, wire)


def test_a_fragment_is_written_as_the_value_would_be():
    plain = serialize(_route("json"), _answer(ROWS), "request").body
    fragment = serialize(_route("json"), _answer(JsonFragment(json_bytes(ROWS))), "request").body
    assert fragment == plain and json.loads(fragment)["ResultSet"]["Rows"] == ROWS


def test_a_fragment_in_a_member_with_an_encoder_is_left_as_it_is():
    # Kinesis GetRecords' Records hold blobs (base64 in JSON): a fragment skips the encoder.
    spec = spec_for("kinesis")
    records = [{"SequenceNumber": "1", "Data": "aGk=", "PartitionKey": "k"}]
    body = serialize(Route(spec, spec.operation("GetRecords"), {}, "json"),
                     {"Records": JsonFragment(json_bytes(records))}, "request").body
    assert json.loads(body)["Records"] == records


def test_the_cbor_wire_reads_a_fragment_back():
    body = serialize(_route("cbor"), _answer(JsonFragment(json_bytes(ROWS))), "request").body
    assert cbor2.loads(body)["ResultSet"]["Rows"] == ROWS
