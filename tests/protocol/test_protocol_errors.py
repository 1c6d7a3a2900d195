"""Errors: every error shape of every service, on every wire, as the client reads it.

An action raises a `ServiceError` subclass named like the model's error shape (see
docs/internals.md). `serialize_error` must put it on the wire so that botocore (or the
Java SDK, for x-amz-cbor-1.1) reads the error code it maps to that modeled exception
(`ErrorShape.error_code`), the message, and the model's HTTP status.
"""
import pytest

from lakebox.aws.errors import ServiceError
from lakebox.aws.serialize import serialize_error

import protocol_kit as kit


def _params():
    return [pytest.param(service, wire, id=f"{service}-{wire}")
            for service in kit.SERVICE_NAMES for wire in kit.wires(service)]


def modeled_error(shape):
    """The exception a service declares for an error shape, raised with a message."""
    attrs = {"sender_fault": not shape.metadata.get("fault", False)}
    return type(shape.name, (ServiceError,), attrs)(f"Example message of {shape.name} <&> 'quoted'")


@pytest.mark.parametrize("service, wire", _params())
def test_modeled_errors_round_trip(service, wire):
    spec = kit.spec(service)
    assert spec.model.error_shapes, f"{service} models no errors"
    for shape in spec.model.error_shapes:
        error = modeled_error(shape)
        response = serialize_error(wire, spec, error, "req-id")
        parsed = kit.parse_error(service, wire, response)
        assert (parsed["Code"], parsed["Message"]) == (shape.error_code, error.message), shape.name
        modeled_status = shape.metadata.get("error", {}).get("httpStatusCode")
        if modeled_status:
            assert response.status == modeled_status, shape.name
        else:
            assert 400 <= response.status < 600, shape.name


def test_query_compatible_error_code_goes_in_a_header():
    """A JSON service that was a query service (`awsQueryCompatible`, SQS) whose error
    shape models a query code: the body names the shape, `x-amzn-query-error` the code,
    which is what botocore reports (and maps to the modeled exception)."""
    import copy

    import botocore.model

    from lakebox.aws.specs import ServiceSpec

    data = copy.deepcopy(kit._loader().load_service_model("sqs", "service-2"))
    data["shapes"]["QueueDoesNotExist"]["error"] = {
        "code": "AWS.SimpleQueueService.NonExistentQueue", "httpStatusCode": 400, "senderFault": True}
    spec = ServiceSpec("sqs", botocore.model.ServiceModel(data, service_name="sqs"))
    shape = spec.model.shape_for("QueueDoesNotExist")
    for wire in ("json", "rpcv2cbor"):
        response = serialize_error(wire, spec, modeled_error(shape), "req-id")
        assert kit.response_header(response, "x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender"
        parsed = kit.parse_error("sqs", wire, response)
        assert (parsed["Code"], parsed["QueryErrorCode"], parsed["Type"]) == (
            "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "Sender")


def test_lakebox_errors_keep_their_query_names():
    """lakebox's own validation and expired-token errors have query-protocol names; a
    service's modeled `ExpiredTokenException` (STS) keeps the model's code."""
    from lakebox.aws.errors import ExpiredToken, ValidationError

    sts = kit.spec("sts")
    assert kit.parse_error("sts", "query", serialize_error("query", sts, ValidationError("bad"), "r"))["Code"] \
        == "ValidationError"
    assert kit.parse_error("sts", "query", serialize_error("query", sts, ExpiredToken(), "r"))["Code"] == "ExpiredToken"
    assert kit.parse_error("kinesis", "json", serialize_error("json", kit.spec("kinesis"), ExpiredToken(), "r"))[
        "Code"] == "ExpiredTokenException"
