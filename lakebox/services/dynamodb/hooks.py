"""DynamoDB's hooks (the interface is `lakebox/aws/hooks.py`): the table a request acts
on, for its caller's session policies; and the wire `__type`, the code qualified by the
namespace of whoever raised it.

AWS's DynamoDB front end answers its own errors as
`com.amazonaws.dynamodb.v20120810#ResourceNotFoundException`, input validation as
`com.amazon.coral.validate#ValidationException`, and the request framework's refusals
(signature, authentication, serialization, unknown operation, access) as
`com.amazon.coral.service#<Code>` (recorded replies of DynamoDB in public test suites and
issue threads). botocore keeps only what follows the `#`.
"""
from lakebox.aws.errors import ValidationError
from lakebox.aws.specs import spec_for
from lakebox.services.dynamodb.lookup import table_arn
from lakebox.services.dynamodb.tagging import length_refusal

_SERVICE = "com.amazonaws.dynamodb.v20120810#"
_VALIDATE = "com.amazon.coral.validate#"
_FRAMEWORK = "com.amazon.coral.service#"
_MODELED = frozenset(shape.name for shape in spec_for("dynamodb").model.error_shapes)
# DynamoDB reads a request of 16 MiB (whatever it holds: a 16777216-byte BatchWriteItem
# is answered by the service); one byte more is refused 413 with an empty body (replies
# recorded against DynamoDB, stackd batch_request_size).
MAX_REQUEST_BYTES = 16 * 1024 * 1024


def error_type(code: str) -> str:
    if code == "ValidationException":
        return _VALIDATE + code
    if code == "InternalFailure":       # an unexpected fault: DynamoDB's own 500
        return _SERVICE + "InternalServerError"
    return (_SERVICE if code in _MODELED else _FRAMEWORK) + code


def iam_request(ctx, params):
    """`dynamodb:<Operation>` on the table TableName names (a name or its ARN); requests
    over several tables (batches, transactions, PartiQL) leave the resource unchecked."""
    name = params.get("TableName")
    arn = (name if name.startswith("arn:") else table_arn(ctx.account, ctx.region, name)) if name else None
    return f"dynamodb:{ctx.operation}", arn, None


def validation_error(operation: str, params: dict, message: str):
    """A tag key or value of a length the model refuses gets DynamoDB's tag words (recorded
    replies of DynamoDB); any other fault the model's."""
    return length_refusal(operation, params) or ValidationError(message)
