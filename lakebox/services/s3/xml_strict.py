"""S3 holds a configuration's XML to its schema, as recorded from S3 (stackd's
access_raw_replay.json, requester_admission_replay.json, replication_control_replay.json,
abac_controls_replay.json): an element the schema does not name there, or a second copy of
one it names once, is MalformedXML. The root's own name is not checked (S3 takes
`<Other><Payer>Requester</Payer></Other>`)."""
import xml.etree.ElementTree as ET

from lakebox.services.s3 import errors


def check(shape, body: bytes):
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise errors.error("MalformedXML") from None
    _value(shape, root)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _value(shape, element):
    kind = shape.type_name
    if kind == "structure":
        _structure(shape, element)
    elif kind == "list":
        item = shape.member.serialization.get("name", "member")
        for child in element:
            if _local(child.tag) != item:
                raise errors.error("MalformedXML")
            _value(shape.member, child)


def _structure(shape, element):
    named = {}
    for name, member in shape.members.items():
        if member.serialization.get("xmlAttribute"):
            continue
        wire = member.serialization.get("name", name)
        if member.type_name == "list" and member.serialization.get("flattened"):
            named[member.member.serialization.get("name", wire)] = (member.member, True)
            named.setdefault(wire, (member.member, True))
        else:
            named.setdefault(wire, (member, False))
    seen = set()
    for child in element:
        name = _local(child.tag)
        if name not in named or (not named[name][1] and name in seen):
            raise errors.error("MalformedXML")
        seen.add(name)
        _value(named[name][0], child)
