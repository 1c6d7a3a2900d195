"""Read a request into boto3-shaped parameters, one reader per protocol.

Every reader is driven by the operation's input shape: names, locations, and types
come from botocore's model, never from tables of our own.
"""
import datetime
import json
import xml.etree.ElementTree as ET

import cbor2

from lakebox.aws import query_compat
from lakebox.aws.errors import InvalidArgument, MalformedInput, MalformedXML, SerializationError
from lakebox.aws.shapes import EPOCH, b64decode, scalar_from_text, to_datetime

try:
    import orjson
    _json_loads = orjson.loads
    _JSON_ERRORS = (orjson.JSONDecodeError, ValueError)
except ImportError:   # pragma: no cover - orjson is a dependency; json is the fallback
    _json_loads = json.loads
    _JSON_ERRORS = (ValueError,)


def parse(route, req) -> dict:
    shape = route.operation.input_shape
    if shape is None:
        return {}
    reader = _READERS[route.wire]
    return reader(shape, req, route)


# --- json and cbor: a document body --------------------------------------------------

def _read_json(shape, req, route) -> dict:
    body = req.body.strip() if req.body else b""
    if body == b"{}":
        return {}
    # An empty or unreadable body is refused with no message at all, as Kinesis answers
    # it (`{"__type":"SerializationException"}`): every AWS SDK sends at least `{}`.
    if not body:
        raise SerializationError()
    try:
        document = _json_loads(body)
    except _JSON_ERRORS:
        raise SerializationError() from None
    if not isinstance(document, dict):
        raise SerializationError("Start of structure or map found where not expected.")
    return _convert_document(shape, document, route.spec.name)


def _epoch_millis(value, *_):
    # cbor2 6 passes the tagged value (plus a flag); its docs speak of the decoder.
    if not isinstance(value, (int, float)) and hasattr(value, "decode"):
        value = value.decode()
    return EPOCH + datetime.timedelta(milliseconds=value)


def _cbor_options():
    """Tag 1 (epoch time) holds seconds in smithy-rpc-v2-cbor (cbor2's own reading), but
    integer *milliseconds* in x-amz-cbor-1.1, as the AWS SDK for Java v2 writes it
    (SdkCborGenerator; AwsCborProtocolFactory's UNIX_TIMESTAMP_MILLIS). Overriding a
    built-in tag needs cbor2 >= 6 (`semantic_decoders`); older ones read seconds."""
    millis = {"semantic_decoders": {1: _epoch_millis}}
    try:
        cbor2.loads(b"\xc1\x00", **millis)
    except TypeError:
        millis = {}
    return {"cbor": millis, "rpcv2cbor": {}}


_CBOR_OPTIONS = _cbor_options()


def _read_cbor(shape, req, route) -> dict:
    if not req.body:
        return {}
    try:
        document = cbor2.loads(req.body, **_CBOR_OPTIONS[route.wire])
    except Exception:   # cbor2 raises a range of errors for bad input
        raise SerializationError("Unable to parse the CBOR request body.") from None
    if not isinstance(document, dict):
        raise SerializationError("Start of structure or map found where not expected.")
    return _convert_document(shape, document, route.spec.name)


def _convert_document(shape, document, service):
    convert = _document_converter(service, shape)
    return convert(document) if convert else document


_CONVERTERS = {}


def _document_converter(service, shape):
    """A function that checks a decoded document's types against the shape and turns
    base64 blobs and wire timestamps into bytes and datetimes."""
    key = (service, shape.name, shape.type_name)
    if key not in _CONVERTERS:
        late = []                       # a recursive shape reaches itself through this
        _CONVERTERS[key] = lambda value: late[0](value)
        late.append(_build_converter(service, shape))
        _CONVERTERS[key] = late[0]
    return _CONVERTERS[key]


def _build_converter(service, shape):
    kind = shape.type_name
    if kind == "structure":
        if shape.metadata.get("document"):
            return _any                  # a document type is any JSON value, left as sent
        members = {name: _document_converter(service, member) for name, member in shape.members.items()}

        def convert_structure(value):
            if not isinstance(value, dict):
                raise _unexpected(value, "a structure")
            for name, item in value.items():
                convert = members.get(name)
                if convert is not None and item is not None:
                    value[name] = convert(item)
            return value
        return convert_structure
    if kind == "list":
        item = _document_converter(service, shape.member)

        def convert_list(value):
            if not isinstance(value, list):
                raise _unexpected(value, "a list")
            return [item(v) if v is not None else v for v in value]
        return convert_list
    if kind == "map":
        item = _document_converter(service, shape.value)

        def convert_map(value):
            if not isinstance(value, dict):
                raise _unexpected(value, "a map")
            return {k: item(v) if v is not None else v for k, v in value.items()}
        return convert_map
    return _SCALAR_CONVERTERS.get(kind, _any)


def _any(value):
    return value


def _scalar(accept, target):
    def convert(value):
        if isinstance(value, bool) != (target == "Boolean") or not isinstance(value, accept):
            raise _unexpected(value, target)
        return value
    return convert


def _blob(value):
    if not isinstance(value, (str, bytes, bytearray)):
        raise _unexpected(value, "Blob")
    return b64decode(value)


def _timestamp(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)) and not hasattr(value, "tzinfo"):
        raise _unexpected(value, "Timestamp")
    return to_datetime(value)


_SCALAR_CONVERTERS = {
    "string": _scalar(str, "String"),
    "integer": _scalar(int, "Integer"),
    "long": _scalar(int, "Long"),
    "float": _scalar((int, float), "Float"),
    "double": _scalar((int, float), "Double"),
    "boolean": _scalar(bool, "Boolean"),
    "blob": _blob,
    "timestamp": _timestamp,
}


def _unexpected(value, target) -> SerializationError:
    """AWS's wording for a JSON value of the wrong kind (the names of its JSON tokens)."""
    if isinstance(value, dict):
        return SerializationError("Start of structure or map found where not expected.")
    if isinstance(value, list):
        return SerializationError("Start of list found where not expected.")
    token = ("TRUE_VALUE" if value else "FALSE_VALUE") if isinstance(value, bool) else \
        "STRING_VALUE" if isinstance(value, str) else "NUMBER_VALUE"
    article = "an" if target[0] in "AEIOU" else "a"
    return SerializationError(f"{token} can not be converted to {article} {target}")


# --- query: form fields named Member.member.1.Key ----------------------------------

def _read_query(shape, req, route) -> dict:
    fields = dict(req.form())
    fields.update({k: v for k, v in req.query if k not in fields})
    params = _query_structure(shape, fields, "")
    query_compat.member_from_path(route.spec.name, shape, params, req)
    return params


def _query_structure(shape, fields, prefix):
    params = {}
    for name, member in shape.members.items():
        key = prefix + member.serialization.get("name", name)
        value = _query_value(member, fields, key)
        if value is not None:
            params[name] = value
    return params


def _query_value(shape, fields, key):
    kind = shape.type_name
    if kind == "structure":
        if not any(k.startswith(key + ".") for k in fields):
            return None
        return _query_structure(shape, fields, key + ".")
    if kind == "list":
        flattened = shape.serialization.get("flattened")
        item_name = shape.member.serialization.get("name", "member")
        base = key if flattened else f"{key}.{item_name}"
        if key in fields and fields[key] == "":
            return []
        items, index = [], 1
        while True:
            item = _query_value(shape.member, fields, f"{base}.{index}")
            if item is None:
                break
            items.append(item)
            index += 1
        if not items and flattened and key in fields and shape.member.type_name == "string":
            # A flattened list's one item named without its index, as the SQS API
            # reference's query examples send it (`AttributeName=All`).
            return [_query_scalar(shape.member, fields[key], key)]
        return items or None
    if kind == "map":
        flattened = shape.serialization.get("flattened")
        base = key if flattened else f"{key}.entry"
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        found, index = {}, 1
        while f"{base}.{index}.{key_name}" in fields:
            found[fields[f"{base}.{index}.{key_name}"]] = _query_value(shape.value, fields, f"{base}.{index}.{value_name}")
            index += 1
        if not found and flattened and f"{base}.{key_name}" in fields:
            # One entry named without its index, as the SQS API reference's query
            # examples send it (`Attribute.Name=Policy&Attribute.Value=...`).
            found[fields[f"{base}.{key_name}"]] = _query_value(shape.value, fields, f"{base}.{value_name}")
        return found or None
    if key not in fields:
        return None
    return _query_scalar(shape, fields[key], key)


def _query_scalar(shape, text, where):
    """A query parameter's value; one that is not of its type (an integer outside 32 bits
    too) is `MalformedInput`."""
    value = _text_scalar(shape, text, where, MalformedInput)
    if shape.type_name == "integer" and not -2 ** 31 <= value < 2 ** 31:
        raise MalformedInput(f"Invalid value {text!r} for {where}")
    return value


def _text_scalar(shape, text, where, error=InvalidArgument):
    """A header's or URI/query parameter's value; one not of its type is `error`
    (InvalidArgument, naming the parameter and its value, as S3 does)."""
    try:
        return scalar_from_text(shape, text)
    except (ValueError, SerializationError):
        if error is InvalidArgument:
            raise error(f"Invalid value {text!r} for {where}", ArgumentName=where, ArgumentValue=text) from None
        raise error(f"Invalid value {text!r} for {where}") from None


# --- rest-json and rest-xml: URI, query string, headers, payload ---------------------

_URI, _QUERY, _HEADER, _HEADERS, _TEXT_HEADER, _TEXT_URI = range(6)
_REST_PLANS = {}
MAX_STEP_LISTS = 64              # per shape: combinations of headers sent and a query or none


class _RestPlan:
    """A rest input shape's reading, worked out once per shape: a step is (location,
    member name, member, wire name, key to look up), in member order. S3's PutObject has
    some forty header members, of which a request sends a handful: the steps a request
    needs (the headers it sends, the query members if it has a query) are picked once
    per such combination, so reading one walks only those. A header or URI label of a
    plain string member is taken as it is (`_TEXT_HEADER`, `_TEXT_URI`): most are."""

    def __init__(self, shape):
        self.steps, self.body_members = [], {}
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            text = member.type_name == "string" and not member.serialization.get("jsonvalue")
            if location == "uri":
                self.steps.append((_TEXT_URI if text else _URI, name, member, wire, wire.rstrip("+")))
            elif location == "querystring":
                self.steps.append((_QUERY, name, member, wire, wire))
            elif location == "header":
                self.steps.append((_TEXT_HEADER if text else _HEADER, name, member, wire, wire.lower()))
            elif location == "headers":
                self.steps.append((_HEADERS, name, member, wire, wire.lower()))
            elif location != "statusCode":
                self.body_members[name] = member
        self.header_keys = frozenset(step[4] for step in self.steps if step[0] in (_HEADER, _TEXT_HEADER))
        self._picked = {}

    def steps_for(self, headers: dict, has_query: bool) -> list:
        sent = self.header_keys.intersection(headers)
        key = (frozenset(sent), has_query)
        steps = self._picked.get(key)
        if steps is None:
            if len(self._picked) >= MAX_STEP_LISTS:
                self._picked.clear()
            steps = self._picked[key] = [
                step for step in self.steps
                if (step[4] in sent if step[0] in (_HEADER, _TEXT_HEADER) else has_query or step[0] != _QUERY)]
        return steps


def _rest_plan(service: str, shape) -> _RestPlan:
    plan = _REST_PLANS.get((service, shape.name))
    if plan is None:
        plan = _REST_PLANS[(service, shape.name)] = _RestPlan(shape)
    return plan


def _read_rest(shape, req, route) -> dict:
    params = {}
    query, headers, labels = req.query, req.headers, route.labels
    plan = _rest_plan(route.spec.name, shape)
    for location, name, member, wire, key in plan.steps_for(headers, bool(query)):
        if location == _TEXT_HEADER:
            params[name] = headers[key]
        elif location == _TEXT_URI:
            value = labels.get(key) if labels else None
            if value is not None:
                params[name] = value
        elif location == _HEADER:
            params[name] = _header_value(member, headers[key], wire)
        elif location == _URI:
            value = labels.get(key) if labels else None
            if value is not None:
                params[name] = _text_scalar(member, value, wire)
        elif location == _QUERY:
            value = _rest_query_value(member, query, wire)
            if value is not None:
                params[name] = value
        elif key in " ".join(headers):      # a prefix's headers (x-amz-meta-*): one C scan finds none
            found = {k[len(key):]: v for k, v in headers.items() if k.startswith(key)}
            if found:
                params[name] = found
    payload = shape.serialization.get("payload")
    if payload:
        value = _read_payload(shape.members[payload], req, route)
        if value is not None:
            params[payload] = value
    elif plan.body_members and req.body:
        params.update(_read_body_members(shape, plan.body_members, req, route))
    return params


def _rest_query_value(shape, query, wire):
    if shape.type_name == "list":
        values = [v for k, v in query if k == wire]
        return [_text_scalar(shape.member, v, wire) for v in values] if values else None
    if shape.type_name == "map":
        return {k: v for k, v in query} or None
    for k, v in query:
        if k == wire:
            return _text_scalar(shape, v, wire)
    return None


def _header_value(shape, value, wire):
    if shape.type_name == "list":
        return [_text_scalar(shape.member, v.strip(), wire) for v in value.split(",") if v.strip()]
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        try:
            return json.loads(b64decode(value))
        except ValueError:
            raise InvalidArgument(f"Invalid JSON in header {wire}") from None
    return _text_scalar(shape, value, wire)


def _read_payload(member, req, route):
    body = req.body
    if member.type_name in ("blob", "string"):
        if not isinstance(body, (bytes, bytearray)):
            return body                      # a SpooledBody: the streaming payload
        if member.type_name == "string":
            return body.decode("utf-8") if body else None
        return bytes(body)
    if not body:
        return None
    if route.spec.protocol == "rest-json":
        return _convert_document(member, _json_document(body), route.spec.name)
    return _xml_value(member, _xml_root(body))


def _read_body_members(shape, members, req, route):
    if route.spec.protocol == "rest-json":
        document = _json_document(req.body)
        picked = {name: document[members[name].serialization.get("name", name)]
                  for name in members if members[name].serialization.get("name", name) in document}
        converted = {}
        for name, value in picked.items():
            convert = _document_converter(route.spec.name, members[name])
            converted[name] = convert(value) if convert and value is not None else value
        return converted
    root = _xml_root(req.body)
    return _xml_structure_members(members, root, _owned_names(shape))


def _json_document(body):
    try:
        document = _json_loads(body)
    except _JSON_ERRORS:
        raise SerializationError("Unable to parse the JSON request body.") from None
    if not isinstance(document, dict):
        raise SerializationError("Start of structure or map found where not expected.")
    return document


# --- XML documents ------------------------------------------------------------------

def _xml_root(body):
    try:
        return ET.fromstring(body)
    except ET.ParseError:
        raise MalformedXML() from None


XML_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def _local(tag):
    return tag.rpartition("}")[2]


def _xml_value(shape, element):
    kind = shape.type_name
    if kind == "structure":
        return _xml_structure_members(shape.members, element, _owned_names(shape))
    if kind == "list":
        item_name = shape.member.serialization.get("name", "member")
        return [_xml_value(shape.member, child) for child in element if _local(child.tag) == item_name]
    if kind == "map":
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        found = {}
        for entry in element:
            parts = {_local(c.tag): c for c in entry}
            if key_name in parts:
                found[parts[key_name].text or ""] = _xml_value(shape.value, parts.get(value_name, ET.Element("v")))
        return found
    if len(element):            # a scalar holds text, never elements (S3: MalformedXML)
        raise MalformedXML()
    text = element.text or ""
    if kind == "boolean":
        # XML Schema's boolean: true, false, 1 or 0, exactly so ('TRUE', 'False', 'yes' and ''
        # are MalformedXML, as S3 answered: radkawar/stackd testdata/aws/s3/inventory_control_replay.json)
        value = XML_BOOLEANS.get(text.strip())
        if value is None:
            raise MalformedXML()
        return value
    try:
        return scalar_from_text(shape, text.strip() if kind != "string" else text)
    except (ValueError, SerializationError):
        raise MalformedXML() from None


_OWNED = {}


def _owned_names(shape):
    """Element names a flattened list of the structure owns: even where a (deprecated)
    scalar member has the same element name (S3's `Event` and `Events`), the elements
    are the list's items."""
    owned = _OWNED.get(shape)
    if owned is None:
        owned = _OWNED[shape] = frozenset(
            m.member.serialization.get("name", m.serialization.get("name", n)) for n, m in shape.members.items()
            if m.type_name == "list" and m.serialization.get("flattened"))
    return owned


def _xml_structure_members(members, element, owned):
    children = {}
    for child in element:
        children.setdefault(_local(child.tag), []).append(child)
    params = {}
    for name, member in members.items():
        wire = member.serialization.get("name", name)
        if owned and member.type_name != "list" and wire in owned:
            continue
        if member.serialization.get("xmlAttribute"):
            attr = next((v for k, v in element.attrib.items() if _local(k) == wire.rpartition(":")[2]), None)
            if attr is not None:
                params[name] = attr
            continue
        if member.type_name == "list" and member.serialization.get("flattened"):
            item_wire = member.member.serialization.get("name", wire)
            found = children.get(wire) or children.get(item_wire)
            if found:
                params[name] = [_xml_value(member.member, c) for c in found]
        elif member.type_name == "map" and member.serialization.get("flattened"):
            found = children.get(wire)
            if found:
                holder = ET.Element("m")
                holder.extend(found)
                params[name] = _xml_value(member, holder)
        elif wire in children:
            params[name] = _xml_value(member, children[wire][0])
    return params


_READERS = {
    "json": _read_json,
    "cbor": _read_cbor,
    "rpcv2cbor": _read_cbor,
    "query": _read_query,
    "rest-json": _read_rest,
    "rest-xml": _read_rest,
}
