"""The query protocol of JSON services that were query services (`awsQueryCompatible`:
SQS), for every operation of the installed model: a request serialized by botocore's
query serializer on the query view (`aws.query_compat`) routes and parses to the same
parameters, and a result written in the query protocol reads back with botocore's query
parser, as an SDK of the query era sends and reads them."""
import pytest
from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.endpoint import convert_to_response_dict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

import protocol_kit as kit
from lakebox.aws import query_compat, specs
from lakebox.aws.parse import parse
from lakebox.aws.routing import Route, route
from lakebox.aws.serialize import serialize

SERVICES = [name for name in kit.SERVICE_NAMES if query_compat.query_names(name)]
CASES = [(service, operation) for service in SERVICES for operation in kit.spec(service).model.operation_names]


def query_request(service, operation, params):
    op = specs.query_view_spec(service).operation(operation)
    request_dict = create_serializer("query", include_validation=False).serialize_to_request(params, op)
    prepare_request_dict(request_dict, kit.ENDPOINT)
    prepared = create_request_object(request_dict).prepare()
    headers = {"host": kit.HOST, "authorization": kit.authorization(service), "x-amz-date": "20240506T070809Z"}
    headers.update({k.lower(): v for k, v in prepared.headers.items()})
    return kit.http_request(prepared.method, prepared.url, headers, prepared.body)


@pytest.mark.parametrize("service, operation", CASES, ids=[f"{s}-query-{o}" for s, o in CASES])
def test_query_request_round_trip(service, operation):
    for minimal in (False, True):
        params = kit.example_input(service, operation, minimal)
        req = query_request(service, operation, params)
        req.body = bytes(req.body)
        found = route(req)
        assert (found.spec.name, found.wire, found.operation.name) == (service, "query", operation)
        shape = kit.spec(service).operation(operation).input_shape
        expected = kit.carried(shape, params, "query", "request")
        # An empty top-level list is sent as `Name=`, which reads back as an empty list.
        expected.update({name: [] for name, value in params.items() if value == []})
        assert parse(found, req) == expected, f"minimal={minimal}"


@pytest.mark.parametrize("service, operation", CASES, ids=[f"{s}-query-{o}" for s, o in CASES])
def test_query_response_round_trip(service, operation):
    view = specs.query_view_spec(service)
    op = view.operation(operation)
    for minimal in (False, True):
        result = kit.example_output(service, operation, minimal)
        response = serialize(Route(view, op, {}, "query"), result, "req-id")
        raw = kit.http_response(response)
        parsed = create_parser("query").parse(convert_to_response_dict(raw, op), op.output_shape)
        parsed.pop("ResponseMetadata", None)
        expected = kit.carried(op.output_shape, result, "query", "response") if op.output_shape else result
        assert parsed == expected, f"minimal={minimal}"
