"""Items as Amazon Ion text, the way DynamoDB exports them: one `{Item:{...}}` struct a
line; numbers as Ion decimals, binary as blobs, sets as lists annotated
`$dynamodb_SS` / `$dynamodb_NS` / `$dynamodb_BS`."""
import base64
import json


def ion_line(item: dict) -> bytes:
    return b"{Item:" + _struct(item).encode("utf-8") + b"}\n"


def _struct(members: dict) -> str:
    return "{" + ",".join(f"{json.dumps(name)}:{_value(value)}" for name, value in members.items()) + "}"


def _decimal(text: str) -> str:
    return text if "." in text else text + "."


def _blob(data: bytes) -> str:
    return "{{" + base64.b64encode(data).decode() + "}}"


def _value(value: dict) -> str:
    (kind, body), = value.items()
    if kind == "S":
        return json.dumps(body, ensure_ascii=False)
    if kind == "N":
        return _decimal(body)
    if kind == "B":
        return _blob(body)
    if kind == "BOOL":
        return "true" if body else "false"
    if kind == "NULL":
        return "null"
    if kind == "L":
        return "[" + ",".join(_value(m) for m in body) + "]"
    if kind == "M":
        return _struct(body)
    members = {"SS": lambda m: json.dumps(m, ensure_ascii=False), "NS": _decimal, "BS": _blob}[kind]
    return f"$dynamodb_{kind}::[" + ",".join(members(m) for m in body) + "]"
