"""XML documents written from botocore shapes (rest-xml bodies, query results, errors)."""
import re
from xml.sax.saxutils import escape, quoteattr

from lakebox.aws.errors import s3_host_id
from lakebox.aws.shapes import b64encode, format_timestamp

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xml_document(root: str, shape, value, namespace=None, declaration=True) -> str:
    parts = [DECLARATION] if declaration else []
    _element(parts, root, shape, value, namespace)
    return "".join(parts)


# Characters XML 1.0 cannot carry at all, not even as references (NUL, most C0 controls).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def error_text(text: str) -> str:
    """Text of an error message, which may echo the caller's input: escaped, and with
    characters XML cannot carry replaced by U+FFFD, so that clients can still parse the
    error instead of failing on the document."""
    return escape(_NOT_XML.sub("\ufffd", text))


def xml_error(code: str, message: str | None, fields: dict, request_id: str) -> bytes:
    """S3's error body: <Error><Code/><Message/>extra fields<RequestId/><HostId/></Error>."""
    parts = [DECLARATION, "<Error><Code>", escape(code), "</Code>"]
    if message is not None:
        parts += ["<Message>", error_text(message), "</Message>"]
    for name, value in fields.items():
        parts += [f"<{name}>", error_text(str(value)), f"</{name}>"]
    parts += ["<RequestId>", request_id, "</RequestId><HostId>", s3_host_id(request_id), "</HostId></Error>"]
    return "".join(parts).encode()


def _element(parts, name, shape, value, namespace=None):
    kind = shape.type_name
    attrs = f' xmlns="{namespace}"' if namespace else ""
    if kind == "structure":
        attrs += _attributes(shape, value)
        parts.append(f"<{name}{attrs}>")
        _structure_members(parts, shape, value)
        parts.append(f"</{name}>")
    elif kind == "list":
        parts.append(f"<{name}{attrs}>")
        item_name = shape.member.serialization.get("name", "member")
        for item in value:
            _element(parts, item_name, shape.member, item)
        parts.append(f"</{name}>")
    elif kind == "map":
        parts.append(f"<{name}{attrs}>")
        _map_entries(parts, shape, value)
        parts.append(f"</{name}>")
    else:
        parts.append(f"<{name}{attrs}>{_text(shape, value)}</{name}>")


def _structure_members(parts, shape, value):
    for member_name, wire, how, member in _body_plan(shape):
        item = value.get(member_name)
        if item is None:
            continue
        if how is _SCALAR:
            parts.append(f"<{wire}>{_text(member, item)}</{wire}>")
        elif how is _FLAT_LIST:
            item_name = member.member.serialization.get("name", wire)
            for entry in item:
                _element(parts, item_name, member.member, entry)
        elif how is _FLAT_MAP:
            _map_entries(parts, member, item, entry_name=wire)
        else:
            _element(parts, wire, member, item)


_SCALAR, _FLAT_LIST, _FLAT_MAP, _NESTED = "scalar", "flat-list", "flat-map", "nested"
_PLANS = {}


def _body_plan(shape) -> list:
    """(member, element name, how to write it, member shape) for each body member of a
    structure, worked out once per shape: responses repeat the same shapes many times."""
    key = (id(getattr(shape, "_shape_resolver", None)), shape.name)
    plan = _PLANS.get(key)
    if plan is None:
        plan = []
        for member_name, member in shape.members.items():
            serialization = member.serialization
            if serialization.get("xmlAttribute") or serialization.get("location") in ("header", "headers", "statusCode"):
                continue
            wire = serialization.get("name", member_name)
            if member.type_name == "list":
                how = _FLAT_LIST if serialization.get("flattened") else _NESTED
            elif member.type_name == "map":
                how = _FLAT_MAP if serialization.get("flattened") else _NESTED
            else:
                how = _NESTED if member.type_name == "structure" else _SCALAR
            plan.append((member_name, wire, how, member))
        _PLANS[key] = plan
    return plan


def _map_entries(parts, shape, value, entry_name="entry"):
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    for key, item in value.items():
        parts.append(f"<{entry_name}><{key_name}>{escape(str(key))}</{key_name}>")
        _element(parts, value_name, shape.value, item)
        parts.append(f"</{entry_name}>")


def _attributes(shape, value):
    """XML attributes of a structure, e.g. S3's <Grantee xsi:type="CanonicalUser">."""
    attrs = ""
    for member_name, member in shape.members.items():
        if member.serialization.get("xmlAttribute") and value.get(member_name) is not None:
            wire = member.serialization.get("name", member_name)
            attrs += f" {wire}={quoteattr(str(value[member_name]))}"
            if ":" in wire:
                prefix = wire.split(":")[0]
                namespace = member.serialization.get("xmlNamespace") or shape.serialization.get("xmlNamespace")
                uri = namespace.get("uri") if isinstance(namespace, dict) else None
                if prefix == "xsi":
                    uri = uri or "http://www.w3.org/2001/XMLSchema-instance"
                if uri:
                    attrs = f" xmlns:{prefix}={quoteattr(uri)}" + attrs
    return attrs


def _text(shape, value) -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return str(format_timestamp(value, shape.serialization.get("timestampFormat", "iso8601")))
    if kind == "blob":
        return b64encode(value)
    return escape(str(value))
