"""PartiQL's NextToken: where the next page of a SELECT starts, bound to the statement and
its parameters."""
import base64
import hashlib

import orjson

from lakebox.services.dynamodb import store
from lakebox.services.dynamodb.errors import ValidationException
from lakebox.services.dynamodb.items import wire_item


def token(key: dict, params) -> str:
    """A NextToken: where the next page starts, bound to the statement and its parameters."""
    return base64.urlsafe_b64encode(orjson.dumps({"k": wire_item(key), "s": statement_digest(params)})).decode()


def read_token(token: str, params) -> dict:
    """Where a NextToken's page starts; one minted for another statement or other
    parameters is refused (DynamoDB Local's words; a public record of DynamoDB's answer)."""
    try:
        found = orjson.loads(base64.urlsafe_b64decode(token.encode()))
    except ValueError:
        raise ValidationException("Invalid NextToken") from None
    if not isinstance(found, dict) or not isinstance(found.get("k"), dict):
        raise ValidationException("Invalid NextToken")
    if found.get("s") != statement_digest(params):
        raise ValidationException("NextToken does not match request")
    key = found["k"]
    store.decode_binary(key)
    return key


def statement_digest(params) -> str:
    text = orjson.dumps([params["Statement"], params.get("Parameters") or []],
                        default=lambda v: base64.b64encode(v).decode() if isinstance(v, bytes) else str(v))
    return hashlib.sha256(text).hexdigest()[:32]
