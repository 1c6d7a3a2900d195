"""Every operation of every served service, sent inputs that break its shapes (client
validation off): the server answers each one with an AWS-shaped error or a result, never
a 5xx. Inputs come from a seeded generator over the botocore model, so a failure is
reproducible: the message names the operation and the parameters sent."""
import json
import random

import botocore
import botocore.exceptions as client_errors
import pytest
from botocore.config import Config

pytestmark = pytest.mark.local_only     # floods a clean lakebox with nonsense

SERVICES = ["s3", "kinesis", "firehose", "dynamodb", "dynamodbstreams", "sqs", "glue", "athena", "kms", "sts"]
TRIES_PER_OPERATION = 6
ODD_VALUES = ["", "x" * 2000, -1, 0, 10**20, "\u0000\u0007", "../..", "*", "arn:aws:x", None, [], {}, True, 1.5]
PLAIN_STRINGS = ["test", "a-b_c", "s3://bucket/key", "arn:aws:kms:us-east-1:000000000000:key/abc", "0" * 10, ""]
# Errors the client raises before or after the wire (it cannot build the URL or the body
# from such input, or cannot read a reply that is not for it): not the server's doing.
CLIENT_SIDE = (client_errors.ParamValidationError, client_errors.EndpointResolutionError,
               client_errors.FlexibleChecksumError, client_errors.EndpointConnectionError,
               client_errors.UnknownKeyError, TypeError, ValueError, AttributeError, KeyError, RuntimeError)


def odd_input(shape, rng, depth=0):
    """A value for `shape` in which about one value in four is of the wrong kind or size."""
    if rng.random() < 0.25:
        return rng.choice(ODD_VALUES)
    kind = shape.type_name
    if kind == "structure":
        return {name: odd_input(member, rng, depth + 1) for name, member in shape.members.items()
                if depth < 4 and (name in shape.required_members or rng.random() < 0.5)}
    if kind == "list":
        return [odd_input(shape.member, rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if kind == "map":
        return {rng.choice(["k", "a", ""]): odd_input(shape.value, rng, depth + 1) for _ in range(rng.randint(0, 2))}
    if kind == "string":
        return rng.choice(shape.enum or PLAIN_STRINGS)
    if kind in ("integer", "long"):
        return rng.choice([0, 1, 100, -5, 2**40])
    if kind in ("double", "float"):
        return rng.choice([0.5, -1.0, 1e300])
    if kind == "boolean":
        return rng.choice([True, False])
    if kind == "timestamp":
        return rng.choice([0, 1700000000, "2024-01-01T00:00:00Z"])
    return rng.choice([b"", b"abc", b"\xff" * 100])


@pytest.mark.parametrize("service", SERVICES)
def test_no_operation_answers_malformed_input_with_a_server_error(lakebox, service):
    client = lakebox.client(service, config=Config(retries={"total_max_attempts": 1}, parameter_validation=False,
                                                   read_timeout=30))
    model = client.meta.service_model
    rng = random.Random(f"{service}-sweep")
    server_errors = []
    for operation in model.operation_names:
        shape = model.operation_model(operation).input_shape
        for _ in range(TRIES_PER_OPERATION):
            params = odd_input(shape, rng) if shape else {}
            try:
                getattr(client, botocore.xform_name(operation))(**params)
            except client_errors.ClientError as error:
                status = error.response["ResponseMetadata"].get("HTTPStatusCode", 0)
                if status >= 500 and status != 501:      # 501: an operation lakebox does not serve
                    server_errors.append(f"{operation} {status} {json.dumps(params, default=repr)[:300]}")
            except CLIENT_SIDE:
                pass
            except client_errors.ResponseParserError as error:
                server_errors.append(f"{operation} unreadable reply {str(error)[:200]}")
    assert server_errors == []
