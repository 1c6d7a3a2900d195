"""Schema registry definitions: parsed and checked per data format (AVRO, JSON, PROTOBUF),
put in a canonical form (a definition registered again, spaced differently, is the same
version), and judged for compatibility between versions.

Compatibility is Avro's schema resolution (the Avro specification, "Schema Resolution"):
a reader schema can read data written with a writer schema when the types match or are
promoted (int to long, float, double; long to float, double; float to double; string and
bytes), a record field the writer lacks has a default, the writer's enum symbols are the
reader's (or the reader has a default), and every writer union branch is readable. JSON
Schema is judged by what a reader schema accepts of the writer's documents (types may
widen, never narrow; no newly required property; no property closed off; no stricter
bound, length or pattern; a reader's anyOf/oneOf must take each writer branch; local
`$ref`s followed). Protobuf is
judged by its field numbers: a number kept must keep its type and label (`optional`
aside; the varint integer types and bool read as each other).
"""
import json
import re

import fastavro

AVRO_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_PROMOTIONS = {"int": {"long", "float", "double"}, "long": {"float", "double"}, "float": {"double"},
               "string": {"bytes"}, "bytes": {"string"}}


class InvalidDefinition(Exception):
    """A definition that is not a schema of its data format; the message says why."""


# ---------------------------------------------------------------------------
# Parsing, validation and the canonical form


def parse(data_format: str, definition: str):
    """The definition read for its data format, or InvalidDefinition."""
    if data_format == "AVRO":
        return _parse_avro(definition)
    if data_format == "JSON":
        return _parse_json_schema(definition)
    return _parse_protobuf(definition)


def canonical(data_format: str, definition: str) -> str:
    """The definition with its insignificant spacing and the order of its object members
    left out (Glue answered a definition spaced and ordered differently with the version
    holding it: radkawar/stackd testdata/aws/glue/registry_complete.json)."""
    if data_format in ("AVRO", "JSON"):
        try:
            return json.dumps(json.loads(definition), separators=(",", ":"), ensure_ascii=False, sort_keys=True)
        except ValueError:
            return definition.strip()
    return " ".join(_proto_tokens(definition))


_WORD = re.compile(r"[A-Za-z0-9_$]+")


def _load_json(definition: str, what: str):
    try:
        return json.loads(definition)
    except json.JSONDecodeError as error:
        word = _WORD.match(definition, error.pos) if error.msg == "Expecting value" else None
        if word:
            # Glue's (Jackson's) words for a bare word where a value belongs, with the line
            # and column after it (radkawar/stackd testdata/aws/glue/registry_complete.json)
            line = definition.count("\n", 0, word.end()) + 1
            column = word.end() - definition.rfind("\n", 0, word.end())
            raise InvalidDefinition(
                f"Unrecognized token '{word.group()}': was expecting (JSON String, Number, Array, Object or token "
                f"'null', 'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` "
                f"disabled); line: {line}, column: {column}]") from None
        raise InvalidDefinition(f"{what} definition is not valid JSON: {error}") from None


def _parse_avro(definition: str):
    raw = _load_json(definition, "Avro schema")
    try:
        fastavro.parse_schema(raw, _write_hint=False)
    except Exception as error:  # fastavro raises several kinds: each is an invalid schema
        raise InvalidDefinition(f"Invalid Avro schema: {error}") from None
    return AvroSchema(raw)


_JSON_TYPES = {"string", "number", "integer", "object", "array", "boolean", "null"}


def _parse_json_schema(definition: str):
    raw = _load_json(definition, "JSON schema")
    if not isinstance(raw, (dict, bool)):
        raise InvalidDefinition("JSON schema definition must be a JSON object or a boolean")
    _check_json_schema(raw, "#")
    return raw


def _check_json_schema(node, path):
    if isinstance(node, bool):
        return
    if not isinstance(node, dict):
        raise InvalidDefinition(f"{path}: a schema must be a JSON object or a boolean")
    types = node.get("type")
    for name in ([types] if isinstance(types, str) else types if isinstance(types, list) else [types]):
        if types is not None and name not in _JSON_TYPES:
            raise InvalidDefinition(f"{path}/type: {json.dumps(name)} is not a JSON Schema type")
    for key in ("properties", "definitions", "$defs", "patternProperties"):
        members = node.get(key)
        if members is None:
            continue
        if not isinstance(members, dict):
            raise InvalidDefinition(f"{path}/{key}: must be a JSON object")
        for name, sub in members.items():
            _check_json_schema(sub, f"{path}/{key}/{name}")
    for key in ("items", "additionalProperties", "not", "additionalItems"):
        if key in node and not isinstance(node[key], list):
            _check_json_schema(node[key], f"{path}/{key}")
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            if not isinstance(node[key], list) or not node[key]:
                raise InvalidDefinition(f"{path}/{key}: must be a non-empty array")
            for index, sub in enumerate(node[key]):
                _check_json_schema(sub, f"{path}/{key}/{index}")
    if "required" in node and not (isinstance(node["required"], list)
                                   and all(isinstance(n, str) for n in node["required"])):
        raise InvalidDefinition(f"{path}/required: must be an array of strings")


_PROTO_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[A-Za-z_][\w.]*|\d[\w.]*|\S')
_PROTO_COMMENTS = re.compile(r'//[^\n]*|/\*.*?\*/', re.S)
_PROTO_SCALARS = {"double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
                  "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes"}


def _proto_tokens(definition: str) -> list[str]:
    return _PROTO_TOKEN.findall(_PROTO_COMMENTS.sub(" ", definition))


_PROTO_LABELS = ("optional", "required", "repeated")


_PROTO_TOP = {"syntax", "edition", "package", "import", "option", "message", "enum", "service", "extend"}


def _check_top_level(definition: str):
    """A file-level statement starts with one of the file's keywords; Glue (Wire's parser)
    names another word by its line and column (radkawar/stackd
    testdata/aws/glue/registry_complete.json: 'Syntax error in :1:1: unexpected label: not')."""
    text = _PROTO_COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), definition)
    depth, start = 0, True
    for token in _PROTO_TOKEN.finditer(text):
        word = token.group()
        if start and depth == 0 and word != ";" and word not in _PROTO_TOP:
            if re.fullmatch(r"[A-Za-z_][\w.]*", word):
                line = text.count("\n", 0, token.start()) + 1
                column = token.start() - text.rfind("\n", 0, token.start())
                raise InvalidDefinition(f"Syntax error in :{line}:{column}: unexpected label: {word}")
            return
        start = False
        if word == "{":
            depth += 1
        elif word == "}":
            depth -= 1
        if word in (";", "}") and depth == 0:
            start = True


def _parse_protobuf(definition: str):
    """The messages of a .proto file: {message path: {field number: (label and type, name)}}."""
    _check_top_level(definition)
    tokens = _proto_tokens(definition)
    if tokens[:1] == ["syntax"]:
        if len(tokens) < 4 or tokens[1] != "=" or tokens[2].strip("'\"") not in ("proto2", "proto3") \
                or tokens[3] != ";":
            raise InvalidDefinition("Invalid Protobuf schema: the syntax statement must be "
                                    "syntax = \"proto2\"; or syntax = \"proto3\";")
    messages, stack, depth, brackets, start = {}, [], 0, 0, 0
    for i, token in enumerate(tokens):
        if token == "[":
            brackets += 1
        elif token == "]":
            brackets -= 1
        elif token == "{":
            if i >= 2 and tokens[i - 2] in ("message", "enum", "service", "oneof", "extend"):
                stack.append((tokens[i - 2], tokens[i - 1], depth))
                if tokens[i - 2] == "message":
                    messages[".".join(n for k, n, _ in stack if k == "message")] = {}
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                raise InvalidDefinition("Invalid Protobuf schema: unbalanced braces")
            if stack and stack[-1][2] == depth:
                stack.pop()
        elif token == "=" and not brackets and stack and stack[-1][0] in ("message", "oneof") \
                and i + 1 < len(tokens) and tokens[i + 1].isdigit():
            words = tokens[start:i - 1]
            if words and words[0] not in ("option", "reserved", "extensions") \
                    and re.fullmatch(r"[A-Za-z_]\w*", tokens[i - 1]):
                message = ".".join(n for k, n, _ in stack if k == "message")
                label = words[0] if words[0] in _PROTO_LABELS and len(words) > 1 else ""
                field_type = "".join(words[1:] if label else words)
                messages[message][int(tokens[i + 1])] = (f"{label} {field_type}".strip(), tokens[i - 1])
        if token in (";", "{", "}") and not brackets:
            start = i + 1
    if depth != 0 or brackets:
        raise InvalidDefinition("Invalid Protobuf schema: unbalanced braces")
    if not messages:
        raise InvalidDefinition("Invalid Protobuf schema: at least one message must be defined")
    return messages


# ---------------------------------------------------------------------------
# Avro schemas with their named types resolved


_AVRO_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _check_name(name: str, what: str):
    """Avro names: each dotted part starts with a letter or underscore (the specification, "Names")."""
    parts = name.split(".") if what == "name" else [name]
    if not all(_AVRO_NAME.fullmatch(part) for part in parts):
        raise InvalidDefinition(f"Invalid Avro schema: illegal {what}: {name}")


class AvroSchema:
    """An Avro schema as nodes ({"type": ...}) whose named types are kept by full name."""

    def __init__(self, raw):
        self.names = {}
        self.root = self._walk(raw, "")

    def _ref(self, name: str, namespace: str) -> dict:
        if name in AVRO_PRIMITIVES:
            return {"type": name}
        full = name if "." in name or not namespace else f"{namespace}.{name}"
        return {"type": "ref", "name": full, "short": name}

    def _walk(self, node, namespace):
        if isinstance(node, str):
            return self._ref(node, namespace)
        if isinstance(node, list):
            branches = [self._walk(branch, namespace) for branch in node]
            seen = set()
            for branch in branches:
                key = branch.get("name") if branch["type"] in ("record", "enum", "fixed", "ref") else branch["type"]
                if branch["type"] == "union":
                    raise InvalidDefinition("Invalid Avro schema: a union may not immediately contain another union")
                if key in seen:
                    raise InvalidDefinition(f"Invalid Avro schema: duplicate in union: {key}")
                seen.add(key)
            return {"type": "union", "types": branches}
        kind = node.get("type")
        if isinstance(kind, (dict, list)):
            return self._walk(kind, namespace)
        if kind in ("record", "error", "enum", "fixed"):
            name = node["name"]
            _check_name(name, "name")
            own = node.get("namespace", namespace) if "." not in name else name.rpartition(".")[0]
            full = name if "." in name or not own else f"{own}.{name}"
            out = {"type": "record" if kind == "error" else kind, "name": full, "short": full.rpartition(".")[2],
                   "aliases": [a.rpartition(".")[2] for a in node.get("aliases") or []]}
            self.names[full] = out
            if kind in ("record", "error"):
                if not isinstance(node.get("fields"), list):
                    raise InvalidDefinition(f"Invalid Avro schema: record {full} has no fields")
                names = [f["name"] for f in node["fields"]]
                for field_name in names:
                    _check_name(field_name, "field name")
                    if names.count(field_name) > 1:
                        raise InvalidDefinition(f"Invalid Avro schema: duplicate field {field_name} in record {full}")
                out["fields"] = [{"name": f["name"], "type": self._walk(f["type"], own),
                                  "has_default": "default" in f, "aliases": list(f.get("aliases") or [])}
                                 for f in node.get("fields", [])]
            elif kind == "enum":
                out["symbols"] = list(node.get("symbols", []))
                out["has_default"] = "default" in node
            else:
                out["size"] = node.get("size")
            return out
        if kind == "array":
            return {"type": "array", "items": self._walk(node["items"], namespace)}
        if kind == "map":
            return {"type": "map", "values": self._walk(node["values"], namespace)}
        return self._ref(kind, namespace)

    def deref(self, node: dict) -> dict:
        while node["type"] == "ref":
            found = self.names.get(node["name"]) or self.names.get(node["short"])
            if found is None:
                return {"type": node["name"]}
            node = found
        return node


def avro_reads(reader: AvroSchema, writer: AvroSchema) -> str | None:
    """None when data written with `writer` can be read with `reader`, else the first reason not."""
    return _avro_read(reader, reader.root, writer, writer.root, "", set())


def _avro_read(r, r_node, w, w_node, path, seen):
    rn, wn = r.deref(r_node), w.deref(w_node)
    rt, wt = rn["type"], wn["type"]
    if wt == "union":
        for branch in wn["types"]:
            problem = _avro_read(r, rn, w, branch, path, seen)
            if problem:
                return problem
        return None
    if rt == "union":
        if any(_avro_read(r, branch, w, wn, path, seen) is None for branch in rn["types"]):
            return None
        return f"{path or '/'}: the reader's union has no branch for the writer's {wt}"
    if rt != wt:
        if rt in _PROMOTIONS.get(wt, ()):
            return None
        return f"{path or '/'}: the writer's {wt} cannot be read as {rt}"
    if rt in ("record", "enum", "fixed"):
        if rn["short"] != wn["short"] and wn["short"] not in rn["aliases"]:
            return f"{path or '/'}: the writer's {wn['name']} is not the reader's {rn['name']}"
    if rt == "record":
        key = (rn["name"], wn["name"])
        if key in seen:
            return None
        seen.add(key)
        written = {f["name"]: f for f in wn["fields"]}
        for field in rn["fields"]:
            match = next((written[n] for n in [field["name"], *field["aliases"]] if n in written), None)
            where = f"{path}/{field['name']}"
            if match is None:
                if not field["has_default"]:
                    return f"{where}: the reader's field has no default and the writer does not write it"
                continue
            problem = _avro_read(r, field["type"], w, match["type"], where, seen)
            if problem:
                return problem
        return None
    if rt == "enum":
        missing = [s for s in wn["symbols"] if s not in rn["symbols"]]
        if missing and not rn["has_default"]:
            return f"{path or '/'}: the reader's enum lacks the writer's symbols {missing}"
        return None
    if rt == "fixed":
        return None if rn["size"] == wn["size"] else f"{path or '/'}: fixed sizes differ"
    if rt == "array":
        return _avro_read(r, rn["items"], w, wn["items"], path + "/items", seen)
    if rt == "map":
        return _avro_read(r, rn["values"], w, wn["values"], path + "/values", seen)
    return None


# ---------------------------------------------------------------------------
# JSON Schema: does the reader accept every document the writer accepts?


def _json_types(node) -> set | None:
    if not isinstance(node, dict) or "type" not in node:
        return None
    types = node["type"]
    return {types} if isinstance(types, str) else set(types)


_UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
_LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")


def _json_deref(root, node, hops=0):
    """A local `$ref` (`#/definitions/...`, `#/$defs/...`) followed to what it points at."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#") \
            and hops < 32:
        target = root
        for part in [p for p in node["$ref"][1:].split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        if target is None:
            return node
        node, hops = target, hops + 1
    return node


def json_reads(reader, writer) -> str | None:
    """None when every document the writer schema accepts is accepted by the reader schema
    (as far as their keywords say), else the first reason not."""
    return _json_read(reader, reader, writer, writer, "#", set())


def _json_read(r_root, reader, w_root, writer, path, seen) -> str | None:
    reader, writer = _json_deref(r_root, reader), _json_deref(w_root, writer)
    if reader is True or reader == {} or writer is False:
        return None
    if reader is False:
        return f"{path}: the reader accepts nothing"
    if not isinstance(reader, dict) or not isinstance(writer, dict) or (id(reader), id(writer)) in seen:
        return None
    seen = seen | {(id(reader), id(writer))}
    for key in ("anyOf", "oneOf"):
        if isinstance(writer.get(key), list):
            rest = {k: v for k, v in writer.items() if k != key}
            for index, branch in enumerate(writer[key]):
                branch = _json_deref(w_root, branch)
                whole = dict(rest, **branch) if isinstance(branch, dict) else branch
                problem = _json_read(r_root, reader, w_root, whole, f"{path}/{key}/{index}", seen)
                if problem:
                    return problem
            return None
    for key in ("anyOf", "oneOf"):
        if isinstance(reader.get(key), list):
            if not any(_json_read(r_root, branch, w_root, writer, path, seen) is None for branch in reader[key]):
                return f"{path}: no branch of the reader's {key} accepts what the writer allows"
    r_types, w_types = _json_types(reader), _json_types(writer)
    if r_types is not None:
        widened = set(r_types) | ({"integer"} if "number" in r_types else set())
        if w_types is None:
            return f"{path}: the reader narrows an unconstrained type to {sorted(r_types)}"
        narrowed = w_types - widened
        if narrowed:
            return f"{path}: the reader does not accept {sorted(narrowed)}"
    if "enum" in reader:
        if "enum" not in writer or any(v not in reader["enum"] for v in writer["enum"]):
            return f"{path}: the reader's enum does not hold every value the writer allows"
    for key in _UPPER_BOUNDS + _LOWER_BOUNDS:
        if isinstance(reader.get(key), (int, float)) and not isinstance(reader[key], bool):
            theirs = writer.get(key)
            upper = key in _UPPER_BOUNDS
            if not isinstance(theirs, (int, float)) or (theirs > reader[key] if upper else theirs < reader[key]):
                return f"{path}: the reader's {key} {reader[key]} is stricter than the writer's"
    if "pattern" in reader and reader["pattern"] != writer.get("pattern"):
        return f"{path}: the reader's pattern is not the writer's"
    newly_required = set(reader.get("required") or []) - set(writer.get("required") or [])
    if newly_required:
        return f"{path}: the reader requires {sorted(newly_required)}, which the writer may leave out"
    r_props, w_props = reader.get("properties") or {}, writer.get("properties") or {}
    r_extra = reader.get("additionalProperties", True)
    for name, w_sub in w_props.items():
        sub = r_props.get(name, r_extra)
        problem = _json_read(r_root, sub, w_root, w_sub, f"{path}/properties/{name}", seen)
        if problem:
            return problem if name in r_props else f"{path}/properties/{name}: the reader no longer allows it"
    if r_extra is False and writer.get("additionalProperties", True) is not False:
        return f"{path}: the reader closes additional properties the writer allows"
    if isinstance(reader.get("items"), (dict, bool)) and "items" in writer:
        return _json_read(r_root, reader["items"], w_root, writer["items"], f"{path}/items", seen)
    return None


# ---------------------------------------------------------------------------
# Protobuf: a field number keeps its type


_PROTO_VARINTS = {"int32", "int64", "uint32", "uint64", "bool"}    # one wire type, read as each other


def proto_reads(reader: dict, writer: dict) -> str | None:
    """None when no field number the writer uses means another type (or label) to the reader."""
    for message, fields in writer.items():
        for number, (field_type, name) in fields.items():
            kept = reader.get(message, {}).get(number)
            theirs, ours = (t.removeprefix("optional ") if t else t for t in (field_type, kept and kept[0]))
            if kept is not None and theirs != ours and not {theirs, ours} <= _PROTO_VARINTS:
                return f"{message}: field {number} changed type from {field_type} to {kept[0]}"
    return None


def reads(data_format: str, reader, writer) -> str | None:
    """None when the reader schema (parsed) reads what the writer schema wrote."""
    if data_format == "AVRO":
        return avro_reads(reader, writer)
    if data_format == "JSON":
        return json_reads(reader, writer)
    return proto_reads(reader, writer)


def incompatibility(data_format: str, compatibility: str, new, olders: list) -> str | None:
    """Why the new version (parsed) breaks the schema's compatibility with its earlier
    versions (parsed, oldest first, those the mode compares against), or None."""
    if compatibility in ("NONE", "DISABLED") or not olders:
        return None
    against = olders if compatibility.endswith("_ALL") else olders[-1:]
    for old in against:
        if compatibility.startswith(("BACKWARD", "FULL")):
            problem = reads(data_format, new, old)
            if problem:
                return problem
        if compatibility.startswith(("FORWARD", "FULL")):
            problem = reads(data_format, old, new)
            if problem:
                return problem
    return None
